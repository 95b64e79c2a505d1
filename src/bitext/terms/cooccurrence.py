"""Which Chinese and English spans keep turning up in the same units.

A term an office writes often (施政報告, 金管局) is rendered the same way each
time (Policy Address, HKMA), though no dictionary links the two: across a
release, and more so across a memory, the two spans occur in the same units
and rarely apart. The Dice coefficient of their unit counts says how much;
a pair seen together in fewer than `MIN_UNITS` units says nothing (in one
unit every pair is together).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bitext.normalize.zh_script import any_to_simplified

from .chinese import ZhSpan
from .english import Span

MIN_UNITS = 2


@dataclass(frozen=True, slots=True)
class Cooccurrence:
    """Unit counts of candidate spans, alone and together (Chinese in Simplified)."""

    zh: Counter[str]
    en: Counter[str]
    both: Counter[tuple[str, str]]

    def dice(self, zh: ZhSpan, en: Span) -> float:
        """2·together / (Chinese alone + English alone), or 0 below `MIN_UNITS` together."""
        z, e = any_to_simplified(zh.text), en.text.casefold()
        together = self.both.get((z, e), 0)
        if together < MIN_UNITS:
            return 0.0
        return 2 * together / (self.zh[z] + self.en[e])


def cooccurrence(spans: Sequence[tuple[Sequence[ZhSpan], Sequence[Span]]]) -> Cooccurrence:
    """Count every unit's candidate spans (`spans`: each unit's Chinese and English spans).

    Only spans found in `MIN_UNITS` units or more are paired, which keeps the
    count small for a large memory.
    """
    units = [
        ({any_to_simplified(z.text) for z in zs}, {e.text.casefold() for e in es})
        for zs, es in spans
    ]
    zh = Counter(z for zs, _ in units for z in zs)
    en = Counter(e for _, es in units for e in es)
    both: Counter[tuple[str, str]] = Counter()
    for zs, es in units:
        often_zh = [z for z in zs if zh[z] >= MIN_UNITS]
        often_en = [e for e in es if en[e] >= MIN_UNITS]
        both.update((z, e) for z in often_zh for e in often_en)
    return Cooccurrence(zh, en, both)
