"""Sentence alignment: overlap embeddings, margin scoring, and a monotone DP over bead types.

`align_sentences` is the whole stage for plain strings; `align_windows` runs the
search on embeddings computed elsewhere (the evaluation harness reuses them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Bead
from .dp import search
from .scoring import (
    Windows,
    char_ratio,
    crosses_paragraph,
    embed_windows,
    length_factor,
    neighbour_means,
    paragraph_starts,
)

__all__ = ["DEFAULT_BEAD_TYPES", "AlignConfig", "align_sentences", "align_windows"]

#: Pairing bead types searched by default (1-0 and 0-1 are always allowed).
DEFAULT_BEAD_TYPES: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (4, 1), (2, 2), (2, 3), (3, 2),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AlignConfig:
    """Knobs of the aligner. Defaults were tuned on mac-dev only (see docs/benchmarks.md).

    - `margin`: share of the mean nearest-neighbour similarity subtracted from a
      cosine, so that a sentence close to everything does not win pairs.
    - `knn`: how many nearest neighbours that mean takes.
    - `skip`: cost of leaving one sentence without a counterpart (a 1-0 or 0-1 bead).
    - `merge_penalty`: cost of each sentence beyond the first on either side of
      a bead; equal to `skip`, a sentence joins a bead only if it raises the
      bead's score (an untranslated sentence lowers it).
    - `null_threshold`: subtracted from every pair's score; raise it to leave
      more sentences unaligned rather than pair them weakly.
    - `length_factor`: scale scores by Bertalign's length agreement log2(1 + short/long).
    - `paragraph_bonus`: reward for a bead that opens a paragraph on both sides;
      `paragraph_cross_penalty`: cost of a bead that spans a paragraph boundary.
    - `calibration`: (slope, midpoint) of the logistic that turns a bead's
      evidence into the probability that it is right (fit on mac-dev).
    """

    bead_types: tuple[tuple[int, int], ...] = DEFAULT_BEAD_TYPES
    margin: float = 0.5
    knn: int = 4
    skip: float = 0.1
    merge_penalty: float = 0.0
    member_floor: float = 0.0
    member_weight: float = 0.5
    null_threshold: float = 0.0
    length_factor: bool = True
    paragraph_bonus: float = 0.05
    paragraph_cross_penalty: float = 0.3
    calibration: tuple[float, float] = (6.0, -0.06)

    @property
    def max_src(self) -> int:
        return max(a for a, _ in self.bead_types)

    @property
    def max_tgt(self) -> int:
        return max(b for _, b in self.bead_types)


def _glue(lang: str) -> str:
    return "" if lang.split("-")[0].lower() in {"zh", "ja"} else " "


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    encoder=None,
    config: AlignConfig | None = None,
    src_lang: str = "zh",
    tgt_lang: str = "en",
    src_paragraphs: Sequence[int] | None = None,
    tgt_paragraphs: Sequence[int] | None = None,
    **options,
) -> list[Bead]:
    """Align two lists of sentences; returns beads covering every sentence once, in order.

    `options` override fields of `config` (e.g. ``null_threshold=0.15``).
    `src_paragraphs`/`tgt_paragraphs` give each sentence's paragraph id, used as
    soft anchors. The default encoder is USE-multilingual-v3 (offline).
    """
    config = _config(config, options)
    if not src or not tgt:
        return [Bead((i,), (), 1.0) for i in range(len(src))] + [
            Bead((), (j,), 1.0) for j in range(len(tgt))
        ]
    if encoder is None:
        from ..embed import USEEncoder

        encoder = USEEncoder()
    sw = embed_windows(list(src), config.max_src, _glue(src_lang), encoder)
    tw = embed_windows(list(tgt), config.max_tgt, _glue(tgt_lang), encoder)
    return align_windows(sw, tw, config, src_paragraphs, tgt_paragraphs)


def _config(config: AlignConfig | None, options: dict) -> AlignConfig:
    from dataclasses import fields, replace

    config = config or AlignConfig()
    known = {f.name for f in fields(AlignConfig)}
    unknown = set(options) - known
    if unknown:
        raise TypeError(f"unknown alignment option(s): {', '.join(sorted(unknown))}")
    return replace(config, **options) if options else config


def align_windows(
    src: Windows,
    tgt: Windows,
    config: AlignConfig | None = None,
    src_paragraphs: Sequence[int] | None = None,
    tgt_paragraphs: Sequence[int] | None = None,
) -> list[Bead]:
    """Run the search on precomputed window embeddings (see `scoring.embed_windows`)."""
    config = config or AlignConfig()
    scorer = _Scorer(src, tgt, config, src_paragraphs, tgt_paragraphs)
    types = [(a, b) for a, b in config.bead_types if a <= len(src.emb) and b <= len(tgt.emb)]
    path = search(src.n, tgt.n, types, scorer.gain, skip=config.skip)
    slope, mid = config.calibration
    best_11 = scorer.evidence(1, 1)
    beads = []
    for i, a, j, b in path:
        if a and b:
            conf = _sigmoid(slope * (float(scorer.evidence(a, b)[i, j]) - mid))
        else:
            # Confidence that the sentence has no counterpart: that its best
            # possible 1-1 partner would be wrong.
            # Only partners next to the gap count: the search could not have
            # paired it with a sentence elsewhere without crossing other beads.
            lo_i, lo_j = max(i - 1, 0), max(j - 1, 0)
            near = best_11[i, lo_j : j + 2] if a else best_11[lo_i : i + 2, j]
            best = float(near.max()) if near.size else -np.inf
            conf = 1.0 - _sigmoid(slope * (best - mid))
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), round(conf, 4)))
    return beads


class _Scorer:
    """Bead score matrices for one document pair, computed once per bead type."""

    def __init__(
        self,
        src: Windows,
        tgt: Windows,
        config: AlignConfig,
        src_paragraphs: Sequence[int] | None,
        tgt_paragraphs: Sequence[int] | None,
    ) -> None:
        self.src, self.tgt, self.config = src, tgt, config
        self.src_nn, self.tgt_nn = neighbour_means(src, tgt, config.knn)
        self.src_par, self.tgt_par = src_paragraphs, tgt_paragraphs
        self._sim: dict[tuple[int, int], np.ndarray] = {}
        self._evidence: dict[tuple[int, int], np.ndarray] = {}
        self.ratio = char_ratio(src, tgt, self.similarity(1, 1))

    def similarity(self, a: int, b: int) -> np.ndarray:
        """Margin-adjusted cosine of every (a, b) window pair."""
        if (a, b) not in self._sim:
            sim = self.src.emb[a - 1] @ self.tgt.emb[b - 1].T
            nn = self.src_nn[a - 1][:, None] + self.tgt_nn[b - 1][None, :]
            self._sim[a, b] = sim - self.config.margin * 0.5 * nn
        return self._sim[a, b]

    def evidence(self, a: int, b: int) -> np.ndarray:
        """Similarity weighed by length agreement: what the confidence is calibrated on."""
        if (a, b) not in self._evidence:
            e = self.similarity(a, b)
            if self.config.length_factor:
                tgt_chars = self.tgt.chars[b - 1] * self.ratio
                e = e * length_factor(self.src.chars[a - 1], tgt_chars)
            self._evidence[a, b] = e
        return self._evidence[a, b]

    def weakest_member(self, a: int, b: int) -> np.ndarray:
        """Lowest similarity of one member sentence of a bead to the bead's other side.

        A sentence with no counterpart merged into a neighbour's bead barely moves
        the bead's own cosine, but it is itself dissimilar to the other side.
        """
        n, m = self.src.n, self.tgt.n
        low = np.full((n - a + 1, m - b + 1), np.inf)
        if a > 1:
            single = self.src.emb[0] @ self.tgt.emb[b - 1].T  # (n, m - b + 1)
            single = single - self.config.margin * 0.5 * (
                self.src_nn[0][:, None] + self.tgt_nn[b - 1][None, :]
            )
            for k in range(a):
                low = np.minimum(low, single[k : k + n - a + 1])
        if b > 1:
            single = self.src.emb[a - 1] @ self.tgt.emb[0].T  # (n - a + 1, m)
            single = single - self.config.margin * 0.5 * (
                self.src_nn[a - 1][:, None] + self.tgt_nn[0][None, :]
            )
            for k in range(b):
                low = np.minimum(low, single[:, k : k + m - b + 1])
        return low

    def gain(self, a: int, b: int) -> np.ndarray:
        """What the search maximises: evidence, less the threshold, plus paragraph anchors."""
        s = self.evidence(a, b) - self.config.null_threshold
        s = s - self.config.merge_penalty * (a + b - 2)
        if self.config.member_weight and (a > 1 or b > 1):
            weak = np.maximum(self.config.member_floor - self.weakest_member(a, b), 0.0)
            s = s - self.config.member_weight * weak
        if self.src_par is None or self.tgt_par is None:
            return s
        n, m = self.src.n, self.tgt.n
        opens = (
            paragraph_starts(self.src_par, n)[: n - a + 1, None]
            & paragraph_starts(self.tgt_par, m)[None, : m - b + 1]
        )
        cross = (
            crosses_paragraph(self.src_par, n, a)[:, None]
            | crosses_paragraph(self.tgt_par, m, b)[None, :]
        )
        return s + self.config.paragraph_bonus * opens - self.config.paragraph_cross_penalty * cross


def _sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-np.clip(x, -50, 50))))
