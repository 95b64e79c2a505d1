"""TMX 1.4 as XML: the safe parser, the DTD check, and the one header writer.

Everything that writes or checks a TMX file goes through here: the export stage
(`bitext.export.tmx`, aligned documents), `bitext.tmx.to_bytes` (a read
memory written back) and the translation memory's exports (`bitext.tm`), so
there is one place that decides what a bitext TMX header holds.
"""

from __future__ import annotations

import functools
import os
import re
from importlib import metadata, resources
from typing import Any

from lxml import etree

from bitext.lang import DEFAULT_EN_TAG, normalize_tag
from bitext.tmx._document import ALL_LANGUAGES, LANG_ATTRS

__all__ = [
    "DATE_FORMAT",
    "XML_DECLARATION",
    "XML_LANG",
    "clean_attrs",
    "clean_xml_text",
    "dtd_errors",
    "header_element",
    "installed_version",
    "packaged_dtd",
    "safe_parser",
    "validate_tmx",
]

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Everything outside the XML 1.0 Char production: C0 controls but tab/LF/CR,
# lone surrogates (they slip in through surrogateescape-decoded file names)
# and the non-characters U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Validation error lists can run to thousands of lines; a message stays usable.
_MAX_REPORTED_ERRORS = 10


def clean_xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot represent."""
    return _XML_ILLEGAL.sub("", text)


def installed_version() -> str:
    """The installed bitext version, as TMX headers' creationtoolversion."""
    try:
        return metadata.version("bitext")
    except metadata.PackageNotFoundError:
        # Running from a source tree that was never installed.
        return "unknown"


@functools.lru_cache(maxsize=1)
def packaged_dtd() -> etree.DTD:
    with (resources.files("bitext") / "resources" / "tmx14.dtd").open("rb") as handle:
        return etree.DTD(handle)


def safe_parser() -> etree.XMLParser:
    """An XML parser that never fetches URLs, loads DTDs or expands entities."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def dtd_errors(dtd: etree.DTD, doc: Any) -> list[str]:
    """DTD violations of `doc` (an element or tree), plus a wrong root element."""
    root = doc.getroot() if hasattr(doc, "getroot") else doc
    errors = [] if root.tag == "tmx" else [f"root element is <{root.tag}>, not <tmx>"]
    if not dtd.validate(doc):
        errors += [f"line {e.line}: {' '.join(e.message.split())}" for e in dtd.error_log]
    return errors


def validate_tmx(
    data_or_path: bytes | str | os.PathLike[str], dtd: str | os.PathLike[str] | None = None
) -> None:
    """Check a TMX document (bytes, or the path of a file) against the TMX 1.4 DTD.

    `dtd` defaults to the DTD shipped with bitext. Raises `ValueError` whose
    one-line message lists the (first) DTD errors, or says why the document is
    not well-formed XML.
    """
    name = "TMX data" if isinstance(data_or_path, bytes | bytearray) else str(data_or_path)
    try:
        if isinstance(data_or_path, bytes | bytearray):
            doc = etree.fromstring(bytes(data_or_path), safe_parser()).getroottree()
        else:
            doc = etree.parse(os.fspath(data_or_path), safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"{name}: not well-formed XML: {exc}") from None
    checker = packaged_dtd() if dtd is None else etree.DTD(os.fspath(dtd))
    errors = dtd_errors(checker, doc)
    if errors:
        shown = "; ".join(errors[:_MAX_REPORTED_ERRORS])
        more = len(errors) - _MAX_REPORTED_ERRORS
        tail = f"; and {more} more" if more > 0 else ""
        raise ValueError(f"{name}: not valid TMX 1.4 ({len(errors)} errors): {shown}{tail}")


def clean_attrs(attrs: dict[str, str]) -> dict[str, str]:
    """`attrs` ready to write: language tags normalized, characters XML cannot hold left out."""
    for key in LANG_ATTRS:
        if key in attrs and attrs[key] != ALL_LANGUAGES:
            attrs[key] = normalize_tag(attrs[key])
    return {key: clean_xml_text(value) for key, value in attrs.items()}


def header_element(root: etree._Element, attrs: dict[str, str]) -> etree._Element:
    """Append the <header> to `root`: `attrs` over the defaults every bitext TMX carries.

    The DTD requires all of creationtool, creationtoolversion, segtype, o-tmf,
    adminlang, srclang and datatype; a caller gives what it knows (the source
    language, the date, the tool version it was asked to record) and the rest
    stays neutral. Returned so that notes, udes and props can follow.
    """
    merged = {
        "creationtool": "bitext",
        "creationtoolversion": installed_version(),
        "segtype": "sentence",
        "o-tmf": "unknown",
        "adminlang": DEFAULT_EN_TAG,  # the language of the notes bitext writes
        "srclang": ALL_LANGUAGES,
        "datatype": "unknown",
    }
    merged.update(attrs)
    return etree.SubElement(root, "header", clean_attrs(merged))
