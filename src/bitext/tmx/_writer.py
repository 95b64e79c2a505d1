"""Writing a `TMXDocument` back as TMX 1.4, inline tags of every segment kept."""

from __future__ import annotations

from lxml import etree

from bitext.export.tmx import (
    XML_DECLARATION,
    XML_LANG,
    clean_xml_text,
    installed_version,
    safe_parser,
    validate_tmx,
)
from bitext.lang import normalize_tag
from bitext.tmx._reader import _HEADER_ATTRS, _LANG_ATTRS, TMXDocument, TranslationUnit, Variant

__all__ = ["tmx_units_to_bytes"]


def _header_attrs(doc: TMXDocument) -> dict[str, str]:
    """The header as TMX 1.4 requires it: the document's values over neutral defaults."""
    first = next((lang for unit in doc.units for lang in unit.variants), "*all*")
    attrs = {
        "creationtool": "bitext",
        "creationtoolversion": installed_version(),
        "segtype": "sentence",
        "o-tmf": "unknown",
        "adminlang": "en-US",
        "srclang": first,
        "datatype": "unknown",
    }
    attrs.update((key, doc.header[key]) for key in _HEADER_ATTRS if key in doc.header)
    for key in _LANG_ATTRS:
        if attrs[key] != "*all*":
            attrs[key] = normalize_tag(attrs[key])
    return {key: clean_xml_text(value) for key, value in attrs.items()}


def _fill_seg(seg: etree._Element, variant: Variant, parser: etree.XMLParser) -> None:
    try:
        parsed = etree.fromstring(f"<seg>{variant.segment_xml}</seg>", parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"{variant.lang} segment is not well-formed XML: {exc.msg}") from None
    seg.text = parsed.text
    seg.extend(list(parsed))  # lxml moves each child with its tail


def _unit_element(
    body: etree._Element, unit: TranslationUnit
) -> list[tuple[etree._Element, Variant]]:
    """Append one <tu> with empty <seg>s; returns them with the variant each will hold."""
    attrs = {"tuid": unit.tuid, "creationdate": unit.creationdate, "changedate": unit.changedate}
    tu = etree.SubElement(body, "tu", {k: clean_xml_text(v) for k, v in attrs.items() if v})
    # The DTD wants notes and props before the first tuv.
    for note in unit.notes:
        etree.SubElement(tu, "note").text = clean_xml_text(note)
    for kind, values in unit.props.items():
        for value in values:
            etree.SubElement(tu, "prop", type=clean_xml_text(kind)).text = clean_xml_text(value)
    segs = []
    for variant in unit.variants.values():
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: normalize_tag(variant.lang)})
        segs.append((etree.SubElement(tuv, "seg"), variant))
    return segs


def tmx_units_to_bytes(doc: TMXDocument) -> bytes:
    """`doc` as a TMX 1.4 document (UTF-8 bytes), inline tags of every segment kept.

    Header attributes TMX 1.4 does not define are left out and missing required
    ones get neutral defaults; language tags are written normalized. Raises
    `ValueError` if a `segment_xml` is not well-formed or the result would not
    be valid TMX 1.4 (for instance an inline tag the 1.4 DTD does not allow).
    """
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", _header_attrs(doc))
    body = etree.SubElement(root, "body")
    segs = [pair for unit in doc.units for pair in _unit_element(body, unit)]
    # Indent before the segments are filled: whitespace inside a <seg> is content.
    etree.indent(root)
    parser = safe_parser()
    for seg, variant in segs:
        _fill_seg(seg, variant, parser)
    data = XML_DECLARATION + etree.tostring(root, encoding="UTF-8") + b"\n"
    validate_tmx(data)
    return data
