"""DOCX: the body's paragraphs and table cells, tracked changes accepted.

What is read: the main document body in order, table cells row by row (each
cell paragraph its own paragraph), content controls (``w:sdt``) opened up.
What is skipped, on purpose: headers and footers (page furniture such as
letterheads and page numbers, repeated and not part of the release),
footnotes, comments, text boxes and drawings (their anchors sit inside a
paragraph's runs, so reading them would splice unrelated text into it), field
codes (``w:instrText``; a field's displayed result is kept) and Word ruby text
(``w:rt``, pinyin over characters).

Tracked changes are read as if accepted: inserted text (``w:ins``, ``w:moveTo``)
is kept and deleted text (``w:del``, ``w:moveFrom``) dropped. python-docx's
``Paragraph.text`` cannot be used for this: it reads only the ``w:r`` and
``w:hyperlink`` children of a paragraph, so it loses inserted runs (they sit
inside ``w:ins``), fields and inline content controls. Line breaks
(``w:br``/``w:cr``) end a paragraph, as ``<br>`` does in HTML.

Safety: a .docx is a zip archive. Before python-docx (which loads every part
into memory) opens it, its declared sizes are checked, and then every part is
inflated in bounded chunks and refused once it grows past its declared size:
the declared size alone bounds nothing, since `ZipFile.read`, which
python-docx uses, inflates a whole entry in one call before cutting it to that
size. python-docx parses the XML with lxml with ``resolve_entities=False`` and
lxml's default ``no_network=True``, so no external entity is fetched.
"""

from __future__ import annotations

import copy
import io
import zipfile
import zlib
from collections.abc import Iterator

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from bitext.errors import InputError

#: Refuse archives that would unpack to more than this (zip bomb guard).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: Refuse an entry inflating more than this many times its packed size...
MAX_RATIO = 100
#: ...when it is this big; small XML parts legitimately compress very well.
RATIO_MIN_BYTES = 10 * 1024 * 1024
#: Parts are inflated this much at a time while their real size is measured.
_CHUNK = 1024 * 1024
# The only methods ECMA-376 allows in a .docx; zipfile inflates bzip2 and LZMA
# without an output bound per step, so they could not be measured safely anyway.
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# fmt: off
_SKIP = frozenset(_W + tag for tag in (
    "pPr", "rPr", "sdtPr", "sdtEndPr", "del", "moveFrom", "delText", "delInstrText",
    "instrText", "rt", "drawing", "pict", "object", "footnoteReference", "endnoteReference",
)) | {_MC + "AlternateContent"}
# fmt: on
_BREAKS = frozenset({_W + "br", _W + "cr"})
# Wrappers that carry block content (paragraphs, tables, rows, cells) inside.
_WRAPPERS = frozenset({_W + "sdt", _W + "sdtContent", _W + "customXml"})
# What python-docx raises on a zip that is not a Word document or is corrupt. All
# after XMLSyntaxError were found by fuzzing (tests/test_fuzz.py): a damaged deflate
# stream (zlib.error, EOFError), a compression method zipfile lacks
# (NotImplementedError), a member flagged as encrypted (RuntimeError), and package
# XML of the wrong shape, which python-docx walks without checking: a relationship
# without a Target (TypeError), a .rels or [Content_Types].xml with another root
# element or a missing attribute (AttributeError).
_DOCX_ERRORS = (
    PackageNotFoundError,
    KeyError,
    ValueError,
    zipfile.BadZipFile,
    etree.XMLSyntaxError,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    TypeError,
    AttributeError,
)


def docx_paragraphs(data: bytes, name: str) -> list[str]:
    """The text of a .docx's body paragraphs (tables row by row), in order."""
    check_archive(data, name)
    try:
        root = docx.Document(io.BytesIO(data)).element
    except _DOCX_ERRORS as exc:
        raise _invalid(name, exc) from None
    # python-docx hands back whatever root the main part has; only <w:document> has a body.
    body = root.find(_W + "body") if root.tag == _W + "document" else None
    if body is None:
        raise InputError(f"{name}: not a valid .docx (main part has no <w:body>)")
    return list(_blocks(body))


