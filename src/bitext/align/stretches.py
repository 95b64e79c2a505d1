"""Untranslated stretches: weak pairs among sentences already left without counterpart.

What an office adds to one version only (an editor's note in the Chinese, an
"About the city" paragraph and a media contact in the English) is about the
same city and names the same office, so it embeds far closer to the other
side's additions than sentences of other stories do: the
absolute evidence (`evidence`) cannot call it unrelated, and the margin scores
two leftovers, each the other's only candidate, as a fair pair. Where it sits
tells more. Between two pairs that score like the document's translations
(at least `strong` spreads from the centre of its 1-1 pairs' cosines), or
between one and the document's start or end, lies a stretch; a stretch that
holds a sentence the search left without counterpart is untranslated
material, and a pair in it scoring far below the document's translations
(under `weak` spreads and under `share` of the centre) that its calibrated
confidence (`confidence`) already doubts (below `least`, 0.9, under the
export threshold) is two pieces of it, not a translation. Such pairs become
1-0 / 0-1 beads. The confidence keeps a true pair whose other evidence is
strong (a release's sentence on a patient's height scores as low, but its
length and neighbours agree).

Unlike `trim`, this holds in any document, loose or close: both tests are
against the document's own distribution, and it acts only where untranslated
material is already found. Chosen on the four gold sets pooled and the 35
hk-releases (the grid and how to refit it: docs/benchmarks.md, "Untranslated
stretches"); the confidence test is what keeps right pairs of real releases.
"""

from __future__ import annotations

import numpy as np

from . import confidence
from .dp import Path
from .side import Side


def unpair_stretches(
    path: Path,
    src: Side,
    tgt: Side,
    limits: tuple[float, float, float],
    scores: list[float],
    least: float,
) -> Path:
    """The path with the weak pairs of untranslated stretches left without counterpart.

    `limits`: (weak, strong, share) as in the module's description; `scores`:
    each bead's confidence, of which a pair must have less than `least`.
    """
    weak, strong, share = limits
    pairs = [(i, j) for i, a, j, b in path if a == b == 1]
    centre, spread = confidence.document_true(src, tgt, pairs)
    cosines = [_cosine(src, tgt, bead) if bead[1] and bead[3] else None for bead in path]
    z: list[float | None] = [None if c is None else (c - centre) / spread for c in cosines]
    weak_pairs = {
        k
        for k, (c, zk) in enumerate(zip(cosines, z, strict=True))
        if c is not None
        and zk is not None
        and zk < weak
        and c < share * centre
        and scores[k] < least
    }
    chosen: set[int] = set()
    stretch: list[int] = []
    for k in range(len(path) + 1):
        value = z[k] if k < len(path) else np.inf  # the document's end closes the last stretch
        if value is not None and value >= strong:
            if any(z[n] is None for n in stretch):
                chosen.update(weak_pairs.intersection(stretch))
            stretch = []
        else:
            stretch.append(k)
    out: Path = []
    for k, (i, a, j, b) in enumerate(path):
        if k in chosen:
            out.extend((i + n, 1, j, 0) for n in range(a))
            out.extend((i + a, 0, j + n, 1) for n in range(b))
        else:
            out.append((i, a, j, b))
    return out


def _cosine(src: Side, tgt: Side, bead: tuple[int, int, int, int]) -> float:
    i, a, j, b = bead
    return float(confidence.raw_cosine(src, tgt, (a, b), np.array([i]), np.array([j]))[0])
