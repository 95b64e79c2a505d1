"""Abbreviations a release defines: 漁農自然護理署（漁護署） beside Agriculture, Fisheries and
Conservation Department (AFCD).

Releases introduce a body's short form once, in brackets after its full name,
in both languages; later sentences use the short forms alone (漁護署 … AFCD),
which neither the dictionary nor the encoder can pair. A definition found in
one unit pairs the two short forms for every unit of the same document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .english import CONNECTORS, is_acronym

_ZH_DEFINITION = re.compile(r"([\u3400-\u9fff]{2,30})[（(]([\u3400-\u9fffA-Za-z]{2,8})[）)]")
#: An acronym in brackets, or a short form of two or three words holding one ("London ETO").
_EN_DEFINITION = re.compile(r"\(([A-Z][A-Za-z&]{1,9}(?: [A-Z][A-Za-z&]{1,9}){0,2})\)")


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """A short form and the full form it stands for, in one language."""

    short: str
    full: str


def chinese_definitions(zh: str) -> list[Abbreviation]:
    """X（Y） where Y's characters appear in X in order: 漁農自然護理署（漁護署）."""
    out = []
    for m in _ZH_DEFINITION.finditer(zh):
        before, short = m.group(1), m.group(2)
        start = _subsequence_start(before, short)
        if start is not None:
            out.append(Abbreviation(short, before[start:]))
    return out


def _subsequence_start(text: str, short: str) -> int | None:
    """Where in `text` the full form of `short` starts: the last place its first character is
    found from which `short`'s characters follow in order, if any."""
    for start in range(len(text) - 1, -1, -1):
        if text[start] != short[0]:
            continue
        at = start
        for char in short[1:]:
            at = text.find(char, at + 1)
            if at < 0:
                break
        else:
            return start
    return None


def english_definitions(en: str, names: Iterable[str]) -> list[Abbreviation]:
    """Name (ACR) where ACR's capitals are the initials of the name's words, in order, or
    Name (Berlin ACR) with words of the name beside such an acronym."""
    out = []
    for m in _EN_DEFINITION.finditer(en):
        acronym = m.group(1)
        if not any(is_acronym(w) for w in acronym.split()):
            continue
        before = en[: m.start()].rstrip()
        fitting = [n for n in names if before.endswith(n) and _short_form_fits(n, acronym)]
        if fitting:
            out.append(Abbreviation(acronym, max(fitting, key=len)))
    return out


def _short_form_fits(name: str, short: str) -> bool:
    """An acronym of the name's initials, or words each either a word of the name or such
    an acronym, in any order (London ETO for Hong Kong Economic and Trade Office in London)."""
    words = short.split()
    if len(words) == 1:
        return _initials_fit(name, short)
    own = {w.lower() for w in re.split(r"[\s,\-]+", name)}
    return all(
        w.lower() in own or (is_acronym(w) and _initials_fit(name, w, first=False)) for w in words
    )


def _initials_fit(name: str, acronym: str, first: bool = True) -> bool:
    """Whether the acronym's capitals are initials of the name's words, in order (and,
    with `first`, the first of them the name's first)."""
    words = [w for w in re.split(r"[\s,\-]+", name) if w and w.lower() not in CONNECTORS]
    initials = "".join(w[0].upper() for w in words)
    capitals = [c for c in acronym if c.isupper()]
    if not capitals or not initials or (first and capitals[0] != initials[0]):
        return False
    at = 0
    for char in capitals:  # the acronym's capitals in order among the initials
        at = initials.find(char, at) + 1
        if at == 0:
            return False
    return True


def defined_pairs(
    zh: str, en: str, linked: Sequence[tuple[str, str]], names: Iterable[str]
) -> list[tuple[str, str, str]]:
    """(Chinese, English, kind) pairs a unit's definitions give, from its linked full forms.

    `linked` are the unit's (Chinese, English) term links; `names` its English
    name spans. A Chinese full form linked to an English full form pairs their
    short forms (漁護署 = AFCD, an abbreviation) and each full form with the
    other side's short form where only that one is defined.
    """
    zh_defs = chinese_definitions(zh)
    en_defs = english_definitions(en, names)
    out = []
    for z in zh_defs:
        for e in en_defs:
            # The Chinese link may hold more of the name than the definition reaches
            # back to: 香港金融管理局（金管局） defines 金融管理局, from the last 金. The
            # English link may not: "Mainland Offices of the Hong Kong Special
            # Administrative Region (HKSAR)" defines the region, not the offices.
            match = next(
                (a for a, b in linked if _nested_end(a, z.full) and e.full.endswith(b)),
                None,
            )
            if match is not None:
                out.append((z.short, e.short, "abbreviation"))
                out.append((max(match, z.full, key=len), e.short, "abbreviation"))
    if not zh_defs:
        for e in en_defs:
            out.extend((a, e.short, "abbreviation") for a, b in linked if b == e.full)
    return out


def _nested_end(a: str, b: str) -> bool:
    """Whether one of `a`, `b` ends the other."""
    return a.endswith(b) or b.endswith(a)