def check_archive(data: bytes, name: str) -> None:
    """Raise InputError unless `data` is a zip archive whose parts really unpack to a sane size.

    The declared sizes are checked first (cheap), then every part is inflated
    in bounded chunks, so no part reaches python-docx bigger than it claims.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, ValueError):
        # Found by fuzzing: a damaged "version needed" field asks for a zip feature
        # zipfile lacks (NotImplementedError); a name flagged UTF-8 that is not
        # (UnicodeDecodeError, a ValueError).
        raise InputError(f"{name}: not a valid .docx (not a zip archive)") from None
    with archive:
        entries = archive.infolist()
        _check_declared(entries, name)
        for entry in entries:
            _check_inflated(archive, entry, name)


def _check_declared(entries: list[zipfile.ZipInfo], name: str) -> None:
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNZIPPED_BYTES:
        raise InputError(
            f"{name}: refusing .docx that unpacks to {total // 2**20} MB "
            f"(limit {MAX_UNZIPPED_BYTES // 2**20} MB; possible zip bomb)"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise InputError(
                f"{name}: refusing .docx: {_shown(entry)} inflates {ratio:.0f}x "
                f"(limit {MAX_RATIO}x; possible zip bomb)"
            )


def _check_inflated(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> None:
    """Raise InputError if `entry` inflates past its declared size, or cannot be inflated."""
    if entry.compress_type not in _METHODS:
        raise InputError(
            f"{name}: not a valid .docx ({_shown(entry)} uses compression method "
            f"{entry.compress_type}; a .docx uses only stored or deflate)"
        )
    # zipfile stops at the declared size and so would hide the lie: let it run on
    # (the CRC is then checked at the part's real end) and make our count the bound.
    # Declared sizes are at most MAX_UNZIPPED_BYTES, so the count always acts first.
    probe = copy.copy(entry)
    probe.file_size = MAX_UNZIPPED_BYTES + 2 * _CHUNK
    size = 0
    try:
        with archive.open(probe) as part:
            while chunk := part.read(_CHUNK):
                size += len(chunk)
                if size > entry.file_size:
                    raise InputError(
                        f"{name}: not a valid .docx ({_shown(entry)} inflates past its "
                        f"declared {entry.file_size} bytes; possible zip bomb)"
                    )
    except _DOCX_ERRORS as exc:
        raise _invalid(name, exc) from None


def _shown(entry: zipfile.ZipInfo) -> str:
    """A part's name fit for a one-line message (a zip may name a part with a newline)."""
    return entry.filename if entry.filename.isprintable() else repr(entry.filename)


def _invalid(name: str, exc: Exception) -> InputError:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return InputError(f"{name}: not a valid .docx ({reason})")


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children of `element` with `tag`, looking through content-control wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _blocks(container: etree._Element) -> Iterator[str]:
    for child in container:
        if child.tag == _W + "p":
            yield from _paragraph_lines(child)
        elif child.tag == _W + "tbl":
            for row in _children(child, _W + "tr"):
                for cell in _children(row, _W + "tc"):
                    yield from _blocks(cell)
        elif child.tag in _WRAPPERS:
            yield from _blocks(child)


def _paragraph_lines(paragraph: etree._Element) -> list[str]:
    lines: list[list[str]] = [[]]
    _collect(paragraph, lines)
    return ["".join(line) for line in lines]


def _collect(element: etree._Element, lines: list[list[str]]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _W + "t":
            lines[-1].append(child.text or "")
        elif tag == _W + "tab":
            lines[-1].append("\t")
        elif tag == _W + "noBreakHyphen":
            lines[-1].append("-")
        elif tag in _BREAKS:
            lines.append([])
        else:
            _collect(child, lines)
