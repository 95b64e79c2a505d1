"""TMX reader: CAT-tool style files written by hand, our own writer's output, hostile files.

Every expectation is written from the hand-made input, never from output of the
code under test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from bitext.errors import InputError
from bitext.export import tmx_bytes
from bitext.model import FLAG_DAMAGED, Alignment, Bead, Sentence
from bitext.tmx import TMXDocument, TranslationUnit, Variant, read_tmx, tmx_units_to_bytes

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SECRET = "root:x:0:0"  # what /etc/passwd would leak

OMEGAT_11 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" creationtoolversion="1.8.1" segtype="sentence"
          o-tmf="OmegaT TMX" adminlang="EN-US" srclang="EN-US" datatype="plaintext"/>
  <body>
    <tu>
      <prop type="x-file">press.txt</prop>
      <prop type="x-context">para 2</prop>
      <prop type="x-context">second value</prop>
      <tuv lang="EN-US"><seg>The meeting was held in Chongqing.</seg></tuv>
      <tuv lang="ZH-CN"><seg>會議在重慶舉行。</seg></tuv>
    </tu>
    <tu>
      <tuv lang="EN-US"><seg>Fish &amp; chips &lt;3</seg></tuv>
      <tuv lang="ZH-CN"><seg>炸魚薯條</seg></tuv>
    </tu>
  </body>
</tmx>
"""

TRADOS_SEG_EN = (
    'Click <bpt i="1" type="bold">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> '
    'to continue<ph x="2" type="lb">&lt;br/&gt;</ph> now.'
)
TRADOS_SEG_ZH = '點擊<bpt i="1" type="bold">&lt;b&gt;</bpt>保存<ept i="1">&lt;/b&gt;</ept>繼續。'
HI_SEG = 'See <hi type="italic">the annex</hi>.<it pos="begin">&lt;u&gt;</it>'
TRADOS_14 = f"""<?xml version="1.0" encoding="UTF-16"?>
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.0" o-tmf="SDL TM8 Format"
          datatype="xml" segtype="sentence" adminlang="en-US" srclang="en-US"
          creationdate="20230102T030405Z"/>
  <body>
    <tu tuid="17" creationdate="20230102T030405Z" creationid="ANNA" changedate="20240506T070809Z">
      <note>Checked by reviewer</note>
      <prop type="x-Origin">TM</prop>
      <tuv xml:lang="en-US"><seg>{TRADOS_SEG_EN}</seg></tuv>
      <tuv xml:lang="zh-TW"><seg>{TRADOS_SEG_ZH}</seg></tuv>
    </tu>
    <tu tuid="18">
      <tuv xml:lang="en-US"><seg>{HI_SEG}</seg></tuv>
      <tuv xml:lang="zh-TW"><seg>見附件。</seg></tuv>
    </tu>
  </body>
</tmx>
"""

