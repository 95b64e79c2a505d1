"""Fuzzing the readers: mutated TMX, .docx and HTML files either read or are refused cleanly.

Seeds, all made here: a TMX written by bitext; a hand-written TMX 1.1 with inline
codes, props, notes and a <ude>; the same in UTF-16; a .docx made with
python-docx (heading, runs, a line break, a tab, a table, a text box with its VML
fallback, a footnote); an HTML page in UTF-8 (ruby, <pre>, a table, a script, a
comment, <noframes>, <xmp>) and one in GB2312 declared by <meta>; plain text in
UTF-8 behind a stray UTF-16 BOM, in UTF-32 without BOM and with paragraph
separators, bidi controls and an emoji ZWJ sequence.

Mutations, drawn by hypothesis (derandomized, so CI replays the same inputs):
bit flips, overwritten, inserted, deleted and duplicated bytes, truncation, and
inserted markup (entity declarations, character references to NUL and to lone
surrogates, CDATA, encoding declarations, deep nesting, stray TMX/WordML/HTML
tags). A .docx is also mutated inside the archive: one member's XML mutated,
a member dropped or renamed, the archive rebuilt stored or deflated.

The oracle: the reader returns a Document / TMXDocument, or raises InputError
with a one-line message that starts with the name it was given. Anything else
(IndexError, lxml or zipfile errors, UnicodeError, RecursionError...) is a bug. A
Document must also go through normalize → split → segment; a TMXDocument must
write back as TMX 1.4 (or raise the documented ValueError) and read in again
unchanged.

Inputs that found a bug are kept in tests/fuzz_corpus/ (see its README) and
replayed by `test_corpus_input`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from bitext import Alignment, Bead, Sentence, normalize, read_bytes, split_languages, tmx
from bitext import tmx_bytes as export_tmx
from bitext.errors import InputError
from bitext.model import FLAG_DAMAGED, Document
from bitext.pipeline import sentence_sides

# Not in the quick subset (-m "not slow"): fuzzing the readers.
pytestmark = pytest.mark.slow

CORPUS = Path(__file__).parent / "fuzz_corpus"
NAME = "fuzz-input"

# --- seeds --------------------------------------------------------------------------------------

TMX_11 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" segtype="sentence" o-tmf="x" adminlang="EN-US"
          srclang="EN-US" datatype="plaintext">
    <note>header note</note><prop type="x-a">v</prop>
    <ude name="MacRoman" base="Macintosh"><map unicode="#xF8FF" code="#xF0" ent="Apple_logo"/></ude>
  </header>
  <body>
    <tu tuid="7" creationdate="20230102T030405Z" usagecount="3">
      <prop type="x-file">press.txt</prop><note>n</note>
      <tuv lang="EN-US" creationid="me"><seg>Click <bpt i="1" type="bold">&lt;b&gt;</bpt>Save<ept
        i="1">&lt;/b&gt;</ept> <hi type="it">now</hi><ph x="2">&lt;br/&gt;</ph>.</seg></tuv>
      <tuv xml:lang="zh-Hant-TW"><seg>點擊<it pos="begin">&lt;u&gt;</it>保存。</seg></tuv>
    </tu>
    <tu><tuv xml:lang="en"><seg>Fish &amp; chips</seg></tuv>
        <tuv xml:lang="zh"><seg>炸魚</seg></tuv></tu>
  </body>
</tmx>
"""

HTML_UTF8 = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>T</title>
<style>p{}</style></head><body><h1>重庆日报</h1>
<p>会议在<ruby>重<rt>chóng</rt>庆</ruby>举行。<br>第二行</p><script>var x = "<p>";</script>
<pre>line one
line two</pre><table><tr><td>表格</td><td>Table</td></tr></table>
<p>The meeting was held in Chongqing.<!-- c --> It ended.</p>
<noframes><p>您的浏览器不支援<b>框架</b>。</p></noframes>
<xmp><b>代码</b> code</xmp></body></html>"""

HTML_GB = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
</head><body><div>会议在重庆举行。</div><div>The meeting was held.</div></body></html>"""


