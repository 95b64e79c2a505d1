"""DOCX: open the Word package safely, find its main part, hand it to `_wordml`.

Read: ``.docx`` and the files that hold the same WordprocessingML main part
under another content type: ``.docm`` (macro-enabled; macros are never run,
only the text is read), ``.dotx`` and ``.dotm`` (templates). Strict Open XML
documents (ISO/IEC 29500 Strict, which names every WordprocessingML element in
the ``http://purl.oclc.org/ooxml/...`` namespace) are read by mapping that
namespace to the transitional one; the elements are the same. Any other
package (a spreadsheet or presentation named .docx) is refused by what its
main part is. What is read from the part is described in `bitext.read._wordml`.

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
import re
import zipfile
import zlib

from docx.opc.exceptions import PackageNotFoundError
from docx.opc.package import OpcPackage
from docx.opc.part import Part
from docx.oxml.parser import parse_xml
from lxml import etree

from bitext.errors import InputError
from bitext.read._wordml import W, document_paragraphs

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

_STRICT_W = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"
_RELATIONSHIPS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/",
)
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_MACRO_MAIN = "application/vnd.ms-word."
#: Content types of a WordprocessingML main part, by the suffix Word gives the file.
MAIN_PART_TYPES = {
    _WORD_MAIN + "document.main+xml": ".docx",
    _WORD_MAIN + "template.main+xml": ".dotx",
    _MACRO_MAIN + "document.macroEnabled.main+xml": ".docm",
    _MACRO_MAIN + "template.macroEnabledTemplate.main+xml": ".dotm",
}
_OTHER_PACKAGES = {
    "spreadsheetml": "an Excel workbook",
    "presentationml": "a PowerPoint presentation",
    "ms-excel": "an Excel workbook",
    "ms-powerpoint": "a PowerPoint presentation",
}
# A library's message may quote the stream it was given: no Python repr in a user's error.
_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>")
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
    """The text of a Word file's body (tables row by row, text boxes, notes), in order."""
    check_archive(data, name)
    try:
        package = OpcPackage.open(io.BytesIO(data))
        main = _main_part(package, name)
        root = _part_xml(main)
        notes = {kind: _related_xml(main, kind + "s") for kind in ("footnote", "endnote")}
    except _DOCX_ERRORS as exc:
        raise _invalid(name, exc) from None
    body = root.find(W + "body") if root.tag == W + "document" else None
    if body is None:
        raise InputError(f"{name}: not a valid .docx (main part has no <w:body>)")
    return list(document_paragraphs(body, notes))


def _main_part(package: OpcPackage, name: str) -> Part:
    """The package's main part, if it is a WordprocessingML one; one-line InputError otherwise."""
    part = _related(package.rels, "officeDocument")
    if part is None:
        raise InputError(f"{name}: not a valid .docx (no main document part)")
    content_type = part.content_type
    if content_type not in MAIN_PART_TYPES:
        kind = next((k for key, k in _OTHER_PACKAGES.items() if key in content_type), None)
        what = kind or f"a package whose main part is {content_type!r}"
        raise InputError(f"{name}: not a Word document ({what}); save it as .docx")
    return part


def _related(rels: dict, kind: str) -> Part | None:
    """The internal part related by relationship type `kind`, transitional or Strict."""
    for rel in rels.values():
        if not rel.is_external and rel.reltype in {base + kind for base in _RELATIONSHIPS}:
            return rel.target_part
    return None


def _related_xml(part: Part, kind: str) -> etree._Element | None:
    related = _related(part.rels, kind)
    return None if related is None else _part_xml(related)


def _part_xml(part: Part) -> etree._Element:
    """A part's XML root, Strict names mapped to transitional ones.

    python-docx parses only the part types it knows; the others (footnotes, a
    .docm's main part) come as bytes and are parsed here with python-docx's own
    parser (no entity resolution, no network).
    """
    element = getattr(part, "element", None)
    root = element if element is not None else parse_xml(part.blob)
    if root.tag.startswith(_STRICT_W):
        _map_strict(root)
    return root


def _map_strict(root: etree._Element) -> None:
    """Rename Strict WordprocessingML elements and attributes to their transitional names."""
    cut = len(_STRICT_W)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(_STRICT_W):
            element.tag = W + element.tag[cut:]
        for key in [k for k in element.attrib if k.startswith(_STRICT_W)]:
            element.set(W + key[cut:], element.attrib.pop(key))


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
    return InputError(f"{name}: not a valid .docx ({_OBJECT_REPR.sub('the file', reason)})")
