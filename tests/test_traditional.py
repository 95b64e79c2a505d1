"""Traditional Chinese from end to end (issue 16, items 4-6).

Real text: two Hong Kong government releases from ``eval/hk-releases/mixed``
(both languages in one file) and the bundled mainland sample. There is no
Taiwan text in the shared sets; a Taiwan-style input is a Hong Kong release
turned into Taiwan's standard by OpenCC ``s2twp`` (via Simplified), the
conversion Taiwan localizers use: it writes 臺 where Hong Kong writes 台 and
Taiwan's phrases (網路, 資訊), the forms that tell the two regions apart.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import opencc
import pytest
from lxml import etree

import bitext
from bitext.errors import InputError
from bitext.normalize import normalize, normalize_text, to_simplified
from bitext.tm import BatchSettings, DocumentRecord, StoredPair, TranslationMemory, import_tmx
from cli_helpers import run_cli

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HK_FILES = ("20251113_cedd_chai_wan_barging_point.txt", "20251113_lcsd_red_flags_hoisted.txt")
#: A place name of the first release in Traditional-only characters (灣, 眾, 躉, 轉, 運).
TERM = "柴灣公眾填土躉船轉運站"


@pytest.fixture(scope="module")
def hk_path(shared_dir: Path) -> Path:
    return shared_dir / "eval" / "hk-releases" / "mixed" / HK_FILES[0]


def taiwan_style(text: str) -> str:
    return opencc.OpenCC("s2twp").convert(opencc.OpenCC("t2s").convert(text))


@pytest.fixture(scope="module")
def tw_path(hk_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tw") / "taiwan_style.txt"
    path.write_text(taiwan_style(hk_path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def _chinese(alignment: bitext.Alignment) -> list[str]:
    return [s.text for s in alignment.src]


# -- item 6: regional conversions ---------------------------------------------------------


def test_regional_conversions_write_each_regions_forms(sample_path: Path) -> None:
    # The mainland sample in Simplified holds 台 (7x) and 说: Hong Kong writes 台 and,
    # by OpenCC's Hong Kong table, 説; Taiwan's standard writes 臺 and 說.
    simplified = "\n".join(p.text for p in normalize(bitext.read(sample_path)).paragraphs)
    assert "台" in simplified and "说" in simplified
    hk = normalize_text(simplified, zh_script="hongkong")
    tw = normalize_text(simplified, zh_script="taiwan")
    assert "台" in hk and "臺" not in hk and "説" in hk
    assert "臺" in tw and "台" not in tw and "說" in tw
    phrases = normalize_text("发布会上的软件", zh_script="taiwan-phrases")
    assert "軟體" in phrases and "軟件" in normalize_text("发布会上的软件", zh_script="taiwan")


def test_traditional_text_keeps_its_own_forms(shared_dir: Path) -> None:
    # OpenCC would rewrite Hong Kong's 台, 公布, 葵涌 (s2hk changes 28 of the 35
    # releases): a memory whose text differs from the documents gives no exact match.
    for path in sorted((shared_dir / "eval" / "hk-releases" / "docs").glob("*.zh.txt")):
        text = path.read_text(encoding="utf-8")
        kept = normalize_text(text, zh_script="keep")
        for script in ("traditional", "hongkong", "taiwan"):
            assert normalize_text(text, zh_script=script) == kept, (path.name, script)


# -- item 5: tags follow the script -----------------------------------------------------------


def test_tags_follow_the_script(hk_path: Path, tw_path: Path, sample_path: Path, use_encoder):
    def align(path: Path, **options: str) -> bitext.Alignment:
        config = bitext.PipelineConfig(**options)
        return bitext.align_document(path, encoder=use_encoder, config=config)

    hk_text = hk_path.read_text(encoding="utf-8")
    for options in ({"zh_script": "traditional"}, {"zh_script": "keep"}, {"src_lang": "zh-HK"}):
        alignment = align(hk_path, **options)
        assert alignment.src_lang == "zh-HK", options
        assert all(s in hk_text for s in _chinese(alignment)), options  # as written
    tw_text = tw_path.read_text(encoding="utf-8")
    for options in ({"zh_script": "traditional"}, {"zh_script": "keep"}):
        alignment = align(tw_path, **options)
        assert alignment.src_lang == "zh-TW", options
        assert all(s in tw_text for s in _chinese(alignment)), options
    # Simplified, by default or when asked for, is zh-CN whatever the input.
    for path in (hk_path, sample_path):
        alignment = align(path)
        assert alignment.src_lang == "zh-CN"
        assert all(to_simplified(s) == s for s in _chinese(alignment))
    with pytest.raises(InputError, match=f"{hk_path}: the Chinese is Traditional"):
        align(hk_path, zh_script="keep", src_lang="zh-CN")


def test_a_regional_tag_alone_converts_mainland_text_to_its_region(
    shared_dir: Path, tmp_path: Path, use_encoder
) -> None:
    # A mainland news text in Simplified (wmt22, laid out as one bilingual file).
    record = json.loads(
        (shared_dir / "eval" / "mixed-layouts" / "mixed_docs.jsonl").read_text().splitlines()[3]
    )
    path = tmp_path / "mainland.txt"
    path.write_text(record["text"], encoding="utf-8")
    default = bitext.align_document(path, encoder=use_encoder)
    assert default.src_lang == "zh-CN"
    for tag, config in (("zh-TW", "s2tw"), ("zh-HK", "s2hk"), ("zh-MO", "s2hk")):
        alignment = bitext.align_document(
            path, encoder=use_encoder, config=bitext.PipelineConfig(src_lang=tag)
        )
        assert alignment.src_lang == tag
        # Each sentence as OpenCC's conversion for that region writes it.
        convert = opencc.OpenCC(config).convert
        assert _chinese(alignment) == [convert(s) for s in _chinese(default)]
        assert _chinese(alignment) != _chinese(default)
        # Alignment compares Simplified text whatever the output script.
        assert alignment.beads == default.beads


@pytest.mark.parametrize(
    ("script", "tag"),
    [("simplified", "zh-TW"), ("traditional", "zh-CN"), ("taiwan", "zh-HK"), ("hongkong", "zh-TW")],
)
def test_a_script_the_tag_contradicts_is_a_usage_error(
    hk_path: Path, tmp_path: Path, script: str, tag: str
) -> None:
    done = run_cli(
        "align", hk_path, "-o", "out.tmx", "--zh-script", script, "--src-lang", tag, cwd=tmp_path
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bitext: error: --zh-script"), done.stderr
    assert not list(tmp_path.iterdir())


def _langs(path: Path) -> tuple[str, set[str]]:
    """(header srclang, every tuv's xml:lang but English)."""
    tree = etree.parse(str(path))
    langs = {t.get(XML_LANG) for t in tree.iter("tuv")} - {"en-US"}
    return tree.find("header").get("srclang"), langs


@pytest.mark.slow
def test_tmx_tags_match_the_script(hk_path: Path, tw_path: Path, tmp_path: Path) -> None:
    done = run_cli(
        "align", hk_path, tw_path, "-o", "out.tmx", "--zh-script", "traditional", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    # Two variants: one file each, never one file labelled with either.
    assert not (tmp_path / "out.tmx").exists()
    assert _langs(tmp_path / "out.zh-HK.tmx") == ("zh-HK", {"zh-HK"})
    assert _langs(tmp_path / "out.zh-TW.tmx") == ("zh-TW", {"zh-TW"})
    assert (
        "out.zh-HK.tmx" in done.stderr and "Chinese tagged zh-HK" in done.stderr
    )  # said, not silent


# -- item 4: a Traditional memory finds its own sentences ------------------------------------


@pytest.fixture(scope="module")
def hk_memory(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hk")
    archive = folder / "archive"
    archive.mkdir()
    for name in HK_FILES:
        src = shared_dir / "eval" / "hk-releases" / "mixed" / name
        (archive / name).write_bytes(src.read_bytes())
    done = run_cli("batch", "archive", "--tm", "t.sqlite", "--zh-script", "traditional", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder / "t.sqlite"


def test_traditional_memory_finds_each_sentence_verbatim(hk_memory: Path, use_encoder) -> None:
    with TranslationMemory(hk_memory, create=False) as memory:
        units = memory.units()
        assert len(units) >= 4
        for unit in units:
            assert unit.src_lang == "zh-HK"
            best = memory.search(unit.src)[0]
            assert (best.unit.id, best.percent) == (unit.id, 100.0), unit.src
            # The same sentence typed in Simplified still finds it (99: another script).
            simplified = memory.search(to_simplified(unit.src))[0]
            assert simplified.unit.id == unit.id and simplified.percent >= 99.0
            # Vectors and queries are both made from Simplified text.
            assert memory.semantic(unit.src, encoder=use_encoder)[0].unit.id == unit.id
        for term in (TERM, to_simplified(TERM)):
            assert [m.unit.src for m in memory.concordance(term)] == [
                u.src for u in units if TERM in u.src
            ]
        assert any(TERM in u.src for u in units)


def test_search_and_concordance_from_the_command_line(hk_memory: Path) -> None:
    with TranslationMemory(hk_memory, create=False) as memory:
        holding = [u.src for u in memory.units() if TERM in u.src]
    done = run_cli("tm", "search", "--tm", hk_memory, "--concordance", TERM, cwd=hk_memory.parent)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"{len(holding)} units hold"), done.stderr
    done = run_cli("tm", "search", "--tm", hk_memory, holding[0], cwd=hk_memory.parent)
    assert done.stdout.startswith("100.0%"), done.stdout


def _pairs(alignment: bitext.Alignment) -> tuple[StoredPair, ...]:
    return tuple(StoredPair(p.src, p.tgt, p.kind, p.score) for p in alignment.pairs())


def test_imported_variants_stay_apart_and_export_one_file_each(
    hk_path: Path, tw_path: Path, tmp_path: Path, use_encoder
) -> None:
    traditional = bitext.PipelineConfig(zh_script="traditional")
    hk = bitext.align_document(hk_path, encoder=use_encoder, config=traditional)
    tw = bitext.align_document(tw_path, encoder=use_encoder, config=traditional)
    for name, alignment in (("hk.tmx", hk), ("tw.tmx", tw)):
        (tmp_path / name).write_bytes(bitext.tmx_bytes([alignment]))
    tm = tmp_path / "tm.sqlite"
    with TranslationMemory(tm) as memory:
        import_tmx(memory, tmp_path / "hk.tmx")
        import_tmx(memory, tmp_path / "tw.tmx")
        for alignment in (hk, tw):
            for pair in alignment.pairs():
                # A sentence both variants write alike is found twice, at 100% each.
                exact = [(m.unit.src, m.unit.src_lang) for m in memory.search(pair.src)]
                found = [m.percent for m in memory.search(pair.src)]
                assert (pair.src, alignment.src_lang) in exact[: found.count(100.0)]
        assert {m.unit.src_lang for m in memory.concordance("轉運站")} == {"zh-HK", "zh-TW"}
    done = run_cli("tm", "export", "--tm", tm, "-o", "all.tmx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "all.tmx").exists()
    assert _langs(tmp_path / "all.zh-HK.tmx") == ("zh-HK", {"zh-HK"})
    assert _langs(tmp_path / "all.zh-TW.tmx") == ("zh-TW", {"zh-TW"})
    done = run_cli(
        "tm", "export", "--tm", tm, "-o", "tw.only.tmx", "--src-lang", "zh-TW", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert _langs(tmp_path / "tw.only.tmx") == ("zh-TW", {"zh-TW"})


def test_a_memory_of_the_old_schema_is_retagged(hk_path: Path, tmp_path: Path, use_encoder):
    # What bitext before schema 2 stored, every unit under zh-CN, the batch's fixed
    # tag: with `--zh-script traditional` OpenCC's generic s2t text (天文臺), with
    # `keep` the release as written. Same tables; schema 1.
    alignment = bitext.align_document(
        hk_path, encoder=use_encoder, config=bitext.PipelineConfig(zh_script="keep")
    )
    s2t = opencc.OpenCC("s2t").convert
    kept = _pairs(alignment)
    converted = tuple(StoredPair(s2t(p.src), p.tgt, p.kind, p.score) for p in kept)
    assert {p.src for p in converted} != {p.src for p in kept}
    tm = tmp_path / "old.sqlite"
    with TranslationMemory(tm) as memory:
        for name, pairs, script in (("a.txt", converted, "traditional"), ("b.txt", kept, "keep")):
            settings = {"zh_script": script, "src_lang": "zh-CN"}
            memory.add(DocumentRecord(name, name, settings, pairs, src_lang="zh-CN"))
        simplified = (StoredPair("你好。", "Hi.", "1-1", 0.9),)
        memory.add(DocumentRecord("c.txt", "c", {"zh_script": "simplified"}, simplified))
    con = sqlite3.connect(tm)
    with con:
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    con.close()
    with TranslationMemory(tm) as memory:
        tags = {(u.src, u.origins[0].path): u.src_lang for u in memory.with_origins(memory.units())}
        assert tags.pop(("你好。", "c.txt")) == "zh-CN"  # Simplified stays
        # A sentence both documents hold alike (no character s2t changes) is one unit,
        # seen first in a.txt: generic Traditional too.
        assert {tag for (_, path), tag in tags.items() if path == "a.txt"} == {"zh-Hant"}
        assert {tag for (_, path), tag in tags.items() if path == "b.txt"} == {"zh-HK"}
        for src, _ in tags:
            assert memory.search(src)[0].percent == 100.0
    con = sqlite3.connect(tm)
    # Migrated to the current schema (4 since documents keep their alignment for review).
    assert con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == "4"
    con.close()


def test_batch_identity_names_the_effective_script_and_tag() -> None:
    # Simplified is spelled as older bitext stored it, however it is asked for: a
    # memory built before is not realigned for nothing.
    before = {"zh_script": "simplified", "src_lang": "zh-CN"}
    for settings in (
        BatchSettings(),
        BatchSettings(bitext.PipelineConfig(zh_script="simplified", src_lang="zh-CN")),
    ):
        identity = settings.identity()
        assert {key: identity[key] for key in before} == before and "zh_variant" not in identity
    # What older bitext stored for `traditional` (s2t, tagged zh-CN) differs from
    # today's rule: those documents are realigned, and each choice is its own.
    old_traditional = {**BatchSettings().identity(), "zh_script": "traditional"}
    identities = [
        BatchSettings(bitext.PipelineConfig(zh_script=script, src_lang=tag)).identity()
        for script, tag in [
            ("traditional", None),
            ("traditional", "zh-HK"),
            (None, "zh-TW"),
            ("keep", None),
        ]
    ]
    assert old_traditional not in identities
    assert len({json.dumps(i, sort_keys=True) for i in identities}) == len(identities)
    with pytest.raises(ValueError, match=r"src_lang='zh-CN' is Simplified"):
        BatchSettings(bitext.PipelineConfig(zh_script="traditional", src_lang="zh-CN")).identity()


def test_the_command_line_offers_every_script() -> None:
    # The CLI spells the choices out so that `bitext --help` does not load OpenCC.
    from bitext.cli._common import ZH_SCRIPTS as CLI_SCRIPTS
    from bitext.normalize import ZH_SCRIPTS

    assert set(CLI_SCRIPTS) == set(ZH_SCRIPTS)