MEMOQ = """<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4">
  <header creationtool="memoQ" creationtoolversion="9.12" segtype="sentence" o-tmf="memoQTM"
          adminlang="en_us" srclang="en_US" datatype="unknown"/>
  <body>
    <tu creationdate="20220101T000000Z">
      <prop type="client">Chongqing Daily</prop>
      <tuv xml:lang="en_US"><seg>Good morning.</seg></tuv>
      <tuv xml:lang="zh-Hans"><seg>早上好。</seg></tuv>
      <tuv xml:lang="ZH-hant"><seg>早上好。</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="EN-us"><seg>Thank you.</seg></tuv>
      <tuv xml:lang="ZH-CN"><seg>谢谢。</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def write(tmp_path: Path, text: str, name: str = "memory.tmx", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def inline_tags(segment_xml: str) -> list[tuple[str, dict[str, str], str | None, str | None]]:
    seg = etree.fromstring(f"<seg>{segment_xml}</seg>")
    return [(e.tag, dict(e.attrib), e.text, e.tail) for e in seg.iter() if e is not seg]


# --- CAT tool files ---------------------------------------------------------------------------


def test_omegat_tmx_11_with_lang_attribute_and_props(tmp_path: Path) -> None:
    doc = read_tmx(write(tmp_path, OMEGAT_11))
    assert doc.version == "1.1"
    assert doc.header["creationtool"] == "OmegaT"
    assert doc.header["o-tmf"] == "OmegaT TMX"
    assert doc.header["srclang"] == "en-US" and doc.header["adminlang"] == "en-US"
    first, second = doc.units
    assert set(first.variants) == {"en-US", "zh-CN"}
    assert first.variants["zh-CN"].text == "會議在重慶舉行。"
    assert first.props == {"x-file": ("press.txt",), "x-context": ("para 2", "second value")}
    assert first.tuid is None and first.notes == ()
    # Predefined entities are ordinary escapes, decoded in text and kept escaped in the XML.
    assert second.variants["en-US"].text == "Fish & chips <3"
    assert second.variants["en-US"].segment_xml == "Fish &amp; chips &lt;3"
    assert list(doc.pairs("zh_cn", "EN-us")) == [
        ("會議在重慶舉行。", "The meeting was held in Chongqing."),
        ("炸魚薯條", "Fish & chips <3"),
    ]


def test_trados_utf16_tmx_with_inline_tags(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff" + TRADOS_14, encoding="utf-16-le")
    doc = read_tmx(path)
    assert doc.version == "1.4" and doc.header["creationdate"] == "20230102T030405Z"
    unit = doc.units[0]
    assert unit.tuid == "17"
    assert (unit.creationdate, unit.changedate) == ("20230102T030405Z", "20240506T070809Z")
    assert unit.notes == ("Checked by reviewer",)
    assert unit.props == {"x-Origin": ("TM",)}
    en = unit.variants["en-US"]
    # Native codes are not text; everything around them is.
    assert en.text == "Click Save to continue now."
    assert unit.variants["zh-TW"].text == "點擊保存繼續。"
    assert inline_tags(en.segment_xml) == [
        ("bpt", {"i": "1", "type": "bold"}, "<b>", "Save"),
        ("ept", {"i": "1"}, "</b>", " to continue"),
        ("ph", {"x": "2", "type": "lb"}, "<br/>", " now."),
    ]
    # <hi> marks translatable text, <it> is a code.
    assert doc.units[1].variants["en-US"].text == "See the annex."


def test_memoq_language_variants_are_normalized(tmp_path: Path) -> None:
    doc = read_tmx(write(tmp_path, MEMOQ))
    first, second = doc.units
    assert list(first.variants) == ["en-US", "zh-Hans", "zh-Hant"]
    assert list(second.variants) == ["en-US", "zh-CN"]
    assert all(v.lang == key for u in doc.units for key, v in u.variants.items())
    assert doc.header["srclang"] == "en-US" and doc.header["adminlang"] == "en-US"
    assert first.variant("zh_hans") is first.variants["zh-Hans"]
    assert first.variant("zh") is None  # Simplified and Traditional: ambiguous
    assert second.variant("zh") is second.variants["zh-CN"]
    assert first.variant("zh-CN") is None
    out = tmx_units_to_bytes(doc)
    langs = [tuv.get(XML_LANG) for tuv in etree.fromstring(out).iter("tuv")]
    assert langs == ["en-US", "zh-Hans", "zh-Hant", "en-US", "zh-CN"]
    assert b"_" not in out.split(b"<body>")[0].split(b"<header")[1]


# --- writing back -----------------------------------------------------------------------------


def test_round_trip_keeps_inline_tags_and_validates(tmp_path: Path, tmx_dtd: Path) -> None:
    first = read_tmx(write(tmp_path, TRADOS_14.replace("UTF-16", "UTF-8")))
    out = tmx_units_to_bytes(first)
    dtd = etree.DTD(str(tmx_dtd))
    assert dtd.validate(etree.fromstring(out)), dtd.error_log.filter_from_errors()
    again = read_tmx(out)
    assert again.version == "1.4"
    for before, after in zip(first.units, again.units, strict=True):
        assert after.tuid == before.tuid and after.changedate == before.changedate
        assert after.props == before.props and after.notes == before.notes
        for lang in ("en-US", "zh-TW"):
            b, a = before.variants[lang], after.variants[lang]
            assert inline_tags(a.segment_xml) == inline_tags(b.segment_xml)
            assert a.text == b.text
    # Against the hand-written input, not only against the first read:
    assert again.units[0].variants["zh-TW"].segment_xml == TRADOS_SEG_ZH
    assert again.header["creationtool"] == "SDL Language Platform"


def test_tmx_11_round_trip_is_valid_14(tmp_path: Path, tmx_dtd: Path) -> None:
    out = tmx_units_to_bytes(read_tmx(write(tmp_path, OMEGAT_11)))
    tree = etree.fromstring(out)
    assert etree.DTD(str(tmx_dtd)).validate(tree)
    assert tree.get("version") == "1.4"
    assert [t.get(XML_LANG) for t in tree.iter("tuv")][:2] == ["en-US", "zh-CN"]


def test_hand_made_document_is_written(tmx_dtd: Path) -> None:
    unit = TranslationUnit(
        tuid="a1",
        variants={"zh-CN": Variant.plain("zh_CN", "甲<乙>"), "en-US": Variant.plain("en", "A")},
        props={"x-score": ("0.5",)},
        notes=("n",),
    )
    out = tmx_units_to_bytes(TMXDocument(header={}, units=(unit,), version="1.4"))
    assert etree.DTD(str(tmx_dtd)).validate(etree.fromstring(out))
    back = read_tmx(out).units[0]
    assert back.variants["zh-CN"].text == "甲<乙>"
    assert back.props == {"x-score": ("0.5",)} and back.notes == ("n",)
    bad = TranslationUnit("b", {"en": Variant("en", "x", "<b>x</b>")})  # <b> is not TMX
    with pytest.raises(ValueError, match="not valid TMX"):
        tmx_units_to_bytes(TMXDocument({}, (bad,), "1.4"))
    with pytest.raises(ValueError, match="not well-formed"):
        tmx_units_to_bytes(
            TMXDocument({}, (TranslationUnit("c", {"en": Variant("en", "", "<")}),), "1.4")
        )


# --- lossless round trip (TMX 1.4 everything) -------------------------------------------------

RICH_ZH = (
    '重慶日報<bpt i="1" type="bold">&lt;b&gt;</bpt>報業集團<ept i="1">&lt;/b&gt;</ept>'
    '調研<ph x="2" type="lb">&lt;br/&gt;</ph>。'
)
RICH_EN = 'A delegation visited <hi type="x-name">the group</hi> &amp; its press.'
UDE = (
    '<ude name="MacRoman" base="Macintosh">'
    '<map unicode="#xE000" code="#xF8FF" ent="Apple_logo" subst="[Apple]"/>'
    '<map unicode="#xE001" ent="bullet"/></ude>'
)
RICH_14 = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="SDL Trados Studio" creationtoolversion="16.1" segtype="sentence"
          o-tmf="SDL TM" adminlang="en-US" srclang="zh-CN" datatype="xml" o-encoding="UTF-8"
          creationdate="20230102T030405Z" creationid="ANNA" changedate="20240506T070809Z"
          changeid="BEN">
    <note>Press office memory</note>
    <note>Reviewed yearly</note>
    <ude name="MacRoman" base="Macintosh">
      <map unicode="#xE000" code="#xF8FF" ent="Apple_logo" subst="[Apple]"/>
      <map unicode="#xE001" ent="bullet"/>
    </ude>
    <prop type="x-client">Chongqing Daily</prop>
    <prop type="x-domain">press</prop>
    <prop type="x-domain">government</prop>
  </header>
  <body>
    <tu tuid="7" creationdate="20230102T030405Z" creationid="ANNA" changedate="20240506T070809Z"
        changeid="BEN" usagecount="12" lastusagedate="20240601T120000Z" srclang="zh_cn"
        datatype="plaintext" segtype="sentence" o-tmf="SDL TM" o-encoding="UTF-8"
        creationtool="SDL Trados Studio" creationtoolversion="16.1">
      <note>Checked by reviewer</note>
      <prop type="x-Origin">TM</prop>
      <note>Second opinion</note>
      <tuv xml:lang="zh-CN" creationdate="20230102T030405Z" creationid="ANNA"
           changedate="20240506T070809Z" changeid="BEN" usagecount="3"
           lastusagedate="20240601T120000Z" o-encoding="GB2312" datatype="plaintext"
           creationtool="SDL Trados Studio" creationtoolversion="16.1" o-tmf="SDL TM">
        <prop type="x-status">approved</prop>
        <note>Group name kept in full</note>
        <prop type="x-status">locked</prop>
        <seg>{RICH_ZH}</seg>
      </tuv>
      <tuv xml:lang="en_us" changeid="CAROL" usagecount="5">
        <note>Translated by Carol</note>
        <seg>{RICH_EN}</seg>
      </tuv>
    </tu>
    <tu tuid="8">
      <tuv xml:lang="zh-CN"><seg>謝謝。</seg></tuv>
      <tuv xml:lang="en-US"><seg>Thank you.</seg></tuv>
    </tu>
  </body>
</tmx>
"""
DATES = {"creationdate": "20230102T030405Z", "changedate": "20240506T070809Z"}
TRADOS = {"creationtool": "SDL Trados Studio", "creationtoolversion": "16.1", "o-tmf": "SDL TM"}
# Everything RICH_14 says, written out by hand: what every read of it must give.
RICH_DOC = TMXDocument(
    header={
        **TRADOS,
        "segtype": "sentence",
        "adminlang": "en-US",
        "srclang": "zh-CN",
        "datatype": "xml",
        "o-encoding": "UTF-8",
        **DATES,
        "creationid": "ANNA",
        "changeid": "BEN",
    },
    units=(
        TranslationUnit(
            tuid="7",
            variants={
                "zh-CN": Variant(
                    "zh-CN",
                    "重慶日報報業集團調研。",
                    RICH_ZH,
                    attrs={
                        **DATES,
                        **TRADOS,
                        "creationid": "ANNA",
                        "changeid": "BEN",
                        "usagecount": "3",
                        "lastusagedate": "20240601T120000Z",
                        "o-encoding": "GB2312",
                        "datatype": "plaintext",
                    },
                    props={"x-status": ("approved", "locked")},
                    notes=("Group name kept in full",),
                ),
                "en-US": Variant(
                    "en-US",
                    "A delegation visited the group & its press.",
                    RICH_EN,
                    attrs={"changeid": "CAROL", "usagecount": "5"},
                    notes=("Translated by Carol",),
                ),
            },
            props={"x-Origin": ("TM",)},
            notes=("Checked by reviewer", "Second opinion"),
            **DATES,
            attrs={
                **TRADOS,
                "creationid": "ANNA",
                "changeid": "BEN",
                "usagecount": "12",
                "lastusagedate": "20240601T120000Z",
                "srclang": "zh-CN",
                "datatype": "plaintext",
                "segtype": "sentence",
                "o-encoding": "UTF-8",
            },
        ),
        TranslationUnit(
            "8",
            {
                "zh-CN": Variant.plain("zh-CN", "謝謝。"),
                "en-US": Variant.plain("en_US", "Thank you."),
            },
        ),
    ),
    version="1.4",
    header_notes=("Press office memory", "Reviewed yearly"),
    header_props={"x-client": ("Chongqing Daily",), "x-domain": ("press", "government")},
    udes=(UDE,),
)


