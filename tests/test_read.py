"""READ stage: encodings, line endings, offsets, HTML, DOCX and bad input.

Every input is written into tmp_path by the test itself; expected texts come
from Python's codecs, opencc or literals, never from the reader.
"""

from __future__ import annotations

import codecs
import os
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import opencc
import pytest

from bitext.errors import InputError
from bitext.model import Document
from bitext.read import MAX_BYTES, decode, read, read_bytes, read_text

PINYIN_DEBRIS = re.compile(r"\([A-Za-z\u00c0-\u024f]+\)")


def assert_offsets(doc: Document) -> None:
    assert doc.paragraphs, "no paragraphs"
    for i, p in enumerate(doc.paragraphs):
        assert p.id == i
        assert doc.text[p.start : p.end] == p.text
        assert p.text == p.text.strip() and p.text
    starts = [p.start for p in doc.paragraphs]
    assert starts == sorted(starts)


@pytest.fixture(scope="module")
def sample_text(sample_path: Path) -> str:
    return sample_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def traditional(sample_text: str) -> str:
    """The sample's Chinese part without pinyin debris, limited to what Big5 can encode."""
    text = PINYIN_DEBRIS.sub("", sample_text)
    lines = [ln for ln in text.splitlines() if re.search(r"[\u4e00-\u9fff]", ln)]
    kept = "\n".join(lines)
    kept = "".join(c for c in kept if _encodable(c, "cp950"))
    assert len(kept) > 1000  # still a real text, not a few survivors
    return kept


@pytest.fixture(scope="module")
def simplified(traditional: str) -> str:
    text = opencc.OpenCC("t2s").convert(traditional)
    return "".join(c for c in text if _encodable(c, "gb2312"))


def _encodable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- plain text and encodings ------------------------------------------------


def test_sample_reads_as_utf8_lines(sample_path: Path, sample_text: str) -> None:
    doc = read(sample_path)
    assert (doc.format, doc.encoding, doc.source) == ("txt", "utf-8", str(sample_path))
    assert doc.text == sample_text
    assert [p.text for p in doc.paragraphs] == [ln for ln in sample_text.splitlines() if ln]
    assert doc.paragraphs[0].text == "賀煜"
    assert "落實(shí)" in doc.paragraphs[1].text  # the reader repairs nothing
    assert_offsets(doc)


# (how to encode, which text fixture, encodings the reader may report)
ENCODINGS = [
    ("utf-8-sig", "sample_text", {"utf-8-sig"}),
    ("utf-16", "sample_text", {"utf-16"}),
    ("utf-16-be+bom", "sample_text", {"utf-16"}),
    ("utf-32", "sample_text", {"utf-32"}),
    ("utf-32-be+bom", "sample_text", {"utf-32"}),
    ("utf-16-le", "sample_text", {"utf-16-le"}),
    ("utf-16-be", "sample_text", {"utf-16-be"}),
    ("utf-16-le", "traditional", {"utf-16-le"}),
    ("gb18030", "sample_text", {"gb18030"}),
    ("gbk", "sample_text", {"gb18030"}),
    ("gb2312", "simplified", {"gb18030"}),
    ("big5hkscs", "sample_text", {"big5hkscs"}),
    ("big5", "traditional", {"big5hkscs", "cp950"}),
    ("cp950", "traditional", {"big5hkscs", "cp950"}),
]


