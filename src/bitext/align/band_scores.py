"""Bead scores over a band: what the search maximises, computed only where it may look.

The band is walked in blocks of source rows. A block needs the similarities of
windows starting in those rows and in the columns the band holds there;
they come from one product of single-sentence vectors, turned into every
window pair's similarity by box sums (the stand-in of a window is the
normalized sum of its sentences), then patched with the windows that have a
real embedding. The parts of a score that do not depend on embeddings (length
agreement, words, quotes, paragraphs) are computed once and kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .dp import Band
from .evidence import unrelated_odds
from .side import Side
from .windows import crosses_paragraph, length_agreement, paragraph_starts

if TYPE_CHECKING:
    from .align_config import AlignConfig
    from .lexical import LexicalFeatures

_BLOCK_ROWS = 128
Type = tuple[int, int]


class BandScorer:
    """Scores of every bead type at every node of a band (the node where the bead ends)."""

    def __init__(
        self,
        src: Side,
        tgt: Side,
        config: AlignConfig,
        band: Band,
        bead_types: Sequence[Type],
        paragraphs: tuple[Sequence[int] | None, Sequence[int] | None],
        lexical: LexicalFeatures | None,
        ratio: float,
    ) -> None:
        self.src, self.tgt, self.config, self.band = src, tgt, config, band
        self.types = list(bead_types)
        self.paragraphs, self.ratio = paragraphs, ratio
        self.lexical = lexical if config.lexical_weight else None
        self.rows, self.cols = band.cells()
        # Per bead type: the embedding-free scale and offset of every node (see _fixed).
        self._fixed_parts: list[tuple[np.ndarray, np.ndarray]] | None = None
        # Similarity pairs a block needs: the bead types and their member checks.
        pairs = set(self.types)
        if config.member_weight or config.absolute_weight:
            for a, b in self.types:
                pairs.update([(1, b)] if a > 1 else [])
                pairs.update([(a, 1)] if b > 1 else [])
        self.pairs = sorted(pairs)

    def gains(self) -> np.ndarray:
        """Per bead type (a row each), a float32 score per band node, 0 where none can start."""
        fresh = self._fixed_parts is None
        if self._fixed_parts is None:
            size = self.band.size
            self._fixed_parts = [
                (np.ones(size, dtype=np.float32), np.zeros(size, dtype=np.float32))
                for _ in self.types
            ]
        out = np.zeros((len(self.types), self.band.size), dtype=np.float32)
        for r0 in range(0, self.band.n, _BLOCK_ROWS):
            r1 = min(r0 + _BLOCK_ROWS, self.band.n)
            c0, c1 = int(self.band.lo[r0]), int(self.band.hi[r1 - 1])
            sims, raw = self._block_sims(r0, r1, c0, c1)
            words = None
            if fresh and self.lexical is not None:
                words = self.lexical.blocks(self.types, r0, r1, c0, c1)
            for k, t in enumerate(self.types):
                at, s, tt = self._cells(t, r0, r1)
                if not len(at):
                    continue
                scale, base = self._fixed_parts[k]
                if fresh:
                    lexical = None if words is None else words[t][s - r0, tt - c0]
                    scale[at], base[at] = self._fixed(t, s, tt, lexical)
                out[k, at] = self._score(t, s - r0, tt - c0, sims, scale[at], base[at])
                if self.config.absolute_weight:
                    out[k, at] -= self._unrelated(t, s, tt, (r0, c0), raw)
        return out

    def _cells(self, t: Type, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Band positions of the beads of type t starting in rows [r0, r1), and their starts."""
        a, b = t
        band = self.band
        e0 = int(band.start[min(r0 + a, band.n + 1)])
        e1 = int(band.start[min(r1 + a, band.n + 1)])
        s, tt = self.rows[e0:e1] - a, self.cols[e0:e1] - b
        ok = tt >= 0
        ok[ok] = band.contains(s[ok], tt[ok])
        return np.flatnonzero(ok) + e0, s[ok], tt[ok]

    def _block_sims(
        self, r0: int, r1: int, c0: int, c1: int
    ) -> tuple[dict[Type, np.ndarray], dict[Type, np.ndarray]]:
        """Margin-adjusted and raw similarity of every needed window pair starting in the block."""
        src, tgt = self.src, self.tgt
        top_r = min(r1 + 2 * src.width - 2, src.n)
        top_c = min(c1 + 2 * tgt.width - 2, tgt.n)
        singles = src.x[r0:top_r] @ tgt.x[c0:top_c].T
        box = np.zeros((top_r - r0 + 1, top_c - c0 + 1))
        np.cumsum(np.cumsum(singles, axis=0, dtype=np.float64), axis=1, out=box[1:, 1:])
        half = np.float32(self.config.margin * 0.5)
        out, raw = {}, {}
        for a, b in self.pairs:
            nr = min(r1 + src.width - 1, src.n - a + 1) - r0
            nc = min(c1 + tgt.width - 1, tgt.n - b + 1) - c0
            if nr <= 0 or nc <= 0:
                continue
            sim = box[a : a + nr, b : b + nc] - box[:nr, b : b + nc]
            sim -= box[a : a + nr, :nc] - box[:nr, :nc]
            sim /= src.norm[a - 1][r0 : r0 + nr, None] * tgt.norm[b - 1][None, c0 : c0 + nc]
            sim = sim.astype(np.float32)
            self._patch(sim, a, b, r0, nr, c0, nc)
            if self.config.absolute_weight:
                raw[a, b] = sim.copy()
            sim -= half * src.nn[a - 1][r0 : r0 + nr, None]
            sim -= half * tgt.nn[b - 1][None, c0 : c0 + nc]
            out[a, b] = sim
        return out, raw

    def _patch(self, sim: np.ndarray, a: int, b: int, r0: int, nr: int, c0: int, nc: int) -> None:
        """Overwrite the stand-in similarities of windows that have a real embedding."""
        # A width-1 window is one sentence: its box sum is its real vector, nothing to patch.
        if a > 1 and len(rows := self.src.known(a, r0, r0 + nr)):
            sim[rows - r0] = self.src.real(a, rows) @ self.tgt.vectors(b, c0, c0 + nc).T
        if b > 1 and len(cols := self.tgt.known(b, c0, c0 + nc)):
            sim[:, cols - c0] = self.src.vectors(a, r0, r0 + nr) @ self.tgt.real(b, cols).T

    def _fixed(
        self, t: Type, s: np.ndarray, tt: np.ndarray, lexical: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """What embeddings do not change in the scores of beads of type t starting at (s, tt).

        A scale, the length agreement, and an offset: the threshold, the
        word-level score, quote marks and paragraph anchors.
        """
        a, b = t
        config, src, tgt = self.config, self.src, self.tgt
        scale = np.ones(len(s), dtype=np.float32)
        if config.length_factor:
            scale = length_agreement(src.chars[a - 1][s], tgt.chars[b - 1][tt] * self.ratio)
        base = np.full(len(s), -(config.null_threshold + config.merge_penalty * (a + b - 2)))
        if lexical is not None:
            base += config.lexical_weight * lexical
        if src.closes_quote and tgt.closes_quote:
            ends = src.closes_quote[a - 1][s] != tgt.closes_quote[b - 1][tt]
            quoted = src.quoted[a - 1][s] != tgt.quoted[b - 1][tt]
            base -= config.quote_weight * ends + config.quoted_weight * quoted
        src_par, tgt_par = self.paragraphs
        if src_par is not None and tgt_par is not None:
            opens = paragraph_starts(src_par, src.n)[s] & paragraph_starts(tgt_par, tgt.n)[tt]
            cross = crosses_paragraph(src_par, src.n, a)[s]
            cross |= crosses_paragraph(tgt_par, tgt.n, b)[tt]
            base += config.paragraph_bonus * opens - config.paragraph_cross_penalty * cross
        return scale, base

    def _score(
        self,
        t: Type,
        ls: np.ndarray,
        lt: np.ndarray,
        sims: dict[Type, np.ndarray],
        scale: np.ndarray,
        base: np.ndarray,
    ) -> np.ndarray:
        """Evidence (similarity x length agreement) plus the fixed part, less the member check."""
        a, b = t
        score = sims[t][ls, lt] * scale + base
        config = self.config
        if config.member_weight and (a > 1 or b > 1):
            low = np.full(len(ls), np.inf, dtype=np.float32)
            for k in range(1, a + 1 if a > 1 else 1):
                np.minimum(low, sims[1, b][ls + k - 1, lt], out=low)
            for k in range(1, b + 1 if b > 1 else 1):
                np.minimum(low, sims[a, 1][ls, lt + k - 1], out=low)
            score -= config.member_weight * np.maximum(config.member_floor - low, 0)
        return score

    def _unrelated(
        self,
        t: Type,
        s: np.ndarray,
        tt: np.ndarray,
        origin: tuple[int, int],
        raw: dict[Type, np.ndarray],
    ) -> np.ndarray:
        """Cost of beads whose sides do not translate each other, whatever their neighbours.

        The margin scores a pair against each sentence's neighbours, so two
        leftover sentences that are each other's only candidates look like a
        fine pair; their raw cosine does not (see `evidence`). The cost is the
        log-likelihood ratio "unrelated" over "one of this document's pairs",
        less `absolute_shift`, capped. In a bead with several sentences on both
        sides (where an unrelated pair hides next to a true one, a 2-2 bead),
        each sentence must also belong to the other side's window, judged
        against `absolute_member_share` of the document's typical cosine.
        """
        a, b = t
        config = self.config
        if config.absolute_true is None:
            return np.zeros(len(s), dtype=np.float32)
        ls, lt = s - origin[0], tt - origin[1]
        src_chars, tgt_chars = self.src.chars[0], self.tgt.chars[0] * self.ratio
        cost = self._odds_cost(
            raw[t][ls, lt],
            config.absolute_true,
            np.minimum(self.src.chars[a - 1][s], self.tgt.chars[b - 1][tt] * self.ratio),
        )
        if config.absolute_member_share and ((a > 1 and b > 1) or not config.absolute_square):
            mu, sd = config.absolute_true
            member_true = (mu * config.absolute_member_share, sd)
            for k in range(a if a > 1 else 0):
                odds = self._odds_cost(raw[1, b][ls + k, lt], member_true, src_chars[s + k])
                np.maximum(cost, odds, out=cost)
            for k in range(b if b > 1 else 0):
                odds = self._odds_cost(raw[a, 1][ls, lt + k], member_true, tgt_chars[tt + k])
                np.maximum(cost, odds, out=cost)
        return config.absolute_weight * cost * self._per_sentence(a, b)

    def _per_sentence(self, a: int, b: int) -> float:
        """How many pairs' worth of evidence a bead of a + b sentences carries."""
        return (a + b) / 2 if self.config.absolute_per_sentence else 1.0

    def _odds_cost(
        self, cosines: np.ndarray, true: tuple[float, float], chars: np.ndarray
    ) -> np.ndarray:
        """The capped log-likelihood ratio past `absolute_shift`, discounted for short text.

        A short sentence's embedding is a weak witness either way: a literary
        "Fine." and its translation often score far below a typical pair
        (docs/benchmarks.md, "Figures formerly in code comments").
        """
        config = self.config
        cost = np.clip(
            unrelated_odds(cosines, true) - config.absolute_shift, 0, config.absolute_cap
        )
        if config.absolute_chars:
            cost *= np.minimum(chars / config.absolute_chars, 1.0)
        return cost
