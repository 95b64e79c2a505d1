"""Export stage: TMX 1.4 (validated against the shared LISA DTD) and TSV.

Alignments are built by hand from the data model, so every expectation below is
written from the input sentences, never from output of the code under test.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from bitext.errors import OutputError
from bitext.export import (
    TMXExporter,
    TSVExporter,
    get_exporter,
    tmx_bytes,
    validate_tmx,
    write_tmx,
)
from bitext.export.tsv import COLUMNS, unescape_field
from bitext.model import FLAG_DAMAGED, FLAG_REPAIRED, Alignment, Bead, Sentence

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FIXED = datetime(2024, 8, 4, 9, 30, 0, tzinfo=UTC)

ZH = (
    "8月4日,市政府外辦黨組書記、主任章勇武帶隊到重慶日報報業集團調研。",  # 0
    "雙方簽署合作協議,將用好用活外事資源。",  # 1
    "座談會上,管洪對市政府外辦一行表示歡迎。",  # 2
    "他說,此次簽約是講好中國故事的具體舉措。",  # 3
    "重慶國際傳播中心主任趙吾君詳細介紹中心發展情況。",  # 4
    "本文來源:重慶日報。",  # 5  (no English counterpart)
)
EN = (
    "On August 4, Zhang Yongwu led a delegation to Chongqing Daily Group.",  # 0
    "The two parties signed a cooperation agreement.",  # 1
    "They will make good use of foreign affairs resources.",  # 2
    "At the meeting, Guan Hong welcomed the group.",  # 3
    "He said that this signing is a concrete measure to tell China's stories well.",  # 4
    "Zhao Wujun introduced the development of the Center in detail.",  # 5
    "Photo: iChongqing",  # 6  (no Chinese counterpart)
)
BEADS = (
    Bead((0,), (0,), 0.93),
    Bead((1,), (1, 2), 0.81),  # 1-2
    Bead((2, 3), (3, 4), 0.77),  # 2-2
    Bead((4,), (5,), 0.42),
    Bead((5,), (), 0.88),  # 1-0
    Bead((), (6,), 0.9),  # 0-1
)
# What the TUs must hold, written by hand: Chinese joins without a space,
# English with one.
EXPECTED = [
    (ZH[0], EN[0], 0.93, "1-1"),
    (ZH[1], f"{EN[1]} {EN[2]}", 0.81, "1-2"),
    (ZH[2] + ZH[3], f"{EN[3]} {EN[4]}", 0.77, "2-2"),
    (ZH[4], EN[5], 0.42, "1-1"),
]


def sentences(
    texts: tuple[str, ...], lang: str, flags: dict[int, tuple[str, ...]] | None = None
) -> tuple[Sentence, ...]:
    out, pos = [], 0
    for i, text in enumerate(texts):
        out.append(Sentence(text, lang, i, pos, pos + len(text), (flags or {}).get(i, ())))
        pos += len(text) + 1
    return tuple(out)


def press_release(source: str = "press_release_chongqing.txt", **kwargs: Any) -> Alignment:
    """The hand-made alignment above; keyword arguments replace parts of it."""
    zh_flags = kwargs.pop("zh_flags", None)
    en_flags = kwargs.pop("en_flags", None)
    return Alignment(
        src=sentences(kwargs.pop("zh", ZH), "zh", zh_flags),
        tgt=sentences(kwargs.pop("en", EN), "en", en_flags),
        beads=kwargs.pop("beads", BEADS),
        source=source,
        **kwargs,
    )


def parse(data: bytes) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser).getroottree()


def assert_valid(data: bytes, dtd_path: Path) -> etree._ElementTree:
    tree = parse(data)
    dtd = etree.DTD(str(dtd_path))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    assert tree.getroot().tag == "tmx"
    return tree


def segs(tu: etree._Element) -> tuple[str, str]:
    zh, en = tu.findall("tuv")
    return zh.findtext("seg"), en.findtext("seg")


def props(tu: etree._Element) -> dict[str, str]:
    return {p.get("type"): p.text for p in tu.findall("prop")}


# --- TMX structure --------------------------------------------------------------------


def test_tmx_validates_and_round_trips_pairs(tmx_dtd: Path) -> None:
    data = tmx_bytes([press_release()], creation_date=FIXED)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">')
    tree = assert_valid(data, tmx_dtd)
    tus = tree.findall("body/tu")
    got = [(*segs(tu), float(props(tu)["x-score"]), props(tu)["x-bead"]) for tu in tus]
    assert [g[:2] for g in got] == [e[:2] for e in EXPECTED]
    for (_, _, score, kind), (_, _, want_score, want_kind) in zip(got, EXPECTED, strict=True):
        assert score == pytest.approx(want_score, abs=5e-5)
        assert kind == want_kind
    assert props(tus[0])["x-score"] == "0.9300"  # four decimals
    assert {props(tu)["x-document"] for tu in tus} == {"press_release_chongqing.txt"}


def test_header_attributes(tmx_dtd: Path) -> None:
    header = assert_valid(tmx_bytes([press_release()], creation_date=FIXED), tmx_dtd).find("header")
    assert dict(header.attrib) == {
        "creationtool": "bitext",
        "creationtoolversion": importlib.metadata.version("bitext"),
        "segtype": "sentence",
        "o-tmf": "bitext",
        "adminlang": "en-US",
        "srclang": "zh-CN",
        "datatype": "plaintext",
        "creationdate": "20240804T093000Z",
    }


def test_creation_date_is_utc_and_defaults_to_now() -> None:
    beijing = timezone(timedelta(hours=8))
    local = datetime(2024, 8, 4, 17, 30, 0, tzinfo=beijing)
    tree = parse(tmx_bytes([press_release()], creation_date=local))
    assert tree.find("header").get("creationdate") == "20240804T093000Z"

    before = datetime.now(UTC).replace(microsecond=0)
    tree = parse(tmx_bytes([press_release()]))
    after = datetime.now(UTC)
    stamp = tree.find("header").get("creationdate")
    assert re.fullmatch(r"\d{8}T\d{6}Z", stamp)
    when = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= when <= after
    for tu in tree.findall("body/tu"):
        assert tu.get("creationdate") == stamp


@pytest.mark.parametrize(
    ("src", "tgt", "want"),
    [("zh_CN", "en_us", ("zh-CN", "en-US")), ("zh-hant-tw", "EN-gb", ("zh-Hant-TW", "en-GB"))],
)
def test_tmx_languages_are_normalized(src: str, tgt: str, want: tuple, tmx_dtd: Path) -> None:
    # The alignment carries the tag of its script; the exporter spells the given one.
    alignment = press_release(src_lang=want[0])
    tree = assert_valid(tmx_bytes([alignment], src_lang=src, tgt_lang=tgt), tmx_dtd)
    assert tree.find("header").get("srclang") == want[0]
    for tu in tree.findall("body/tu"):
        assert tuple(tuv.get(XML_LANG) for tuv in tu.findall("tuv")) == want


@pytest.mark.parametrize(
    "bad", ["", "chinese", "zh CN", "z", "zh--CN", "中文", "zh-CN-toolongsubtag"]
)
def test_malformed_language_tags_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="language tag"):
        TMXExporter(src_lang=bad)


def test_alignment_in_other_direction_is_not_mislabelled() -> None:
    flipped = press_release(src_lang="en-US", tgt_lang="zh-CN")
    with pytest.raises(ValueError, match="en-US->zh-CN"):
        tmx_bytes([flipped])


def test_a_tag_of_the_other_script_is_refused() -> None:
    # zh-CN on Traditional text (or zh-TW on Simplified) would make Trados file the
    # units under the wrong language and skip them where they belong.
    with pytest.raises(ValueError, match="zh-HK->en-US, but the TMX is written as zh-CN"):
        tmx_bytes([press_release(src_lang="zh-HK")], src_lang="zh-CN")
    assert b'srclang="zh-HK"' in tmx_bytes([press_release(src_lang="zh-HK")])
    with pytest.raises(ValueError, match="alignments tagged zh-CN, zh-HK"):
        tmx_bytes([press_release(), press_release(src_lang="zh-HK")])


def test_unaligned_sentences_never_become_units(tmx_dtd: Path) -> None:
    tree = assert_valid(tmx_bytes([press_release()]), tmx_dtd)
    assert len(tree.findall("body/tu")) == 4  # the 1-0 and 0-1 beads are gone
    all_segs = [seg.text for seg in tree.iter("seg")]
    assert all(text and text.strip() for text in all_segs)
    assert ZH[5] not in "".join(all_segs)
    assert EN[6] not in "".join(all_segs)
    assert all(len(tu.findall("tuv")) == 2 for tu in tree.findall("body/tu"))


def test_one_to_two_bead_joins_english_with_space() -> None:
    alignment = press_release(beads=(Bead((1,), (1, 2), 0.8),))
    (tu,) = parse(tmx_bytes([alignment])).findall("body/tu")
    assert segs(tu) == (
        "雙方簽署合作協議,將用好用活外事資源。",
        "The two parties signed a cooperation agreement. "
        "They will make good use of foreign affairs resources.",
    )
    assert props(tu)["x-bead"] == "1-2"


def test_damaged_chinese_side_gets_flags_and_note(tmx_dtd: Path) -> None:
    alignment = press_release(zh_flags={0: (FLAG_DAMAGED,), 4: (FLAG_DAMAGED, FLAG_REPAIRED)})
    tus = assert_valid(tmx_bytes([alignment]), tmx_dtd).findall("body/tu")
    damaged, clean, repaired = tus[0], tus[1], tus[3]

    assert props(damaged)["x-flags"] == FLAG_DAMAGED
    (note,) = damaged.findall("note")
    assert "Chinese" in note.text and "damage" in note.text
    assert "English" not in note.text and "repaired" not in note.text

    assert "x-flags" not in props(clean)
    assert clean.findall("note") == []

    assert props(repaired)["x-flags"].split(",") == [FLAG_DAMAGED, FLAG_REPAIRED]
    (note,) = repaired.findall("note")
    assert "Chinese" in note.text and "repaired" in note.text and "check" in note.text


def test_damaged_english_side_is_named_in_note() -> None:
    alignment = press_release(en_flags={5: (FLAG_DAMAGED,)})
    tu = parse(tmx_bytes([alignment])).findall("body/tu")[3]
    (note,) = tu.findall("note")
    assert "English" in note.text and "Chinese" not in note.text


def test_duplicate_pairs_become_one_unit_with_count(tmx_dtd: Path) -> None:
    first = press_release("2024-08-04.txt")
    second = press_release("2024-08-05.txt")
    # The same Chinese sentence with a different translation is a different unit.
    third = press_release(
        "2024-08-06.txt",
        en=("Zhang Yongwu visited Chongqing Daily Group on August 4.",),
        beads=(Bead((0,), (0,), 0.7),),
    )
    tree = assert_valid(tmx_bytes([first, second, first, third]), tmx_dtd)
    tus = tree.findall("body/tu")
    assert [segs(tu) for tu in tus] == [e[:2] for e in EXPECTED] + [
        (ZH[0], "Zhang Yongwu visited Chongqing Daily Group on August 4.")
    ]
    for tu in tus[:4]:
        assert props(tu)["x-count"] == "3"
        assert props(tu)["x-document"] == "2024-08-04.txt"  # the first occurrence is kept
    assert "x-count" not in props(tus[4])
    tuids = [tu.get("tuid") for tu in tus]
    assert len(set(tuids)) == len(tuids)


def test_tuids_are_stable_across_runs() -> None:
    one = parse(tmx_bytes([press_release()], creation_date=FIXED))
    later = parse(tmx_bytes([press_release("elsewhere.txt")], creation_date=datetime.now(UTC)))
    ids = [tu.get("tuid") for tu in one.findall("body/tu")]
    assert ids == [tu.get("tuid") for tu in later.findall("body/tu")]
    assert all(ids) and len(set(ids)) == len(ids)


def test_xml_illegal_characters_are_removed(tmx_dtd: Path) -> None:
    zh = ("重慶日\x00報報業集團\ud800。", "\x0b\x00")  # the second is nothing but debris
    en = ("Chongqing\x0b Daily\uffff Group\x1f.", "Noise only.")
    alignment = press_release(
        "bad\udcffname.txt",
        zh=zh,
        en=en,
        beads=(Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.9)),
    )
    tree = assert_valid(tmx_bytes([alignment]), tmx_dtd)
    (tu,) = tree.findall("body/tu")  # no unit with an empty side
    assert segs(tu) == ("重慶日報報業集團。", "Chongqing Daily Group.")
    assert props(tu)["x-document"] == "badname.txt"


def test_min_score_filters_pairs(tmx_dtd: Path) -> None:
    tree = assert_valid(tmx_bytes([press_release()], min_score=0.77), tmx_dtd)
    scores = [float(props(tu)["x-score"]) for tu in tree.findall("body/tu")]
    assert scores == pytest.approx([0.93, 0.81, 0.77])


def test_empty_input_is_still_valid_tmx(tmx_dtd: Path) -> None:
    tree = assert_valid(tmx_bytes([]), tmx_dtd)
    assert tree.findall("body/tu") == []


# --- validate_tmx -----------------------------------------------------------------------


def test_validate_tmx_accepts_own_output_and_file(tmp_path: Path, tmx_dtd: Path) -> None:
    path = tmp_path / "out.tmx"
    write_tmx([press_release()], path)
    validate_tmx(path)
    validate_tmx(path.read_bytes(), dtd=tmx_dtd)


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        (  # a tu with no tuv: what a 1-0 bead would give
            b'<tmx version="1.4"><header creationtool="x" creationtoolversion="1" '
            b'segtype="sentence" o-tmf="x" adminlang="en" srclang="zh-CN" datatype="plaintext"/>'
            b'<body><tu tuid="1"><prop type="x-score">1</prop></tu></body></tmx>',
            "tu",
        ),
        (b"<body/>", "root element"),
        (b"<tmx><header>", "well-formed"),
    ],
)
def test_validate_tmx_reports_errors(document: bytes, complaint: str, tmx_dtd: Path) -> None:
    with pytest.raises(ValueError, match=complaint) as info:
        validate_tmx(document, dtd=tmx_dtd)
    assert "\n" not in str(info.value)


# --- writing files and choosing exporters ---------------------------------------------------


def test_write_tmx_refuses_existing_file_unless_forced(tmp_path: Path, tmx_dtd: Path) -> None:
    target = tmp_path / "chongqing.tmx"
    curated = b'<?xml version="1.0"?>\n<tmx version="1.4"><!-- translator\'s curated --></tmx>'
    target.write_bytes(curated)
    with pytest.raises(OutputError, match="pass force=True"):
        write_tmx([press_release()], target)
    assert target.read_bytes() == curated
    write_tmx([press_release()], target, force=True)
    assert len(assert_valid(target.read_bytes(), tmx_dtd).findall("body/tu")) == 4
    assert os.listdir(tmp_path) == ["chongqing.tmx"]


def test_failed_export_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_tmx([press_release(src_lang="en-US", tgt_lang="zh-CN")], tmp_path / "out.tmx")
    assert os.listdir(tmp_path) == []


def test_write_returns_units_written(tmp_path: Path) -> None:
    # One pair, given twice: a single TMX unit, but two TSV rows (TSV keeps duplicates).
    pair = press_release(zh=ZH[:1], en=EN[:1], beads=(Bead((0,), (0,), 0.93),))
    assert TMXExporter().write([pair, pair], tmp_path / "one.tmx") == 1
    assert TSVExporter().write([pair, pair], tmp_path / "two.tsv") == 2
    assert write_tmx([pair, pair], tmp_path / "again.tmx") == 1


def test_write_counts_after_deduplication_and_filtering(tmp_path: Path) -> None:
    first, second = press_release("2024-08-04.txt"), press_release("2024-08-05.txt")
    other = press_release(
        "2024-08-06.txt",
        en=("Zhang Yongwu visited Chongqing on August 4.",),
        beads=(Bead((0,), (0,), 0.7),),
    )
    batch = [first, second, first, other]
    # By hand: the press release has 4 pairs (scores .93 .81 .77 .42) and `other` one (.7).
    assert write_tmx(batch, tmp_path / "all.tmx") == 4 + 1
    assert write_tmx(batch, tmp_path / "good.tmx", min_score=0.8) == 2  # .93 and .81
    assert TSVExporter().write(batch, tmp_path / "all.tsv") == 3 * 4 + 1
    assert TSVExporter(min_score=0.8).write(batch, tmp_path / "good.tsv") == 3 * 2
    assert TMXExporter().write([], tmp_path / "none.tmx") == 0
    assert TSVExporter().write([], tmp_path / "none.tsv") == 0
    # Each count is what the file holds.
    assert len(parse((tmp_path / "all.tmx").read_bytes()).findall("body/tu")) == 5
    assert len((tmp_path / "good.tsv").read_text(encoding="utf-8").splitlines()) == 1 + 6


def test_write_does_not_count_a_pair_emptied_by_cleaning(tmp_path: Path) -> None:
    alignment = press_release(
        zh=("重慶日報。", "\x0b\x00"),
        en=("Chongqing Daily.", "Noise only."),
        beads=(Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.9)),
    )
    assert write_tmx([alignment], tmp_path / "out.tmx") == 1


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("tmx", TMXExporter),
        ("TMX", TMXExporter),
        ("out/chongqing.tmx", TMXExporter),
        ("/tmp/REPORT.TMX", TMXExporter),
        ("tsv", TSVExporter),
        ("pairs.tsv", TSVExporter),
        ("pairs.tab", TSVExporter),
    ],
)
def test_get_exporter_by_name_or_suffix(name: str, cls: type) -> None:
    exporter = get_exporter(name)
    assert isinstance(exporter, cls)
    assert exporter.name == cls.name


@pytest.mark.parametrize("name", ["csv", "pairs.xlsx", "tmx.bak", "noext", ""])
def test_get_exporter_unknown_format(name: str) -> None:
    with pytest.raises(OutputError) as info:
        get_exporter(name)
    message = str(info.value)
    assert "\n" not in message
    assert "tmx" in message and "tsv" in message


def test_get_exporter_passes_options(tmx_dtd: Path) -> None:
    exporter = get_exporter("memory.tmx", min_score=0.8, src_lang="zh_TW")
    tree = assert_valid(exporter.dumps([press_release(src_lang="zh-TW")]), tmx_dtd)
    assert tree.find("header").get("srclang") == "zh-TW"
    assert len(tree.findall("body/tu")) == 2


# --- TSV --------------------------------------------------------------------------------


def test_tsv_escaping_round_trip(tmp_path: Path) -> None:
    zh = ("標題\t副標題\n第二行", "路徑 C:\\新聞\\稿件\\n 不是換行")
    en = ("Title\tsubtitle\r\nsecond line\u2028third\x00", "Path C:\\news\\n is not a newline")
    alignment = press_release(
        "dir\twith tab.txt", zh=zh, en=en, beads=(Bead((0,), (0,), 0.5), Bead((1,), (1,), 0.6))
    )
    target = tmp_path / "pairs.tsv"
    get_exporter(str(target)).write([alignment], target)
    raw = target.read_bytes()
    text = raw.decode("utf-8")

    lines = text.split("\n")
    assert lines[-1] == ""  # every record ends with a newline
    records = [line.split("\t") for line in lines[:-1]]
    assert len(text.splitlines()) == 3  # no stray line breaks for any reader
    assert records[0] == list(COLUMNS)
    assert all(len(fields) == 6 for fields in records)
    decoded = [[unescape_field(f) for f in fields] for fields in records[1:]]
    assert decoded == [
        [zh[0], en[0], "0.5000", "1-1", "", "dir\twith tab.txt"],
        [zh[1], en[1], "0.6000", "1-1", "", "dir\twith tab.txt"],
    ]


def test_tsv_rows_flags_and_filters() -> None:
    alignment = press_release(zh_flags={1: (FLAG_DAMAGED,)})
    text = TSVExporter(min_score=0.5).dumps([alignment, alignment]).decode("utf-8")
    rows = [line.split("\t") for line in text.splitlines()[1:]]
    # TSV keeps duplicates (analysts count rows) but never unaligned sentences.
    assert [(r[0], r[1]) for r in rows] == [e[:2] for e in EXPECTED[:3]] * 2
    assert rows[1][4] == FLAG_DAMAGED
    assert [r[3] for r in rows[:3]] == ["1-1", "1-2", "2-2"]
    assert all(r[5] == "press_release_chongqing.txt" for r in rows)
