"""Terms rendered differently across units, and units that contradict a glossary.

What counts as the same rendering is `bitext.terms.same`'s business (case,
plurals, "the", abbreviations, a person's surname alone: the same; spelling
such as Centre/Center: different). The extractor's variant kinds are not
trusted for it (it calls any other acronym-shaped rendering an abbreviation);
a glossary's variants are all accepted renderings of their entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bitext.normalize.zh_script import to_simplified

from .same import abbreviates, normalise, same_rendering, surnames
from .termbase import Occurrence, Term, TermUnit

__all__ = ["CONTRADICTION", "INCONSISTENCY", "Finding", "Rendering", "check"]

#: `Finding.kind` of a term rendered in two or more ways across the units.
INCONSISTENCY = "inconsistency"
#: `Finding.kind` of units whose English has none of a glossary term's renderings.
CONTRADICTION = "contradiction"

_TOKEN = re.compile(r"[\w'’&]+(?:-[\w'’]+)*")


@dataclass(frozen=True, slots=True)
class Rendering:
    """One way the units render a term: the English, and where (each unit once).

    `en` is the form most of these units write ("" when no rendering was found
    in them); `occurrences` carry each unit with the Chinese and English forms
    to highlight in it.
    """

    en: str
    occurrences: tuple[Occurrence, ...]

    @property
    def units(self) -> tuple[TermUnit, ...]:
        return tuple(o.unit for o in self.occurrences)


@dataclass(frozen=True, slots=True)
class Finding:
    """A term the units do not render as they should, with the units side by side.

    `kind` is `INCONSISTENCY` (the term is rendered in two or more ways:
    `renderings` holds each, the most frequent first, which is `expected`) or
    `CONTRADICTION` (the units hold the glossary term `zh` and none of its
    renderings: `expected` is the glossary's, `renderings` what the units use
    instead, grouped, ``en=""`` where the extractor found no rendering).
    """

    kind: str
    zh: str
    expected: str
    renderings: tuple[Rendering, ...]
    type: str = "term"

    @property
    def units(self) -> tuple[TermUnit, ...]:
        return tuple(u for r in self.renderings for u in r.units)


def check(
    units: Sequence[TermUnit],
    *,
    terms: Sequence[Term] | None = None,
    glossary: Sequence[Term] | None = None,
) -> list[Finding]:
    """The inconsistencies among `units`, then their contradictions of `glossary`.

    `terms` are the terms found in `units` (None: `bitext.terms.extract(units)`).
    An inconsistency is a Chinese term whose occurrences render it in two or
    more ways (see the module's notes for what counts as the same rendering);
    a contradiction a unit whose Chinese holds a glossary term (its headword or
    a Chinese variant, compared in Simplified so a Traditional glossary checks
    a Simplified memory) and whose English holds none of its renderings (main
    and variants). Findings come most units first.
    """
    if terms is None:
        from .extraction import extract

        terms = extract(units)
    findings = inconsistencies(terms, units)
    if glossary:
        findings += contradictions(units, glossary, terms)
    return findings


def inconsistencies(terms: Sequence[Term], units: Sequence[TermUnit] = ()) -> list[Finding]:
    """The terms of `terms` rendered in two or more ways (entries of one headword merged).

    Each unit counts under the fullest rendering its English holds (a unit the
    extractor read as 紅旗 = "Red" in "Red flag lowered" counts as "red flag").
    With `units`, a name (three characters or more) rendered one way in two
    units or more is also looked for in the units the extractor found no
    rendering in: one whose English holds none of the term's renderings but
    another wording of it (most of the same words) is reported with that wording.
    """
    simplified = _simplified(units)
    by_zh: dict[str, list[Term]] = {}
    for term in terms:
        by_zh.setdefault(term.zh, []).append(term)
    names = _simplified_names(by_zh) if units else []
    findings = []
    for zh, entries in by_zh.items():
        person = any(t.type == "person" for t in entries)
        groups = _settle(_group(entries), person)
        if len(zh) >= 3 and groups and len(groups[0].units) > 1:
            longer = [n for n in names if len(n) > len(zh) and to_simplified(zh) in n]
            groups += _unrendered(zh, groups, simplified, person, longer)
        if len(groups) > 1:
            kind = entries[0].type
            findings.append(Finding(INCONSISTENCY, zh, groups[0].en, tuple(groups), kind))
    return sorted(findings, key=lambda f: (-len(f.units), f.zh))


def _simplified(units: Sequence[TermUnit]) -> dict[TermUnit, str]:
    return {u: to_simplified(u.zh) for u in units}


def _simplified_names(by_zh: dict[str, list[Term]]) -> list[str]:
    return sorted({to_simplified(zh) for zh in by_zh}, key=len, reverse=True)


def _settle(groups: list[Rendering], person: bool) -> list[Rendering]:
    """Each unit under the fullest of `groups`' renderings its English holds, once."""
    if len(groups) < 2:
        return groups
    fullest = sorted((g.en for g in groups), key=lambda en: -len(normalise(en).split()))
    moved: dict[str, list[Occurrence]] = {g.en: [] for g in groups}
    for group in groups:
        for o in group.occurrences:
            home = next((en for en in fullest if _holds(o.unit.en, [en], person)), group.en)
            moved[home].append(o)
    seen: set[TermUnit] = set()
    settled = []
    for en, found in moved.items():
        mine = tuple(o for o in _distinct(found) if o.unit not in seen)
        seen.update(o.unit for o in mine)
        if mine:
            settled.append(Rendering(en, mine))
    return sorted(settled, key=lambda r: -len(r.occurrences))


def _unrendered(
    zh: str,
    groups: list[Rendering],
    simplified: dict[TermUnit, str],
    person: bool,
    longer: Sequence[str],
) -> list[Rendering]:
    """The units holding `zh` whose English holds none of `groups`' renderings.

    `zh` inside a `longer` term (發展局 in 香港貿易發展局) is that term, not this one.
    """
    form, known = to_simplified(zh), {u for g in groups for u in g.units}
    renderings = [g.en for g in groups]
    missing = [
        Occurrence(unit, zh, _closest(unit.en, groups[0].en))
        for unit, text in simplified.items()
        if unit not in known
        and form in _without(text, longer)
        and not _holds(unit.en, renderings, person)
    ]
    # Only another wording of the same name is a rendering: an English that leaves the
    # name out or says it another way altogether (LCQ6 for 立法會六題) is not reported.
    missing = [o for o in missing if o.en]
    return list(_by_rendering(missing)) if missing else []


def _without(text: str, longer: Sequence[str]) -> str:
    for name in longer:  # longest first
        if name in text:
            text = text.replace(name, "\u3000")
    return text


def _closest(english: str, rendering: str) -> str:
    """The words of `english` most like `rendering` (the same words, another order or
    wording), or "" when none come close."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(english)]
    wanted = set(normalise(rendering).split())
    best, best_score = "", 0.5
    for i, (first, start, _) in enumerate(tokens):
        if normalise(first) not in wanted:
            continue
        for j in range(i, min(len(tokens), i + len(wanted) + 3)):
            if normalise(tokens[j][0]) not in wanted:
                continue
            have = {normalise(t) for t, _, _ in tokens[i : j + 1]}
            score = len(have & wanted) / len(have | wanted)
            if score > best_score:
                best, best_score = english[start : tokens[j][2]], score
    return best


def _group(entries: Sequence[Term]) -> list[Rendering]:
    """The occurrences of `entries` grouped by rendering, each unit once; most units first."""
    person = any(t.type == "person" for t in entries)
    by_key: dict[str, list[Occurrence]] = {}
    for occurrence in (o for t in entries for o in t.occurrences):
        by_key.setdefault(normalise(occurrence.en), []).append(occurrence)
    # The most frequent form leads its group: the others join the first group they match.
    ordered = sorted(by_key.values(), key=lambda found: (-len(_distinct(found)), found[0].en))
    groups: list[list[Occurrence]] = []
    for found in ordered:
        home = next(
            (g for g in groups if same_rendering(found[0].en, g[0].en, person=person)),
            None,
        )
        if home is None:
            groups.append(list(found))
        else:
            home.extend(found)
    return [Rendering(_usual(g), _distinct(g)) for g in groups]


def _distinct(occurrences: Iterable[Occurrence]) -> tuple[Occurrence, ...]:
    """One occurrence per unit, in the order first seen."""
    seen: dict[TermUnit, Occurrence] = {}
    for o in occurrences:
        seen.setdefault(o.unit, o)
    return tuple(seen.values())


def _usual(occurrences: Sequence[Occurrence]) -> str:
    """The English form most of `occurrences` write (the first seen on a tie)."""
    counts: dict[str, int] = {}
    for o in occurrences:
        counts[o.en] = counts.get(o.en, 0) + 1
    return max(counts, key=lambda en: counts[en])


def contradictions(
    units: Sequence[TermUnit], glossary: Sequence[Term], terms: Sequence[Term] = ()
) -> list[Finding]:
    """The units holding a `glossary` term in Chinese and none of its renderings in English.

    `terms` (found in `units`) tell what each such unit renders the term as instead.
    """
    simplified = {u: to_simplified(u.zh) for u in units}
    found: dict[TermUnit, list[Occurrence]] = {}
    for term in terms:
        for o in term.occurrences:
            found.setdefault(o.unit, []).append(o)
    findings = []
    for entry in glossary:
        forms = sorted(
            {to_simplified(z) for z in (entry.zh, *(v.zh for v in entry.variants)) if z},
            key=len,
            reverse=True,
        )
        wrong = [
            _instead(unit, form, found.get(unit, ()))
            for unit, zh in simplified.items()
            if (form := next((f for f in forms if f in zh), None)) and not _renders(unit.en, entry)
        ]
        if wrong:
            renderings = _by_rendering(wrong)
            findings.append(Finding(CONTRADICTION, entry.zh, entry.en, renderings, entry.type))
    return sorted(findings, key=lambda f: (-len(f.units), f.zh))


def _renders(english: str, entry: Term) -> bool:
    """Whether `english` holds one of `entry`'s renderings, as `same_rendering` compares them."""
    renderings = [entry.en, *(v.en for v in entry.variants)]
    return _holds(english, renderings, entry.type == "person")


def _holds(english: str, renderings: Sequence[str], person: bool) -> bool:
    """Whether `english` holds one of `renderings` (normalised, abbreviated, or, for a
    person, the surname alone)."""
    text = f" {normalise(english)} "
    renderings = [r for r in renderings if normalise(r)]
    if any(f" {normalise(r)} " in text for r in renderings):
        return True
    if person and any(f" {name} " in text for name in surnames(renderings)):
        return True  # a later mention by the surname alone (Mr Tse for Tse Chin-wan)
    # A unit may abbreviate what the glossary spells out (AFCD, HKSAR Government).
    tokens = [t for t in _TOKEN.findall(english) if t.casefold() != "the"]
    return any(_abbreviated_in(tokens, r) for r in renderings)


def _abbreviated_in(tokens: Sequence[str], rendering: str) -> bool:
    """Whether some run of `tokens` around an abbreviation `abbreviates` `rendering`."""
    size = len(normalise(rendering).split())
    for i, token in enumerate(tokens):
        if sum(c.isupper() for c in token) < 2:
            continue
        for lo in range(max(0, i - size + 2), i + 1):
            for hi in range(i + 1, min(len(tokens), lo + size - 1) + 1):
                if abbreviates(" ".join(tokens[lo:hi]), rendering):
                    return True
    return False


def _instead(unit: TermUnit, form: str, occurrences: Iterable[Occurrence]) -> Occurrence:
    """What `unit` renders the glossary's Chinese `form` as, if the extractor saw it.

    The extractor's occurrence whose Chinese holds `form` or lies within it
    (compared in Simplified); else one with no English, the Chinese as the unit writes it.
    """
    for o in occurrences:
        zh = to_simplified(o.zh)
        if zh and (form in zh or zh in form):
            return o
    simplified = to_simplified(unit.zh)
    start = simplified.find(form)
    # The unit's own (perhaps Traditional) characters, for the page to highlight; where
    # a phrase conversion changed the length the match cannot be placed: the form as given.
    same_length = len(simplified) == len(unit.zh)
    written = unit.zh[start : start + len(form)] if start >= 0 and same_length else form
    return Occurrence(unit, written, "")


def _by_rendering(occurrences: Sequence[Occurrence]) -> tuple[Rendering, ...]:
    groups: dict[str, list[Occurrence]] = {}
    for o in occurrences:
        groups.setdefault(normalise(o.en), []).append(o)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0].en))
    return tuple(Rendering(_usual(g), _distinct(g)) for g in ordered)
