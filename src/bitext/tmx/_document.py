"""The data a TMX memory holds, as the reader gives it and the writer takes it.

Every field maps onto something TMX 1.4 can write, so a memory read and
written back (`bitext.tmx.to_bytes`) reads in again equal (``==``) to the first
read. Attributes are kept by name in `attrs` dicts, restricted to the ones the
TMX 1.4 DTD defines for the element; attributes with fields of their own
(tuid, dates, language) are not repeated there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from bitext.lang import normalize_tag, primary

__all__ = ["TMXDocument", "TranslationUnit", "Variant"]

ALL_LANGUAGES = "*all*"
LANG_ATTRS = ("srclang", "adminlang")
# Header attributes of TMX 1.4; others (from older versions or vendors) are not written back.
HEADER_ATTRS = (
    "creationtool",
    "creationtoolversion",
    "segtype",
    "o-tmf",
    "adminlang",
    "srclang",
    "datatype",
    "o-encoding",
    "creationdate",
    "creationid",
    "changedate",
    "changeid",
)
# Attributes TMX 1.4 defines on both <tu> and <tuv>.
_UNIT_AND_VARIANT_ATTRS = (
    "o-encoding",
    "datatype",
    "usagecount",
    "lastusagedate",
    "creationtool",
    "creationtoolversion",
    "creationid",
    "changeid",
    "o-tmf",
)
# <tu> attributes of TMX 1.4 kept in `TranslationUnit.attrs` (tuid and dates have fields).
TU_ATTRS = (*_UNIT_AND_VARIANT_ATTRS, "segtype", "srclang")
# <tuv> attributes of TMX 1.4 kept in `Variant.attrs` (the language has its field).
TUV_ATTRS = (*_UNIT_AND_VARIANT_ATTRS, "creationdate", "changedate")
# The DTD enumerates segtype; another value would make the whole file invalid.
SEGTYPES = frozenset({"block", "paragraph", "sentence", "phrase"})


@dataclass(frozen=True, slots=True)
class Variant:
    """One language's segment of a unit (a <tuv>).

    `text` is the plain text (inline codes left out, the text inside <hi>
    kept); `segment_xml` is the inner XML of <seg>, inline tags included.
    `attrs` holds the other TMX 1.4 <tuv> attributes (creationdate, usagecount,
    ...), `props` the <prop>s (type → values in file order), `notes` the <note>s.
    """

    lang: str
    text: str
    segment_xml: str
    attrs: dict[str, str] = field(default_factory=dict)
    props: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @classmethod
    def plain(cls, lang: str, text: str) -> Variant:
        """A variant without inline markup; `lang` is normalized (``zh_CN`` → ``zh-CN``)."""
        # A raw CR in XML text is read back as LF; the reference keeps it.
        return cls(normalize_tag(lang), text, escape(text, {"\r": "&#13;"}))


@dataclass(frozen=True, slots=True)
class TranslationUnit:
    """One <tu>: its variants by normalized language tag, props (type → values) and notes.

    `attrs` holds the TMX 1.4 <tu> attributes without a field of their own
    (creationid, changeid, usagecount, lastusagedate, srclang, ...).
    """

    tuid: str | None
    variants: dict[str, Variant]
    props: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    creationdate: str | None = None
    changedate: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)

    def variant(self, lang: str) -> Variant | None:
        """The variant for `lang` (any spelling: ``zh_cn``, ``ZH-CN``).

        A bare language (``"zh"``) with no exact match stands for the unit's
        only variant of that language; with two (zh-Hans and zh-Hant) it is
        ambiguous and gives None.
        """
        tag = normalize_tag(lang)
        if tag in self.variants:
            return self.variants[tag]
        if tag != primary(tag):
            return None
        same = [v for key, v in self.variants.items() if primary(key) == tag]
        return same[0] if len(same) == 1 else None


@dataclass(frozen=True, slots=True)
class TMXDocument:
    """A whole memory: header attributes, units in file order, and the TMX version read.

    `header_notes` and `header_props` are the header's <note>s and <prop>s;
    `udes` its user-defined encodings, each a whole ``<ude>...</ude>`` element
    as an XML string (whitespace between its <map>s left out).
    """

    header: dict[str, str]
    units: tuple[TranslationUnit, ...]
    version: str
    header_notes: tuple[str, ...] = ()
    header_props: dict[str, tuple[str, ...]] = field(default_factory=dict)
    udes: tuple[str, ...] = ()

    def pairs(self, src_lang: str, tgt_lang: str) -> Iterator[tuple[str, str]]:
        """Plain (source, target) texts of the units holding both languages, in order."""
        for unit in self.units:
            src, tgt = unit.variant(src_lang), unit.variant(tgt_lang)
            if src is not None and tgt is not None:
                yield src.text, tgt.text