def test_round_trip_loses_nothing(tmp_path: Path, tmx_dtd: Path) -> None:
    first = read_tmx(write(tmp_path, RICH_14))
    assert first == RICH_DOC
    out = tmp_path / "again.tmx"
    out.write_bytes(tmx_units_to_bytes(first))
    tree = etree.parse(str(out))
    dtd = etree.DTD(str(tmx_dtd))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    again = read_tmx(out)
    assert again == RICH_DOC
    # Each field on its own, so a failure names what was lost.
    for name in ("header", "header_notes", "header_props", "udes", "version"):
        assert getattr(again, name) == getattr(RICH_DOC, name), name
    for got, want in zip(again.units, RICH_DOC.units, strict=True):
        for name in ("tuid", "props", "notes", "creationdate", "changedate", "attrs"):
            assert getattr(got, name) == getattr(want, name), name
        for lang, variant in want.variants.items():
            for name in ("lang", "text", "segment_xml", "attrs", "props", "notes"):
                assert getattr(got.variants[lang], name) == getattr(variant, name), (lang, name)
    # In DTD order: header note*, ude*, prop*; notes then props before each <seg>.
    header = tree.getroot().find("header")
    assert [child.tag for child in header] == ["note", "note", "ude", "prop", "prop", "prop"]
    maps = [dict(m.attrib) for m in header.iter("map")]
    assert maps == [
        {"unicode": "#xE000", "code": "#xF8FF", "ent": "Apple_logo", "subst": "[Apple]"},
        {"unicode": "#xE001", "ent": "bullet"},
    ]
    zh_tuv = tree.getroot().find("body/tu/tuv")
    assert [child.tag for child in zh_tuv] == ["note", "prop", "prop", "seg"]
    assert tree.getroot().find("body/tu").get("srclang") == "zh-CN"  # zh_cn, normalized