@cache
def tmx_seeds() -> tuple[bytes, ...]:
    src = (
        Sentence("会议在重庆举行。", "zh", 0, 0, 8),
        Sentence("借船出?!保涸趯?duì外", "zh", 1, 9, 20, (FLAG_DAMAGED,)),
    )
    tgt = (
        Sentence("The meeting was held in Chongqing.", "en", 2, 21, 55),
        Sentence("Borrow a boat & sail <out>.", "en", 3, 56, 83),
    )
    beads = (Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.4))
    ours = export_tmx([Alignment(src, tgt, beads, source="release.txt")])
    utf16 = TMX_11.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    return ours, TMX_11.encode(), utf16


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_BOX = (
    f'<w:r {_W_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><w:footnoteReference w:id="1"/>'
    '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
    "<w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r>"
    "</w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)
_FOOTNOTES = (
    f'<w:footnotes {_W_NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
    '</w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>脚注 Footnote.</w:t></w:r>'
    "</w:p></w:footnote></w:footnotes>"
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


@cache
def docx_seed() -> bytes:
    word = docx.Document()
    word.add_heading("重庆日报报业集团", level=1)
    p = word.add_paragraph("会议在重庆举行。")
    p.add_run("借船出海").bold = True
    p.add_run().add_break()
    p.add_run("第二行\tTab")
    p._p.append(etree.fromstring(_BOX))
    word.add_paragraph("The meeting was held in Chongqing. It ended at 5 p.m.")
    table = word.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "表格", (0, 1): "Table", (1, 0): "第二", (1, 1): "Two"}.items():
        table.cell(r, c).text = text
    buffer = io.BytesIO()
    word.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members["word/footnotes.xml"] = _FOOTNOTES.encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/word/footnotes.xml" ContentType="{_CT}"/></Types>'.encode(),
    )
    rels = "word/_rels/document.xml.rels"
    members[rels] = members[rels].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdFn" Type="{_REL}" Target="footnotes.xml"/></Relationships>'.encode(),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@cache
def text_seeds() -> tuple[bytes, ...]:
    text = (
        "重庆日报\u2029会议在重庆举行。\x85他说\u202e好。\x0c全家\U0001f468\u200d\U0001f469出游。\n"
        "The meeting\u2028was held.\u2066 It ended.\u2069\r\n"
    )
    return (
        b"\xff\xfe" + text.encode("utf-8"),
        text.encode("utf-32-le"),
        text.encode("utf-32-be"),
        text.encode("utf-16"),
    )


@cache
def html_seeds() -> tuple[bytes, ...]:
    return HTML_UTF8.encode(), HTML_GB.encode("gb2312")


# --- mutations ----------------------------------------------------------------------------------

