"""Term bases as TBX-Basic (ISO 30042:2019, DCA style), written and read back.

One ``conceptEntry`` per term; in it a ``langSec`` per language and a ``termSec``
per form: the headword first (``administrativeStatus`` preferred), then each
other form (admitted) with its ``termType`` from TBX-Basic's picklist. The
picklists are the dialect's Schematron's (LTAC-Global/TBX-Basic_dialect,
DCA/TBX-Basic_DCA.sch): ``partOfSpeech`` has no ``properNoun``, so every term is a
``noun``; ``termType`` has no ``initialism``, so AFCD is an ``abbreviation``.
A name's kind (person, organisation, ...) is not a subject field (a domain),
and TBX-Basic has no category for it, so it goes in a ``note``, as do the
source units and the exact pairing of each variant (a langSec lists forms
per language; which Chinese form each English form renders is lost without it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from bitext.errors import InputError
from bitext.lang import DEFAULT_ZH_TAG, normalize_tag, primary
from bitext.terms._fields import (
    one_line,
    parse_sources_note,
    parse_variant,
    sources_note,
    variant_label,
)
from bitext.terms.termbase import Term, Variant
from bitext.tmx._xml import clean_xml_text, installed_version, safe_parser

__all__ = ["TBX_NS", "parse_tbx", "tbx_bytes"]

TBX_NS = "urn:iso:std:iso:30042:ed-2"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DIALECT = "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/"
# The xml-model instructions the dialect's own examples carry: they tell a
# validating editor which schemas the file claims to follow.
_PROLOG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<?xml-model href="{_DIALECT}TBXcoreStructV03_TBX-Basic_integrated.rng" '
    'type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
    f'<?xml-model href="{_DIALECT}TBX-Basic_DCA.sch" '
    'type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"?>\n'
)
#: Variant kind -> TBX-Basic termType, and back (acronym, from other tools, is an abbreviation).
TERM_TYPE = {"abbreviation": "abbreviation", "short form": "shortForm", "rendering": "variant"}
_KIND = {"abbreviation": "abbreviation", "acronym": "abbreviation", "shortForm": "short form"}
_PREFERRED, _ADMITTED = "preferredTerm-admn-sts", "admittedTerm-admn-sts"
_TYPE_NOTE = re.compile(r"type: (?P<type>\S.*)")
_VARIANT_NOTE = "variant: "


def _q(name: str) -> str:
    return f"{{{TBX_NS}}}{name}"


def _sub(
    parent: etree._Element, name: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, _q(name), {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = clean_xml_text(text)
    return element


def _forms(term: Term, side: str) -> list[tuple[str, str | None]]:
    """The distinct forms of one language side: (form, TBX termType), headword first."""
    head = one_line(getattr(term, side))
    forms: dict[str, str | None] = {head: None}
    for variant in term.variants:
        form = one_line(getattr(variant, side))
        if form and form not in forms:
            forms[form] = TERM_TYPE.get(variant.kind, "variant")
    if any(t in ("abbreviation", "shortForm") for t in forms.values()):
        forms[head] = "fullForm"  # the form the abbreviations abbreviate
    return list(forms.items())


def _lang_sec(entry: etree._Element, term: Term, side: str, lang: str) -> None:
    lang_sec = _sub(entry, "langSec")
    lang_sec.set(_XML_LANG, lang)
    for index, (form, term_type) in enumerate(_forms(term, side)):
        term_sec = _sub(lang_sec, "termSec")
        _sub(term_sec, "term", form)
        _sub(term_sec, "termNote", "noun", type="partOfSpeech")
        if term_type is not None:
            _sub(term_sec, "termNote", term_type, type="termType")
        status = _PREFERRED if index == 0 else _ADMITTED
        _sub(term_sec, "termNote", status, type="administrativeStatus")


def _entry(body: etree._Element, term: Term, number: int, zh_lang: str, en_lang: str) -> None:
    entry = _sub(body, "conceptEntry", id=f"c{number}")
    _sub(entry, "note", f"type: {one_line(term.type)}")
    _sub(entry, "note", sources_note(term))
    for variant in term.variants:
        _sub(entry, "note", _VARIANT_NOTE + variant_label(variant))
    _lang_sec(entry, term, "zh", zh_lang)
    _lang_sec(entry, term, "en", en_lang)


def tbx_bytes(
    terms: Sequence[Term], *, zh_lang: str = DEFAULT_ZH_TAG, en_lang: str = "en"
) -> bytes:
    """The TBX-Basic document for `terms` (UTF-8), entries ``c1``, ``c2``... in order.

    `zh_lang` tags the Chinese side (``zh-HK``, ``zh-TW`` for Traditional text).
    Raises `ValueError` for an invalid language tag or an empty `terms`: the
    TBX schema requires at least one entry.
    """
    zh_lang, en_lang = normalize_tag(zh_lang), normalize_tag(en_lang)
    if not terms:
        raise ValueError("no terms: a TBX-Basic file needs at least one entry")
    root = etree.Element(_q("tbx"), {"type": "TBX-Basic", "style": "dca"}, nsmap={None: TBX_NS})
    root.set(_XML_LANG, en_lang)
    file_desc = _sub(_sub(root, "tbxHeader"), "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title", "Term base extracted by bitext")
    _sub(_sub(file_desc, "sourceDesc"), "p", f"bitext {installed_version()}")
    body = _sub(_sub(root, "text"), "body")
    for number, term in enumerate(terms, start=1):
        _entry(body, term, number, zh_lang, en_lang)
    etree.indent(root, space="  ")
    return _PROLOG.encode() + etree.tostring(root, encoding="utf-8") + b"\n"


# --- reading --------------------------------------------------------------------------------


def _text(element: etree._Element) -> str:
    return one_line("".join(element.itertext()))


def _term_secs(entry: etree._Element, lang: str) -> list[tuple[str, str | None, bool]]:
    """(term, termType, preferred) of the termSecs of `entry`'s langSecs in language `lang`."""
    out = []
    for lang_sec in entry.iterfind(_q("langSec")):
        if primary(lang_sec.get(_XML_LANG) or "und") != lang:
            continue
        for term_sec in lang_sec.iterfind(_q("termSec")):
            term = term_sec.find(_q("term"))
            notes = {n.get("type"): _text(n) for n in term_sec.iterfind(_q("termNote"))}
            if term is not None and _text(term):
                preferred = notes.get("administrativeStatus") == _PREFERRED
                out.append((_text(term), notes.get("termType"), preferred))
    # Headword: the preferred term if the file marks one, else the first.
    out.sort(key=lambda t: not t[2])
    return out


