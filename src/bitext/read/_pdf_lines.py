"""A PDF page's glyphs to lines of text in reading order.

pdfplumber gives each glyph with its box; words, lines, columns and running
headers are not in the file and are rebuilt here from geometry:

- a row is the glyphs sharing a baseline; its text puts a space where the
  file has a space glyph that really advances the pen (Chromium writes a
  zero-width one for every soft hyphen: ``thoro ughly``) or where two Latin
  glyphs stand apart without one;
- a two-column page (Chinese left, English right; a side-by-side table) is
  found by its gutter, an empty vertical strip most rows leave free, and each
  row is cut there;
- running headers and footers are rows in the top or bottom margin whose text,
  digits aside, repeats on most pages; a margin row that is only a page number
  (``3``, ``- 3 -``, ``3/12``, ``Page 3 of N``, ``第3页``) goes on any page.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

#: Share of the page height at the top and at the bottom where running headers sit.
MARGIN_SHARE = 0.1
#: How many rows at a page's top and at its bottom may be running headers or footers.
OUTER_ROWS = 3
#: A header repeats (digits aside) on at least this share of the pages, and on two or more.
REPEAT_SHARE = 0.5
#: A gutter is at least this many font sizes wide...
GUTTER_EMS = 0.8
#: ...crossed by at most this share of the page's rows (a title spanning both columns)...
GUTTER_CROSSING = 0.2
#: ...with text on both sides of it in at least this share of the rows (a column runs
#: out before the other: a short Chinese column beside a long English one).
GUTTER_SIDES = 0.25

_PAGE_NUMBER = re.compile(
    r"(?i)^(?:page\s*)?[-–—\s]*\d{1,4}\s*(?:(?:/|of)\s*\d{1,4})?[-–—\s]*$|^第\s*\d{1,4}\s*[页頁]"
    r"(?:\s*[，,/]?\s*共\s*\d{1,4}\s*[页頁])?$"
)
# A browser's print header: the date and time it printed, then the page's title.
_PRINT_STAMP = re.compile(
    r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?\b"
)
_DIGITS = re.compile(r"\d+")
#: pdfminer's text for a glyph its font maps to no character.
_CID = "(cid:"
_OPENING = frozenset("（「『《〈【〔“‘")
_CLOSING = frozenset("）」』》〉】〕”’，。、；：！？…‥·・")


@dataclass(frozen=True, slots=True)
class Line:
    """A row of text (or the part of it on one side of a gutter) and where it sits."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    #: "full" across the page, or the "left"/"right" column of a two-column band.
    column: str = "full"
    #: The first word's width (a CJK glyph counts as a word): could it have fit on the line above?
    first_word: float = 0.0


