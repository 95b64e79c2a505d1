"""End to end on the real sample press release: the acceptance of the core pipeline."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import docx
import opencc
import pytest
from lxml import etree

import bitext
import bitext.align as align_stage
from bitext.errors import InputError
from bitext.model import FLAG_DAMAGED
from bitext.pipeline import refuse_if_too_long
from bitext.read import read

# The Chinese paragraphs 1-6 of the sample and the English sentences that
# translate them, by their openings (read off the file by a person).
EXPECTED = [
    ("为深入贯彻落实", ["In order to thoroughly"]),
    ("双方签署合作协议", ["The two parties signed"]),
    ("座谈会上", ["At the meeting"]),
    ("他说，此次签约", ["He said that this signing"]),
    ("也是支持重庆", ["It is also a concrete"]),
    ("下一步", ["In the next step"]),
    ("章勇武表示", ["Zhang Yongwu said"]),
    ("具体而言", ["Specifically"]),
    ("重庆国际传播中心主任赵吾君", ["Zhao Wujun"]),
    ("王雯用", ["Wang Wen used"]),
    ("她表示", ["She hoped", "And taking"]),
    ("市政府外办将与重报集团", ["The Foreign Affairs Office"]),
    ("同时，市政府外办也愿意", ["At the same time"]),
]
UNTRANSLATED = ["贺煜", "据了解", "截至目前", "根据协议", "发布包含", "报道与解读", "双方将通过"]
UNTRANSLATED += ["据悉", "iChongqing将与", "市委外办秘书处"]
PINYIN_AFTER_HAN = re.compile(r"[\u4e00-\u9fff][(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def check_sample_pairs(alignment: bitext.Alignment) -> None:
    """The acceptance: every translated Chinese sentence paired with its English, nothing else."""
    pairs = list(alignment.pairs())
    assert len(pairs) == len(EXPECTED)
    for pair, (zh_start, en_starts) in zip(pairs, EXPECTED, strict=True):
        assert len(pair.src_sentences) == 1, pair.src
        assert pair.src.startswith(zh_start), pair.src
        assert len(pair.tgt_sentences) == len(en_starts), pair.tgt
        openings = [s.text[: len(e)] for s, e in zip(pair.tgt_sentences, en_starts, strict=True)]
        assert openings == en_starts
    paired = {i for b in alignment.beads if b.is_pair for i in b.src}
    lonely = [s.text for i, s in enumerate(alignment.src) if i not in paired]
    assert len(alignment.src) == len(EXPECTED) + len(lonely)
    for start in UNTRANSLATED:
        assert any(t.startswith(start) for t in lonely), start
    assert all(b.src for b in alignment.beads), "every English sentence has a Chinese one"


@pytest.fixture(scope="module")
def sample_alignment(sample_path: Path, use_encoder) -> bitext.Alignment:
    return bitext.align_document(sample_path, encoder=use_encoder)


def test_sample_pairs_every_translated_sentence(sample_alignment):
    assert len(sample_alignment.src) == 23
    assert len(sample_alignment.tgt) == 14
    check_sample_pairs(sample_alignment)


def test_she_said_is_one_sentence_in_a_1_2_unit(sample_alignment):
    kinds = {p.src[:3]: p.kind for p in sample_alignment.pairs()}
    assert kinds["她表示"] == "1-2"
    assert sum(k != "1-1" for k in kinds.values()) == 1


def test_damaged_sentence_stays_whole_and_is_flagged(sample_alignment):
    pair = next(p for p in sample_alignment.pairs() if p.src.startswith("具体而言"))
    assert FLAG_DAMAGED in pair.flags
    assert pair.src.endswith("转型升级。")  # one sentence through to its real end
    assert pair.tgt.startswith("Specifically")
    undamaged = [p for p in sample_alignment.pairs() if p.src.startswith("双方签署")]
    assert undamaged[0].flags == ()


def test_no_pinyin_and_simplified_by_default(sample_alignment):
    t2s = opencc.OpenCC("t2s")
    for sentence in sample_alignment.src:
        assert not PINYIN_AFTER_HAN.search(sentence.text), sentence.text
        assert t2s.convert(sentence.text) == sentence.text, sentence.text
    assert "总书记" in sample_alignment.src[1].text


def test_traditional_on_request(sample_path: Path, use_encoder):
    alignment = bitext.align_document(
        sample_path, encoder=use_encoder, config=bitext.PipelineConfig(zh_script="traditional")
    )
    first = next(alignment.pairs()).src
    assert "總書記" in first
    assert not PINYIN_AFTER_HAN.search(first)
    assert len(list(alignment.pairs())) == len(EXPECTED)


def test_sentences_point_back_into_the_input(sample_alignment, sample_path: Path):
    raw = sample_path.read_text(encoding="utf-8")
    doc = sample_alignment.document
    assert doc.text == raw
    for sentence in sample_alignment.tgt:
        assert raw[sentence.start : sentence.end] == sentence.text
    # Chinese sentences point at the text as received: Traditional, with debris.
    by_start = {s.text[:4]: raw[s.start : s.end] for s in sample_alignment.src}
    assert by_start["贺煜"] == "賀煜"
    assert by_start["座谈会上"] == "座談會(huì)上,管洪對(duì)市政府外辦一行表示歡迎。"
    damaged = by_start["具体而言"]
    assert damaged.startswith("具體而言,希望在三個(gè)方面“借船出?!保涸趯?duì)外交往")
    assert damaged.endswith("轉(zhuǎn)型升級(jí)。")
    paragraphs = {s.paragraph for s in sample_alignment.src}
    assert paragraphs == set(range(11))
    assert {s.paragraph for s in sample_alignment.tgt} == set(range(11, 17))


def test_sample_tmx_validates_against_the_dtd(sample_alignment, tmp_path: Path, tmx_dtd: Path):
    out = tmp_path / "sample.tmx"
    bitext.write_tmx([sample_alignment], out)
    tree = etree.parse(str(out))
    dtd = etree.DTD(str(tmx_dtd))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    segs = tree.findall(".//tu")
    assert len(segs) == len(EXPECTED)
    flagged = tree.xpath("//tu[prop[@type='x-flags'][contains(., 'encoding-damage')]]")
    assert [tu.find("tuv/seg").text[:4] for tu in flagged] == ["为深入贯", "具体而言"]


def _sample_lines(sample_path: Path) -> tuple[list[str], list[str]]:
    lines = [x for x in sample_path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return lines[:11], lines[11:]


def test_english_first_layout(sample_path: Path, tmp_path: Path, use_encoder):
    zh, en = _sample_lines(sample_path)
    path = tmp_path / "en_first.txt"
    path.write_text("\n".join(en + zh) + "\n", encoding="utf-8")
    check_sample_pairs(bitext.align_document(path, encoder=use_encoder))


def test_interleaved_layout_aligns_block_by_block(sample_path: Path, tmp_path: Path, use_encoder):
    zh, en = _sample_lines(sample_path)
    body = []
    for k, english in enumerate(en, start=1):
        body += [zh[k], english]
    path = tmp_path / "interleaved.txt"
    path.write_text("\n\n".join(body) + "\n", encoding="utf-8")
    alignment = bitext.align_document(path, encoder=use_encoder)
    assert bitext.split_languages(alignment.document).layout == "interleaved"
    pairs = list(alignment.pairs())
    assert len(pairs) == len(EXPECTED)
    for pair, (zh_start, en_starts) in zip(pairs, EXPECTED, strict=True):
        assert pair.src.startswith(zh_start) and pair.tgt.startswith(en_starts[0]), pair
    # Block by block: no bead crosses from one paragraph pair into the next.
    for pair in pairs:
        block = {s.paragraph // 2 for s in pair.src_sentences + pair.tgt_sentences}
        assert len(block) == 1, pair


def test_docx_html_and_gb18030_give_the_same_pairs(sample_path: Path, tmp_path: Path, use_encoder):
    zh, en = _sample_lines(sample_path)
    word = docx.Document()
    for line in zh + en:
        word.add_paragraph(line)
    word.save(tmp_path / "sample.docx")
    html = "".join(f"<p>{line}</p>" for line in zh + en)
    (tmp_path / "sample.html").write_text(f"<html><body>{html}</body></html>", encoding="utf-8")
    (tmp_path / "sample_gb.txt").write_bytes("\n".join(zh + en).encode("gb18030"))
    reference = [
        (p.src, p.tgt) for p in bitext.align_document(sample_path, encoder=use_encoder).pairs()
    ]
    for name in ("sample.docx", "sample.html", "sample_gb.txt"):
        alignment = bitext.align_document(tmp_path / name, encoder=use_encoder)
        assert [(p.src, p.tgt) for p in alignment.pairs()] == reference, name


def test_one_language_is_refused(tmp_path: Path, use_encoder):
    path = tmp_path / "zh_only.txt"
    path.write_text("双方签署合作协议。\n座谈会上，管洪表示欢迎。\n", encoding="utf-8")
    with pytest.raises(bitext.LanguageError, match="no English"):
        bitext.align_document(path, encoder=use_encoder)


# --- the sentence limit, checked on paragraphs before normalizing --------------------------

TOO_LONG = "is too long to align in one piece (limit {} sentences per side); split the document"


def test_more_paragraphs_than_the_limit_are_refused_before_normalizing(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(align_stage, "MAX_SENTENCES", 10)  # the sample: 11 x 6 paragraphs
    message = f"{sample_path}: at least 11 x 6 sentences {TOO_LONG.format(10)}"
    with pytest.raises(InputError) as info:
        refuse_if_too_long(read(sample_path))
    assert str(info.value) == message
    with pytest.raises(InputError) as info:  # the pipeline checks the same, first
        bitext.align_document(sample_path, encoder=None)
    assert str(info.value) == message


def test_paragraphs_at_the_limit_are_left_to_the_sentence_count(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch, use_encoder
):
    monkeypatch.setattr(align_stage, "MAX_SENTENCES", 11)
    refuse_if_too_long(read(sample_path))  # 11 paragraphs: not refused early...
    with pytest.raises(InputError) as info:  # ...but their 23 sentences are, after segmenting
        bitext.align_document(sample_path, encoder=use_encoder)
    assert str(info.value) == f"{sample_path}: 23 x 14 sentences {TOO_LONG.format(11)}"


def test_an_interleaved_document_is_counted_block_by_block(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_encoder
):
    zh, en = _sample_lines(sample_path)
    path = tmp_path / "interleaved.txt"
    path.write_text("\n\n".join(x for pair in zip(zh[1:7], en, strict=True) for x in pair))
    expected = [(p.src, p.tgt) for p in bitext.align_document(path, encoder=use_encoder).pairs()]
    # 6 paragraphs a language, but at most 4 x 5 sentences in each block pair it aligns.
    monkeypatch.setattr(align_stage, "MAX_SENTENCES", 5)
    alignment = bitext.align_document(path, encoder=use_encoder)
    assert [(p.src, p.tgt) for p in alignment.pairs()] == expected
    assert len(expected) == len(EXPECTED)


def test_paragraphs_that_normalize_to_nothing_are_not_counted(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_encoder
):
    zh, en = _sample_lines(sample_path)
    path = tmp_path / "invisible.txt"
    # Zero-width spaces alone on a line are paragraphs as read, and empty once normalized.
    path.write_text("\n".join([*zh, *["\u200b"] * 15, *en]) + "\n", encoding="utf-8")
    monkeypatch.setattr(align_stage, "MAX_SENTENCES", 23)  # 26 x 6 paragraphs, 23 x 14 sentences
    check_sample_pairs(bitext.align_document(path, encoder=use_encoder))


def test_a_long_document_in_one_language_is_a_language_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "zh_only.txt"
    path.write_text("双方签署合作协议。\n" * 8, encoding="utf-8")
    monkeypatch.setattr(align_stage, "MAX_SENTENCES", 5)
    with pytest.raises(bitext.LanguageError, match="no English"):
        bitext.align_document(path, encoder=None)


@pytest.mark.slow
def test_library_calls_print_nothing(sample_path: Path):
    code = (
        f"import bitext\na = bitext.align_document({str(sample_path)!r})\nbitext.tmx_bytes([a])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert (done.stdout, done.stderr) == ("", "")
