"""Reading TMX 1.1-1.4 translation memories from untrusted files.

TMX files come from other people's CAT tools (OmegaT, Trados Studio, memoQ,
Wordfast), so the reader treats every file as hostile: a DOCTYPE that declares
entities (XXE, billion laughs) is refused before the parser reaches the body,
nothing is fetched, no entity is expanded, and the file size is capped. The
body is parsed incrementally, one <tu> at a time, so a large memory does not
need a tree of the whole file in memory. The checks made on the raw bytes
before parsing are in `bitext.tmx._prolog`.

Inline markup (bpt/ept/ph/it/hi/ut/sub) is kept verbatim in
`Variant.segment_xml`, so a memory read and written back (`bitext.tmx.to_bytes`)
keeps the formatting codes a CAT tool needs; the header's notes, props and
<ude>s, and the TMX 1.4 attributes, notes and props of every <tu> and <tuv>
are kept too (see `bitext.tmx._document`), so that the round trip loses nothing
TMX 1.4 can hold.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Container
from dataclasses import replace
from xml.sax.saxutils import escape

from lxml import etree

from bitext.errors import InputError
from bitext.lang import normalize_tag
from bitext.tmx._document import (
    ALL_LANGUAGES,
    LANG_ATTRS,
    TU_ATTRS,
    TUV_ATTRS,
    TMXDocument,
    TranslationUnit,
    Variant,
)
from bitext.tmx._prolog import _HEAD_BYTES, GZIP_MAGIC, _check_head, gunzip_bounded
from bitext.tmx._xml import XML_LANG

__all__ = [
    "MAX_BYTES",
    "TMXDocument",
    "TranslationUnit",
    "Variant",
    "read_tmx",
]

#: Files larger than this are refused unless the caller raises `max_bytes`.
MAX_BYTES = 200 * 1024 * 1024
_VERSION = re.compile(r"1\.[1-4][a-z]?")
# Native formatting codes: their content is markup of the original file, not text.
_CODE_TAGS = frozenset({"bpt", "ept", "it", "ph", "ut"})
_TU_ATTRS = frozenset(TU_ATTRS)
_TUV_ATTRS = frozenset(TUV_ATTRS)
# The attributes TMX 1.4 defines on <ude> and on its <map>s.
_UDE_ATTRS = ("name", "base")
_MAP_ATTRS = ("unicode", "code", "ent", "subst")


# --- parsing --------------------------------------------------------------------------------


def _plain_text(element: etree._Element) -> str:
    """Text of `element` without native codes; the text inside <hi> and unknown tags stays."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _CODE_TAGS:
            parts.append(_plain_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _inner_xml(element: etree._Element) -> str:
    children = (etree.tostring(c, encoding="unicode", with_tail=True) for c in element)
    # A literal CR would come back from the next parse as LF: write it as lxml
    # writes the children's, as a character reference.
    return escape(element.text or "", {"\r": "&#13;"}) + "".join(children)


def _lang(raw: str | None, name: str, line: int | None) -> str:
    try:
        return normalize_tag(raw or "")
    except ValueError:
        raise InputError(f"{name}: line {line}: invalid language tag {raw!r}") from None


def _refuse_entities(element: etree._Element, name: str) -> None:
    for entity in element.iter(etree.Entity):
        # An entity the file did not declare here (an external DTD's): never resolved.
        raise InputError(
            f"{name}: line {entity.sourceline}: TMX refers to entity {entity.text}; "
            "refused for safety"
        )


def _attrs(element: etree._Element, names: Container[str] | None, name: str) -> dict[str, str]:
    """The attributes of `element` among `names` (None: all), language tags normalized."""
    # One pass over the few attributes an element has, not a lookup per name: this runs
    # for every <tu> and <tuv> of memories with millions of them.
    attrs = {
        str(key): str(value) for key, value in element.items() if names is None or key in names
    }
    for key in LANG_ATTRS:
        if key in attrs and attrs[key] != ALL_LANGUAGES:
            attrs[key] = _lang(attrs[key], name, element.sourceline)
    return attrs


def _children(
    element: etree._Element,
) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], list[etree._Element]]:
    """In one pass over `element`'s children: its <prop>s (type → values, in file
    order), its <note>s, and the other children (<tuv>s, <seg>, ...)."""
    props: dict[str, list[str]] = {}
    notes: list[str] = []
    rest: list[etree._Element] = []
    for child in element:
        tag = child.tag  # lxml builds a new string on every .tag access
        if tag == "prop":
            props.setdefault(child.get("type", ""), []).append(child.text or "")
        elif tag == "note":
            notes.append(child.text or "")
        else:
            rest.append(child)
    return {key: tuple(values) for key, values in props.items()}, tuple(notes), rest