def test_toolkit_sees_unit_and_variant_notes(tmp_path: Path) -> None:
    from translate.storage.tmx import tmxfile

    out = tmp_path / "notes.tmx"
    out.write_bytes(tmx_units_to_bytes(read_tmx(write(tmp_path, RICH_14))))
    store = tmxfile.parsefile(str(out))
    notes = "Checked by reviewer\nSecond opinion\nGroup name kept in full\nTranslated by Carol"
    assert store.units[0].getnotes() == notes
    assert store.units[1].getnotes() == ""


OLD_12 = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.2">
  <header creationtool="Wordfast" creationtoolversion="5" segtype="sentence" o-tmf="wf"
          adminlang="en-US" srclang="en-US" datatype="plaintext" x-wf-flags="7">
    <prop type="x-project">Annual report</prop>
  </header>
  <body>
    <tu tuid="1" creationid="DAN" usagecount="2" match="100" x-wf-user="dan"
        segtype="Sentence">
      <tuv lang="EN-US" creationdate="20010203T040506Z" x-wf-score="0.9" lang2="en">
        <note>from the 2001 report</note>
        <seg>Annual report</seg>
      </tuv>
      <tuv lang="ZH-CN" changeid="LI"><seg>年度報告</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def test_older_tmx_keeps_what_14_has_and_drops_the_rest(tmp_path: Path, tmx_dtd: Path) -> None:
    first = read_tmx(write(tmp_path, OLD_12))
    (unit,) = first.units
    # Attributes TMX 1.4 does not define on <tu>/<tuv> are not read at all.
    assert unit.attrs == {"creationid": "DAN", "usagecount": "2", "segtype": "Sentence"}
    en = unit.variants["en-US"]
    assert en.attrs == {"creationdate": "20010203T040506Z"}
    assert en.notes == ("from the 2001 report",)
    assert unit.variants["zh-CN"].attrs == {"changeid": "LI"}
    assert first.header_props == {"x-project": ("Annual report",)}
    out = tmp_path / "old-as-14.tmx"
    out.write_bytes(tmx_units_to_bytes(first))
    tree = etree.parse(str(out))
    assert etree.DTD(str(tmx_dtd)).validate(tree)
    tu = tree.getroot().find("body/tu")
    # "Sentence" is outside the DTD's segtype enumeration: left out rather than void the file.
    assert dict(tu.attrib) == {"tuid": "1", "creationid": "DAN", "usagecount": "2"}
    assert tree.getroot().find("header").get("x-wf-flags") is None
    again = read_tmx(out)
    assert again.header_props == first.header_props
    assert again.units[0] == replace(unit, attrs={"creationid": "DAN", "usagecount": "2"})


