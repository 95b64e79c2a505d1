"""Sentence alignment: overlap embeddings, margin scoring, and a monotone DP over bead types.

`align_sentences` is the whole stage for plain strings; `align_windows` runs the
search on embeddings computed elsewhere (the evaluation harness reuses them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..lang import joiner
from ..model import Bead
from .dp import search
from .lexical import LexicalFeatures, lexical_features
from .scoring import (
    Windows,
    char_ratio,
    crosses_paragraph,
    embed_windows,
    length_factor,
    neighbour_means,
    paragraph_starts,
)

if TYPE_CHECKING:
    from ..embed import Encoder

__all__ = [
    "DEFAULT_BEAD_TYPES",
    "MAX_SENTENCE_PAIRS",
    "AlignConfig",
    "LexicalFeatures",
    "align_sentences",
    "align_windows",
    "check_size",
    "lexical_features",
]

#: Largest source x target sentence count aligned in one search (see `check_size`).
MAX_SENTENCE_PAIRS = 16_000_000

#: Pairing bead types searched by default (1-0 and 0-1 are always allowed).
#: Lopsided toward the target: a long Chinese sentence often becomes five or six
#: English ones (1-5, 1-6 and 2-4 beads are 0.6% of mac-dev's gold, and finding
#: them raised its strict F1 by 0.006); the mirror types found nothing there.
DEFAULT_BEAD_TYPES: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (4, 1), (2, 2), (2, 3), (3, 2),
    (1, 5), (1, 6), (2, 4), (3, 3),
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
    - `quote_weight`: cost of a bead whose last sentence ends a quotation on one
      side only; `quoted_weight`: cost of a bead that quotes on one side only.
    - `lexical_weight`: weight of the word-level similarity (dictionary glosses,
      numbers, Latin tokens, names; see `lexical`) added to every pairing bead;
      0 switches it off. `lexical_dictionary` switches off its dictionary part
      (numbers and Latin tokens always count); `lexical_names` adds names matched
      by their pinyin, off by default: it gained nothing on mac-dev, whose
      translators render names freely (docs/benchmarks.md).
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
    quote_weight: float = 0.07
    quoted_weight: float = 0.03
    lexical_weight: float = 0.1
    lexical_dictionary: bool = True
    lexical_names: bool = False
    calibration: tuple[float, float] = (6.0, -0.06)

    @property
    def max_src(self) -> int:
        return max(a for a, _ in self.bead_types)

    @property
    def max_tgt(self) -> int:
        return max(b for _, b in self.bead_types)


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    encoder: Encoder | None = None,
    config: AlignConfig | None = None,
    src_lang: str = "zh",
    tgt_lang: str = "en",
    src_paragraphs: Sequence[int] | None = None,
    tgt_paragraphs: Sequence[int] | None = None,
    **options: Any,
) -> list[Bead]:
    """Align two lists of sentences; returns beads covering every sentence once, in order.

    `options` override fields of `config` (e.g. ``null_threshold=0.15``).
    `src_paragraphs`/`tgt_paragraphs` give each sentence's paragraph id, used as
    soft anchors. The default encoder is USE-multilingual-v3 (offline).
    """
    config = _config(config, options)
    src, tgt = _sentences(src, "src"), _sentences(tgt, "tgt")
    _check_paragraphs(src_paragraphs, len(src), "src_paragraphs")
    _check_paragraphs(tgt_paragraphs, len(tgt), "tgt_paragraphs")
    if not src or not tgt:
        return [Bead((i,), (), 1.0) for i in range(len(src))] + [
            Bead((), (j,), 1.0) for j in range(len(tgt))
        ]
    check_size(len(src), len(tgt))
    if encoder is None:
        from ..embed import USEEncoder

        encoder = USEEncoder()
    sw = embed_windows(src, config.max_src, joiner(src_lang), encoder)
    tw = embed_windows(tgt, config.max_tgt, joiner(tgt_lang), encoder)
    lexical = None
    if config.lexical_weight:
        lexical = lexical_features(
            src,
            tgt,
            src_lang,
            tgt_lang,
            dictionary=config.lexical_dictionary,
            names=config.lexical_names,
        )
    return align_windows(sw, tw, config, src_paragraphs, tgt_paragraphs, lexical)


def check_size(n: int, m: int) -> None:
    """Refuse a document pair whose search would not fit in memory.

    The search holds a score per sentence pair and bead type (about 70 bytes
    per pair in all), so 4,000 x 4,000 sentences need about 1 GB. Longer
    documents must be split (for instance at paragraph anchors) until the
    search runs in a band.
    """
    if n * m > MAX_SENTENCE_PAIRS:
        raise InputError(
            f"{n} x {m} sentences is too long to align in one piece "
            f"(limit {MAX_SENTENCE_PAIRS:,} sentence pairs); split the document"
        )


def _sentences(texts: Sequence[str], name: str) -> list[str]:
    if isinstance(texts, str):
        raise TypeError(f"{name} must be a sequence of sentences, not one string")
    return list(texts)


def _check_paragraphs(ids: Sequence[int] | None, n: int, name: str) -> None:
    if ids is not None and len(ids) != n:
        raise ValueError(f"{name} has {len(ids)} ids for {n} sentences")


def _config(config: AlignConfig | None, options: dict[str, Any]) -> AlignConfig:
    config = config or AlignConfig()
    known = {f.name for f in fields(AlignConfig)}
    unknown = set(options) - known
    if unknown:
        raise TypeError(f"unknown alignment option(s): {', '.join(sorted(unknown))}")
    config = replace(config, **options) if options else config
    pairing = [(a, b) for a, b in config.bead_types if a >= 1 and b >= 1]
    if (1, 1) not in pairing or any(a < 0 or b < 0 for a, b in config.bead_types):
        raise ValueError("bead_types must include (1, 1) and hold only positive sizes")
    if config.knn < 1:
        raise ValueError("knn must be at least 1")
    return config


def align_windows(
    src: Windows,
    tgt: Windows,
    config: AlignConfig | None = None,
    src_paragraphs: Sequence[int] | None = None,
    tgt_paragraphs: Sequence[int] | None = None,
    lexical: LexicalFeatures | None = None,
) -> list[Bead]:
    """Run the search on precomputed window embeddings (see `scoring.embed_windows`).

    `lexical` (from `lexical_features` over the same sentences) adds the
    word-level score when `config.lexical_weight` is set; without it only the
    embeddings count.
    """
    config = config or AlignConfig()
    scorer = _Scorer(src, tgt, config, src_paragraphs, tgt_paragraphs, lexical)
    types = [(a, b) for a, b in config.bead_types if a <= len(src.emb) and b <= len(tgt.emb)]
    path = search(src.n, tgt.n, types, scorer.gain, skip=config.skip)
    slope, mid = config.calibration
    beads = []
    for i, a, j, b in path:
        if a and b:
            conf = _sigmoid(slope * (scorer.cell_evidence(i, a, j, b) - mid))
        else:
            # Confidence that the sentence has no counterpart: that its best
            # partner would be wrong. Only partners next to the gap count: the
            # search could not have paired it elsewhere without crossing beads.
            lo_i, lo_j = max(i - 1, 0), max(j - 1, 0)
            near = scorer.ev11[i, lo_j : j + 2] if a else scorer.ev11[lo_i : i + 2, j]
            best = float(near.max()) if near.size else -np.inf
            conf = 1.0 - _sigmoid(slope * (best - mid))
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), round(conf, 4)))
    return beads


class _Scorer:
    """Bead scores for one document pair.

    Only the 1-1 similarity matrix is kept; other bead types are computed when
    the search asks for them, in float32, so memory stays near one matrix per
    bead type (the search's own).
    """

    def __init__(
        self,
        src: Windows,
        tgt: Windows,
        config: AlignConfig,
        src_paragraphs: Sequence[int] | None,
        tgt_paragraphs: Sequence[int] | None,
        lexical: LexicalFeatures | None = None,
    ) -> None:
        self.src, self.tgt, self.config = src, tgt, config
        self.lexical = lexical if config.lexical_weight else None
        self.src_nn, self.tgt_nn = neighbour_means(src, tgt, config.knn)
        self.src_par, self.tgt_par = src_paragraphs, tgt_paragraphs
        self.sim11 = self.similarity(1, 1)
        self.ratio = char_ratio(src, tgt, self.sim11)
        self.ev11 = self.evidence(1, 1)

    def similarity(self, a: int, b: int) -> np.ndarray:
        """Margin-adjusted cosine of every (a, b) window pair."""
        sim = self.src.emb[a - 1] @ self.tgt.emb[b - 1].T
        half = np.float32(self.config.margin * 0.5)
        sim -= half * self.src_nn[a - 1][:, None].astype(np.float32)
        sim -= half * self.tgt_nn[b - 1][None, :].astype(np.float32)
        return sim

    def evidence(self, a: int, b: int) -> np.ndarray:
        """Similarity weighed by length agreement: what the confidence is calibrated on."""
        e = self.sim11.copy() if (a, b) == (1, 1) else self.similarity(a, b)
        if self.config.length_factor:
            tgt_chars = self.tgt.chars[b - 1] * self.ratio
            e *= length_factor(self.src.chars[a - 1], tgt_chars).astype(np.float32)
        return e

    def cell_evidence(self, i: int, a: int, j: int, b: int) -> float:
        """`evidence(a, b)[i, j]` for one bead, without building the matrix."""
        m = self.config.margin * 0.5
        sim = float(self.src.emb[a - 1][i] @ self.tgt.emb[b - 1][j])
        sim -= m * (self.src_nn[a - 1][i] + self.tgt_nn[b - 1][j])
        if self.config.length_factor:
            s = self.src.chars[a - 1][i : i + 1]
            t = self.tgt.chars[b - 1][j : j + 1] * self.ratio
            sim *= float(length_factor(s, t)[0, 0])
        return sim

    def weakest_member(self, a: int, b: int) -> np.ndarray:
        """Lowest similarity of one member sentence of a bead to the bead's other side.

        A sentence with no counterpart merged into a neighbour's bead barely moves
        the bead's own cosine, but it is itself dissimilar to the other side.
        """
        n, m = self.src.n, self.tgt.n
        low = np.full((n - a + 1, m - b + 1), np.inf, dtype=np.float32)
        if a > 1:
            single = self.sim11 if b == 1 else self.similarity(1, b)  # (n, m - b + 1)
            for k in range(a):
                np.minimum(low, single[k : k + n - a + 1], out=low)
        if b > 1:
            single = self.sim11 if a == 1 else self.similarity(a, 1)  # (n - a + 1, m)
            for k in range(b):
                np.minimum(low, single[:, k : k + m - b + 1], out=low)
        return low

    def quote_mismatch(self, a: int, b: int) -> np.ndarray | float:
        """Cost of quotation marks that one side of a bead has and the other lacks."""
        src, tgt, config = self.src, self.tgt, self.config
        if not (src.closes_quote and tgt.closes_quote):
            return 0.0
        ends = src.closes_quote[a - 1][:, None] != tgt.closes_quote[b - 1][None, :]
        quoted = src.quoted[a - 1][:, None] != tgt.quoted[b - 1][None, :]
        return np.float32(config.quote_weight) * ends + np.float32(config.quoted_weight) * quoted

    def gain(self, a: int, b: int) -> np.ndarray:
        """What the search maximises: evidence, less thresholds and penalties, plus anchors."""
        config = self.config
        s = self.evidence(a, b)
        s -= np.float32(config.null_threshold + config.merge_penalty * (a + b - 2))
        if config.member_weight and (a > 1 or b > 1):
            weak = np.maximum(np.float32(config.member_floor) - self.weakest_member(a, b), 0)
            s -= np.float32(config.member_weight) * weak
        if self.lexical is not None:
            s += np.float32(config.lexical_weight) * self.lexical.similarity(a, b)
        s -= self.quote_mismatch(a, b)
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
        s += np.float32(config.paragraph_bonus) * opens
        s -= np.float32(config.paragraph_cross_penalty) * cross
        return s


def _sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-np.clip(x, -50, 50))))
