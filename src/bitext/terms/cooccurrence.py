"""Which Chinese and English spans keep turning up in the same units.

A term an office writes often (施政報告, 金管局) is rendered the same way each
time (Policy Address, HKMA), though no dictionary links the two: across a
release, and more so across a memory, the two spans occur in the same units
and rarely apart. The Dice coefficient of their unit counts says how much;
a pair seen together in fewer than `MIN_UNITS` units says nothing (in one
unit every pair is together).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bitext.normalize.zh_script import any_to_simplified

from .chinese import ZhSpan
from .english import Span

MIN_UNITS = 2


@dataclass(frozen=True, slots=True)
class Cooccurrence:
    """The units (by position) each candidate span occurs in (Chinese in Simplified)."""

    zh: dict[str, frozenset[int]]
    en: dict[str, frozenset[int]]

    def dice(self, zh: ZhSpan, en: Span) -> float:
        """2·together / (Chinese alone + English alone), or 0 below `MIN_UNITS` together."""
        a = self.zh.get(any_to_simplified(zh.text), frozenset())
        b = self.en.get(en.text.casefold(), frozenset())
        if len(a) < MIN_UNITS or len(b) < MIN_UNITS:
            return 0.0  # most spans: found in one unit
        together = len(a & b)
        return 2 * together / (len(a) + len(b)) if together >= MIN_UNITS else 0.0


def cooccurrence(spans: Sequence[tuple[Sequence[ZhSpan], Sequence[Span]]]) -> Cooccurrence:
    """Index every unit's candidate spans (`spans`: each unit's Chinese and English spans).

    The index holds each span once with its units, not the pairs: its size grows
    with the memory, not with the square of it.
    """
    zh: dict[str, set[int]] = defaultdict(set)
    en: dict[str, set[int]] = defaultdict(set)
    for n, (zs, es) in enumerate(spans):
        for z in zs:
            zh[any_to_simplified(z.text)].add(n)
        for e in es:
            en[e.text.casefold()].add(n)
    return Cooccurrence(
        {k: frozenset(v) for k, v in zh.items()}, {k: frozenset(v) for k, v in en.items()}
    )
