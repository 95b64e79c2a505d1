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

import numpy as np

from bitext.normalize.zh_script import any_to_simplified

from .chinese import ZhSpan
from .english import Span

MIN_UNITS = 2


@dataclass(frozen=True, slots=True)
class Cooccurrence:
    """The units (by position) each candidate span occurs in (Chinese in Simplified)."""

    zh: dict[str, frozenset[int]]
    en: dict[str, frozenset[int]]

    def dice(self, zh_spans: Sequence[ZhSpan], en_spans: Sequence[Span]) -> np.ndarray:
        """For each pair of the spans: 2·together / (Chinese alone + English alone).

        0 where the two are together in fewer than `MIN_UNITS` units.
        """
        out = np.zeros((len(zh_spans), len(en_spans)))
        rows = [
            (i, self.zh.get(any_to_simplified(z.text), frozenset())) for i, z in enumerate(zh_spans)
        ]
        cols = [(j, self.en.get(e.text.casefold(), frozenset())) for j, e in enumerate(en_spans)]
        # Most spans are found in one unit: only the others are paired.
        cols = [(j, b) for j, b in cols if len(b) >= MIN_UNITS]
        for i, a in rows:
            if len(a) < MIN_UNITS:
                continue
            for j, b in cols:
                together = len(a & b)
                if together >= MIN_UNITS:
                    out[i, j] = 2 * together / (len(a) + len(b))
        return out


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