TOKENS: tuple[bytes, ...] = (
    b"<", b">", b"&", b"&amp;", b"&#0;", b"&#xD800;", b"&#x10FFFF;", b"&foo;", b"&#13;",
    b"<!DOCTYPE tmx [<!ENTITY a 'x'>]>", b"<!DOCTYPE html>", b"<![CDATA[", b"]]>", b"<!--",
    b"-->", b"<?xml version='1.0' encoding='latin-1'?>", b"<?xml version='1.0' encoding='x'?>",
    b"<tu>", b"</tu>", b'<tuv xml:lang="">', b'<tuv xml:lang="zh_CN">', b"<seg>", b"</seg>",
    b"<hi>", b"</hi>", b'<bpt i="1">', b"<sub>", b"<ude na:me='x'/>", b"<header/>", b"</body>",
    b'version="2.0"', b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\xe4\xb8", b"\x80",
    b"\r", b"<w:p>", b"</w:p>", b"<w:t>", b"</w:t>", b"<w:br/>", b"<w:ins>", b"</w:ins>",
    b"<w:sdt><w:sdtContent>", b"<w:tbl><w:tr><w:tc>", b"<meta charset=gb2312>",
    b"<meta charset=utf-16>", b'<meta charset="uu">', b"<meta charset=unicode_escape>",
    b"\\ud800", b"<ruby>", b"<pre>", b"</pre>", b"<p>", b"<br>", b"<rt>", b'<e">',
    b"<div>" * 300, b"<b>" * 3000, b"\xe3\x80\x82", b"?", b"\xef\xbf\xbd",
    b"\xe2\x80\xa9", b"\xe2\x80\xa8", b"\xc2\x85", b"\x0c", b"\xe2\x80\xae", b"\xe2\x81\xa6",
    b"\xe2\x80\x8d", b"\xfe\xff", b"\x00\x00\x00", b"<xmp>", b"<plaintext>", b"<noframes>",
)  # fmt: skip
# Well-formed pieces, grafted between two tags: the file stays parseable more often
# and the code after the parser gets exercised.
TMX_GRAFTS: tuple[bytes, ...] = (
    b"<hi>x</hi>", b'<ph x="1"/>', b'<bpt i="9">&lt;b&gt;</bpt>', b"<sub>s</sub>", b"<ut>u</ut>",
    b'<prop type="t">v</prop>', b"<note>n</note>", b'<tuv xml:lang="fr"><seg>y</seg></tuv>',
    b'<tu><tuv xml:lang="zh"><seg>\xe7\x94\xb2</seg></tuv></tu>', b"<tuv><seg/></tuv>",
    b'<tuv xml:lang="en"/>', b'<ude name="u"><map unicode="#x1"/></ude>', b"<tu/>", b"<seg/>",
    b'<tuv xml:lang="zh_cn" x:y="1"><seg>z</seg></tuv>', b"<!-- c -->", b"<?pi x?>",
    b"<![CDATA[<seg>]]>", b"&#x3000;", b"&#65533;", b"&lt;", b"&#13;", b"\xe3\x80\x80", b"\n",
)  # fmt: skip
WORDML_GRAFTS: tuple[bytes, ...] = (
    b"<w:r><w:t>x</w:t></w:r>",
    b"<w:p><w:r><w:t>\xe6\x96\xb0</w:t></w:r></w:p>",
    b"<w:tab/>",
    b"<w:br/>",
    b"<w:ins><w:r><w:t>i</w:t></w:r></w:ins>",
    b"<w:del><w:t>d</w:t></w:del>",
    b"<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>",
    b"<w:sdt><w:sdtContent/></w:sdt>",
    b"<w:t>t</w:t>",
    b"<w:tc><w:p/></w:tc>",
    b"<w:body/>",
    b"<w:rt>ch\xc3\xb3ng</w:rt>",
    b"<w:noBreakHyphen/>",
    b"<w:customXml><w:p/></w:customXml>",
    b"<x:y/>",
    b"&#13;",
    b"<w:footnoteReference w:id='1'/>",
    b"<w:endnoteReference w:id='9'/>",
    b"<w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent>",
    b"<mc:AlternateContent><mc:Fallback><w:pict><w:txbxContent><w:p/></w:txbxContent></w:pict>"
    b"</mc:Fallback></mc:AlternateContent>",
    b"<w:drawing><w:txbxContent><w:txbxContent><w:p/></w:txbxContent></w:txbxContent></w:drawing>",
    b"<w:footnote w:id='1'><w:p><w:r><w:footnoteReference w:id='1'/></w:r></w:p></w:footnote>",
)
HTML_GRAFTS: tuple[bytes, ...] = (
    b"<ruby>\xe9\x87\x8d<rt>ch\xc3\xb3ng</rt></ruby>", b"<table><tr><td>x</td></tr></table>",
    b"<br/>", b"<pre>a\nb</pre>", b"<p>\xe6\x97\xa5?q\xc7\x90ng)</p>", b"<!-- c -->",
    b"<?pi x?>", b"<svg><p>s</p></svg>", b"<o:p>o</o:p>", b"<script>x</script>", b"&nbsp;",
    b"<noframes><p>f</p></noframes>", b"<noembed>e</noembed>", b"<xmp><xmp>x</xmp></xmp>",
    b"<plaintext><p>p</p>", b"<xmp>\xe2\x80\xa9</xmp>",
)  # fmt: skip

