"""READ stage, structures that hide or leak text (issue 16): raw-text HTML elements,
Word text boxes and notes, Unicode paragraph separators, stray BOMs and UTF-32,
template and Strict Word files.

Inputs are built here from the bundled sample's real lines; expected texts are
those lines (or Python's codecs), never the reader's own output.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

import bitext
from bitext.errors import InputError
from bitext.read import decode, read, read_bytes, read_text
from cli_helpers import run_cli

HAN = re.compile(r"[\u4e00-\u9fff]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@pytest.fixture(scope="module")
def lines(sample_path: Path) -> tuple[list[str], list[str]]:
    """The sample's Chinese and English lines, pinyin debris and all (they are real text)."""
    text = sample_path.read_text(encoding="utf-8")
    all_lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    zh = [ln for ln in all_lines if len(HAN.findall(ln)) > 20]
    en = [ln for ln in all_lines if not HAN.search(ln) and len(ln) > 40]
    assert len(zh) >= 6 and len(en) >= 6
    return zh, en


# --- item 3: raw-text HTML elements ------------------------------------------------------


@pytest.mark.parametrize("element", ["noframes", "noembed"])
def test_html_fallback_markup_is_not_read(element: str, lines) -> None:
    zh, en = lines
    page = (
        f"<!DOCTYPE html><html><body><p>{zh[0]}</p>"
        f"<{element}><p>您的浏览器不支援<b>框架</b>。</p></{element}>"
        f"<p>{en[0]}</p></body></html>"
    )
    doc = read_bytes(page.encode("utf-8"), format="html")
    assert [p.text for p in doc.paragraphs] == [zh[0], en[0]]


@pytest.mark.parametrize("element", ["xmp", "plaintext"])
def test_html_shown_raw_text_is_read_without_its_tags(element: str, lines) -> None:
    zh, en = lines
    close = "" if element == "plaintext" else f"</{element}>"  # plaintext never ends
    page = (
        f"<html><body><p>{en[0]}</p>"
        f"<{element}><p>{zh[1]}</p>\n<b>{zh[2]}</b> <i>{en[1]}</i>{close}</body></html>"
    )
    doc = read_bytes(page.encode("utf-8"), format="html")
    texts = [p.text for p in doc.paragraphs]
    assert texts == [en[0], zh[1], f"{zh[2]} {en[1]}"]
    assert not TAG.search(doc.text)


@pytest.mark.parametrize(
    "markup",
    [
        "<template><p>模板里的文字。</p></template>",
        '<iframe srcdoc="&lt;p&gt;内嵌页面&lt;/p&gt;">您的浏览器不支援<b>框架</b>。</iframe>',
        '<object data="movie.swf">请安装<b>插件</b>。</object>',
        "<noscript><p>请启用<b>脚本</b>。</p></noscript>",
        "<textarea>表单<b>默认</b>文字</textarea>",
    ],
)
def test_html_hidden_and_fallback_content_stays_out(markup: str, lines) -> None:
    zh, en = lines
    page = f"<html><head><title>标题</title></head><body><p>{zh[0]}</p>{markup}<p>{en[0]}</p>"
    doc = read_bytes(page.encode("utf-8"), format="html")
    assert [p.text for p in doc.paragraphs] == [zh[0], en[0]]


def test_html_page_with_noframes_aligns_without_markup_in_any_unit(
    lines, tmp_path: Path, use_encoder
) -> None:
    zh, en = lines
    body = "".join(f"<p>{z}</p>" for z in zh[:4]) + "".join(f"<p>{e}</p>" for e in en[:4])
    page = (
        "<html><frameset><frame src='a.html'></frameset>"
        f"<noframes><body><p>您的浏览器不支援<b>框架</b>。</p></body></noframes>"
        f"<body>{body}</body></html>"
    )
    path = tmp_path / "frames.html"
    path.write_text(page, encoding="utf-8")
    alignment = bitext.align_document(path, encoder=use_encoder)
    texts = [s.text for s in (*alignment.src, *alignment.tgt)]
    assert not any(TAG.search(t) or "框架" in t for t in texts)
    assert len(alignment.beads) >= 4


