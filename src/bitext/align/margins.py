"""Margins and the length ratio: what every score needs from beyond its own bead.

A window's margin is its mean cosine to its k nearest single sentences on the
other side (LASER/Vecalign margin scoring: a sentence close to everything
should not win pairs on raw cosine alone). The character ratio of the
translated part comes from confident anchors, mutual nearest neighbours.

Both look beyond the band the search runs in, so on a long document they would
cost n x m. Sentences are therefore compared in row blocks, each with the
other side's sentences within `NN_SPAN` of where the guide path puts it. A
document whose other side is no longer than `NN_SPAN` (or that has no guide
because it is small) is compared whole, exactly as a full similarity matrix would.
"""

from __future__ import annotations

import numpy as np

from .dp import Band
from .side import Side

#: Sentences of the other side a window is compared with on a long document.
NN_SPAN = 512
_BLOCK_ROWS = 128

Blocks = list[tuple[int, int, int, int]]  # (row start, row stop, column start, column stop)


def blocks(n: int, m: int, guide: np.ndarray | None, span: int = NN_SPAN) -> Blocks:
    """Row blocks of an n x m comparison and the columns each block is compared with."""
    if guide is None or m <= span:
        step = max(1, min(n, (1 << 22) // max(m, 1)))  # 2**22 float32 (16 MB) per block at most
        return [(r0, min(r0 + step, n), 0, m) for r0 in range(0, n, step)]
    path = Band.around(guide, n, m, 0)
    out = []
    for r0 in range(0, n, _BLOCK_ROWS):
        r1 = min(r0 + _BLOCK_ROWS, n)
        c0, c1 = int(path.lo[r0]) - span // 2, int(path.hi[r1]) + span // 2
        c0 = max(0, min(c0, m - span))
        out.append((r0, r1, c0, min(max(c1, c0 + span), m)))
    return out


def _top_mean(sims: np.ndarray, k: int) -> np.ndarray:
    kk = max(1, min(k, sims.shape[1]))
    if sims.shape[1] == 0:
        return np.zeros(len(sims), dtype=np.float32)
    return np.partition(sims, -kk, axis=1)[:, -kk:].mean(axis=1, dtype=np.float64)


class Margins:
    """Computes `Side.nn` for both sides and keeps the blocks to refresh it later."""

    def __init__(self, src: Side, tgt: Side, k: int, guide: np.ndarray | None) -> None:
        self.src, self.tgt, self.k = src, tgt, k
        self.src_blocks = blocks(src.n, tgt.n, guide)
        flipped = None if guide is None else np.ascontiguousarray(guide[:, ::-1])
        self.tgt_blocks = blocks(tgt.n, src.n, flipped)

    def compute(self, margin: float) -> float:
        """Fill both sides' margins; return source characters per target character."""
        for r0, r1, c0, c1 in self.src_blocks:
            _block_means(self.src, self.tgt, r0, r1, c0, c1, self.k)
        half = np.float32(margin * 0.5)
        n = self.src.n
        best = np.full(n, -np.inf)
        best_j = np.zeros(n, dtype=np.int64)
        back_i = np.zeros(self.tgt.n, dtype=np.int64)
        for r0, r1, c0, c1 in self.tgt_blocks:
            sims = _block_means(self.tgt, self.src, r0, r1, c0, c1, self.k)
            # The anchors are taken on margin-adjusted similarities of single sentences.
            adj = sims[: r1 - r0] - half * self.tgt.nn[0][r0:r1, None]
            adj -= half * self.src.nn[0][None, c0:c1]
            back_i[r0:r1] = adj.argmax(axis=1) + c0
            top = adj.argmax(axis=0)
            value = adj[top, np.arange(c1 - c0)]
            better = value > best[c0:c1]  # strictly: ties keep the earlier (smaller) j
            best[c0:c1] = np.where(better, value, best[c0:c1])
            best_j[c0:c1] = np.where(better, top + r0, best_j[c0:c1])
        return anchor_ratio(self.src.chars[0], self.tgt.chars[0], best_j, best, back_i)

    def refresh(self, w: int, starts: np.ndarray, source: bool) -> None:
        """Recompute the margins of windows that just got a real embedding."""
        side, other = (self.src, self.tgt) if source else (self.tgt, self.src)
        table = self.src_blocks if source else self.tgt_blocks
        firsts = np.array([b[0] for b in table])
        which = np.searchsorted(firsts, starts, side="right") - 1
        for b in np.unique(which):
            _, _, c0, c1 = table[b]
            mine = starts[which == b]
            sims = side.real(w, mine) @ other.x[c0:c1].T
            side.nn[w - 1][mine] = _top_mean(sims, self.k)


def _block_means(side: Side, other: Side, r0: int, r1: int, c0: int, c1: int, k: int) -> np.ndarray:
    """Margins of `side`'s windows starting in [r0, r1); returns the single-sentence sims."""
    stop = min(r1 + side.width - 1, side.n)
    sims = side.x[r0:stop] @ other.x[c0:c1].T
    sums = np.zeros((stop - r0 + 1, c1 - c0))
    np.cumsum(sims, axis=0, dtype=np.float64, out=sums[1:])
    for w in range(1, side.width + 1):
        end = min(r1, side.n - w + 1)
        if end <= r0:
            continue
        if w == 1:
            win = sims[: end - r0]
        else:
            win = (sums[w : w + end - r0] - sums[: end - r0]) / side.norm[w - 1][r0:end, None]
        means = _top_mean(win, k)
        real = side.known(w, r0, end) if w > 1 else np.zeros(0, dtype=np.int64)
        if len(real):
            means[real - r0] = _top_mean(side.real(w, real) @ other.x[c0:c1].T, k)
        side.nn[w - 1][r0:end] = means
    return sims


def anchor_ratio(
    src_chars: np.ndarray,
    tgt_chars: np.ndarray,
    best_j: np.ndarray,
    best: np.ndarray,
    back_i: np.ndarray,
) -> float:
    """Source characters per target character over the translated part of the document.

    Bertalign takes the ratio of the whole texts, which untranslated paragraphs
    (common in press releases: the English often covers only the first part)
    skew. Confident anchors (mutual nearest neighbours above the median
    similarity) mark where the translation starts and ends; the ratio is taken
    between the first and the last of them. `best_j`/`best` are each source
    sentence's nearest target sentence and its similarity, `back_i` each target
    sentence's nearest source sentence.
    """
    rows = np.arange(len(best_j))
    if len(rows) and len(back_i):
        anchor = (back_i[best_j] == rows) & (best >= np.median(best))
        if anchor.any():
            # One anchor (a side of a single sentence, say) still beats the whole
            # texts, whose ratio is then that of one sentence to a whole article.
            i0, i1 = rows[anchor][[0, -1]]
            j0, j1 = best_j[i0], best_j[i1]
            if j1 >= j0:
                src_chars, tgt_chars = src_chars[i0 : i1 + 1], tgt_chars[j0 : j1 + 1]
    return float(src_chars.sum() + 1.0) / float(tgt_chars.sum() + 1.0)
