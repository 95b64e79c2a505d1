"""WordprocessingML to paragraphs: the body, its text boxes and its notes, in reading order.

What is read: the body in order, table cells row by row (each cell paragraph
its own paragraph; a side-by-side Chinese/English table column by column, see
`bitext.read._tables`), content controls (``w:sdt``) opened up, text boxes
(``w:txbxContent``, DrawingML ``wps:txbx`` and VML ``v:textbox`` alike) and
footnotes and endnotes. A text box's anchor, and a note's reference, sit inside
a run of some paragraph; splicing their text in there would put unrelated
words in the middle of a sentence. So the text box's paragraphs, and a note's,
follow the paragraph that anchors or first references them: a Chinese
section's boxes and notes stay in the Chinese section, where the aligner
looks for them. A box inside ``mc:AlternateContent`` is read from the first
``mc:Choice`` only (the ``mc:Fallback`` is a VML copy of the same box, and
reading both would double the text). Notes never referenced from the text
(Word's separator notes) are not shown by Word and not read.

What is skipped, on purpose: headers and footers (page furniture such as
letterheads and page numbers, repeated and not part of the release),
comments, pictures and embedded objects (``w:object``), field codes
(``w:instrText``; a field's displayed result is kept) and Word ruby text
(``w:rt``, pinyin over characters).

Tracked changes are read as if accepted: inserted text (``w:ins``, ``w:moveTo``)
is kept and deleted text (``w:del``, ``w:moveFrom``) dropped. python-docx's
``Paragraph.text`` cannot be used for this: it reads only the ``w:r`` and
``w:hyperlink`` children of a paragraph, so it loses inserted runs (they sit
inside ``w:ins``), fields and inline content controls. Line breaks
(``w:br``/``w:cr``) end a paragraph, as ``<br>`` does in HTML.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from lxml import etree

from bitext.read._tables import side_by_side

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# fmt: off
_SKIP = frozenset(W + tag for tag in (
    "pPr", "rPr", "sdtPr", "sdtEndPr", "del", "moveFrom", "delText", "delInstrText",
    "instrText", "rt", "object",
))
# fmt: on
# Run content that may hold text boxes, never text of the paragraph itself.
_SHAPES = frozenset({W + "drawing", W + "pict", _MC + "AlternateContent"})
_NOTE_REFERENCES = {W + "footnoteReference": "footnote", W + "endnoteReference": "endnote"}
_BREAKS = frozenset({W + "br", W + "cr"})
# Wrappers that carry block content (paragraphs, tables, rows, cells) inside.
_WRAPPERS = frozenset({W + "sdt", W + "sdtContent", W + "customXml"})
#: Note types that are layout, not text (the rule above the notes, and its continuations).
_SEPARATOR_NOTES = frozenset({"separator", "continuationSeparator", "continuationNotice"})


@dataclass
class _Reader:
    """The walk's state: the notes by kind and id, and those already read."""

    notes: Mapping[str, Mapping[str, etree._Element]]
    read: set[tuple[str, str]] = field(default_factory=set)


def document_paragraphs(
    body: etree._Element, notes: Mapping[str, etree._Element | None]
) -> Iterator[str]:
    """The lines of `body` in reading order; `notes`: ``footnote``/``endnote`` to its part root."""
    by_id = {kind: _notes_by_id(root, kind) for kind, root in notes.items()}
    return _blocks(body, _Reader(by_id))


def _notes_by_id(root: etree._Element | None, kind: str) -> dict[str, etree._Element]:
    if root is None:
        return {}
    return {
        note.get(W + "id", ""): note
        for note in root.iter(W + kind)
        if note.get(W + "type") not in _SEPARATOR_NOTES
    }


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children of `element` with `tag`, looking through content-control wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _blocks(container: etree._Element, reader: _Reader) -> Iterator[str]:
    for child in container:
        if child.tag == W + "p":
            yield from _paragraph(child, reader)
        elif child.tag == W + "tbl":
            yield from _table(child, reader)
        elif child.tag in _WRAPPERS:
            yield from _blocks(child, reader)


def _table(table: etree._Element, reader: _Reader) -> Iterator[str]:
    """A table's lines: row by row, or column by column if it is side by side (`_tables`)."""
    rows = [
        [list(_blocks(cell, reader)) for cell in _children(row, W + "tc")]
        for row in _children(table, W + "tr")
    ]
    if side_by_side([["\n".join(cell) for cell in row] for row in rows]):
        rows = [[row[c] for row in rows] for c in (0, 1)]
    for row in rows:
        for cell in row:
            yield from cell


def _paragraph(paragraph: etree._Element, reader: _Reader) -> Iterator[str]:
    """A paragraph's lines, then the text boxes it anchors and the notes it first references."""
    lines: list[list[str]] = [[]]
    attached: list[etree._Element | tuple[str, str]] = []
    _collect(paragraph, lines, attached)
    yield from ("".join(line) for line in lines)
    for item in attached:
        if isinstance(item, tuple):
            note = reader.notes.get(item[0], {}).get(item[1])
            if note is None or item in reader.read:
                continue  # a dangling reference, or a note already read at its first reference
            reader.read.add(item)
            yield from _blocks(note, reader)
        else:
            yield from _blocks(item, reader)


def _collect(
    element: etree._Element,
    lines: list[list[str]],
    attached: list[etree._Element | tuple[str, str]],
) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "t":
            lines[-1].append(child.text or "")
        elif tag == W + "tab":
            lines[-1].append("\t")
        elif tag == W + "noBreakHyphen":
            lines[-1].append("-")
        elif tag in _BREAKS:
            lines.append([])
        elif tag in _NOTE_REFERENCES:
            attached.append((_NOTE_REFERENCES[tag], child.get(W + "id", "")))
        elif tag in _SHAPES:
            attached.extend(_text_boxes(child))
        else:
            _collect(child, lines, attached)


def _text_boxes(element: etree._Element) -> Iterator[etree._Element]:
    """The outermost ``w:txbxContent`` in a shape, one branch of each ``mc:AlternateContent``.

    A box nested in a box is found when the outer box's paragraphs are read.
    """
    if element.tag == _MC + "AlternateContent":
        branch = element.find(_MC + "Choice")
        if branch is None:
            branch = element.find(_MC + "Fallback")
        if branch is not None:
            yield from _text_boxes_in(branch)
        return
    yield from _text_boxes_in(element)


def _text_boxes_in(element: etree._Element) -> Iterator[etree._Element]:
    for child in element:
        if child.tag == W + "txbxContent":
            yield child
        elif isinstance(child.tag, str):
            yield from _text_boxes(child)