_pos = st.integers(0, 1 << 20)
_SPREAD = 0x9E3779B1  # Knuth's multiplicative hash constant
byte_ops = st.lists(
    st.one_of(
        st.tuples(st.just("flip"), _pos, st.integers(0, 7)),
        st.tuples(st.just("insert"), _pos, st.sampled_from(TOKENS)),
        st.tuples(st.just("write"), _pos, st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("delete"), _pos, st.integers(1, 64)),
        st.tuples(st.just("repeat"), _pos, st.integers(1, 256)),
        st.tuples(st.just("truncate"), _pos, st.just(0)),
        st.tuples(st.just("graft"), _pos, st.sampled_from(TMX_GRAFTS + HTML_GRAFTS)),
    ),
    min_size=1,
    max_size=5,
)


def graft_ops(grafts: tuple[bytes, ...]) -> st.SearchStrategy[list[tuple]]:
    """One to six well-formed pieces, each inserted right after some ``>``."""
    return st.lists(
        st.tuples(st.just("graft"), _pos, st.sampled_from(grafts)), min_size=1, max_size=6
    )


MEMBERS = (
    "word/document.xml",
    "word/footnotes.xml",
    "[Content_Types].xml",
    "_rels/.rels",
    "word/_rels/document.xml.rels",
    "word/styles.xml",
)
member_ops = st.one_of(
    st.tuples(st.just("mutate"), st.sampled_from(MEMBERS), byte_ops | graft_ops(WORDML_GRAFTS)),
    st.tuples(st.just("drop"), st.sampled_from(MEMBERS), st.just([])),
    st.tuples(st.just("rename"), st.sampled_from(MEMBERS), st.just([])),
)


def mutate(data: bytes, ops: Sequence[tuple]) -> bytes:
    """`data` with each byte-level operation applied in turn (positions wrap around)."""
    out = bytearray(data)
    for kind, n, arg in ops:
        # Hypothesis favours small integers; spread them over the file, or every
        # mutation would land in the XML declaration.
        pos = (n * _SPREAD) % (len(out) + 1)
        at = min(pos, len(out) - 1)
        if kind == "flip" and out:
            out[at] ^= 1 << arg
        elif kind == "insert":
            out[pos:pos] = arg
        elif kind == "write":
            out[pos : pos + len(arg)] = arg
        elif kind == "delete":
            del out[pos : pos + arg]
        elif kind == "repeat":
            out[pos:pos] = out[pos : pos + arg]
        elif kind == "truncate":
            del out[pos:]
        elif kind == "graft":
            ends = [i + 1 for i, byte in enumerate(out) if byte == ord(">")] or [0]
            at = ends[pos % len(ends)]
            out[at:at] = arg
    return bytes(out)