def _variant(tuv: etree._Element, name: str) -> Variant:
    # TMX 1.1 wrote the language as `lang`; 1.2 onwards as `xml:lang`.
    lang = _lang(tuv.get(XML_LANG) or tuv.get("lang"), name, tuv.sourceline)
    props, notes, rest = _children(tuv)
    seg = next((child for child in rest if child.tag == "seg"), None)
    if seg is None:
        raise InputError(f"{name}: line {tuv.sourceline}: <tuv> without <seg>")
    attrs = _attrs(tuv, _TUV_ATTRS, name)
    return Variant(lang, _plain_text(seg), _inner_xml(seg), attrs, props, notes)


def _unit(tu: etree._Element, name: str) -> TranslationUnit:
    _refuse_entities(tu, name)
    props, notes, rest = _children(tu)
    variants: dict[str, Variant] = {}
    for child in rest:
        if child.tag != "tuv":
            continue
        variant = _variant(child, name)
        if variant.lang in variants:
            raise InputError(
                f"{name}: line {child.sourceline}: <tu> has two variants in {variant.lang}"
            )
        variants[variant.lang] = variant
    return TranslationUnit(
        tuid=tu.get("tuid"),
        variants=variants,
        props=props,
        notes=notes,
        creationdate=tu.get("creationdate"),
        changedate=tu.get("changedate"),
        attrs=_attrs(tu, _TU_ATTRS, name),
    )


def _check_root(root: etree._Element, name: str) -> str:
    """The TMX version of `root`, after refusing a non-TMX root or entity declarations."""
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(f"{name}: TMX declares entities; refused for safety")
    if root.tag != "tmx":
        raise InputError(f"{name}: root element is <{root.tag}>, not <tmx>: not a TMX file")
    version = root.get("version", "")
    if not _VERSION.fullmatch(version):
        raise InputError(f"{name}: unsupported TMX version {version!r} (expected 1.1 to 1.4)")
    return version


def _ude(element: etree._Element) -> str:
    """A <ude> as an XML string: its attributes and its <map>s' attributes, nothing else.

    Rebuilt rather than serialized: a namespace declared on the file's root would
    otherwise come along (the DTD rejects it), and the whitespace between the
    <map>s, which the writer re-indents, would make a round trip unequal.
    """
    ude = etree.Element("ude", _known_attrs(element, _UDE_ATTRS))
    for child in element.iterchildren("map"):
        etree.SubElement(ude, "map", _known_attrs(child, _MAP_ATTRS))
    return etree.tostring(ude, encoding="unicode")


def _known_attrs(element: etree._Element, names: tuple[str, ...]) -> dict[str, str]:
    # Only the DTD's attributes: an undeclared prefix (`na:me`) reaches us as a name
    # lxml refuses to build an element with, and no other attribute can be written.
    return {key: str(element.get(key)) for key in names if element.get(key) is not None}


def _header(element: etree._Element, name: str) -> TMXDocument:
    """The header as a document without units: attributes (all of them), notes, props, udes."""
    _refuse_entities(element, name)
    props, notes, _ = _children(element)
    return TMXDocument(
        header=_attrs(element, None, name),
        units=(),
        version="",
        header_notes=notes,
        header_props=props,
        udes=tuple(_ude(ude) for ude in element.iterchildren("ude")),
    )


