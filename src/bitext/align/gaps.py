"""Runs of sentences without a counterpart: the search with affine null costs.

A translator who leaves something out leaves out a passage: the untranslated
tail of a press release, a paragraph a journal's Chinese edition drops. A lone
sentence left out in the middle of a translated passage is much rarer; there
it is usually a sentence the translator split or merged, and the search should
join it to a neighbour's bead. So a run of nulls pays `open` for its first
sentence and `extend` for each further one, as gaps do in sequence alignment
(Gotoh's affine gap costs). The gold sets show both kinds: the nulls of the
literary chapters (mac-dev) stand alone, those of the biomedical set
(paramed) mostly lie in runs (docs/benchmarks.md).

The lattice gets three states per node, as in Gotoh's algorithm: the best path
to the node ending with a pairing bead (or the start), with a 1-0, or with a 0-1.
Rows are processed as in `dp.forward`; the 0-1 moves inside a row are again a
running maximum once their linear cost is folded in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from .dp import NEG, TIE, Band, Path, _Rows, backward, best_path, by_start, forward


class Gaps(NamedTuple):
    """Cost of the first null of a run (`open`) and of each further one (`extend`)."""

    open: float
    extend: float


def forward_gaps(
    band: Band,
    bead_types: Sequence[tuple[int, int]],
    gains: np.ndarray,
    gaps: Gaps,
) -> tuple[np.ndarray, np.ndarray]:
    """Best scores to every node by last move: an array (3, size) for pairing, 1-0, 0-1.

    Also returns the pairing bead type (index into `bead_types`) of the best
    pairing path to each node. `gains` is laid out as in `dp.forward`.
    """
    size = band.size
    state = np.full((3, size), NEG)  # 0: pairing bead or start, 1: ended by 1-0, 2: by 0-1
    best = np.full(size, NEG)
    kind = np.zeros(size, dtype=np.int8)
    rows = _Rows(band, bead_types)
    top_b, steps = rows.top_b, rows.steps
    pair_rows = (rows.da[1:] - 1)[:, None]
    pair_cols = (top_b - rows.db[1:])[:, None]
    opened, extended = gaps
    for i in range(band.n + 1):
        lo, hi, s = rows.lo[i], rows.hi[i], rows.start[i]
        w = hi - lo
        prev = rows.read(best, range(i - 1, i - rows.top_a - 1, -1), lo - top_b, hi)
        value = prev[pair_rows, pair_cols + steps[:w]] + gains[:, s : s + w]
        arg = (value >= value.max(axis=0) - TIE).argmax(axis=0)
        pair = value[arg, steps[:w]]
        if i == 0:
            pair[0] = 0.0
        # 1-0 from the node above: a run goes on if that node's path ended with a null.
        above = [rows.read(state[k], range(i - 1, i - 2, -1), lo, hi)[0] for k in range(3)]
        down = np.maximum(above[0] - opened, np.maximum(above[1], above[2]) - extended)
        # 0-1 from the left, any number of them: best over the node k where the run starts.
        ramp = extended * steps[:w]
        starts = np.maximum(pair - opened, down - extended) + ramp
        right = np.full(w, NEG)
        right[1:] = np.maximum.accumulate(starts)[:-1] - ramp[1:] + extended
        state[0, s : s + w], state[1, s : s + w], state[2, s : s + w] = pair, down, right
        best[s : s + w] = np.maximum(pair, np.maximum(down, right))
        kind[s : s + w] = arg
    return state, kind


def backtrack_gaps(
    band: Band,
    bead_types: Sequence[tuple[int, int]],
    state: np.ndarray,
    kind: np.ndarray,
    gaps: Gaps,
) -> Path:
    """The beads ``(i, a, j, b)`` of the best path to (n, m), in order.

    Which state a node was left in is recomputed from the stored scores, with
    the tie order of `dp.forward`: a 0-1 from the left first, then a 1-0,
    then a pairing bead.
    """
    opened, extended = gaps
    # Plain ints, as in `dp.backtrack`: this loop runs once per bead.
    lo, hi, start = band.lo.tolist(), band.hi.tolist(), band.start.tolist()
    i, j = band.n, band.m
    at = start[i] + j - lo[i]
    current = _pick(state[:, at], (0.0, 0.0, 0.0))
    beads: Path = []
    while i > 0 or j > 0:
        if current == 0:
            a, b = bead_types[kind[at]]
        else:
            a, b = (1, 0) if current == 1 else (0, 1)
        i, j = i - a, j - b
        if i < 0 or j < 0 or not lo[i] <= j < hi[i]:
            raise RuntimeError("alignment band excludes every complete path")
        beads.append((i, a, j, b))
        at = start[i] + j - lo[i]
        before = state[:, at]
        costs = (0.0, 0.0, 0.0) if current == 0 else (opened, extended, extended)
        current = _pick(before, costs)
    beads.reverse()
    return beads


def _pick(scores: np.ndarray, costs: tuple[float, float, float]) -> int:
    """The state (0 pairing, 1 1-0, 2 0-1) a path came from, ties as `dp.forward` breaks them."""
    value = scores - np.asarray(costs)
    top = value.max()
    for k in (2, 1, 0):
        if value[k] >= top - TIE:
            return k
    return 0


def best_path_gaps(
    band: Band,
    bead_types: Sequence[tuple[int, int]],
    gains: np.ndarray,
    gaps: Gaps,
) -> tuple[Path, np.ndarray]:
    """The best path's beads and the forward score of every node (best over its states)."""
    state, kind = forward_gaps(band, bead_types, gains, gaps)
    return backtrack_gaps(band, bead_types, state, kind, gaps), state.max(axis=0)


