"""Merging translation memories: hand-made TMX files, every expectation worked out by hand.

Three memories share units under different language spellings and dates:

    office (en-US)  a1 meeting/zh-CN 2023   a2 thanks/zh-CN (no date)   a3 hello/zh-TW 2023
                    a4 one variant only
    vendor (en_US)  b1 meeting/zh-Hans 2024 (inline tags, x-count 2)    b2 thanks/ZH-CN 2020
                    b3 hello/zh-Hans         b4 thanks/zh-Hans 2019
    client (zh-CN)  c1 meeting/zh_CN 2022   c3 hello/zh-Hant 2021       c5 thanks/en-GB

Groups: {a1, b1, c1} → b1 (newest), x-count 2+1+1 = 4; {a2, b2, b4} → b2 (a2 has no
date), x-count 3; {a3, c3} → a3 (zh-TW and zh-Hant are both Traditional), x-count 2;
a4, b3 (Simplified: not a repeat of the Traditional a3) and c5 (en-GB is not en-US)
stand alone. Reports: office 4 read / 4 kept / 0 merged; vendor 4 / 1 / 3; client 3 / 1 / 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from bitext import tmx
from bitext.atomic import atomic_write
from bitext.tmx import MergeCounts, TMXDocument, TranslationUnit, Variant, language_key

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEETING_EN = "The meeting was held in Chongqing."
MEETING_ZH = "会议在重庆举行。"
# Bold codes around "meeting" and a line break in the text: the same plain text as MEETING_EN.
B1_EN_XML = (
    'The <bpt i="1">&lt;b&gt;</bpt>meeting<ept i="1">&lt;/b&gt;</ept> was held in\n Chongqing.'
)

OFFICE = f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="OmegaT" creationtoolversion="6.0" segtype="sentence" o-tmf="OmegaT"
          adminlang="en-US" srclang="en-US" datatype="plaintext"/>
  <body>
    <tu tuid="a1" changedate="20230101T000000Z">
      <note>old note</note>
      <prop type="x-client">Chongqing Daily</prop>
      <tuv xml:lang="en-US"><seg>{MEETING_EN}</seg></tuv>
      <tuv xml:lang="zh-CN"><seg>{MEETING_ZH}</seg></tuv>
    </tu>
    <tu tuid="a2">
      <tuv xml:lang="en-US"><seg>Thank you.</seg></tuv>
      <tuv xml:lang="zh-CN"><seg>谢谢。</seg></tuv>
    </tu>
    <tu tuid="a3" changedate="20230601T000000Z">
      <note>Taiwan office</note>
      <tuv xml:lang="en-US"><seg>Hello.</seg></tuv>
      <tuv xml:lang="zh-TW"><seg>你好。</seg></tuv>
    </tu>
    <tu tuid="a4">
      <tuv xml:lang="en-US"><seg>Draft only.</seg></tuv>
    </tu>
  </body>
</tmx>
"""

VENDOR = f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="Trados" creationtoolversion="8" segtype="sentence" o-tmf="SDL"
          adminlang="en-US" srclang="en_US" datatype="plaintext"/>
  <body>
    <tu tuid="b1" creationdate="20200101T000000Z" changedate="20240506T070809Z">
      <note>reviewed</note>
      <note>old note</note>
      <prop type="x-client">CQ Daily</prop>
      <prop type="x-client">Chongqing Daily</prop>
      <prop type="x-count">2</prop>
      <tuv xml:lang="EN-US"><seg>{B1_EN_XML}</seg></tuv>
      <tuv xml:lang="zh-Hans"><seg>{MEETING_ZH}</seg></tuv>
    </tu>
    <tu tuid="b2" creationdate="20200101T000000Z">
      <tuv xml:lang="en-US"><seg>Thank you.</seg></tuv>
      <tuv xml:lang="ZH-CN"><seg>谢谢。</seg></tuv>
    </tu>
    <tu tuid="b3">
      <tuv xml:lang="en-US"><seg>Hello.</seg></tuv>
      <tuv xml:lang="zh-Hans"><seg>你好。</seg></tuv>
    </tu>
    <tu tuid="b4" changedate="20190101T000000Z">
      <prop type="x-origin">machine</prop>
      <tuv xml:lang="en-US"><seg>Thank  you.</seg></tuv>
      <tuv xml:lang="zh-Hans"><seg>谢谢。</seg></tuv>
    </tu>
  </body>