def _parse(source: str | io.BytesIO, name: str) -> TMXDocument:
    events = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    version, units, seen_body = "", [], False
    head = TMXDocument(header={}, units=(), version="")
    for event, element in events:
        if event == "start":
            if not version:
                version = _check_root(element, name)
            continue
        if element.tag == "header":
            head = _header(element, name)
        elif element.tag == "tu":
            units.append(_unit(element, name))
            # Units already read are dropped from the tree: memory stays flat.
            element.clear(keep_tail=True)
            while element.getprevious() is not None:
                del element.getparent()[0]
        elif element.tag == "body":
            seen_body = True
    if not seen_body:
        raise InputError(f"{name}: TMX has no <body>")
    return replace(head, units=tuple(units), version=version)


def _whole(source: str | io.BytesIO, label: str, max_bytes: int) -> bytes:
    """All the bytes of `source` (gzip data is inflated from memory), at most `max_bytes`."""
    if isinstance(source, io.BytesIO):
        return source.getvalue()
    try:
        with open(source, "rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from None


def read_tmx(
    source: str | os.PathLike[str] | bytes | bytearray,
    *,
    name: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> TMXDocument:
    """Read a TMX 1.1-1.4 memory from a file path or from bytes, refusing anything unsafe.

    Gzip-compressed TMX (``.tmx.gz``, known by its bytes, not its name) is read
    too; `max_bytes` bounds the decompressed size as well.

    `name` labels the data in error messages (default: the path, or "TMX
    data"). Raises `InputError` (one line, naming the file) for a missing or
    unreadable file, a file over `max_bytes`, XML that is not well-formed (with
    its line), a root other than <tmx>, a DOCTYPE declaring entities (XXE,
    billion laughs), an entity reference, an invalid language tag, a <tuv>
    without <seg> or two variants of one language in a unit.
    """
    parse_from: io.BytesIO | str
    if isinstance(source, bytes | bytearray):
        label = name or "TMX data"
        data = bytes(source)
        size, head, parse_from = len(data), data[:_HEAD_BYTES], io.BytesIO(data)
    else:
        path = os.fspath(source)
        label = name or str(path)
        try:
            info = os.stat(path)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
                raise InputError(f"{label}: not a regular file")
            size = info.st_size
            with open(path, "rb") as handle:
                head = handle.read(_HEAD_BYTES)
        except FileNotFoundError:
            raise InputError(f"{label}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{label}: is a directory, not a TMX file") from None
        except OSError as exc:
            raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from None
        parse_from = path  # lxml reads the file itself: no second copy in memory
    if size > max_bytes:
        raise InputError(f"{label}: {size} bytes, over the {max_bytes}-byte limit for TMX input")
    if head.startswith(GZIP_MAGIC):
        data = gunzip_bounded(_whole(parse_from, label, max_bytes), label, max_bytes)
        size, head, parse_from = len(data), data[:_HEAD_BYTES], io.BytesIO(data)
    if size == 0:
        raise InputError(f"{label}: empty file, not TMX")
    _check_head(head, label)
    try:
        return _parse(parse_from, label)
    except etree.XMLSyntaxError as exc:
        message = " ".join(str(exc.msg).split())
        if "amplification" in message or "entity reference loop" in message.lower():
            raise InputError(f"{label}: TMX declares entities; refused for safety") from None
        if message.startswith("Unsupported encoding"):
            # Python knows "latin-1" or "uu"; libxml2 does not: say so, not that the
            # bytes are wrong (found by fuzzing).
            declared = message.removeprefix("Unsupported encoding").split(",")[0].strip(": ")
            raise InputError(
                f"{label}: declares encoding {declared!r}, which the XML parser does not support"
            ) from None
        if "encoding" in message.lower() or "not proper UTF" in message:
            raise InputError(
                f"{label}: bytes do not match the declared encoding (line {exc.lineno})"
            ) from None
        raise InputError(f"{label}: not well-formed XML (line {exc.lineno}): {message}") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from None
