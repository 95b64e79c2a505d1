"""TMX round trips: a memory read, written back with our writer and read again.

Separate from test_tmxread.py, which tests reading files as CAT tools wrote
them: these tests check that writing loses nothing TMX 1.4 can hold, that the
output validates against the DTD, and that bitext's own exports read back.
Every expectation is written from the hand-made input, never from output of the
code under test.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from bitext.export import tmx_bytes
from bitext.model import FLAG_DAMAGED, Alignment, Bead, Sentence
from bitext.tmx import TMXDocument, TranslationUnit, Variant, read_tmx, tmx_units_to_bytes
from tmx_helpers import OMEGAT_11, TRADOS_14, TRADOS_SEG_ZH, XML_LANG, inline_tags, write

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


def test_public_read_on_the_sample_tmx(sample_path, tmp_path, use_encoder):
    import bitext
    from bitext import tmx

    alignment = bitext.align_document(sample_path, encoder=use_encoder)
    out = tmp_path / "sample.tmx"
    bitext.write_tmx([alignment], out)
    memory = tmx.read(out)
    assert memory.version == "1.4"
    assert list(memory.pairs("zh-CN", "en-US")) == [(p.src, p.tgt) for p in alignment.pairs()]
