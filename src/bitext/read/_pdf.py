"""PDF: the text layer of each page, rebuilt into paragraphs in reading order.

pdfplumber (MIT, on pdfminer.six) gives every glyph with its position; the rows,
columns and running headers are found from that geometry in `_pdf_lines`, and
paragraphs, line joins and glyph fixes are made in `_pdf_text`. Each paragraph
keeps the page it starts on (`Paragraph.page`).

Reading order: a page is read top to bottom; a band of rows cut by a gutter is
read left column first, then right. Where such bands go on from page to page
with Chinese on one side and English on the other (a release set in parallel
columns), each side is read through all those pages before the other, so a
paragraph that runs over a page break stays whole and each language stays one
block; columns of one language are read page by page, as a reader would.

Refused in one line: a PDF without a text layer (a scan), one that needs a
password, and a damaged or truncated one (no ``%%EOF`` at its end, or
anything pdfminer's strict mode refuses: read leniently, such a file loses
pages or text without a word).
"""

from __future__ import annotations

import io
import logging
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import pdfplumber
from pdfminer import settings as pdfminer_settings
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from bitext.errors import InputError
from bitext.read._pdf_lines import (
    Line,
    gutter,
    is_wide,
    page_rows,
    row_line,
    running_rows,
    split_row,
)
from bitext.read._pdf_text import build_paragraphs

# pdfminer logs every quirk of a font it meets (`Could not get FontBBox ...`) as a
# warning; with no handler of the application's own, Python would print each one
# on stderr, and a library call prints nothing.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

SCAN = "no text layer: the PDF is a scan; run OCR first"
#: pdfminer's placeholder for a glyph whose font does not say what character it draws.
_CID = "(cid:"
#: A PDF ends with ``%%EOF`` (trailing bytes a transfer added are tolerated).
_EOF_WINDOW = 2048
_STRICT_LOCK = threading.Lock()


@dataclass
class _Page:
    number: int
    height: float
    width: float
    rows: list[list[dict[str, Any]]]
    images: int


@dataclass
class _Band:
    """Rows in reading order: one column, or a left and a right column side by side."""

    left: list[Line] = field(default_factory=list)
    right: list[Line] = field(default_factory=list)
    columns: bool = False
    #: Where the gutter of a column band is.
    cut: tuple[float, float] | None = None


def pdf_paragraphs(data: bytes, name: str) -> list[tuple[str, int]]:
    """The PDF's paragraphs in reading order, each with the page (1-based) it starts on."""
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{name}: not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise InputError(f"{name}: damaged PDF (truncated: no %%EOF end marker)")
    pages = _load(data, name)
    if not pages:
        raise InputError(f"{name}: no text found in the PDF (it has no pages)")
    glyphs = [c for page in pages for row in page.rows for c in row if not c["text"].isspace()]
    if not glyphs:
        if any(page.images for page in pages):
            raise InputError(f"{name}: {SCAN}")
        raise InputError(f"{name}: no text layer: the PDF's pages hold no text")
    if sum(c["text"].startswith(_CID) for c in glyphs) > len(glyphs) / 2:
        raise InputError(
            f"{name}: no usable text layer: the PDF's fonts do not say which characters "
            "they draw; run OCR first"
        )
    return build_paragraphs(_reading_order(pages))


def _load(data: bytes, name: str) -> list[_Page]:
    try:
        with _strict(), pdfplumber.open(io.BytesIO(data)) as pdf:
            return [
                _Page(i, p.height, p.width, page_rows(p.chars, i, p.width), len(p.images))
                for i, p in enumerate(pdf.pages, start=1)
            ]
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise InputError(
                f"{name}: encrypted PDF: it needs a password to open; save an unprotected "
                "copy and align that"
            ) from None
        raise InputError(f"{name}: damaged PDF ({_reason(cause)})") from None
    except (PSException, zlib.error, EOFError, RecursionError) as exc:
        # Raised while a page's content is parsed, after pdfplumber's own wrapping.
        raise InputError(f"{name}: damaged PDF ({_reason(exc)})") from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError) as exc:
        # pdfminer walks a damaged object graph without checking each step.
        raise InputError(f"{name}: damaged PDF ({_reason(exc)})") from None


