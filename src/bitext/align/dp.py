"""Monotone dynamic programming over bead types, in a band of the alignment lattice.

The lattice has a node (i, j) for "the first i source and j target sentences
are aligned"; a bead (a, b) goes from node (i - a, j - b) to node (i, j). The
search maximises the sum of bead scores over all monotone paths from (0, 0) to
(n, m). Skips (1-0, 0-1) cost `skip`, so a pairing bead is only taken where its
score beats leaving its sentences out: the null threshold is folded into the
pair scores by the caller.

Only the nodes of a `Band` exist: each row i holds the columns
``[lo[i], hi[i])``, both bounds non-decreasing. Everything is stored flat, row
after row, so memory is proportional to the band's area, not to n x m. Rows are
processed one at a time with numpy over the whole row: a bead (a, b) with
a >= 1 reads row i - a, which is already final, and the 0-1 skips inside a row
are a running maximum, so no Python loop runs over cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np

NEG = -1e18
#: Scores closer than this are a tie (float32 scores summed along a path).
TIE = 1e-6

Path = list[tuple[int, int, int, int]]


class Band:
    """Nodes of the lattice a path may visit: columns ``[lo[i], hi[i])`` of each row i.

    Bounds are made monotone and each row made to overlap the row above, so
    that a path of skips always exists from (0, 0) to (n, m).
    """

    def __init__(self, lo: np.ndarray, hi: np.ndarray, m: int) -> None:
        lo = np.minimum.accumulate(np.clip(np.asarray(lo, dtype=np.int64), 0, m)[::-1])[::-1]
        hi = np.maximum.accumulate(np.clip(np.asarray(hi, dtype=np.int64), 1, m + 1))
        lo[0], hi[-1] = 0, m + 1
        # Row i must share a column with row i - 1, or only diagonal beads could enter it.
        lo[1:] = np.minimum(lo[1:], hi[:-1] - 1)
        self.lo, self.hi, self.n, self.m = lo, hi, len(lo) - 1, m
        self.start = np.concatenate([[0], np.cumsum(hi - lo)])

    @classmethod
    def full(cls, n: int, m: int) -> Band:
        """Every node of the (n + 1) x (m + 1) lattice."""
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m + 1, dtype=np.int64), m)

    @classmethod
    def around(cls, nodes: np.ndarray, n: int, m: int, width: int) -> Band:
        """The nodes within `width` rows and columns of a monotone path's nodes.

        `nodes` is a (k, 2) array of (i, j) in path order from (0, 0) to (n, m);
        a row the path crosses without a node (a bead taking two source
        sentences) counts the columns between the nodes before and after it.
        """
        i, j = nodes[:, 0], nodes[:, 1]
        first = np.full(n + 1, m + 1, dtype=np.int64)
        last = np.full(n + 1, -1, dtype=np.int64)
        np.minimum.at(first, i, j)
        np.maximum.at(last, i, j)
        seen = last >= 0
        # Rows without nodes: from the column the path left at to the one it arrives at.
        idx = np.where(seen, np.arange(n + 1), -1)
        before = np.maximum.accumulate(idx)
        after = np.where(seen, np.arange(n + 1), n + 1)
        after = np.minimum.accumulate(after[::-1])[::-1]
        pmin = np.where(seen, first, last[np.maximum(before, 0)])
        pmax = np.where(seen, last, first[np.minimum(after, n)])
        rows = np.arange(n + 1)
        lo = pmin[np.maximum(rows - width, 0)] - width
        hi = pmax[np.minimum(rows + width, n)] + width + 1
        return cls(lo, hi, m)

    @property
    def size(self) -> int:
        return int(self.start[-1])

    def cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of every node, in storage order."""
        widths = self.hi - self.lo
        rows = np.repeat(np.arange(self.n + 1, dtype=np.int64), widths)
        cols = np.arange(self.size, dtype=np.int64) - np.repeat(self.start[:-1] - self.lo, widths)
        return rows, cols

    def contains(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Whether each (row, col) is a node of the band (rows must lie in 0..n)."""
        return (cols >= self.lo[rows]) & (cols < self.hi[rows])

    # One node or many: callers look up the end node by its plain ints as well.
    @overload
    def index(self, rows: int, cols: int) -> np.int64: ...
    @overload
    def index(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray: ...
    def index(self, rows: int | np.ndarray, cols: int | np.ndarray) -> np.int64 | np.ndarray:
        """Storage position of nodes known to lie in the band."""
        return self.start[rows] + cols - self.lo[rows]


class _Rows:
    """Reads rows of a band-shaped array as dense padded blocks (plain ints: the hot loop)."""

    def __init__(self, band: Band, bead_types: Sequence[tuple[int, int]]) -> None:
        self.lo, self.hi, self.start = band.lo.tolist(), band.hi.tolist(), band.start.tolist()
        self.n = band.n
        # Per move (1-0, then each bead type): its source and target sizes.
        self.da = np.array([1] + [t[0] for t in bead_types], dtype=np.int64)
        self.db = np.array([0] + [t[1] for t in bead_types], dtype=np.int64)
        self.top_a, self.top_b = int(self.da.max()), int(self.db.max())
        widest = max(h - lo for lo, h in zip(self.lo, self.hi, strict=True))
        self.steps = np.arange(widest + self.top_b + 1)

    def read(self, values: np.ndarray, rows: range, c0: int, c1: int) -> np.ndarray:
        """values of `rows` over columns [c0, c1), stacked; NEG where the band has no node."""
        out = np.full((len(rows), c1 - c0), NEG)
        lo, hi, start = self.lo, self.hi, self.start
        for k, r in enumerate(rows):
            if 0 <= r <= self.n:
                a0, a1 = max(c0, lo[r]), min(c1, hi[r])
                if a1 > a0:
                    base = start[r] - lo[r]
                    out[k, a0 - c0 : a1 - c0] = values[base + a0 : base + a1]
        return out


def forward(
    band: Band,
    bead_types: Sequence[tuple[int, int]],
    gains: np.ndarray,
    skip: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Best score of a path from (0, 0) to every node, and the bead that ends it.

    `gains[k]` holds, for every node, the score of a bead of type
    ``bead_types[k]`` ending there (any finite value where that bead cannot
    start inside the band). Returns the scores and, per node, the index into
    ``[(1, 0), (0, 1), *bead_types]`` of the last bead.
    """
    best = np.full(band.size, NEG)
    back = np.zeros(band.size, dtype=np.int8)
    rows = _Rows(band, bead_types)
    top_a, top_b, steps = rows.top_a, rows.top_b, rows.steps
    pick_row, pick_col = (rows.da - 1)[:, None], (top_b - rows.db)[:, None]
    codes = np.array([0, *range(2, len(bead_types) + 2)], dtype=np.int8)
    for i in range(band.n + 1):
        lo, hi, s = rows.lo[i], rows.hi[i], rows.start[i]
        w = hi - lo
        # Rows i-1 .. i-top_a over the columns every move can come from.
        prev = rows.read(best, range(i - 1, i - top_a - 1, -1), lo - top_b, hi)
        value = prev[pick_row, pick_col + steps[:w]]
        value[0] -= skip  # 1-0: skip source sentence i-1
        value[1:] += gains[:, s : s + w]
        # Ties (up to rounding) go to the first move in order, and below to a
        # skip from the left: of equally good paths the one that pairs the
        # earliest sentences wins (a repeated sentence pairs its first copy).
        arg = (value >= value.max(axis=0) - TIE).argmax(axis=0)
        cand = value[arg, steps[:w]]
        if i == 0:
            cand[0] = 0.0
        # 0-1 skips within the row: best[j] = max_{j' < j} cand[j'] - skip * (j - j'),
        # a running maximum once the linear cost is folded in.
        ramp = skip * steps[:w]
        left = np.full(w, NEG)
        left[1:] = np.maximum.accumulate(cand + ramp)[:-1] - ramp[1:]
        row = np.maximum(cand, left)
        best[s : s + w] = row
        back[s : s + w] = np.where(left >= cand - TIE, 1, codes[arg])
    return best, back


def by_start(band: Band, bead_types: Sequence[tuple[int, int]], gains: np.ndarray) -> np.ndarray:
    """`gains` re-indexed by the node where each bead starts (0 where it cannot end in the band)."""
    rows, cols = band.cells()
    out = np.zeros_like(gains)
    for k, (a, b) in enumerate(bead_types):
        r, c = rows + a, cols + b
        ok = (r <= band.n) & (c <= band.m)
        ok[ok] = band.contains(r[ok], c[ok])
        out[k, ok] = gains[k, band.index(r[ok], c[ok])]
    return out


def backward(
    band: Band,
    bead_types: Sequence[tuple[int, int]],
    gains: np.ndarray,
    skip: float,
) -> np.ndarray:
    """Best score of a path from every node to (n, m) (the mirror of `forward`)."""
    best = np.full(band.size, NEG)
    starting = by_start(band, bead_types, gains)
    rows = _Rows(band, bead_types)
    pick_row, pick_col, steps = (rows.da - 1)[:, None], rows.db[:, None], rows.steps
    for i in range(band.n, -1, -1):
        lo, hi, s = rows.lo[i], rows.hi[i], rows.start[i]
        w = hi - lo
        nxt = rows.read(best, range(i + 1, i + rows.top_a + 1), lo, hi + rows.top_b)
        value = nxt[pick_row, pick_col + steps[:w]]
        value[0] -= skip
        value[1:] += starting[:, s : s + w]
        cand = value.max(axis=0)
        if i == band.n:
            cand[band.m - lo] = 0.0
        ramp = skip * steps[:w]
        best[s : s + w] = np.maximum.accumulate((cand - ramp)[::-1])[::-1] + ramp
    return best


def backtrack(band: Band, back: np.ndarray, moves: Sequence[tuple[int, int]]) -> Path:
    """The beads ``(i, a, j, b)`` of the best path to (n, m), in order."""
    lo, hi, start = band.lo.tolist(), band.hi.tolist(), band.start.tolist()
    beads: Path = []
    i, j = band.n, band.m
    while i > 0 or j > 0:
        a, b = moves[back[start[i] + j - lo[i]]]
        i, j = i - a, j - b
        if i < 0 or j < 0 or not lo[i] <= j < hi[i]:  # only if the band cut every path off
            raise RuntimeError("alignment band excludes every complete path")
        beads.append((i, a, j, b))
    beads.reverse()
    return beads


def best_path(
    band: Band,
    bead_types: Sequence[tuple[int, int]],
    gains: np.ndarray,
    skip: float,
) -> tuple[Path, np.ndarray]:
    """The best path's beads and the forward scores of every node."""
    best, back = forward(band, bead_types, gains, skip)
    return backtrack(band, back, [(1, 0), (0, 1), *bead_types]), best