@pytest.mark.parametrize(("encoding", "source", "reported"), ENCODINGS)
def test_encodings_read_like_utf8(
    tmp_path: Path, request: pytest.FixtureRequest, encoding: str, source: str, reported: set[str]
) -> None:
    text = request.getfixturevalue(source)
    if encoding.endswith("+bom"):
        codec = encoding.removesuffix("+bom")
        bom = codecs.BOM_UTF16_BE if codec == "utf-16-be" else codecs.BOM_UTF32_BE
        data = bom + text.encode(codec)
    else:
        data = text.encode(encoding)
    doc = read(_write(tmp_path, "in.txt", data))
    expected = read(_write(tmp_path, "utf8.txt", text.encode("utf-8")))
    assert doc.text == expected.text == text
    assert doc.paragraphs == expected.paragraphs
    assert doc.encoding in reported
    assert data.decode(doc.encoding) == text  # the reported name really decodes it


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("第一行\n第二行", "gbk"),  # short texts are where charset-normalizer guesses wrong
        ("重慶日報報業集團", "big5"),
        ("国际传播能力建设", "gb2312"),
        ("He said “yes” — it’s the café’s résumé, Größe à la carte.", "cp1252"),
    ],
)
def test_short_legacy_texts(text: str, encoding: str) -> None:
    decoded, name = decode(text.encode(encoding))
    assert decoded == text
    assert text.encode(encoding).decode(name) == text


def test_long_english_part_first_does_not_hide_the_chinese(traditional: str) -> None:
    text = "An English paragraph of a press release.\n" * 1000 + traditional
    decoded, name = decode(text.encode("big5"))
    assert decoded == text
    assert name in {"big5hkscs", "cp950"}


def test_crlf_and_cr_become_lf(tmp_path: Path) -> None:
    data = b"line one\r\n\r\n  line two  \r\nthree\rfour\r\n"
    doc = read(_write(tmp_path, "crlf.txt", data))
    assert doc.text == "line one\n\n  line two  \nthree\nfour\n"
    assert [p.text for p in doc.paragraphs] == ["line one", "line two", "three", "four"]
    assert [(p.start, p.end) for p in doc.paragraphs] == [(0, 8), (12, 20), (23, 28), (29, 33)]
    assert_offsets(doc)


def test_read_text_trims_ideographic_indent_and_bom() -> None:
    doc = read_text("\ufeff\u3000\u3000第一段。\n\n \t\nSecond paragraph.  ", source="x.txt")
    assert doc.text.startswith("\u3000")  # the BOM character is gone, the rest is kept
    assert [p.text for p in doc.paragraphs] == ["第一段。", "Second paragraph."]
    assert (doc.source, doc.format, doc.encoding) == ("x.txt", "txt", None)
    assert_offsets(doc)


def test_unknown_suffix_is_sniffed(tmp_path: Path) -> None:
    assert read(_write(tmp_path, "notes.md", "中文\nEnglish".encode("gbk"))).format == "txt"
    html = b"<!DOCTYPE html><html><body><p>a</p><p>b</p></body></html>"
    doc = read(_write(tmp_path, "page.asp", html))
    assert (doc.format, doc.text) == ("html", "a\nb")
    path = tmp_path / "report.bin"
    _python_docx(["only paragraph"]).save(path)
    assert read(path).format == "docx"


# --- HTML ----------------------------------------------------------------------


def test_html_ruby_gives_no_pinyin(tmp_path: Path) -> None:
    html = (
        "<p>為深入貫徹<ruby>落<rp>(</rp><rt>luò</rt><rp>)</rp></ruby>"
        "<ruby>實<rp>(</rp><rt>shí</rt><rp>)</rp></ruby>精神</p>"
    )
    doc = read(_write(tmp_path, "ruby.html", html.encode("utf-8")))
    assert doc.text == "為深入貫徹落實精神"
    assert doc.format == "html"