</tmx>
"""

CLIENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="memoQ" creationtoolversion="9" segtype="sentence" o-tmf="memoQ"
          adminlang="en-US" srclang="zh-CN" datatype="plaintext"/>
  <body>
    <tu tuid="c1" changedate="20220101T000000Z">
      <note>reviewed</note>
      <prop type="x-client">Xinhua</prop>
      <tuv xml:lang="zh_CN"><seg>{MEETING_ZH}</seg></tuv>
      <tuv xml:lang="en-US"><seg>{MEETING_EN}</seg></tuv>
    </tu>
    <tu tuid="c3" changedate="20210101T000000Z">
      <tuv xml:lang="en-US"><seg>Hello.</seg></tuv>
      <tuv xml:lang="zh-Hant"><seg>你好。</seg></tuv>
    </tu>
    <tu tuid="c5">
      <tuv xml:lang="en-GB"><seg>Thank you.</seg></tuv>
      <tuv xml:lang="zh-CN"><seg>谢谢。</seg></tuv>
    </tu>
  </body>
</tmx>
"""


@pytest.fixture
def memories(tmp_path: Path) -> list[TMXDocument]:
    docs = []
    for name, text in (("office", OFFICE), ("vendor", VENDOR), ("client", CLIENT)):
        path = tmp_path / f"{name}.tmx"
        path.write_text(text, encoding="utf-8")
        docs.append(tmx.read(path))
    return docs


def by_tuid(doc: TMXDocument) -> dict[str | None, TranslationUnit]:
    return {unit.tuid: unit for unit in doc.units}


def test_reports_count_read_kept_and_merged(memories: list[TMXDocument]) -> None:
    merged, reports = tmx.merge(memories, names=["office", "vendor", "client"])
    assert reports == [
        MergeCounts("office", read=4, kept=4, merged=0),
        MergeCounts("vendor", read=4, kept=1, merged=3),
        MergeCounts("client", read=3, kept=1, merged=2),
    ]
    # Each group sits where its first repeat was read.
    assert [unit.tuid for unit in merged.units] == ["b1", "b2", "a3", "a4", "b3", "c5"]
    _, default = tmx.merge(memories[:2])
    assert [report.name for report in default] == ["#1", "#2"]


def test_newest_repeat_wins_with_notes_and_props_united(memories: list[TMXDocument]) -> None:
    units = by_tuid(tmx.merge(memories)[0])
    meeting = units["b1"]
    assert meeting.changedate == "20240506T070809Z" and meeting.creationdate == "20200101T000000Z"
    assert meeting.notes == ("reviewed", "old note")
    assert meeting.props == {
        "x-client": ("CQ Daily", "Chongqing Daily", "Xinhua"),
        "x-count": ("4",),  # b1 stood for 2 occurrences already, a1 and c1 for one each
    }
    # The kept unit's inline codes survive; its tags are the canonical spellings.
    assert list(meeting.variants) == ["en-US", "zh-Hans"]
    assert meeting.variants["en-US"].segment_xml == B1_EN_XML
    assert meeting.variants["en-US"].text == "The meeting was held in\n Chongqing."
    thanks = units["b2"]  # dated 2020: newer than b4 (2019) and than a2 (no date)
    assert thanks.props == {"x-origin": ("machine",), "x-count": ("3",)}
    assert list(thanks.variants) == ["en-US", "zh-CN"]