def test_hand_built_fields_are_written_only_as_tmx_14_allows(tmx_dtd: Path) -> None:
    variant = Variant(
        "zh_CN",
        "甲",
        "甲",
        attrs={"usagecount": "4\x01", "x-vendor": "v", "lang": "fr"},
        props={"x-a": ("1\x00",)},
        notes=("n\x0b",),
    )
    unit = TranslationUnit(
        "u", {"zh-CN": variant}, attrs={"srclang": "zh_cn", "tuid": "other", "x-v": "1"}
    )
    out = tmx_units_to_bytes(TMXDocument({}, (unit,), "1.4", header_notes=("h\x02",)))
    tree = etree.fromstring(out)
    assert etree.DTD(str(tmx_dtd)).validate(tree)
    tu = tree.find("body/tu")
    assert dict(tu.attrib) == {"tuid": "u", "srclang": "zh-CN"}
    assert dict(tu.find("tuv").attrib) == {XML_LANG: "zh-CN", "usagecount": "4"}
    back = read_tmx(out)
    assert back.header_notes == ("h",)
    assert back.units[0].variants["zh-CN"].props == {"x-a": ("1",)}
    assert back.units[0].variants["zh-CN"].notes == ("n",)
    with pytest.raises(ValueError, match="<ude> is not well-formed"):
        tmx_units_to_bytes(TMXDocument({}, (unit,), "1.4", udes=("<ude name='x'>",)))
    with pytest.raises(ValueError, match="not valid TMX"):  # <ude> needs a <map>
        tmx_units_to_bytes(TMXDocument({}, (unit,), "1.4", udes=("<ude name='x'/>",)))