def search_band(
    band: Band,
    bead_types: Sequence[tuple[int, int]],
    gains: np.ndarray,
    skip: float,
    extend: float | None,
) -> tuple[Path, np.ndarray]:
    """`best_path` with one cost per null, or with affine costs when `extend` differs."""
    gaps = _affine(skip, extend)
    if gaps is None:
        return best_path(band, bead_types, gains, skip)
    return best_path_gaps(band, bead_types, gains, gaps)


def backward_gaps(
    band: Band,
    bead_types: Sequence[tuple[int, int]],
    gains: np.ndarray,
    gaps: Gaps,
) -> np.ndarray:
    """Best score of a path from every node to (n, m) that does not continue a null run.

    It is the forward search of the mirrored lattice: node (i, j) becomes
    (n - i, m - j), which reverses the band's storage order, and a bead
    starting at a node ends at its mirror. Exact after a pairing bead, the only
    place `passes.plausible` adds it.
    """
    mirror = Band(band.m + 1 - band.hi[::-1], band.m + 1 - band.lo[::-1], band.m)
    starting = by_start(band, bead_types, gains)[:, ::-1]
    state, _ = forward_gaps(mirror, bead_types, np.ascontiguousarray(starting), gaps)
    return state.max(axis=0)[::-1]


def completions(
    band: Band,
    bead_types: Sequence[tuple[int, int]],
    gains: np.ndarray,
    skip: float,
    extend: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Forward and backward scores of every node, with one null cost or affine ones."""
    gaps = _affine(skip, extend)
    if gaps is None:
        return forward(band, bead_types, gains, skip)[0], backward(band, bead_types, gains, skip)
    before = forward_gaps(band, bead_types, gains, gaps)[0].max(axis=0)
    return before, backward_gaps(band, bead_types, gains, gaps)


def _affine(skip: float, extend: float | None) -> Gaps | None:
    """The affine costs, or None where every null costs `skip` (the faster one-state search)."""
    return None if extend is None or extend == skip else Gaps(skip, extend)


def calibrated_cost(scores: np.ndarray, scale: float, prior: float, prior_weight: float) -> float:
    """A null cost of `scale` times the spread of a document's pair scores.

    A sentence is left out only if pairing it scores clearly worse than pairs
    usually do in this document, and "clearly" depends on how noisy its scores
    are: the true pairs of a literary translation score far more unevenly than
    those of a news translation, so the cost comes out highest on novels and
    lowest on news (docs/benchmarks.md has the medians per set). A fixed cost
    either joins a news sentence whose translation is missing to a
    neighbour's bead or leaves out a sentence of a novel the translator
    merged. The spread is the interquartile range (robust to the very pairs in
    question) shrunk toward `prior` / `scale` as if `prior_weight` more
    scores had that spread, so that a short document keeps about `prior`.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scale <= 0:
        raise ValueError("the null cost scale must be positive")
    if not len(scores):
        return float(prior)
    q75, q25 = np.percentile(scores, [75, 25])
    spread = (q75 - q25) / 1.349  # the standard deviation, were the scores normal
    weight = len(scores) / (len(scores) + prior_weight)
    return float(scale * (weight * spread + (1.0 - weight) * prior / scale))