def test_html_blocks_split_and_inline_does_not(tmp_path: Path) -> None:
    html = """<!DOCTYPE html><html><head><title>Title</title>
    <style>p { color: red }</style><script>var x = "<p>no</p>";</script></head>
    <body><h1>Head &amp; line</h1>
    <div>one <b>bold</b> <a href="#">link</a><div>nested</div>after nested</div>
    <p>first<br>second</p><ul><li>item 1</li><li>item 2</li></ul>
    <table><tr><td>cell a</td><td>cell b</td></tr></table>
    <noscript>enable js</noscript><template><p>hidden</p></template>
    <p>中文在源碼裏
       換行了</p><pre>pre 1
pre 2</pre><!-- comment --><p>&lt;tag&gt; &quot;q&quot; &#20013;</p></body></html>"""
    doc = read(_write(tmp_path, "page.html", html.encode("utf-8")))
    assert [p.text for p in doc.paragraphs] == [
        "Head & line",
        "one bold link",
        "nested",
        "after nested",
        "first",
        "second",
        "item 1",
        "item 2",
        "cell a",
        "cell b",
        "中文在源碼裏換行了",
        "pre 1",
        "pre 2",
        '<tag> "q" 中',
    ]
    assert doc.encoding == "utf-8"
    assert_offsets(doc)


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    body = "<p>重慶日報</p><p>國際傳播</p>"
    for charset, codec in [("gb2312", "gb18030"), ("big5", "big5")]:
        html = f'<html><head><meta charset="{charset}"></head><body>{body}</body></html>'
        doc = read(_write(tmp_path, f"{charset}.htm", html.encode(codec)))
        assert doc.text == "重慶日報\n國際傳播"


@pytest.mark.parametrize(
    ("charset", "codec"),
    [
        (None, "big5"),
        (None, "gbk"),
        ("utf-8", "big5"),  # declared UTF-8, saved as Big5
        ("gb2312", "utf-8"),  # re-saved as UTF-8, old declaration left in place
        ("gb2312", "big5"),  # Big5 also decodes as GBK, into garbage
    ],
)
def test_html_without_or_with_wrong_charset_is_detected(
    tmp_path: Path, charset: str | None, codec: str
) -> None:
    text = "重慶國際傳播中心主任詳細介紹中心發展情況"
    head = (
        ""
        if charset is None
        else f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    )
    data = f"<html><head>{head}</head><body><p>{text}</p></body></html>".encode(codec)
    assert read(_write(tmp_path, "page.html", data)).text == text


def test_html_declared_charset_detection_does_not_know(tmp_path: Path) -> None:
    text = "Привет, мир"
    html = f'<html><head><meta charset="windows-1251"></head><body><p>{text}</p></body></html>'
    doc = read(_write(tmp_path, "ru.html", html.encode("cp1251")))
    assert (doc.text, doc.encoding) == (text, "cp1251")


def test_xhtml_with_xml_declaration(tmp_path: Path) -> None:
    data = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>甲</p><p>乙 &amp; 丙</p>'
        "</body></html>"
    ).encode()
    doc = read(_write(tmp_path, "page.xhtml", data))
    assert doc.text == "甲\n乙 & 丙"


def test_html_without_text_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "blank.html", b"<html><head><title>t</title></head><body> </body>")
    with pytest.raises(InputError, match=r"blank\.html: no text found"):
        read(path)


# --- DOCX ----------------------------------------------------------------------


def _python_docx(paragraphs: list[str]) -> docx.document.Document:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    return document