# --- item 8: Unicode paragraph separators ---------------------------------------------------

SEPARATORS = {"U+2029": "\u2029", "NEL": "\x85", "form feed": "\x0c", "U+2028": "\u2028"}


@pytest.mark.parametrize("sep", SEPARATORS.values(), ids=SEPARATORS.keys())
@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
def test_text_separators_end_paragraphs(sep: str, codec: str, lines) -> None:
    zh, en = lines
    wanted = [*zh[:3], *en[:3]]
    # Each separator alone, and after a space and a newline (a page break on its own line).
    text = sep.join(wanted[:3]) + f" {sep}\n" + sep.join(wanted[3:])
    doc = read_bytes(text.encode(codec), format="txt")
    assert [p.text for p in doc.paragraphs] == wanted
    assert all(doc.text[p.start : p.end] == p.text for p in doc.paragraphs)
    assert read_text(text).text == doc.text == text


@pytest.mark.parametrize("sep", ["\u2029", "\u2028"])
def test_separators_inside_html_and_docx_text_end_paragraphs(sep: str, lines) -> None:
    zh, en = lines
    page = f"<html><body><p>{zh[0]}{sep}{en[0]}</p></body></html>"
    assert [p.text for p in read_bytes(page.encode(), format="html").paragraphs] == [zh[0], en[0]]
    word = docx.Document()
    word.add_paragraph(f"{zh[1]}{sep}{en[1]}")
    data = io.BytesIO()
    word.save(data)
    paragraphs = read_bytes(data.getvalue(), format="docx").paragraphs
    assert [p.text for p in paragraphs] == [zh[1], en[1]]


def test_text_with_paragraph_separators_aligns_with_exact_offsets(
    lines, tmp_path: Path, use_encoder
) -> None:
    zh, en = lines
    path = tmp_path / "separated.txt"
    path.write_text("\u2029".join([*zh[:5], *en[:5]]), encoding="utf-8")
    alignment = bitext.align_document(
        path, encoder=use_encoder, config=bitext.PipelineConfig(zh_script="keep")
    )
    text = alignment.document.text
    assert len(alignment.beads) >= 5
    for s in (*alignment.src, *alignment.tgt):
        raw = text[s.start : s.end]
        # A sentence's input span lies within one paragraph and starts and ends where it does.
        assert "\u2029" not in raw
        assert raw[:2] == s.text[:2] and raw[-1] in s.text[-2:] + "，,"


# --- item 10: a stray UTF-16 BOM before UTF-8; UTF-32 without BOM ----------------------------


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE], ids=["LE", "BE"])
@pytest.mark.parametrize("tail", ["", "。"], ids=["even", "odd"])  # 。 is 3 bytes: odd length
def test_utf8_behind_a_stray_utf16_bom_is_read_as_utf8(
    bom: bytes, tail: str, sample_path: Path, tmp_path: Path
) -> None:
    text = sample_path.read_text(encoding="utf-8") + tail
    path = tmp_path / "stray-bom.txt"
    path.write_bytes(bom + text.encode("utf-8"))
    doc = read(path)
    assert (doc.text, doc.encoding) == (text, "utf-8")


def test_real_utf16_and_undecodable_rest_keep_their_meaning(sample_path: Path) -> None:
    text = sample_path.read_text(encoding="utf-8")
    assert decode(text.encode("utf-16")) == (text, "utf-16")
    # GBK behind the BOM is not UTF-8 either: the UTF-16 error stands.
    with pytest.raises(InputError, match=r"x\.txt: invalid utf-16 data at byte"):
        decode(codecs.BOM_UTF16_LE + text.encode("gb18030") + b"x", source="x.txt")


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_without_bom_is_decoded(codec: str, sample_path: Path, tmp_path: Path) -> None:
    text = sample_path.read_text(encoding="utf-8")
    path = tmp_path / "utf32.txt"
    path.write_bytes(text.encode(codec))
    doc = read(path)
    assert (doc.text, doc.encoding) == (text, codec)
    assert len(doc.paragraphs) == len([ln for ln in text.splitlines() if ln.strip()])


