"""Merging translation memories: one memory from many, each repeated unit kept once.

Two units are the same when they hold the same languages with the same text.
Text is compared as plain text (inline codes left out), Unicode NFC, with runs
of white space taken as one space, so a unit that differs only in formatting
codes or in line breaks is still a repeat.

Languages are compared by a key (`language_key`) that folds spellings which
mean the same written language:

* case and underscores never matter (``ZH-CN``, ``zh_CN``, ``zh-cn`` → ``zh-CN``);
* Chinese is keyed by script, because the script decides the text: ``zh-Hans``,
  ``zh-CN``, ``zh-SG``, ``zh-MY`` and ``zh-Hans-CN`` are all Simplified
  (``zh-Hans``); ``zh-Hant``, ``zh-TW``, ``zh-HK``, ``zh-MO`` and ``zh-Hant-TW``
  are all Traditional (``zh-Hant``). An explicit script wins over the region
  (``zh-Hans-HK`` is Simplified). Simplified and Traditional never merge. A
  bare ``zh`` (or a region that does not imply a script) names no script and
  keeps its own key;
* every other language keeps its full tag: ``en-US``, ``en-GB`` and ``en``
  stay apart, since there the region is what tells the variants apart.

Of the repeats, the unit changed last is kept (its ``changedate``, else its
``creationdate``; a unit without a readable date loses, a tie goes to the one
read first) with its tuid, dates, other attributes, language tags, inline
tags and its variants' attributes; the notes and props of all repeats are
added to it without duplicates (a variant's to the kept unit's variant of the
same language and text), and its ``x-count`` prop becomes the number of
occurrences (each unit counting as its own ``x-count``, 1 without one). The
merged unit takes the place where the first of its repeats was read. Units
with fewer than two variants are not translations of anything and are kept
unchanged. The merged header is new: the inputs' header notes, props and
<ude>s are not carried over.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bitext.lang import normalize_tag
from bitext.tmx._document import TMXDocument, TranslationUnit, Variant
from bitext.tmx._xml import installed_version

__all__ = ["MergeCounts", "language_key", "merge"]

COUNT_PROP = "x-count"
ALL_LANGUAGES = "*all*"
_SIMPLIFIED_REGIONS = frozenset({"CN", "SG", "MY"})
_TRADITIONAL_REGIONS = frozenset({"TW", "HK", "MO"})
# Header values that describe the whole memory: kept only when every input agrees.
_SHARED_HEADER = ("segtype", "datatype", "o-tmf", "adminlang")

_UnitKey = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class MergeCounts:
    """What `merge` did with one input memory.

    `read` units were read; `kept` of them became units of their own in the
    result and `merged` were repeats of a unit already there (`kept + merged ==
    read`). Which repeat's content wins is decided by date, not by this count.
    """

    name: str
    read: int
    kept: int
    merged: int


#: `MergeCounts`'s former name, kept for code written against it.
MergeReport = MergeCounts


def language_key(tag: str) -> str:
    """The key under which `tag`'s variants are compared (see the module docstring).

    ``"zh_CN"``, ``"ZH-CN"`` and ``"zh-Hans"`` → ``"zh-Hans"``; ``"zh-TW"`` →
    ``"zh-Hant"``; ``"en_us"`` → ``"en-US"``. Raises `ValueError` for a string
    that is not a language tag.
    """
    tag = normalize_tag(tag)
    first, *rest = tag.split("-")
    if first != "zh":
        return tag
    script = next((s for s in rest if s in ("Hans", "Hant")), None)
    if script is None:
        region = next((s for s in rest if len(s) == 2 and s.isalpha()), None)
        if region in _SIMPLIFIED_REGIONS:
            script = "Hans"
        elif region in _TRADITIONAL_REGIONS:
            script = "Hant"
    return f"zh-{script}" if script else tag


def _plain(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _unit_key(unit: TranslationUnit) -> _UnitKey | None:
    """What makes two units repeats of each other; None for a unit never merged."""
    if len(unit.variants) < 2:
        return None
    return tuple(sorted((language_key(lang), _plain(v.text)) for lang, v in unit.variants.items()))


def _date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        # TMX writes 20240506T070809Z; some tools write extended ISO 8601. Both parse.
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _age_rank(unit: TranslationUnit) -> tuple[bool, datetime]:
    """Sort key, larger for newer; a unit without a readable date is older than any other."""
    moment = _date(unit.changedate) or _date(unit.creationdate)
    return (moment is not None, moment or datetime.min.replace(tzinfo=UTC))


def _count(unit: TranslationUnit) -> int:
    """How many occurrences `unit` stands for: its x-count, else 1."""
    values = [v.strip() for v in unit.props.get(COUNT_PROP, ())]
    counts = [int(v) for v in values if v.isdecimal() and int(v) > 0]
    return max(counts, default=1)


def _normalized(unit: TranslationUnit) -> TranslationUnit:
    """`unit` with every language tag in canonical form: a merge never writes ``zh_CN``."""
    variants = {
        normalize_tag(lang): replace(v, lang=normalize_tag(v.lang))
        for lang, v in unit.variants.items()
    }
    return replace(unit, variants=variants)


def _union_props(owners: Sequence[TranslationUnit | Variant]) -> dict[str, tuple[str, ...]]:
    """The props of all `owners`, types and values in first-seen order, without duplicates."""
    props: dict[str, dict[str, None]] = {}
    for owner in owners:
        for kind, values in owner.props.items():
            props.setdefault(kind, {}).update(dict.fromkeys(values))
    return {kind: tuple(values) for kind, values in props.items()}


def _union_notes(owners: Sequence[TranslationUnit | Variant]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(note for owner in owners for note in owner.notes))


def _combined_variants(
    winner: TranslationUnit, others: Sequence[TranslationUnit]
) -> dict[str, Variant]:
    """The winner's variants, each with the notes and props of the repeats' same variant.

    A repeat's variant is the same one when it has the same language key and plain
    text, which is what made the units repeats in the first place.
    """
    same: dict[tuple[str, str], list[Variant]] = {}
    for unit in others:
        for lang, variant in unit.variants.items():
            same.setdefault((language_key(lang), _plain(variant.text)), []).append(variant)
    variants = {}
    for lang, variant in winner.variants.items():
        owners = [variant, *same.get((language_key(lang), _plain(variant.text)), [])]
        variants[lang] = replace(variant, props=_union_props(owners), notes=_union_notes(owners))
    return variants


def _combine(repeats: Sequence[TranslationUnit]) -> TranslationUnit:
    """One unit for `repeats` (in reading order): the newest, with everyone's notes and props."""
    if len(repeats) == 1:
        return _normalized(repeats[0])
    # max() returns the first of equals, so a tie goes to the unit read first.
    winner = max(repeats, key=_age_rank)
    others = [unit for unit in repeats if unit is not winner]
    merged_props = _union_props([winner, *others])
    merged_props[COUNT_PROP] = (str(sum(_count(unit) for unit in repeats)),)
    combined = replace(
        winner,
        notes=_union_notes([winner, *others]),
        props=merged_props,
        variants=_combined_variants(winner, others),
    )
    return _normalized(combined)