def mutate_docx(data: bytes, ops: Sequence[tuple], deflate: bool) -> bytes:
    """`data` (a .docx) rebuilt with members mutated, dropped or renamed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    for kind, name, inner in ops:
        if name not in members:
            continue
        if kind == "mutate":
            members[name] = mutate(members[name], inner)
        elif kind == "drop":
            del members[name]
        else:
            members[name + "~"] = members.pop(name)
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- the oracle ---------------------------------------------------------------------------------


def _clean_refusal(exc: InputError) -> None:
    message = str(exc)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(f"{NAME}:"), message


def _through_the_pipeline(doc: Document) -> None:
    for i, p in enumerate(doc.paragraphs):
        assert p.id == i and p.text and doc.text[p.start : p.end] == p.text
    split = split_languages(normalize(doc))
    for lang in ("zh", "en"):
        sentence_sides([b for b in split.blocks if b.lang == lang], lang)


def check_document(data: bytes, fmt: str | None) -> str:
    """``"read"`` or ``"refused"``; fails on any other outcome (see the module docstring)."""
    try:
        doc = read_bytes(data, source=NAME, format=fmt)
    except InputError as exc:
        _clean_refusal(exc)
        return "refused"
    _through_the_pipeline(doc)
    return "read"


def check_tmx(data: bytes) -> str:
    """``"read"`` or ``"refused"``; a memory read must also write back and read in unchanged."""
    try:
        memory = tmx.read(data, name=NAME)
    except InputError as exc:
        _clean_refusal(exc)
        return "refused"
    try:
        written = tmx.to_bytes(memory)
    except ValueError:
        return "read"  # documented: content TMX 1.4 cannot hold (an inline tag its DTD lacks)
    again = tmx.read(written, name=NAME)
    assert tmx.read(tmx.to_bytes(again), name=NAME) == again
    assert [u.variants for u in again.units] == [u.variants for u in memory.units]
    return "read"


CHECKS: dict[str, Callable[[bytes], str]] = {
    "tmx": check_tmx,
    "docx": lambda data: check_document(data, "docx"),
    "html": lambda data: check_document(data, "html"),
    "sniff": lambda data: check_document(data, None),  # format from the content
}

# --- fuzzing under hypothesis -------------------------------------------------------------------


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@fuzz(6000)
@given(st.sampled_from([0, 0, 1, 1, 2]), byte_ops)  # UTF-16 (2) breaks on most mutations
def test_tmx_reader_reads_or_refuses(seed: int, ops: list) -> None:
    event(check_tmx(mutate(tmx_seeds()[seed], ops)))


@fuzz(5000)
@given(st.integers(0, 1), graft_ops(TMX_GRAFTS))  # the UTF-8 seeds: grafts are UTF-8
def test_tmx_reader_reads_or_refuses_grafted_markup(seed: int, ops: list) -> None:
    event(check_tmx(mutate(tmx_seeds()[seed], ops)))


@fuzz(4000)
@given(st.integers(0, 1), byte_ops | graft_ops(HTML_GRAFTS))
def test_html_reader_reads_or_refuses(seed: int, ops: list) -> None:
    event(check_document(mutate(html_seeds()[seed], ops), "html"))


@fuzz(1200)
@given(st.lists(member_ops, min_size=1, max_size=3), st.booleans())
def test_docx_reader_survives_damaged_members(ops: list, deflate: bool) -> None:
    event(check_document(mutate_docx(docx_seed(), ops, deflate), "docx"))


@fuzz(1200)
@given(graft_ops(WORDML_GRAFTS))
def test_docx_reader_survives_grafted_wordml(ops: list) -> None:
    event(check_document(mutate_docx(docx_seed(), [("mutate", MEMBERS[0], ops)], True), "docx"))


@fuzz(1000)
@given(byte_ops)
def test_docx_reader_survives_damaged_archive(ops: list) -> None:
    event(check_document(mutate(docx_seed(), ops), "docx"))


@fuzz(1500)
@given(st.integers(0, 3), byte_ops)
def test_text_reader_reads_or_refuses(seed: int, ops: list) -> None:
    event(check_document(mutate(text_seeds()[seed], ops), "txt"))


@fuzz(1000)
@given(st.sampled_from(["docx", "html", "tmx"]), byte_ops)
def test_reader_without_format_reads_or_refuses(kind: str, ops: list) -> None:
    seed = {"docx": docx_seed(), "html": html_seeds()[0], "tmx": tmx_seeds()[1]}[kind]
    event(check_document(mutate(seed, ops), None))


# --- the corpus ---------------------------------------------------------------------------------

# Bugs outside the files this suite may change, reported rather than fixed: the
# replay is expected to fail until they are mended (strict: a fix makes it pass).
#: Corpus inputs that still fail, by path: each one a strict xfail until fixed.
KNOWN: dict[str, str] = {}


def _corpus() -> list[pytest.param]:
    params = []
    for path in sorted(p for p in CORPUS.glob("*/*") if p.is_file()):
        key = path.relative_to(CORPUS).as_posix()
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN[key])] if key in KNOWN else []
        params.append(pytest.param(path, id=key, marks=marks))
    return params


def test_corpus_is_there() -> None:
    kinds = {p.parent.name for p in CORPUS.glob("*/*")}
    assert kinds == set(CHECKS), kinds


@pytest.mark.parametrize("path", _corpus())
def test_corpus_input(path: Path) -> None:
    """Each kept input gives the outcome its name promises: ``read-*`` or ``refused-*``."""
    expected = path.name.split("-", 1)[0]
    assert expected in ("read", "refused"), path.name
    assert CHECKS[path.parent.name](path.read_bytes()) == expected