def test_integers_that_look_like_utf32_are_still_binary() -> None:
    data = b"".join(n.to_bytes(4, "little") for n in range(256))
    with pytest.raises(InputError, match="binary file"):
        decode(data)


# --- item 7: Word text boxes, footnotes and endnotes ----------------------------------------

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
}
XMLNS = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def _box_paragraphs(texts: list[str]) -> str:
    return "".join(f'<w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>' for t in texts)


def drawing_box(texts: list[str], fallback: bool = True) -> str:
    """A run holding a DrawingML text box, with the VML copy Word writes as its fallback."""
    content = f"<w:txbxContent>{_box_paragraphs(texts)}</w:txbxContent>"
    choice = (
        '<w:drawing><wp:anchor><a:graphic><a:graphicData uri="http://schemas.microsoft.com/'
        f'office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx>{content}</wps:txbx>'
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )
    vml = f"<w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict>"
    alternate = f"<mc:Fallback>{vml}</mc:Fallback>" if fallback else ""
    return (
        f'<w:r {XMLNS}><mc:AlternateContent><mc:Choice Requires="wps">{choice}</mc:Choice>'
        f"{alternate}</mc:AlternateContent></w:r>"
    )


def vml_box(texts: list[str]) -> str:
    content = f"<w:txbxContent>{_box_paragraphs(texts)}</w:txbxContent>"
    return (
        f"<w:r {XMLNS}><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></w:r>"
    )


def word_file(paragraphs: list[str | tuple[str, str]]) -> docx.document.Document:
    """A python-docx document; a (text, runs XML) item is a paragraph with those runs appended."""
    document = docx.Document()
    for item in paragraphs:
        text, run = item if isinstance(item, tuple) else (item, "")
        paragraph = document.add_paragraph(text)
        if run:
            paragraph._p.extend(etree.fromstring(f"<w:runs {XMLNS}>{run}</w:runs>"))
    return document


def saved(document: docx.document.Document, extra: dict[str, bytes] | None = None) -> bytes:
    """The document's bytes, with `extra` zip members replaced or added."""
    buffer = io.BytesIO()
    document.save(buffer)
    if not extra:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename not in extra:
                new.writestr(info, old.read(info))
        for member, data in extra.items():
            new.writestr(member, data)
    return out.getvalue()


def with_notes(document: docx.document.Document, notes: dict[str, dict[str, str]]) -> bytes:
    """`document` with footnotes/endnotes parts (kind -> id -> text), separators included."""
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as old:
        types = old.read("[Content_Types].xml").decode()
        rels = old.read("word/_rels/document.xml.rels").decode()
    extra: dict[str, bytes] = {}
    for n, (kind, texts) in enumerate(notes.items()):
        body = (
            f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            f'</w:{kind}><w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            f"<w:continuationSeparator/><w:t>continued</w:t></w:r></w:p></w:{kind}>"
        )
        body += "".join(
            f'<w:{kind} w:id="{i}">{_box_paragraphs([t])}</w:{kind}>' for i, t in texts.items()
        )
        extra[f"word/{kind}s.xml"] = f"<w:{kind}s {XMLNS}>{body}</w:{kind}s>".encode()
        types = types.replace(
            "</Types>",
            f'<Override PartName="/word/{kind}s.xml" ContentType="{WML}{kind}s+xml"/></Types>',
        )
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdNotes{n}" Type="{REL}{kind}s" Target="{kind}s.xml"/>'
            "</Relationships>",
        )
    extra["[Content_Types].xml"] = types.encode()
    extra["word/_rels/document.xml.rels"] = rels.encode()
    return saved(document, extra)


def note_reference(kind: str, note_id: str) -> str:
    return f'<w:r {XMLNS}><w:{kind}Reference w:id="{note_id}"/></w:r>'


def test_docx_text_boxes_are_read_once_after_their_anchor(lines) -> None:
    zh, en = lines
    document = word_file([(zh[0], drawing_box([zh[1], zh[2]])), (en[0], vml_box([en[1]])), en[2]])
    texts = [p.text for p in read_bytes(saved(document), format="docx").paragraphs]
    assert texts == [zh[0], zh[1], zh[2], en[0], en[1], en[2]]


