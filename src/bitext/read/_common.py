"""Turning extracted text into a `Document` with exact paragraph offsets."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bitext.errors import InputError
from bitext.model import Document, Paragraph

#: What ends a paragraph besides ``\n``: the paragraph separator U+2029 (Word and
#: InDesign exports), NEL U+0085 (EBCDIC-born text), form feed (a page break in
#: text exports) and the line separator U+2028, which ends a line as ``<br>`` or
#: a Word line break does and so a paragraph, like them. Each is one character,
#: so a split keeps every offset. Vertical tab stays inside the paragraph: Word's
#: plain-text copy writes it for a manual line break in mid-sentence.
PARAGRAPH_BREAK = re.compile("[\n\x0c\x85\u2028\u2029]")


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``, so offsets mean the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_document(text: str, *, source: str | None, encoding: str | None, name: str) -> Document:
    """A plain-text `Document`: every non-blank line is a paragraph.

    A line ends at ``\\n`` or any `PARAGRAPH_BREAK`. Surrounding whitespace
    (ideographic spaces used as indentation included) is outside the
    paragraph's offsets.
    """
    text = normalize_newlines(text.removeprefix("\ufeff"))
    paragraphs: list[Paragraph] = []
    pos = 0
    for line in PARAGRAPH_BREAK.split(text):
        content = line.strip()
        if content:
            start = pos + (len(line) - len(line.lstrip()))
            paragraphs.append(Paragraph(len(paragraphs), content, start, start + len(content)))
        pos += len(line) + 1
    if not paragraphs:
        raise InputError(f"{name}: file is empty")
    return Document(text, tuple(paragraphs), source=source, format="txt", encoding=encoding)


def joined_document(
    texts: Iterable[str | tuple[str, int]],
    *,
    source: str | None,
    format: str,
    encoding: str | None,
    name: str,
) -> Document:
    """A `Document` whose text is the extracted paragraphs joined by ``\\n``.

    Used for html, docx and pdf, where the file's bytes are markup or drawing
    operators, so offsets can only point into the extracted text. A text may
    come with the page it starts on (pdf), kept as `Paragraph.page`. Blank
    paragraphs are dropped.
    """
    paragraphs: list[Paragraph] = []
    pos = 0
    for item in texts:
        raw, page = (item, None) if isinstance(item, str) else item
        # A stray newline inside extracted text would break "one paragraph, one line".
        for line in PARAGRAPH_BREAK.split(normalize_newlines(raw)):
            content = line.strip()
            if not content:
                continue
            paragraphs.append(
                Paragraph(len(paragraphs), content, pos, pos + len(content), page=page)
            )
            pos += len(content) + 1
    if not paragraphs:
        raise InputError(f"{name}: no text found in the {format} file")
    text = "\n".join(p.text for p in paragraphs)
    return Document(text, tuple(paragraphs), source=source, format=format, encoding=encoding)
