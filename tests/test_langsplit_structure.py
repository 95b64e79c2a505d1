"""Language splitting by a document's structure: real releases whose names cross scripts.

The Hong Kong releases in ../shared/eval/hk-releases give an exact check: each
`mixed/<id>.txt` is the two versions of `docs/` one after the other, so every
sentence has a known side.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bitext.langsplit import classify, script_weights, split_languages
from bitext.model import EN, ZH, LanguageSplit
from bitext.normalize import normalize
from bitext.pipeline import align_document, sentence_sides
from bitext.read import read, read_text

POULTRY = "20251113_cfs_poultry_import_suspension"
LONDON = "20260121_london_eto_art_tech"


def hk_docs(shared_dir: Path) -> Path:
    return shared_dir / "eval" / "hk-releases" / "docs"


def version_lines(shared_dir: Path, release: str, lang: str) -> list[str]:
    text = (hk_docs(shared_dir) / f"{release}.{lang}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def side_paragraphs(split: LanguageSplit, lang: str) -> set[int]:
    """Ids of the paragraphs whose sentences the pipeline puts on the `lang` side."""
    blocks = [b for b in split.blocks if b.lang == lang]
    return {s.paragraph for s in sentence_sides(blocks, lang)}


# --- the 35 Hong Kong releases ----------------------------------------------------------


def manifest(shared_dir: Path) -> list[dict]:
    path = shared_dir / "eval" / "hk-releases" / "manifest.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_sentence_of_every_hk_release_lands_on_its_versions_side(
    shared_dir: Path,
) -> None:
    records = manifest(shared_dir)
    assert len(records) == 35
    wrong = {}
    for rec in records:
        release = rec["id"]
        versions = {
            lang: (hk_docs(shared_dir) / f"{release}.{lang}.txt").read_text(encoding="utf-8")
            for lang in (ZH, EN)
        }
        first, second = (ZH, EN) if rec["layout"] == "zh_then_en" else (EN, ZH)
        path = shared_dir / "eval" / "hk-releases" / "mixed" / f"{release}.txt"
        # The expected sides come from docs/: the mixed file is the one version, a
        # blank line, then the other, so a paragraph's offset says which it came from.
        doc = read(path)
        expected_text = versions[first].strip() + "\n\n" + versions[second].strip()
        assert doc.text.strip() == expected_text, release
        cut = len(versions[first].strip())
        expected = {
            first: {p.id for p in doc.paragraphs if p.start < cut},
            second: {p.id for p in doc.paragraphs if p.start > cut},
        }
        # As the pipeline sees it: normalized (Simplified), then split, then segmented.
        normalized = normalize(doc)
        split = split_languages(normalized)
        for lang in (ZH, EN):
            got = side_paragraphs(split, lang)
            # Every sentence on its version's side, and no paragraph with words left out.
            with_words = {i for i in expected[lang] if classify(doc.paragraphs[i].text)}
            if not with_words <= got <= expected[lang]:
                wrong[(release, lang)] = sorted(got ^ expected[lang])
        if split.layout != rec["layout"]:
            wrong[(release, "layout")] = split.layout
    assert wrong == {}


# --- Chinese frames around Latin names ---------------------------------------------------


def test_chinese_list_of_foreign_place_names_stays_chinese(shared_dir: Path) -> None:
    zh = version_lines(shared_dir, POULTRY, ZH)
    en = version_lines(shared_dir, POULTRY, EN)
    # The enumerated districts: a full-width enumerator, a Latin name, a Han suffix.
    listed = [line for line in zh if line.startswith("（")]
    assert len(listed) == 6
    assert sum(1 for line in listed if any("a" <= c.lower() <= "z" for c in line)) == 5
    assert [classify(line) for line in listed] == [ZH] * 6
    # The list on its own, as an office lays it out: the Chinese list, then the English.
    start = zh.index("有關地區為：")
    zh_list, en_list = zh[start : start + 22], en[start : start + 22]
    doc_text = "\n".join(zh_list) + "\n\n" + "\n".join(en_list) + "\n"
    doc = read_text(doc_text)
    split = split_languages(doc)
    assert split.layout == "zh_then_en"
    assert [b.lang for b in split.blocks] == [ZH, EN]
    assert [p.text for p in split.blocks[0].paragraphs] == zh_list
    assert all(p.lang == ZH for p in split.blocks[0].paragraphs)


def test_chinese_list_typed_with_spaces_stays_chinese_by_its_neighbours(
    shared_dir: Path,
) -> None:
    """The same list as a mainland office types it: no enumerator, a space before the suffix.

    Set apart by spaces, ``Białobrzegi 區`` is mostly Latin letters by weight; what
    makes it Chinese is where it stands (between Chinese lines, far from the
    English version) and the Han suffix it carries.
    """
    zh = version_lines(shared_dir, POULTRY, ZH)
    en = version_lines(shared_dir, POULTRY, EN)
    spaced = [re.sub(r"^（.）(?=[^\W\d_]*[A-Za-z])", "", line) for line in zh]
    spaced = [re.sub(r"(?<=[a-zęł])(?=[區市縣])", " ", line) for line in spaced]
    names = [line for line in spaced if re.search(r"[a-z] [區市縣]$", line)]
    assert names == [
        "Białobrzegi 區",
        "Sulęcin 區",
        "Rhein-Erft-Kreis 區",
        "Dronten 市",
        "Leduc 縣",
    ]
    assert {classify(line) for line in names} == {EN}  # the letters alone say English
    doc = read_text("\n".join(spaced) + "\n\n" + "\n".join(en) + "\n")
    split = split_languages(doc)
    assert split.layout == "zh_then_en"
    assert [b.lang for b in split.blocks] == [ZH, EN]
    assert [p.text for p in split.blocks[0].paragraphs] == spaced
    listed = [p for p in split.blocks[0].paragraphs if p.text in names]
    assert [p.lang for p in listed] == [ZH] * 5
    assert {s.paragraph for s in sentence_sides(split.blocks[:1], ZH)} >= {p.id for p in listed}


def test_a_bare_latin_name_in_the_chinese_list_pairs_with_the_english_one(
    shared_dir: Path,
) -> None:
    # `Leduc` with neither enumerator nor suffix: nothing in the line is Chinese, but
    # the English version writes the same name, `(6) Leduc County`.
    zh = [
        ("Leduc" if line == "（六）Leduc縣" else line)
        for line in version_lines(shared_dir, POULTRY, ZH)
    ]
    en = version_lines(shared_dir, POULTRY, EN)
    assert "Leduc" in zh and "(6) Leduc County" in en
    split = split_languages(read_text("\n".join(zh) + "\n\n" + "\n".join(en) + "\n"))
    assert [b.lang for b in split.blocks] == [ZH, EN]
    leduc = next(p for p in split.blocks[0].paragraphs if p.text == "Leduc")
    assert leduc.lang == ZH
    assert leduc.id in {s.paragraph for s in sentence_sides(split.blocks[:1], ZH)}


def _sample_translated_part(sample_path: Path) -> tuple[list[str], list[str], list[str]]:
    """The sample's non-blank lines, and its six translated Chinese lines and their English."""
    lines = [x.strip() for x in sample_path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return lines, lines[1:7], lines[11:]


def test_interleaved_english_paragraphs_with_chinese_names_are_not_absorbed(
    sample_path: Path,
) -> None:
    # Every English paragraph quotes a Chinese name without brackets: each is an
    # island between Chinese paragraphs and holds Han, but they are translations.
    lines, zh, en = _sample_translated_part(sample_path)
    en = [e.replace("Chongqing", "Chongqing 重慶", 1) for e in en]
    assert all("重慶" in e for e in en)
    # All six with the name, all but the last, or only the first (small next to the rest).
    for kept in (en, [*en[:5], lines[16]], [en[0], *lines[12:]]):
        text = "\n\n".join(f"{z}\n\n{e}" for z, e in zip(zh, kept, strict=True))
        split = split_languages(read_text(text))
        assert split.layout == "interleaved"
        assert [b.lang for b in split.blocks] == [ZH, EN] * 6
        assert [p.lang for b in split.blocks for p in b.paragraphs] == [ZH, EN] * 6


def test_chinese_paragraph_quoting_an_english_event_title_is_chinese(shared_dir: Path) -> None:
    zh = version_lines(shared_dir, LONDON, ZH)
    paragraph = next(line for line in zh if "Wayne McGregor: On The Other Earth" in line)
    # The title as the release sets it: the Chinese title, then the English one in
    # full-width brackets. On its own (a caption, a list of works) it is mostly Latin.
    title = paragraph[paragraph.index("《異．地》") : paragraph.index("）於倫敦") + 1]
    assert title == "《異．地》（Wayne McGregor: On The Other Earth）"
    assert classify(title) == ZH
    # The sentence that names the producers: a Latin company name glued to Han.
    clause = paragraph[paragraph.index("活動亦慶祝") :]
    assert classify(clause) == ZH
    # And inside the whole release, before its English version, it stays on the Chinese side.
    en = version_lines(shared_dir, LONDON, EN)
    lines = [*zh[:3], title, *zh[3:], *en]
    split = split_languages(read_text("\n".join(lines)))
    assert [b.lang for b in split.blocks] == [ZH, EN]
    assert split.blocks[0].paragraphs[3].lang == ZH


@pytest.mark.parametrize(
    "text",
    [
        # Real lines: programme titles in a Chinese list (ccida_fashion_fest), a product
        # name glued to Han (hkma_project_ensemble), a foreign official's name in Chinese.
        "「VIRTUOSE: 高級訂製服的藝術2025」",
        "「WWD x SJ國際時尚商業會議及WWD Fashion Loves Culture時尚盛會」",
        "EnsembleTX建基於Ensemble項目沙盒試驗的豐碩成果",
        "（六）Leduc縣",
    ],
)
def test_latin_set_in_chinese_typography_counts_as_chinese(text: str) -> None:
    zh, en = script_weights(text)
    assert zh > en
    assert classify(text) == ZH


# --- English frames around Chinese names ----------------------------------------------------


def test_english_list_of_chinese_names_in_pinyin_stays_english(shared_dir: Path) -> None:
    """Place names of the toilet attendants' release, pinyin glossed with their characters."""
    release = "20251113_fehd_toilet_attendants"
    en_text = (hk_docs(shared_dir) / f"{release}.en.txt").read_text(encoding="utf-8")
    zh_text = (hk_docs(shared_dir) / f"{release}.zh.txt").read_text(encoding="utf-8")
    names = [("Ma Liu Shui", "馬料水"), ("Fong Ma Po", "放馬莆"), ("Sha Tin", "沙田")]
    names += [("Tai Po", "大埔"), ("Yau Tsim", "油尖")]
    for pinyin, han in names:
        assert pinyin in en_text and han in zh_text
    glossed = [f"{pinyin} ({han})" for pinyin, han in names]
    # Two Han characters weigh as much as a short romanisation: the gloss decided
    # "Tai Po (大埔)" alone, a tie. Set in English typography, it is English.
    assert [classify(line) for line in glossed] == [EN] * len(glossed)
    for line in glossed:
        zh, en = script_weights(line)
        assert zh == 0 and en > 0
    zh_lines = version_lines(shared_dir, release, ZH)
    en_lines = version_lines(shared_dir, release, EN)
    lines = [*zh_lines, *en_lines[:2], "Public toilets of the awardees:", *glossed, *en_lines[2:]]
    split = split_languages(read_text("\n".join(lines)))
    assert [b.lang for b in split.blocks] == [ZH, EN]
    en_block = split.blocks[1].paragraphs
    assert [p.text for p in en_block if "(" in p.text and p.text in glossed] == glossed
    assert all(p.lang == EN for p in en_block)


@pytest.mark.parametrize(
    "text",
    [
        # Mainland typography spaces Latin from Han, brackets included: the gloss is
        # then the Chinese writer's, and the line is Chinese.
        "使用 iPhone (苹果手机)",
        "一种名为 Omicron (奥密克戎) 的变种",
    ],
)
def test_a_gloss_is_english_only_when_it_is_all_the_han(text: str) -> None:
    assert classify(text) == ZH


def test_english_paragraph_quoting_chinese_stays_english_between_chinese_ones(
    sample_path: Path,
) -> None:
    # Interleaved: every paragraph next to its translation. An English paragraph
    # quoting a Chinese name must not be taken for part of the Chinese around it.
    _, zh, en = _sample_translated_part(sample_path)
    en = [e.replace("Chongqing", "Chongqing (重慶)", 1) for e in en]
    assert sum("(重慶)" in e for e in en) >= 3
    text = "\n\n".join(f"{z}\n\n{e}" for z, e in zip(zh, en, strict=True))
    split = split_languages(read_text(text))
    assert split.layout == "interleaved"
    assert [b.lang for b in split.blocks] == [ZH, EN] * 6
    assert [b.paragraphs[0].text for b in split.blocks[1::2]] == en


def test_poultry_release_pairs_every_listed_district_with_its_english(
    shared_dir: Path, use_encoder
) -> None:
    """End to end with the real encoder: each line of the list in a unit with its own English."""
    path = shared_dir / "eval" / "hk-releases" / "mixed" / f"{POULTRY}.txt"
    zh = version_lines(shared_dir, POULTRY, ZH)
    en = version_lines(shared_dir, POULTRY, EN)
    alignment = align_document(path, encoder=use_encoder)
    units = {
        (
            tuple(s.paragraph for s in pair.src_sentences),
            tuple(s.paragraph for s in pair.tgt_sentences),
        )
        for pair in alignment.pairs()
    }
    # The file is the Chinese lines, a blank line, then the English lines, one
    # paragraph a line: line i of the Chinese is paragraph i, its English len(zh) + i.
    listed = range(zh.index("有關地區為："), zh.index("（六）Leduc縣") + 1)
    missing = [(zh[i], en[i]) for i in listed if ((i,), (len(zh) + i,)) not in units]
    assert missing == []