def test_docx_alternate_content_without_fallback_and_nested_boxes(lines) -> None:
    zh, _ = lines
    inner = drawing_box([zh[2]], fallback=False).replace(f"<w:r {XMLNS}>", "<w:r>")
    outer = drawing_box([zh[1]]).replace(
        _box_paragraphs([zh[1]]), f"<w:p><w:r><w:t>{zh[1]}</w:t></w:r>{inner}</w:p>"
    )
    data = saved(word_file([(zh[0], outer)]))
    texts = [p.text for p in read_bytes(data, format="docx").paragraphs]
    assert texts == [zh[0], zh[1], zh[2]]


def test_docx_notes_follow_their_first_reference_and_separators_are_skipped(lines) -> None:
    zh, en = lines
    document = word_file(
        [
            (zh[0], note_reference("footnote", "1")),
            (zh[1], note_reference("endnote", "1")),
            (en[0], note_reference("footnote", "2") + note_reference("footnote", "1")),
        ]
    )
    data = with_notes(document, {"footnote": {"1": zh[2], "2": en[1]}, "endnote": {"1": zh[3]}})
    texts = [p.text for p in read_bytes(data, format="docx").paragraphs]
    assert texts == [zh[0], zh[2], zh[1], zh[3], en[0], en[1]]
    assert "continued" not in " ".join(texts)


def test_docx_with_all_its_chinese_in_a_text_box_aligns(lines, tmp_path: Path, use_encoder) -> None:
    zh, en = lines
    document = word_file([("", drawing_box(zh[:5])), *en[:5]])
    path = tmp_path / "boxed.docx"
    path.write_bytes(saved(document))
    alignment = bitext.align_document(
        path, encoder=use_encoder, config=bitext.PipelineConfig(zh_script="keep")
    )
    assert len(alignment.beads) >= 5
    zh_text = "".join(s.text for s in alignment.src)
    assert len(HAN.findall(zh_text)) >= len(HAN.findall("".join(zh[:5]))) * 0.95


# --- item 11: macro-enabled and template Word files, Strict Open XML -------------------------

