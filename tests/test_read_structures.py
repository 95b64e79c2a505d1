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
    alignment = bitext.align_document(path, encoder=use_encoder, zh_script="keep")
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
