"""TMX 1.4 export: one translation unit per aligned sentence pair.

The file must load in any CAT tool, so it is checked against the LISA TMX 1.4
DTD before it is written, and every text is cleaned of characters XML cannot
carry. Only beads with both sides become units (a TU with an empty side would
teach the memory that a sentence translates to nothing), and a pair seen more
than once becomes one unit that records how often it occurred.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, BinaryIO

from lxml import etree

from bitext.atomic import atomic_open
from bitext.lang import (
    DEFAULT_EN_TAG,
    DEFAULT_ZH_TAG,
    display_name,
    normalize_tag,
    primary,
    tag_script,
)
from bitext.model import FLAG_DAMAGED, FLAG_REPAIRED, Alignment, Pair, Sentence

# The format itself (parser, DTD check, header) is `bitext.tmx`'s; these names
# are re-exported because callers have always imported them from here.
from bitext.tmx._xml import (
    DATE_FORMAT,
    XML_DECLARATION,
    XML_LANG,
    clean_xml_text,
    dtd_errors,
    header_element,
    installed_version,
    packaged_dtd,
    safe_parser,
    validate_tmx,
)

__all__ = [
    "DATE_FORMAT",
    "LONG_UNIT_CHARS",
    "XML_DECLARATION",
    "XML_LANG",
    "TMXExporter",
    "by_tag",
    "clean_xml_text",
    "installed_version",
    "long_units",
    "normalize_lang",
    "safe_parser",
    "tag_path",
    "tmx_bytes",
    "validate_tmx",
    "write_tmx",
]

#: The longest segment Trados Cloud accepts, in characters: a longer unit fails its import.
LONG_UNIT_CHARS = 2000

#: The former name of `bitext.lang.normalize_tag`, kept for existing callers.
normalize_lang = normalize_tag


def _damage_note(sentences: Sequence[Sentence], lang: str) -> str | None:
    """Plain words for a translator about encoding damage on one side, if any."""
    flags = {f for s in sentences for f in s.flags}
    if not flags & {FLAG_DAMAGED, FLAG_REPAIRED}:
        return None
    side = f"The {display_name(lang)} text ({lang})"
    note = f"{side} has encoding damage: characters were lost or garbled in the input."
    if FLAG_REPAIRED in flags:
        note += " It was repaired automatically; check the repair against the original."
    else:
        note += " Check this unit against the original."
    return note


def _tuid(src: str, tgt: str, taken: set[str]) -> str:
    """A short content hash: the same pair keeps its id across runs and documents.

    Units are deduplicated by (source, target) text, so hashing that text is
    unique within a file and lets merged or re-exported memories be diffed by
    id. The suffix only guards against a (practically impossible) clash.
    """
    # NUL cannot occur in cleaned text, so the join is unambiguous.
    base = hashlib.sha256(f"{src}\0{tgt}".encode()).hexdigest()[:16]
    tuid, n = base, 1
    while tuid in taken:
        n += 1
        tuid = f"{base}-{n}"
    taken.add(tuid)
    return tuid


def _sub(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    # A naive datetime is taken as UTC rather than as local time: TMX dates are UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class TMXExporter:
    """Writes alignments as a TMX 1.4 translation memory.

    `src_lang`/`tgt_lang` are normalized (``zh_cn`` → ``zh-CN``); `src_lang`
    None (the default) writes the alignments' own tag, the one the pipeline
    decided with the script (alignments of several tags are refused: write one
    file per tag, see `by_tag`); a given one that names the other script than
    the alignments' (zh-CN on Traditional text) is refused; pairs scoring
    below `min_score` are left out, and so are pairs with a side longer than
    `max_chars` characters (Trados Cloud takes at most 2,000: `LONG_UNIT_CHARS`);
    `creation_date` (default: now) and
    `tool_version` (default: the installed bitext version) are fixed for
    reproducible output.
    """

    name = "tmx"
    suffixes: tuple[str, ...] = (".tmx",)

    def __init__(
        self,
        src_lang: str | None = None,
        tgt_lang: str = DEFAULT_EN_TAG,
        min_score: float | None = None,
        creation_date: datetime | None = None,
        tool_version: str | None = None,
        max_chars: int | None = None,
    ) -> None:
        self.src_lang = None if src_lang is None else normalize_tag(src_lang)
        self.max_chars = max_chars
        self.tgt_lang = normalize_tag(tgt_lang)
        if min_score is not None and min_score != min_score:
            raise ValueError("min_score is NaN")
        self.min_score = min_score
        self.creation_date = creation_date
        self.tool_version = tool_version or installed_version()

    def dumps(self, alignments: Sequence[Alignment]) -> bytes:
        """The TMX document for `alignments`, as UTF-8 bytes."""
        buffer = io.BytesIO()
        _serialize(self._build(alignments), buffer)
        return buffer.getvalue()

    def write(
        self, alignments: Sequence[Alignment], path: str | os.PathLike[str], *, force: bool = False
    ) -> int:
        """Write the TMX for `alignments` to `path` atomically (see `atomic_open`).

        Returns the number of translation units written: distinct pairs at or
        above `min_score`, which is less than the number of pairs whenever a
        pair repeats or scores too low.
        """
        # The tree is built inside the block so that a refused path costs no work.
        with atomic_open(path, force=force) as handle:
            root = self._build(alignments)
            _serialize(root, handle)
        return len(root.findall("body/tu"))

    def count(self, alignments: Sequence[Alignment]) -> int:
        """The number of translation units `write` would write, without building the file."""
        return len({(src, tgt) for _, _, src, tgt in self._kept(alignments)})

    def _kept(self, alignments: Sequence[Alignment]) -> Iterator[tuple[Alignment, Pair, str, str]]:
        """Each pair that becomes (or repeats) a unit, with its cleaned texts."""
        for alignment in alignments:
            for pair in alignment.pairs(self.min_score):
                src, tgt = clean_xml_text(pair.src).strip(), clean_xml_text(pair.tgt).strip()
                if not src or not tgt:  # cleaning can empty a side; a TU never has an empty seg
                    continue
                if self.max_chars is not None and max(len(src), len(tgt)) > self.max_chars:
                    continue
                yield alignment, pair, src, tgt

    def _source_tag(self, alignments: Sequence[Alignment]) -> str:
        """The tag of the source side: the given one, else the one all `alignments` carry."""
        if self.src_lang is not None:
            return self.src_lang
        tags = sorted({normalize_tag(a.src_lang) for a in alignments})
        if len(tags) > 1:
            raise ValueError(
                f"alignments tagged {', '.join(tags)}: a TMX has one source language; "
                "write one file per tag (bitext.export.tmx.by_tag) or give src_lang"
            )
        return tags[0] if tags else DEFAULT_ZH_TAG

    def _check_langs(self, alignments: Iterable[Alignment], src_lang: str) -> None:
        """Refuse to label an English→Chinese alignment as zh→en, or Traditional as zh-CN."""
        want = (primary(src_lang), primary(self.tgt_lang))
        for alignment in alignments:
            scripts = {tag_script(src_lang), tag_script(alignment.src_lang)}
            if (primary(alignment.src_lang), primary(alignment.tgt_lang)) != want or (
                None not in scripts and len(scripts) > 1
            ):
                raise ValueError(
                    f"{alignment.source or 'alignment'}: aligned as "
                    f"{alignment.src_lang}->{alignment.tgt_lang}, "
                    f"but the TMX is written as {src_lang}->{self.tgt_lang}"
                )

    def _build(self, alignments: Sequence[Alignment]) -> etree._Element:
        src_lang = self._source_tag(alignments)
        self._check_langs(alignments, src_lang)
        date = _utc(self.creation_date).strftime(DATE_FORMAT)
        root = etree.Element("tmx", version="1.4")
        header_element(
            root,
            {
                "creationtoolversion": self.tool_version,
                "o-tmf": "bitext",
                "srclang": src_lang,
                "datatype": "plaintext",
                "creationdate": date,
            },
        )
        self._fill_body(etree.SubElement(root, "body"), alignments, date, src_lang)
        etree.indent(root)
        errors = dtd_errors(packaged_dtd(), root)
        if errors:  # a bug in this module, never the user's input
            raise RuntimeError(f"bitext built invalid TMX: {'; '.join(errors[:3])}")
        return root

    def _fill_body(
        self, body: etree._Element, alignments: Sequence[Alignment], date: str, src_lang: str
    ) -> None:
        """One <tu> per distinct (source, target) text, in order of first occurrence."""
        units: dict[tuple[str, str], etree._Element] = {}
        counts: Counter[tuple[str, str]] = Counter()
        taken: set[str] = set()
        for alignment, pair, src, tgt in self._kept(alignments):
            counts[src, tgt] += 1
            if (src, tgt) not in units:
                tu = self._unit(body, pair, (src, tgt), alignment.source, date, taken, src_lang)
                units[src, tgt] = tu
        for key, tu in units.items():
            if counts[key] > 1:
                # The DTD wants every prop before the first tuv.
                prop = etree.Element("prop", type="x-count")
                prop.text = str(counts[key])
                tu.insert(tu.index(tu.find("tuv")), prop)

    def _unit(
        self,
        body: etree._Element,
        pair: Pair,
        texts: tuple[str, str],
        source: str | None,
        date: str,
        taken: set[str],
        src_lang: str,
    ) -> etree._Element:
        """Append one <tu>; children in the DTD's order: (note|prop)*, tuv+."""
        src, tgt = texts
        tu = etree.SubElement(body, "tu", tuid=_tuid(src, tgt, taken), creationdate=date)
        for sentences, lang in (
            (pair.src_sentences, src_lang),
            (pair.tgt_sentences, self.tgt_lang),
        ):
            note = _damage_note(sentences, lang)
            if note:
                _sub(tu, "note", note)
        _sub(tu, "prop", f"{pair.score:.4f}", type="x-score")
        _sub(tu, "prop", clean_xml_text(source or ""), type="x-document")
        _sub(tu, "prop", pair.kind, type="x-bead")
        if pair.flags:
            _sub(tu, "prop", clean_xml_text(",".join(pair.flags)), type="x-flags")
        for lang, text in ((src_lang, src), (self.tgt_lang, tgt)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            _sub(tuv, "seg", text)
        return tu


def _serialize(root: etree._Element, handle: BinaryIO) -> None:
    # lxml would write the declaration with single quotes; TMX readers expect the usual form.
    handle.write(XML_DECLARATION)
    etree.ElementTree(root).write(handle, encoding="UTF-8", xml_declaration=False)
    handle.write(b"\n")


def long_units(
    alignments: Sequence[Alignment], limit: int = LONG_UNIT_CHARS, min_score: float | None = None
) -> int:
    """How many distinct pairs (at or above `min_score`) have a side over `limit` characters.

    For callers to warn before a CAT tool refuses the file (`TMXExporter`'s
    `max_chars` leaves such units out); the library itself says nothing.
    """
    exporter = TMXExporter(min_score=min_score)
    return len({(s, t) for _, _, s, t in exporter._kept(alignments) if max(len(s), len(t)) > limit})


def tmx_bytes(alignments: Sequence[Alignment], **options: Any) -> bytes:
    """The TMX document for `alignments`; `options` are `TMXExporter`'s."""
    return TMXExporter(**options).dumps(alignments)


def write_tmx(
    alignments: Sequence[Alignment],
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    **options: Any,
) -> int:
    """Write `alignments` as TMX to `path` (atomically); `options` are `TMXExporter`'s.

    Returns the number of translation units written (see `TMXExporter.write`).
    """
    return TMXExporter(**options).write(alignments, path, force=force)


def by_tag(alignments: Sequence[Alignment]) -> dict[str, list[Alignment]]:
    """`alignments` grouped by source tag (zh-HK, zh-TW ...), in order of first appearance."""
    groups: dict[str, list[Alignment]] = {}
    for alignment in alignments:
        groups.setdefault(normalize_tag(alignment.src_lang), []).append(alignment)
    return groups


def tag_path(path: str | os.PathLike[str], tag: str) -> str:
    """`path` with the tag before its suffix: ``out.tmx`` → ``out.zh-HK.tmx``."""
    root, suffix = os.path.splitext(os.fspath(path))
    return f"{root}.{tag}{suffix}"