@contextmanager
def _strict() -> Iterator[None]:
    """pdfminer in its strict mode while one PDF is read.

    By default pdfminer reads around damage without a word: a corrupt deflate
    stream becomes empty and the text of that page is simply missing or garbled
    (tests/test_read_pdf.py zeroes a third of a file). Strict, it raises, and
    the user hears the file is damaged.
    The setting is global, hence the lock.
    """
    with _STRICT_LOCK:
        before = pdfminer_settings.STRICT
        pdfminer_settings.STRICT = True
        try:
            yield
        finally:
            pdfminer_settings.STRICT = before


def _reason(exc: object) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text or type(exc).__name__


def _reading_order(pages: Sequence[_Page]) -> list[Line]:
    running = running_rows([(page.height, page.rows) for page in pages])
    bands: list[_Band] = []
    cut: tuple[float, float] | None = None
    for p, page in enumerate(pages):
        rows = [row for r, row in enumerate(page.rows) if (p, r) not in running]
        # A page where one column has run dry has text on one side only and so no
        # gutter of its own: the previous page's still cuts it if no row crosses it.
        cut = gutter(rows, page.width) or (
            cut if cut and all(split_row(row, cut) for row in rows) else None
        )
        page_bands = _page_bands(rows, page, cut)
        if bands and page_bands and _parallel(bands[-1], page_bands[0]):
            bands[-1].left += page_bands[0].left
            bands[-1].right += page_bands[0].right
            page_bands = page_bands[1:]
        bands += page_bands
    return [line for band in bands for line in (*band.left, *band.right)]


def _page_bands(
    rows: Sequence[list[dict[str, Any]]], page: _Page, cut: tuple[float, float] | None
) -> list[_Band]:
    bands: list[_Band] = []
    for row in rows:
        sides = split_row(row, cut) if cut is not None else None
        if sides is None:
            line = row_line(row, page.number)
            if line is None:
                continue
            side = _overrun(bands[-1], line) if bands and bands[-1].columns else None
            if side is not None:
                getattr(bands[-1], side).append(replace(line, column=side))
                continue
            if not bands or bands[-1].columns:
                bands.append(_Band())
            bands[-1].left.append(line)
            continue
        if not bands or not bands[-1].columns:
            bands.append(_Band(columns=True, cut=cut))
        for glyphs, column in ((sides[0], "left"), (sides[1], "right")):
            part = row_line(glyphs, page.number, column) if glyphs else None
            if part is not None:
                getattr(bands[-1], column).append(part)
    return bands


def _overrun(band: _Band, line: Line) -> str | None:
    """The column a row crossing the gutter belongs to, if it is one column's text
    running over (a URL that cannot break): its script is that column's alone."""
    if not (band.left and band.right):
        return None
    script, left, right = _script([line]), _script(band.left), _script(band.right)
    if left == right:
        return None
    return "left" if script == left else "right"


def _parallel(before: _Band, after: _Band) -> bool:
    """Whether a column band goes on from the previous page as one parallel text: a
    Chinese column beside an English one, cut at the same place, not swapped sides.

    On the next page a side may be empty (that language ran out) or read as the
    other script (a Chinese paragraph's tail of URLs): the gutter's place decides.
    """
    if not (before.columns and after.columns and before.cut and after.cut):
        return False
    if after.cut[0] > before.cut[1] or before.cut[0] > after.cut[1]:
        return False
    left, right = _script(before.left), _script(before.right)
    if not (before.left and before.right) or left == right:
        return False
    return not (
        after.left and after.right and (_script(after.left), _script(after.right)) == (right, left)
    )


def _script(lines: Sequence[Line]) -> str:
    wide = sum(1 for line in lines for ch in line.text if is_wide(ch))
    latin = sum(1 for line in lines for ch in line.text if ch.isascii() and ch.isalpha())
    # Chinese text carries Latin (URLs, names); English text next to no Chinese at all.
    return "zh" if wide and wide >= latin / 10 else "en"
