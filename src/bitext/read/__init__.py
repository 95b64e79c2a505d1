"""READ stage: a .txt, .html, Word or PDF file (or bytes, or a str) to a `Document`.

`Document.text` is what later stages index into: the decoded text with line
endings made ``\\n`` (txt; U+2029, U+2028, NEL and form feed also end a
paragraph, and stay in the text), or the extracted paragraphs joined by
``\\n`` (html, docx, pdf). Every paragraph satisfies
``document.text[p.start:p.end] == p.text``.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import zipfile
from io import BytesIO
from pathlib import Path

from bitext.errors import InputError
from bitext.model import Document
from bitext.read._common import joined_document, text_document
from bitext.read._decode import decode
from bitext.read._doc import doc_paragraphs
from bitext.read._docx import docx_paragraphs
from bitext.read._html import decode_html, html_paragraphs

__all__ = ["MAX_BYTES", "SUFFIXES", "decode", "format_of", "read", "read_bytes", "read_text"]

#: Largest input accepted. Every stage holds the whole file in memory (the
#: bytes, the decoded text, per-candidate decodes while detecting the
#: encoding, then a parse tree), so a file far beyond any press release is
#: refused up front instead of exhausting memory halfway through.
MAX_BYTES = 100 * 1024 * 1024

_SUFFIX_FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".docx": "docx",
    # The same WordprocessingML in a macro-enabled document or a template (see _docx).
    ".docm": "docx",
    ".dotx": "docx",
    ".dotm": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    # Word 97-2003, read with antiword where it is installed. Not .dot, more often a
    # Graphviz graph than a Word template: a template named on the command line is
    # still read (its content is sniffed), but `batch` does not collect .dot files.
    ".doc": "doc",
}
#: File suffixes read by format (others are sniffed from the content).
SUFFIXES = tuple(_SUFFIX_FORMATS)
_FORMAT_ALIASES = {
    "txt": "txt",
    "text": "txt",
    "docx": "docx",
    "html": "html",
    "htm": "html",
    "pdf": "pdf",
    "doc": "doc",
}
_HTML_START = (b"<!doctype html", b"<html")
#: The compound-file signature of Word 97-2003 (and Excel, PowerPoint) files.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def read(path: str | os.PathLike[str]) -> Document:
    """Read a file into a `Document`, choosing the reader by suffix.

    ``.txt``/``.text`` are read as text, ``.docx`` (and ``.docm``, ``.dotx``,
    ``.dotm``) as Word, ``.html``/``.htm``/
    ``.xhtml`` as HTML, ``.pdf`` by its text layer, ``.doc`` with antiword;
    any other suffix is sniffed from the content.
    Raises InputError (one line, naming the file) when the file is missing,
    unreadable, empty, binary, too large or malformed.
    """
    name = str(path)
    data = load_file(path, name)
    return read_bytes(data, source=name, format=format_of(path))


def format_of(path: str | os.PathLike[str]) -> str | None:
    """The format a file's suffix names (``"txt"``, ``"docx"``, ``"html"``), or None."""
    return _SUFFIX_FORMATS.get(Path(path).suffix.lower())


def read_bytes(data: bytes, *, source: str | None = None, format: str | None = None) -> Document:
    """Read raw bytes of format txt, docx, html, pdf or doc (None: sniff from the content)."""
    name = source or "<bytes>"
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: {_too_large(len(data))}")
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    fmt = _sniff(data) if format is None else _FORMAT_ALIASES.get(format.lower())
    if fmt is None:
        raise InputError(
            f"{name}: unknown format {format!r} (expected txt, docx, html, pdf or doc)"
        )
    if fmt == "docx":
        return joined_document(
            docx_paragraphs(data, name), source=source, format="docx", encoding=None, name=name
        )
    if fmt == "pdf":
        # Imported here: pdfplumber brings pdfminer and Pillow, which no other format needs.
        from bitext.read._pdf import pdf_paragraphs

        return joined_document(
            pdf_paragraphs(data, name), source=source, format="pdf", encoding=None, name=name
        )
    if fmt == "doc":
        return joined_document(
            doc_paragraphs(data, name), source=source, format="doc", encoding=None, name=name
        )
    if fmt == "html":
        text, encoding = decode_html(data, name)
        return joined_document(
            html_paragraphs(text, name), source=source, format="html", encoding=encoding, name=name
        )
    text, encoding = decode(data, source=name)
    return text_document(text, source=source, encoding=encoding, name=name)


def read_text(text: str, *, source: str | None = None) -> Document:
    """Read text that is already decoded; each non-blank line is a paragraph.

    Lone surrogates (half of a broken UTF-16 pair, or bytes a caller decoded
    with ``surrogateescape``) become U+FFFD, which normalization flags as
    encoding damage; one character for one, so offsets are unchanged.
    """
    # A lone surrogate cannot be encoded as UTF-8: later stages (OpenCC, the
    # encoder, SQLite) would fail on it with a traceback instead of a message.
    text = _LONE_SURROGATE.sub("\ufffd", text)
    return text_document(text, source=source, encoding=None, name=source or "<text>")


def load_file(path: str | os.PathLike[str], name: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file `path`, at most `max_bytes`; one-line `InputError` otherwise.

    Shared by every reader of user-named files (documents, SRX rules): a FIFO,
    a directory or a device is refused without blocking.
    """
    try:
        # Before opening: open() on a FIFO waits for a writer, forever if none comes.
        _check_regular(os.stat(path), name)
        # O_NONBLOCK: should a FIFO replace the file after the stat, open still
        # returns, and the check on what was opened refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            _check_regular(info, name)
            if info.st_size > max_bytes:
                raise InputError(f"{name}: {_too_large(info.st_size, max_bytes)}")
            # Read one byte past the limit: st_size can be stale or wrong.
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise InputError(f"{name}: no such file (a parent is not a directory)") from None
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise InputError(f"{name}: {_too_large(len(data), max_bytes)}")
    return data


def _check_regular(info: os.stat_result, name: str) -> None:
    """Refuse FIFOs, sockets and devices: reading them blocks or never ends."""
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{name}: is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{name}: not a regular file")


def _too_large(size: int, limit: int = MAX_BYTES) -> str:
    return f"file too large ({size / 2**20:.0f} MB; limit {limit // 2**20} MB)"


def _sniff(data: bytes) -> str:
    """Format of content with no telling suffix: docx, pdf, doc, html, else txt."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_OLE):
        return "doc"  # antiword tells a Word document from a workbook
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except (zipfile.BadZipFile, NotImplementedError, ValueError):
            # A damaged directory (bad name encoding, unknown zip version): not Word.
            pass
        return "txt"  # the text reader reports it as a binary ZIP archive
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_START) or (head.startswith(b"<?xml") and b"<html" in head):
        return "html"
    return "txt"