# --- our own writer ---------------------------------------------------------------------------


def test_reads_back_bitext_output() -> None:
    zh = ("重慶日報報業集團調研。", "雙方簽署合作協議。", "本文來源:重慶日報。")
    en = ("A delegation visited the group.", "The two parties signed.", "They agreed.")
    src = tuple(Sentence(t, "zh", i, i * 20, i * 20 + len(t)) for i, t in enumerate(zh))
    src = (Sentence(zh[0], "zh", 0, 0, 11, (FLAG_DAMAGED,)), *src[1:])
    tgt = tuple(Sentence(t, "en", i, 100 + i * 40, 100 + i * 40 + len(t)) for i, t in enumerate(en))
    beads = (Bead((0,), (0,), 0.93), Bead((1,), (1, 2), 0.81), Bead((2,), (), 0.5))
    alignment = Alignment(src, tgt, beads, source="release.txt")
    data = tmx_bytes([alignment, alignment], creation_date=datetime(2024, 8, 4, tzinfo=UTC))
    doc = read_tmx(data)
    assert doc.header["srclang"] == "zh-CN" and doc.header["creationtool"] == "bitext"
    assert list(doc.pairs("zh", "en")) == [
        (zh[0], en[0]),
        (zh[1], "The two parties signed. They agreed."),
    ]
    first, second = doc.units
    assert first.props["x-score"] == ("0.9300",) and second.props["x-score"] == ("0.8100",)
    assert second.props["x-bead"] == ("1-2",) and first.props["x-document"] == ("release.txt",)
    assert first.props["x-count"] == ("2",)  # the alignment was exported twice
    assert first.props["x-flags"] == (FLAG_DAMAGED,)
    assert len(first.notes) == 1 and "Chinese" in first.notes[0] and second.notes == ()
    assert first.creationdate == "20240804T000000Z"


