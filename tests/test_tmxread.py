"""TMX reader: CAT-tool style files written by hand, hostile files.

Every expectation is written from the hand-made input, never from output of the
code under test. Writing a memory back and reading it again (our own writer's
output included) is tested in test_tmx_roundtrip.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from bitext.errors import InputError
from bitext.tmx import read_tmx, tmx_units_to_bytes
from tmx_helpers import OMEGAT_11, TRADOS_14, XML_LANG, inline_tags, write

SECRET = "root:x:0:0"  # what /etc/passwd would leak

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