def _source_language(documents: Sequence[TMXDocument]) -> str:
    """The source language most input units declare (through their file's header), or *all*."""
    by_key: Counter[str] = Counter()
    spellings: Counter[str] = Counter()
    for doc in documents:
        raw = doc.header.get("srclang")
        if not raw or not doc.units:
            continue
        tag = ALL_LANGUAGES if raw == ALL_LANGUAGES else normalize_tag(raw)
        key = ALL_LANGUAGES if tag == ALL_LANGUAGES else language_key(tag)
        by_key[key] += len(doc.units)
        spellings[tag] += len(doc.units)
    ranked = by_key.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return ALL_LANGUAGES  # no input says, or two languages are equally common
    winner = ranked[0][0]
    if winner == ALL_LANGUAGES:
        return ALL_LANGUAGES
    # Written as the inputs most often spelled it (zh-CN rather than the key zh-Hans).
    return next(tag for tag, _ in spellings.most_common() if language_key(tag) == winner)


def _header(documents: Sequence[TMXDocument]) -> dict[str, str]:
    header = {
        "creationtool": "bitext",
        "creationtoolversion": installed_version(),
        "srclang": _source_language(documents),
    }
    for attr in _SHARED_HEADER:
        values = {doc.header.get(attr) for doc in documents}
        only = values.pop() if len(values) == 1 else None
        if only is not None:
            header[attr] = only
    return header


def merge(
    documents: Sequence[TMXDocument], *, names: Sequence[str] | None = None
) -> tuple[TMXDocument, list[MergeCounts]]:
    """Merge translation memories into one, each repeated unit kept once.

    Units are repeats when they hold the same languages (see `language_key`:
    zh-CN, zh-Hans and ZH-CN are one; zh-TW is not) with the same plain text;
    the newest repeat is kept, with the notes and props of all of them (of
    their units and of their variants) and an ``x-count`` prop of the
    occurrences. Units come out in the order their first repeat was read.
    `names` label the reports (default ``"#1"``, ``"#2"``, ...). Returns the
    merged TMX 1.4 document and one `MergeCounts` per input. Raises
    `ValueError` if `names` and `documents` differ in length, or if a
    hand-built unit carries something that is not a language tag.
    """
    if names is None:
        names = [f"#{i}" for i in range(1, len(documents) + 1)]
    elif len(names) != len(documents):
        raise ValueError(f"merge: {len(names)} names for {len(documents)} documents")
    groups: list[list[TranslationUnit]] = []
    slot: dict[_UnitKey, int] = {}
    reports = []
    for name, doc in zip(names, documents, strict=True):
        kept = 0
        for unit in doc.units:
            key = _unit_key(unit)
            if key is not None and key in slot:
                groups[slot[key]].append(unit)
                continue
            if key is not None:
                slot[key] = len(groups)
            groups.append([unit])
            kept += 1
        reports.append(MergeCounts(name, len(doc.units), kept, len(doc.units) - kept))
    units = tuple(_combine(group) for group in groups)
    return TMXDocument(header=_header(documents), units=units, version="1.4"), reports