# --- hostile and broken input -----------------------------------------------------------------

BODY = (
    '<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>{}</seg></tuv></tu></body></tmx>'
)
LAUGHS = "".join(
    f'<!ENTITY l{i + 1} "{f"&l{i};" * 10}">' for i in range(9)
)  # 10**9 "lol"s when expanded
HOSTILE = {
    "xxe-file": f'<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>{BODY.format("&x;")}',
    "xxe-http": f'<!DOCTYPE tmx [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>{BODY.format("&x;")}',
    "xxe-parameter": '<!DOCTYPE tmx [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>'
    + BODY.format("a"),
    "laughs-body": f'<!DOCTYPE tmx [<!ENTITY l0 "lol">{LAUGHS}]>{BODY.format("&l9;")}',
    "laughs-attribute": f'<!DOCTYPE tmx [<!ENTITY l0 "lol">{LAUGHS}]>'
    + BODY.replace("<header/>", '<header creationtool="&l9;"/>').format("a"),
    "after-decoys": '<?pi <!DOCTYPE x>?><!-- <!DOCTYPE tmx> --><!DOCTYPE tmx SYSTEM "a[b>" '
    f'[<!-- ]> --><!ENTITY x SYSTEM "file:///etc/passwd">]>{BODY.format("&x;")}',
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_entity_declarations_are_refused_quickly(tmp_path: Path, kind: str, encoding: str) -> None:
    text = f'<?xml version="1.0" encoding="{encoding}"?>\n{HOSTILE[kind]}'
    path = write(tmp_path, text, f"{kind}.tmx", encoding)
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        read_tmx(path)
    assert time.monotonic() - started < 2
    message = str(caught.value)
    assert message == f"{path}: TMX declares entities; refused for safety"
    assert SECRET not in message


def test_undeclared_entity_from_external_dtd_is_refused(tmp_path: Path) -> None:
    text = '<!DOCTYPE tmx SYSTEM "http://127.0.0.1:9/evil.dtd">' + BODY.format("a &x; b")
    with pytest.raises(InputError, match=r"line 1: TMX refers to entity &x;; refused"):
        read_tmx(write(tmp_path, text))
    # The header's notes and props are read now: an entity there is refused the same way.
    in_header = text.replace("a &x; b", "a").replace(
        "<header/>", "<header><note>&y;</note></header>"
    )
    with pytest.raises(InputError, match=r"TMX refers to entity &y;; refused"):
        read_tmx(write(tmp_path, in_header, "header.tmx"))


def test_plain_doctype_is_accepted(tmp_path: Path) -> None:
    # What CAT tools write: an external DTD that is never loaded.
    text = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">' + BODY.format("a [b] &gt; c")
    assert read_tmx(write(tmp_path, text)).units[0].variants["en"].text == "a [b] > c"


def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    text = OMEGAT_11.replace("<seg>炸魚薯條</seg>", "<seg>炸魚薯條</sg>")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "</sg>" in t)
    assert line == 16
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=rf"not well-formed XML \(line {line}\)") as caught:
        read_tmx(path)
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (b"\x00\x01PK binary junk", r"not well-formed XML \(line 1\)"),
        (b"just some text\n", r"not well-formed XML \(line 1\)"),
        (b"", "empty file"),
        (b'<xliff version="1.2"/>', r"root element is <xliff>, not <tmx>"),
        (b'<tmx version="2.0"><header/><body/></tmx>', "unsupported TMX version '2.0'"),
        (b"<tmx><header/><body/></tmx>", "unsupported TMX version ''"),
        (b'<tmx version="1.4"><header/></tmx>', "has no <body>"),
        (BODY.replace("<seg>{}</seg>", "").encode(), "line 1: <tuv> without <seg>"),
        (BODY.replace('"en"', '"english_"').format("a").encode(), "invalid language tag"),
        (
            BODY.replace("</tu>", '<tuv xml:lang="EN"><seg>b</seg></tuv></tu>')
            .format("a")
            .encode(),
            "two variants in en",
        ),
    ],
)
def test_bad_input_is_one_line_input_error(tmp_path: Path, content: bytes, complaint: str) -> None:
    path = tmp_path / "bad.tmx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=complaint) as caught:
        read_tmx(path)
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)