def test_docx_paragraphs_and_table(tmp_path: Path) -> None:
    document = _python_docx(["重慶日報報業集團", "", "  Chongqing Daily  "])
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    document.add_paragraph("After the table")
    document.sections[0].header.paragraphs[0].text = "Letterhead"
    path = tmp_path / "release.docx"
    document.save(path)
    doc = read(path)
    assert [p.text for p in doc.paragraphs] == [
        "重慶日報報業集團",
        "Chongqing Daily",
        "r0c0",
        "r0c1",
        "r1c0",
        "r1c1",
        "After the table",
    ]
    assert doc.text == "\n".join(p.text for p in doc.paragraphs)
    assert (doc.format, doc.encoding, doc.source) == ("docx", None, str(path))
    assert_offsets(doc)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _handmade_docx(
    path: Path, body: str, doctype: str = "", compression: int = zipfile.ZIP_DEFLATED
) -> Path:
    """A minimal .docx written with zipfile: [Content_Types], rels and the body XML."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
        f'<w:document xmlns:w="{_W_NS}"><w:body>{body}</w:body></w:document>'
    )
    with zipfile.ZipFile(path, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return path


def test_docx_tracked_changes_are_accepted(tmp_path: Path) -> None:
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r>'
        '<w:ins w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:t>inserted</w:t></w:r></w:ins>"
        '<w:del w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z">'
        "<w:r><w:delText>deleted</w:delText></w:r></w:del>"
        '<w:r><w:t xml:space="preserve"> end</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>"
        '<w:p><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        "<w:r><w:t>field result</w:t></w:r></w:p>"
    )
    path = _handmade_docx(tmp_path / "tracked.docx", body)
    # python-docx's own Paragraph.text loses the insertion: the reason for our extractor.
    assert docx.Document(str(path)).paragraphs[0].text == "Kept  end"
    doc = read(path)
    assert [p.text for p in doc.paragraphs] == [
        "Kept inserted end",
        "第一行",
        "第二行",
        "field result",
    ]
    assert_offsets(doc)


def test_docx_external_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = _write(tmp_path, "secret.txt", b"TOP-SECRET-CONTENT")
    path = tmp_path / "xxe.docx"
    body = "<w:p><w:r><w:t>before &xxe; after</w:t></w:r></w:p>"
    _handmade_docx(
        path, body, doctype=f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    )
    doc = read(path)
    assert "TOP-SECRET" not in doc.text
    assert doc.text.startswith("before")


def test_fake_docx_is_not_a_zip(tmp_path: Path) -> None:
    path = _write(tmp_path, "fake.docx", "這不是 Word 文件".encode())
    with pytest.raises(InputError, match=r"fake\.docx: not a valid \.docx \(not a zip archive\)"):
        read(path)


def test_zip_that_is_not_word(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match=r"other\.docx: not a valid \.docx"):
        read(path)


def test_zip_bomb_by_ratio_is_refused(tmp_path: Path) -> None:
    path = _handmade_docx(tmp_path / "bomb.docx", "<w:p><w:r><w:t>x</w:t></w:r></w:p>")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", bytes(20 * 2**20))  # 20 MB -> ~20 KB
    assert path.stat().st_size < 2**20
    with pytest.raises(InputError, match=r"bomb\.docx: .*zip bomb"):
        read(path)


def test_zip_bomb_by_declared_total_is_refused(tmp_path: Path) -> None:
    path = _handmade_docx(tmp_path / "huge.docx", "<w:p><w:r><w:t>x</w:t></w:r></w:p>")
    data = bytearray(path.read_bytes())
    # Claim 300 MB for every entry in the central directory, as a crafted bomb would.
    at = data.find(b"PK\x01\x02")
    while at != -1:
        struct.pack_into("<I", data, at + 24, 300 * 2**20)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"huge\.docx: refusing .* MB.*zip bomb"):
        read(path)


def _understate(path: Path, part: str, size: int) -> None:
    """Declare `part` as `size` bytes in its local header and in the central directory."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    for signature, at_name, at_size in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        at = data.find(signature)
        while data[at + at_name : at + at_name + len(name)] != name:
            at = data.find(signature, at + 4)
        struct.pack_into("<I", data, at + at_size, size)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("part", "shown"),
    [("word/document.xml", "word/document.xml"), ("word/a\nb.bin", "'word/a\\nb.bin'")],
    ids=["main-part", "unused-part-with-newline"],
)
def test_docx_part_larger_than_declared_is_refused(tmp_path: Path, part: str, shown: str):
    # The CRC is the true one: only the size lies, which zipfile alone never notices.
    path = _handmade_docx(tmp_path / "liar.docx", "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 20)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/a\nb.bin", bytes(5000))
    assert "".join(p.text for p in read(path).paragraphs) == "x" * 20  # honest: it reads
    _understate(path, part, 100)
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == (
        f"{path}: not a valid .docx ({shown} inflates past its declared 100 bytes; "
        "possible zip bomb)"
    )