def test_simplified_spellings_merge_and_traditional_stays_apart(
    memories: list[TMXDocument],
) -> None:
    units = by_tuid(tmx.merge(memories)[0])
    # zh-TW (a3) and zh-Hant (c3) are one Traditional unit; a3 is newer.
    assert list(units["a3"].variants) == ["en-US", "zh-TW"]
    assert units["a3"].props == {"x-count": ("2",)} and units["a3"].notes == ("Taiwan office",)
    # The same characters in Simplified are another unit, untouched (no x-count added).
    assert units["b3"].variants["zh-Hans"].text == "你好。" and units["b3"].props == {}
    assert "c3" not in units
    assert list(units["c5"].variants) == ["en-GB", "zh-CN"] and units["c5"].props == {}
    draft = units["a4"]
    assert list(draft.variants) == ["en-US"] and draft.props == {} and draft.notes == ()


@pytest.mark.parametrize(
    ("tag", "key"),
    [
        ("zh-CN", "zh-Hans"),
        ("ZH-CN", "zh-Hans"),
        ("zh_CN", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hans-HK", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh_hant", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh", "zh"),
        ("en_us", "en-US"),
        ("en-GB", "en-GB"),
    ],
)
def test_language_key_policy(tag: str, key: str) -> None:
    assert language_key(tag) == key


def test_output_validates_and_reads_back(
    memories: list[TMXDocument], tmp_path: Path, tmx_dtd: Path
) -> None:
    merged, _ = tmx.merge(memories)
    path = atomic_write(tmp_path / "merged.tmx", tmx.to_bytes(merged))
    tree = etree.parse(str(path))
    dtd = etree.DTD(str(tmx_dtd))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    header = tree.getroot().find("header")
    # en-US is the source of 8 of the 11 units read (office and vendor); zh-CN of 3.
    assert header.get("srclang") == "en-US" and header.get("creationtool") == "bitext"
    langs = [[tuv.get(XML_LANG) for tuv in tu.iter("tuv")] for tu in tree.iter("tu")]
    assert langs == [
        ["en-US", "zh-Hans"],
        ["en-US", "zh-CN"],
        ["en-US", "zh-TW"],
        ["en-US"],
        ["en-US", "zh-Hans"],
        ["en-GB", "zh-CN"],
    ]
    again = tmx.read(path)
    assert again.units == merged.units
    assert [u.tuid for u in again.units] == ["b1", "b2", "a3", "a4", "b3", "c5"]
    assert again.units[0].variants["en-US"].segment_xml == B1_EN_XML


def unit(
    tuid: str, zh: str, *, change: str | None = None, create: str | None = None
) -> TMXDocument:
    variants = {"zh-CN": Variant.plain("zh-CN", zh), "en-US": Variant.plain("en-US", "Yes.")}
    tu = TranslationUnit(tuid, variants, creationdate=create, changedate=change)
    return TMXDocument({"srclang": "zh-CN"}, (tu,), "1.4")


def test_dates_in_other_formats_and_ties() -> None:
    docs = [
        unit("garbled", "是。", change="last tuesday"),
        unit("iso", "是。", change="2024-05-06T08:00:00+08:00"),  # 00:00 UTC
        unit("basic", "是。", change="20240505T235959Z"),
        unit("created", "是。", create="20240506T000000Z"),  # no changedate: its creation
    ]
    merged, _ = tmx.merge(docs)
    (only,) = merged.units
    assert only.tuid == "iso"  # ties with "created" (same instant): the one read first wins
    assert only.props == {"x-count": ("4",)}
    assert tmx.merge(docs[::-1])[0].units[0].tuid == "created"


def test_source_language_of_the_header() -> None:
    zh_cn, zh_hans = unit("1", "甲"), unit("2", "乙")
    zh_hans = TMXDocument({"srclang": "zh-Hans"}, zh_hans.units, "1.4")
    english = TMXDocument({"srclang": "en-US"}, unit("3", "丙").units, "1.4")
    # zh-CN and zh-Hans count as one language (2 units) against en-US (1 unit).
    assert tmx.merge([zh_hans, english, zh_cn])[0].header["srclang"] == "zh-Hans"
    assert tmx.merge([english, zh_cn])[0].header["srclang"] == "*all*"  # a tie
    assert tmx.merge([])[0].header["srclang"] == "*all*"
    with pytest.raises(ValueError, match="2 names for 1 documents"):
        tmx.merge([english], names=["a", "b"])


def test_hand_built_underscore_tags_are_written_with_hyphens(tmx_dtd: Path) -> None:
    raw = {"zh_CN": Variant("zh_CN", "好。", "好。"), "en_us": Variant("en_us", "Good.", "Good.")}
    alone = TMXDocument({"srclang": "zh_CN"}, (TranslationUnit("u", raw),), "1.4")
    merged, reports = tmx.merge([alone])
    assert reports == [MergeCounts("#1", 1, 1, 0)]
    (only,) = merged.units
    assert {lang: v.lang for lang, v in only.variants.items()} == {
        "zh-CN": "zh-CN",
        "en-US": "en-US",
    }
    assert merged.header["srclang"] == "zh-CN"
    out = tmx.to_bytes(merged)
    assert etree.DTD(str(tmx_dtd)).validate(etree.fromstring(out))
    assert b"_" not in out


EDITOR = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="memoQ" creationtoolversion="9" segtype="sentence" o-tmf="memoQ"
          adminlang="en-US" srclang="en-US" datatype="plaintext"/>
  <body>
    <tu tuid="e1" changedate="20240101T000000Z" usagecount="5" changeid="EVA">
      <tuv xml:lang="en-US" usagecount="5" changeid="EVA">
        <note>checked</note>
        <prop type="x-status">approved</prop>
        <seg>Hello.</seg>
      </tuv>
      <tuv xml:lang="zh-CN" changeid="EVA"><seg>你好。</seg></tuv>
    </tu>
  </body>
</tmx>
"""
TRANSLATOR = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="OmegaT" creationtoolversion="6" segtype="sentence" o-tmf="OmegaT"
          adminlang="en-US" srclang="en-US" datatype="plaintext"/>
  <body>
    <tu tuid="t1" changedate="20200101T000000Z" usagecount="1" creationid="TOM">
      <tuv xml:lang="en_US" creationid="TOM">
        <note>first draft</note>
        <note>checked</note>
        <prop type="x-status">draft</prop>
        <prop type="x-status">approved</prop>
        <seg>Hello.</seg>
      </tuv>
      <tuv xml:lang="zh-Hans" creationid="TOM">
        <note>simplified</note>
        <prop type="x-font">SimSun</prop>
        <seg>你好。</seg>
      </tuv>
    </tu>
  </body>
</tmx>
"""


def test_variant_notes_and_props_are_united_attributes_of_the_kept_unit(
    tmp_path: Path, tmx_dtd: Path
) -> None:
    docs = []
    for name, text in (("translator", TRANSLATOR), ("editor", EDITOR)):
        (tmp_path / f"{name}.tmx").write_text(text, encoding="utf-8")
        docs.append(tmx.read(tmp_path / f"{name}.tmx"))
    merged, reports = tmx.merge(docs, names=["translator", "editor"])
    assert reports == [MergeCounts("translator", 1, 1, 0), MergeCounts("editor", 1, 0, 1)]
    (only,) = merged.units
    # e1 (2024) is newer than t1 (2020): its attributes, tu's and tuvs', are the ones kept.
    assert only.tuid == "e1" and only.attrs == {"usagecount": "5", "changeid": "EVA"}
    en, zh = only.variants["en-US"], only.variants["zh-CN"]
    assert en.attrs == {"usagecount": "5", "changeid": "EVA"} and zh.attrs == {"changeid": "EVA"}
    # The kept unit's notes and values first, then the repeat's new ones, none twice.
    assert en.notes == ("checked", "first draft")
    assert en.props == {"x-status": ("approved", "draft")}
    # zh-Hans of the repeat is the same variant as zh-CN of the kept unit.
    assert zh.notes == ("simplified",) and zh.props == {"x-font": ("SimSun",)}
    assert only.props == {"x-count": ("2",)} and only.notes == ()
    path = tmp_path / "merged.tmx"
    path.write_bytes(tmx.to_bytes(merged))
    assert etree.DTD(str(tmx_dtd)).validate(etree.parse(str(path)))
    assert tmx.read(path).units == merged.units