def test_missing_file_directory_and_size_limit(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_tmx(tmp_path / "absent.tmx")
    with pytest.raises(InputError, match="is a directory"):
        read_tmx(tmp_path)
    path = write(tmp_path, OMEGAT_11)
    with pytest.raises(InputError, match=r"over the 100-byte limit"):
        read_tmx(path, max_bytes=100)
    with pytest.raises(InputError, match=r"^upload: over|^upload: \d+ bytes, over"):
        read_tmx(OMEGAT_11.encode(), name="upload", max_bytes=100)
    assert len(read_tmx(path, max_bytes=len(OMEGAT_11.encode())).units) == 2


def test_public_read_on_the_sample_tmx(sample_path, tmp_path, use_encoder):
    import bitext
    from bitext import tmx

    alignment = bitext.align_document(sample_path, encoder=use_encoder)
    out = tmp_path / "sample.tmx"
    bitext.write_tmx([alignment], out)
    memory = tmx.read(out)
    assert memory.version == "1.4"
    assert list(memory.pairs("zh-CN", "en-US")) == [(p.src, p.tgt) for p in alignment.pairs()]


ONE_UNIT = (
    '<?xml version="1.0" encoding="{enc}"?>\n<tmx version="1.4"><header srclang="zh-CN"/><body>'
    '<tu><tuv xml:lang="zh-CN"><seg>双方签署合作协议。</seg></tuv>'
    '<tuv xml:lang="en-US"><seg>The two parties signed an agreement.</seg></tuv></tu></body></tmx>'
)


def test_truncated_file_is_refused_with_its_line(tmp_path: Path) -> None:
    data = ONE_UNIT.format(enc="UTF-8").encode()
    path = tmp_path / "cut.tmx"
    path.write_bytes(data[: len(data) - 30])
    with pytest.raises(InputError, match=r"cut\.tmx: not well-formed XML \(line 2\)"):
        read_tmx(path)


def test_wrong_encoding_declarations_are_refused(tmp_path: Path) -> None:
    utf8_as_latin1 = tmp_path / "latin1.tmx"
    utf8_as_latin1.write_bytes(ONE_UNIT.format(enc="ISO-8859-1").encode("utf-8"))
    with pytest.raises(InputError, match="declares encoding ISO-8859-1 but its bytes are UTF-8"):
        read_tmx(utf8_as_latin1)
    gbk_as_utf8 = tmp_path / "gbk.tmx"
    gbk_as_utf8.write_bytes(ONE_UNIT.format(enc="UTF-8").encode("gb18030"))
    with pytest.raises(InputError, match="bytes do not match the declared encoding"):
        read_tmx(gbk_as_utf8)
    # Declared and real encoding agree: read as written, whatever the encoding.
    for enc in ("GB18030", "UTF-16"):
        path = tmp_path / f"{enc}.tmx"
        path.write_bytes(ONE_UNIT.format(enc=enc).encode(enc.lower()))
        pairs = list(read_tmx(path).pairs("zh-CN", "en-US"))
        assert pairs == [("双方签署合作协议。", "The two parties signed an agreement.")]


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.tmx"
    os.mkfifo(fifo)
    code = f"from bitext.tmx import read\nread({str(fifo)!r})\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert done.returncode != 0 and "not a regular file" in done.stderr