MAIN_TYPES = {
    ".docm": "application/vnd.ms-word.document.macroEnabled.main+xml",
    ".dotx": WML + "template.main+xml",
    ".dotm": "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}


def retyped(data: bytes, content_type: str) -> bytes:
    """A Word package whose main part has another content type, as Word saves .docm/.dotx."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(WML + "document.main+xml", content_type)
    return _replaced(data, {"[Content_Types].xml": types.encode()})


def _replaced(data: bytes, extra: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            new.writestr(info, extra.get(info.filename) or old.read(info))
    return out.getvalue()


@pytest.mark.parametrize("suffix", MAIN_TYPES)
def test_macro_enabled_and_template_word_files_are_read(
    suffix: str, lines, tmp_path: Path, use_encoder
) -> None:
    zh, en = lines
    data = retyped(saved(word_file([*zh[:3], *en[:3]])), MAIN_TYPES[suffix])
    path = tmp_path / f"release{suffix}"
    path.write_bytes(data)
    doc = read(path)
    assert (doc.format, [p.text for p in doc.paragraphs]) == ("docx", [*zh[:3], *en[:3]])
    assert read_bytes(data).format == "docx"  # sniffed without a suffix too


@pytest.mark.slow
def test_macro_enabled_file_aligns_from_the_command_line(lines, tmp_path: Path) -> None:
    zh, en = lines
    data = retyped(saved(word_file([*zh[:3], *en[:3]])), MAIN_TYPES[".docm"])
    (tmp_path / "release.docm").write_bytes(data)
    run = run_cli("align", "release.docm", "-o", "out.tmx", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    tmx = (tmp_path / "out.tmx").read_text(encoding="utf-8")
    assert tmx.count("<tu ") >= 3 and "object at 0x" not in run.stderr


def strict(data: bytes, *, relationship: bool) -> bytes:
    """The package in Strict Open XML names: every w: element (and the main relationship)."""
    transitional, purl = NS["w"], "http://purl.oclc.org/ooxml/wordprocessingml/main"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {
            member: archive.read(member).decode().replace(transitional, purl).encode()
            for member in archive.namelist()
            if member.startswith("word/") and member.endswith(".xml")
        }
        rels = archive.read("_rels/.rels").decode()
    if relationship:
        strict_rel = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
        parts["_rels/.rels"] = rels.replace(REL + "officeDocument", strict_rel).encode()
    return _replaced(data, parts)


@pytest.mark.parametrize("relationship", [True, False], ids=["strict-rels", "transitional-rels"])
def test_strict_open_xml_is_read(relationship: bool, lines) -> None:
    zh, en = lines
    document = word_file([(zh[0], note_reference("footnote", "1")), *en[:2]])
    data = strict(with_notes(document, {"footnote": {"1": zh[1]}}), relationship=relationship)
    texts = [p.text for p in read_bytes(data, format="docx").paragraphs]
    assert texts == [zh[0], zh[1], *en[:2]]


@pytest.mark.parametrize(
    ("content_type", "what"),
    [
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "an Excel workbook",
        ),
        (
            "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
            "a PowerPoint presentation",
        ),
        ("application/x-unknown+xml", "a package whose main part is 'application/x-unknown+xml'"),
    ],
)
def test_other_office_packages_are_named_not_printed(content_type: str, what: str, lines) -> None:
    data = retyped(saved(word_file(lines[0][:1])), content_type)
    with pytest.raises(InputError) as caught:
        read_bytes(data, source="book.docx", format="docx")
    assert str(caught.value) == f"book.docx: not a Word document ({what}); save it as .docx"


def test_a_notes_part_is_inflated_under_the_same_bounds(lines) -> None:
    zh, en = lines
    data = with_notes(word_file([zh[0], en[0]]), {"footnote": {"1": zh[1]}})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        notes = archive.read("word/footnotes.xml")
    padded = notes.replace(b"</w:footnotes>", b" " * (12 * 2**20) + b"</w:footnotes>")
    with pytest.raises(InputError, match=r"word/footnotes\.xml inflates \d+x .*zip bomb"):
        read_bytes(_replaced(data, {"word/footnotes.xml": padded}), format="docx")


def test_entity_expansion_in_a_notes_part_is_refused(lines) -> None:
    zh, en = lines
    document = word_file([(zh[0], note_reference("footnote", "1")), en[0]])
    data = with_notes(document, {"footnote": {"1": "&lol9;"}})
    laughs = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        notes = archive.read("word/footnotes.xml").decode()
    notes = f"<!DOCTYPE w:footnotes [{laughs}]>{notes}"
    # libxml2 stops the amplification; bitext says so in one line instead of expanding it.
    with pytest.raises(InputError, match=r"^<bytes>: not a valid \.docx \([^\n]*\)$"):
        read_bytes(_replaced(data, {"word/footnotes.xml": notes.encode()}), format="docx")


# --- item 9: bidi controls and emoji sequences reach the TMX as they should ----------------

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.slow
def test_tmx_segments_keep_emoji_sequences_and_no_bidi_control(lines, tmp_path: Path) -> None:
    zh, en = lines
    zh_lines = [f"{zh[0][:30]}{FAMILY}{zh[0][30:]}", f"{zh[1][:20]}\u202e{zh[1][20:]}", *zh[2:5]]
    en_lines = [f"{en[0][:40]} {FAMILY} {en[0][40:]}", f"\u2067{en[1]}\u2069", *en[2:5]]
    (tmp_path / "odd.txt").write_text("\n".join([*zh_lines, "", *en_lines]), encoding="utf-8")
    run = run_cli("align", "odd.txt", "-o", "odd.tmx", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    tmx = etree.parse(str(tmp_path / "odd.tmx"))
    segs = ["".join(seg.itertext()) for seg in tmx.iter("seg")]
    assert sum(FAMILY in seg for seg in segs) == 2  # one in each language, whole
    assert not any(set(BIDI_CONTROLS) & set(seg) for seg in segs)
    flagged = [
        tu
        for tu in tmx.iter("tu")
        if any("bidi-control" in (p.text or "") for p in tu.iter("prop"))
    ]
    assert flagged and any(en[1][:30] in "".join(tu.itertext()) for tu in flagged)