def page_rows(chars: Sequence[dict[str, Any]], page: int, width: float) -> list[list[dict]]:
    """The page's upright glyphs grouped into rows, top to bottom, each left to right."""
    glyphs = [
        c
        for c in chars
        if c.get("upright", True) and c["x1"] > 0 and c["x0"] < width and c["text"] != ""
    ]
    glyphs.sort(key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"]))
    rows: list[list[dict]] = []
    middle = -1e9
    for c in glyphs:
        mid = (c["top"] + c["bottom"]) / 2
        # Glyphs of one row share a middle within a fraction of the font size
        # (superscripts and mixed CJK/Latin fonts shift it a little).
        if rows and abs(mid - middle) <= 0.4 * max(c["size"], 1.0):
            rows[-1].append(c)
        else:
            rows.append([c])
            middle = mid
    for row in rows:
        row.sort(key=lambda c: c["x0"])
    return rows


def row_line(row: Sequence[dict[str, Any]], page: int, column: str = "full") -> Line | None:
    """A row's glyphs as a `Line` (None if they are all blank)."""
    text = _row_text(row)
    ink = [c for c in row if not c["text"].isspace()]
    if not text or not ink:
        return None
    size = statistics.median(c["size"] for c in ink)
    return Line(
        text=text,
        page=page,
        x0=ink[0]["x0"],
        x1=ink[-1]["x1"],
        top=min(c["top"] for c in ink),
        bottom=max(c["bottom"] for c in ink),
        size=size,
        column=column,
        first_word=_first_word_width(ink),
    )


def _row_text(row: Sequence[dict[str, Any]]) -> str:
    out: list[str] = []
    previous: dict[str, Any] | None = None
    pending_space = False
    for i, c in enumerate(row):
        if c["text"].isspace():
            following = row[i + 1] if i + 1 < len(row) else None
            # A space glyph the next glyph overlaps advances nothing: Chromium
            # draws one wherever a soft hyphen did not break the line.
            width = c["x1"] - c["x0"]
            if following is None or following["x0"] >= c["x1"] - width / 2:
                pending_space = True
            continue
        text = c["text"]
        if text.startswith(_CID):
            # A glyph whose font does not say what it draws: lost, and flagged as such.
            text = "\ufffd"
        if previous is not None and not pending_space:
            gap = c["x0"] - previous["x1"]
            # PDFs that never draw spaces leave a gap between words; CJK glyphs
            # stand apart under justification and need none.
            if gap > 0.2 * c["size"] and not (is_wide(previous["text"]) or is_wide(c["text"])):
                pending_space = True
        if pending_space and out:
            out.append(" ")
        pending_space = False
        out.append(text)
        previous = c
    return "".join(out).strip()


def _first_word_width(ink: Sequence[dict[str, Any]]) -> float:
    """How wide the line's first unbreakable piece is: up to a space, or through its
    first CJK character (with an opening bracket, what follows it: ``（www.x.com），``)."""
    end = ink[0]["x1"]
    for prev, c in pairwise(ink):
        # No line starts with closing punctuation: 例》）， moves down whole.
        wide = is_wide(prev["text"]) and prev["text"] not in _OPENING
        if (wide and c["text"] not in _CLOSING) or c["x0"] - prev["x1"] > 0.2 * c["size"]:
            break
        end = c["x1"]
    return end - ink[0]["x0"]


def is_wide(text: str) -> bool:
    """A CJK ideograph, kana, Hangul or full-width form: written without spaces."""
    ch = text[-1:]
    return bool(ch) and (
        "\u2e80" <= ch <= "\u9fff"
        or "\uac00" <= ch <= "\ud7af"
        or "\uf900" <= ch <= "\ufaff"
        or "\ufe30" <= ch <= "\ufe4f"
        or "\uff00" <= ch <= "\uffef"
        or ch >= "\U00020000"
    )


def running_rows(pages: Sequence[tuple[float, list[list[dict]]]]) -> set[tuple[int, int]]:
    """(page index, row index) of the running headers, footers and page numbers.

    Only a page's outermost rows (`OUTER_ROWS` at the top and at the bottom) inside
    its margin are candidates: body text reaches into the margin share too.
    """
    margins: list[list[tuple[int, list[str]]]] = []
    for height, rows in pages:
        inside = []
        for r, row in enumerate(rows):
            if OUTER_ROWS <= r < len(rows) - OUTER_ROWS:
                continue
            top = min(c["top"] for c in row)
            bottom = max(c["bottom"] for c in row)
            if bottom <= height * MARGIN_SHARE or top >= height * (1 - MARGIN_SHARE):
                inside.append((r, _pieces(row)))
        margins.append(inside)
    seen = Counter(
        key for rows in margins for key in {_masked(" ".join(parts)) for _, parts in rows}
    )
    repeated = {
        key
        for key, count in seen.items()
        if key and count >= 2 and count >= REPEAT_SHARE * len(pages)
    }
    return {
        (p, r)
        for p, rows in enumerate(margins)
        for r, parts in rows
        if _masked(" ".join(parts)) in repeated or any(map(_is_page_furniture, parts))
    }


def _is_page_furniture(piece: str) -> bool:
    """A page number, or the date and time a browser stamps on every page it prints."""
    return bool(_PAGE_NUMBER.match(piece) or _PRINT_STAMP.match(piece))


def _pieces(row: Sequence[dict[str, Any]]) -> list[str]:
    """A row's text in the pieces wide gaps set apart: a footer's URL and its ``1/3``."""
    ink = [c for c in row if not c["text"].isspace()]
    pieces: list[list[dict[str, Any]]] = [ink[:1]]
    for prev, c in pairwise(ink):
        if c["x0"] - prev["x1"] > 2 * c["size"]:
            pieces.append([])
        pieces[-1].append(c)
    return [text for piece in pieces if (text := _row_text(piece))]


def _masked(text: str) -> str:
    # Page numbers and dates change from page to page; the rest of a running line does not.
    return _DIGITS.sub("#", " ".join(text.split()))


def gutter(rows: Sequence[Sequence[dict[str, Any]]], width: float) -> tuple[float, float] | None:
    """The x-range of the gap between two columns on this page, or None for one column."""
    ink_rows = [[c for c in row if not c["text"].isspace()] for row in rows]
    ink_rows = [row for row in ink_rows if row]
    if len(ink_rows) < 3:
        return None
    size = statistics.median(c["size"] for row in ink_rows for c in row)
    bins = int(width) + 1
    cover = [0] * bins
    for row in ink_rows:
        hit = bytearray(bins)
        for c in row:
            for x in range(max(int(c["x0"]), 0), min(int(c["x1"]) + 1, bins)):
                hit[x] = 1
        for x in range(bins):
            cover[x] += hit[x]
    middle = range(int(width * 0.2), min(int(width * 0.8) + 1, bins))
    # The least-crossed strip: rows that reach into a wider one (a justified column's
    # ragged last glyphs) would otherwise be taken for rows spanning both columns.
    least = min((cover[x] for x in middle), default=len(ink_rows))
    if least > GUTTER_CROSSING * len(ink_rows):
        return None
    best: tuple[float, float] | None = None
    start = None
    for x in (*middle, middle.stop):
        if x < middle.stop and cover[x] == least:
            start = x if start is None else start
            continue
        if start is not None and (best is None or x - start > best[1] - best[0]):
            best = (float(start), float(x))
        start = None
    if best is None or best[1] - best[0] < GUTTER_EMS * size:
        return None
    both = sum(1 for row in ink_rows if row[0]["x0"] < best[0] and row[-1]["x1"] > best[1])
    return best if both >= GUTTER_SIDES * len(ink_rows) else None


def split_row(
    row: Sequence[dict[str, Any]], cut: tuple[float, float]
) -> tuple[list[dict], list[dict]] | None:
    """The row's glyphs left and right of the gutter, or None when a glyph sits in it."""
    middle = (cut[0] + cut[1]) / 2
    left: list[dict] = []
    right: list[dict] = []
    for c in row:
        if c["text"].isspace():
            (left if c["x0"] < middle else right).append(c)
        elif c["x1"] <= cut[0] + 1:
            left.append(c)
        elif c["x0"] >= cut[1] - 1:
            right.append(c)
        else:
            return None
    return left, right