def _entry_term(entry: etree._Element) -> Term | None:
    """The Term of one conceptEntry, or None when it lacks a Chinese or an English term."""
    zh, en = _term_secs(entry, "zh"), _term_secs(entry, "en")
    if not zh or not en:
        return None
    kind, count, confidence, variants = "term", 0, 1.0, []
    for note in entry.iterfind(_q("note")):
        text = _text(note)
        if (typed := _TYPE_NOTE.fullmatch(text)) is not None:
            kind = typed["type"]
        elif (found := parse_sources_note(text)) is not None:
            count, confidence = found
        elif text.startswith(_VARIANT_NOTE) and (v := parse_variant(text[len(_VARIANT_NOTE) :])):
            variants.append(v)
    if not variants:
        # Another tool's TBX: each other form pairs with the other language's headword.
        variants += [Variant(z, en[0][0], _KIND.get(t or "", "rendering"), 0) for z, t, _ in zh[1:]]
        variants += [Variant(zh[0][0], e, _KIND.get(t or "", "rendering"), 0) for e, t, _ in en[1:]]
    return Term(zh[0][0], en[0][0], kind, count, confidence, (), tuple(variants))


def _refuse_entities(tree: etree._ElementTree, label: str) -> None:
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(f"{label}: TBX declares entities; refused for safety")
    for entity in tree.getroot().iter(etree.Entity):
        raise InputError(
            f"{label}: line {entity.sourceline}: TBX refers to entity {entity.text}; "
            "refused for safety"
        )


def _parse_xml(data: bytes, label: str) -> etree._ElementTree:
    try:
        return etree.ElementTree(etree.fromstring(data, safe_parser()))
    except etree.XMLSyntaxError as exc:
        message = " ".join(str(exc.msg).split())
        if "amplification" in message or "entity reference loop" in message.lower():
            raise InputError(f"{label}: TBX declares entities; refused for safety") from None
        raise InputError(f"{label}: not well-formed XML (line {exc.lineno}): {message}") from None


def parse_tbx(data: bytes, label: str) -> list[Term]:
    """The terms of a TBX (ISO 30042:2019) document: entries with a zh and an en term.

    Raises `InputError` (one line, naming `label`) for XML that is not
    well-formed, declared or referenced entities, a root other than <tbx> in
    the 2019 namespace (TBX 2008's <martif> included), and a file with no
    entry holding both a Chinese and an English term.
    """
    tree = _parse_xml(data, label)
    _refuse_entities(tree, label)
    root = tree.getroot()
    if root.tag != _q("tbx"):
        name = etree.QName(root).localname
        older = " (TBX 2008; only ISO 30042:2019 TBX is read)" if name == "martif" else ""
        raise InputError(f"{label}: root element is <{name}>, not TBX 2019 <tbx>{older}")
    terms = [t for e in root.iter(_q("conceptEntry")) if (t := _entry_term(e)) is not None]
    if not terms:
        raise InputError(f"{label}: no TBX entry has both a Chinese (zh) and an English (en) term")
    return terms