def test_docx_compression_other_than_deflate_is_refused(tmp_path: Path) -> None:
    body = "<w:p><w:r><w:t>stored</w:t></w:r></w:p>"
    stored = _handmade_docx(tmp_path / "stored.docx", body, compression=zipfile.ZIP_STORED)
    assert [p.text for p in read(stored).paragraphs] == ["stored"]
    path = _handmade_docx(tmp_path / "bzip2.docx", body, compression=zipfile.ZIP_BZIP2)
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == (
        f"{path}: not a valid .docx ([Content_Types].xml uses compression method 12; "
        "a .docx uses only stored or deflate)"
    )


# --- offsets in every format ---------------------------------------------------


def test_offsets_hold_for_every_format(tmp_path: Path, sample_text: str) -> None:
    lines = [ln for ln in sample_text.splitlines() if ln.strip()]
    html = "".join(f"<p>  {ln}\n</p>" for ln in lines)
    path = tmp_path / "sample.docx"
    _python_docx(lines).save(path)
    docs = [
        read(_write(tmp_path, "sample.txt", "\r\n".join(f" {ln} " for ln in lines).encode())),
        read(_write(tmp_path, "sample.html", html.encode("utf-8"))),
        read(path),
    ]
    for doc in docs:
        assert_offsets(doc)
        assert [p.text for p in doc.paragraphs] == lines


# --- bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file is empty"),
        (b"  \n\t\r\n \n", "file is empty"),
        ("\u3000\n".encode("utf-16"), "file is empty"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
            r"binary file \(PNG image\), not text",
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", r"binary file \(PDF document\), not text"),
        (b"GIF89a\x01\x00", r"binary file \(GIF image\)"),
        (b"\x7fELF\x02\x01\x01" + bytes(32), r"binary file \(ELF executable\)"),
        (b"text\x00with\x01NUL\x00bytes\xff\x00", r"binary file \(contains NUL bytes\)"),
        (b"Hello \x81\x20 world \xff\xfe\x8d\x90\x9d", "cannot decode"),
    ],
)
def test_bad_content(tmp_path: Path, data: bytes, message: str) -> None:
    path = _write(tmp_path, "bad.txt", data)
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}: {message}"):
        read(path)


def test_bad_content_in_read_bytes_names_source() -> None:
    with pytest.raises(InputError, match=r"^upload\.txt: binary file \(PNG image\)"):
        read_bytes(b"\x89PNG\r\n\x1a\nrest", source="upload.txt")
    with pytest.raises(InputError, match=r"^<bytes>: file is empty"):
        read_bytes(b"")
    with pytest.raises(InputError, match=r"unknown format 'rtf'"):
        read_bytes(b"text", format="rtf")
    # PDF is a format now (issue 21): text called a PDF is refused as not being one.
    with pytest.raises(InputError, match=r"^<bytes>: not a PDF \(no %PDF- header\)$"):
        read_bytes(b"text", format="pdf")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}: no such file$"):
        read(path)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=rf"^{re.escape(str(tmp_path))}: is a directory"):
        read(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    # Opening a FIFO waits for a writer that never comes; if the reader did that,
    # the test itself would hang, so the read runs in a child with a deadline.
    fifo = tmp_path / "input.txt"
    os.mkfifo(fifo)
    code = (
        "import sys\n"
        "from bitext.errors import InputError\n"
        "from bitext.read import read\n"
        "try:\n"
        "    read(sys.argv[1])\n"
        "except InputError as exc:\n"
        "    print(exc)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=10
        )
    except subprocess.TimeoutExpired:
        pytest.fail("read() blocked on a FIFO")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{fifo}: not a regular file\n"


def test_character_device_is_refused() -> None:
    with pytest.raises(InputError, match=rf"^{re.escape(os.devnull)}: not a regular file$"):
        read(os.devnull)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied(tmp_path: Path) -> None:
    path = _write(tmp_path, "secret.txt", b"text")
    path.chmod(0)
    with pytest.raises(InputError, match=r"secret\.txt: permission denied"):
        read(path)


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: costs no disk, and is never read
    with pytest.raises(InputError, match=r"huge\.txt: file too large"):
        read(path)
