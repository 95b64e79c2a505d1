"""Writing a `TMXDocument` back as TMX 1.4, inline tags of every segment kept."""

from __future__ import annotations

from lxml import etree

from bitext.lang import normalize_tag
from bitext.tmx._document import (
    HEADER_ATTRS,
    SEGTYPES,
    TU_ATTRS,
    TUV_ATTRS,
    TMXDocument,
    TranslationUnit,
    Variant,
)
from bitext.tmx._xml import (
    XML_DECLARATION,
    XML_LANG,
    clean_attrs,
    clean_xml_text,
    header_element,
    safe_parser,
    validate_tmx,
)

__all__ = ["tmx_units_to_bytes"]


def _header_attrs(doc: TMXDocument) -> dict[str, str]:
    """The document's own header values; the first language stands in for a missing srclang."""
    first = next((lang for unit in doc.units for lang in unit.variants), "*all*")
    attrs = {"srclang": first}
    attrs.update((key, doc.header[key]) for key in HEADER_ATTRS if key in doc.header)
    return attrs


def _add_props_notes(
    parent: etree._Element, props: dict[str, tuple[str, ...]], notes: tuple[str, ...]
) -> None:
    # Notes first: the header's DTD order is note*, ude*, prop*, and <tu>/<tuv> accept either.
    for note in notes:
        etree.SubElement(parent, "note").text = clean_xml_text(note)
    for kind, values in props.items():
        for value in values:
            etree.SubElement(parent, "prop", type=clean_xml_text(kind)).text = clean_xml_text(value)


def _header(root: etree._Element, doc: TMXDocument, parser: etree.XMLParser) -> None:
    header = header_element(root, _header_attrs(doc))
    _add_props_notes(header, {}, doc.header_notes)
    for raw in doc.udes:
        try:
            ude = etree.fromstring(raw, parser)
        except etree.XMLSyntaxError as exc:
            raise ValueError(f"header <ude> is not well-formed XML: {exc.msg}") from None
        if ude.tag != "ude":
            raise ValueError(f"header <ude> string holds a <{ude.tag}> element, not <ude>")
        header.append(ude)
    _add_props_notes(header, doc.header_props, ())


def _fill_seg(seg: etree._Element, variant: Variant, parser: etree.XMLParser) -> None:
    try:
        parsed = etree.fromstring(f"<seg>{variant.segment_xml}</seg>", parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"{variant.lang} segment is not well-formed XML: {exc.msg}") from None
    seg.text = parsed.text
    seg.extend(list(parsed))  # lxml moves each child with its tail


def _unit_attrs(unit: TranslationUnit) -> dict[str, str]:
    """The <tu> attributes to write: only those TMX 1.4 defines, a segtype only if valid."""
    attrs = {key: unit.attrs[key] for key in TU_ATTRS if key in unit.attrs}
    if attrs.get("segtype") not in SEGTYPES:
        attrs.pop("segtype", None)  # optional on <tu>; a bad value would void the whole file
    own = {"tuid": unit.tuid, "creationdate": unit.creationdate, "changedate": unit.changedate}
    attrs.update((key, value) for key, value in own.items() if value is not None)
    return clean_attrs(attrs)


def _unit_element(
    body: etree._Element, unit: TranslationUnit
) -> list[tuple[etree._Element, Variant]]:
    """Append one <tu> with empty <seg>s; returns them with the variant each will hold."""
    tu = etree.SubElement(body, "tu", _unit_attrs(unit))
    # The DTD wants notes and props before the first tuv.
    _add_props_notes(tu, unit.props, unit.notes)
    segs = []
    for variant in unit.variants.values():
        attrs = {key: variant.attrs[key] for key in TUV_ATTRS if key in variant.attrs}
        tuv = etree.SubElement(
            tu, "tuv", {XML_LANG: normalize_tag(variant.lang), **clean_attrs(attrs)}
        )
        _add_props_notes(tuv, variant.props, variant.notes)
        segs.append((etree.SubElement(tuv, "seg"), variant))
    return segs


def tmx_units_to_bytes(doc: TMXDocument) -> bytes:
    """`doc` as a TMX 1.4 document (UTF-8 bytes), inline tags of every segment kept.

    Header, <tu> and <tuv> attributes TMX 1.4 does not define are left out
    (and a <tu> segtype outside its enumeration), missing required header ones
    get neutral defaults; language tags are written normalized. Notes, props and
    udes come in DTD order. Raises `ValueError` if a `segment_xml` or a `udes`
    string is not well-formed or the result would not be valid TMX 1.4 (for
    instance an inline tag the 1.4 DTD does not allow).
    """
    parser = safe_parser()
    root = etree.Element("tmx", version="1.4")
    _header(root, doc, parser)
    body = etree.SubElement(root, "body")
    segs = [pair for unit in doc.units for pair in _unit_element(body, unit)]
    # Indent before the segments are filled: whitespace inside a <seg> is content.
    etree.indent(root)
    for seg, variant in segs:
        _fill_seg(seg, variant, parser)
    data = XML_DECLARATION + etree.tostring(root, encoding="UTF-8") + b"\n"
    validate_tmx(data)
    return data
