"""Sentence alignment: overlap embeddings, margin scoring, and a monotone DP over bead types.

`align_sentences` is the whole stage for plain strings; `align_windows` runs the
search on embeddings computed elsewhere (the evaluation harness reuses them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model import Bead
from .dp import search
from .scoring import (
    Windows,
    crosses_paragraph,
    embed_windows,
    length_factor,
    length_penalty,
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

    - `margin`: share of the mean neighbour similarity subtracted from a cosine.
    - `knn`: how many nearest neighbours that mean takes.
    - `null_threshold`: a pair must score above it to beat leaving both sides unaligned.
    - `merge_penalty`: cost per sentence beyond the first on each side of a bead.
    - `length_weight`, `length_mu`, `length_sigma`: Gaussian prior on
      log(target chars / source chars).
    - `paragraph_bonus`: reward for a bead that opens a paragraph on both sides;
      `paragraph_cross_penalty`: cost of a bead that spans a paragraph boundary.
    - `temperature`: scale of the logistic that turns scores into confidences.
    """

    bead_types: tuple[tuple[int, int], ...] = DEFAULT_BEAD_TYPES
    margin: float = 0.5
    knn: int = 4
    null_threshold: float = 0.0
    skip: float = 0.1
    merge_penalty: float = 0.0
    length_factor: bool = True
    length_weight: float = 0.0
    length_mu: float = 1.1
    length_sigma: float = 0.45
    paragraph_bonus: float = 0.05
    paragraph_cross_penalty: float = 0.1
    temperature: float = 0.05
    extra: dict[str, float] = field(default_factory=dict)

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
    n, m = src.n, tgt.n
    types = [(a, b) for a, b in config.bead_types if a <= len(src.emb) and b <= len(tgt.emb)]
    src_nn, tgt_nn = neighbour_means(src, tgt, config.knn)
    src_open = paragraph_starts(src_paragraphs, n)
    tgt_open = paragraph_starts(tgt_paragraphs, m)
    has_paragraphs = src_paragraphs is not None and tgt_paragraphs is not None

    cache: dict[tuple[int, int], np.ndarray] = {}

    def similarity(a: int, b: int) -> np.ndarray:
        if (a, b) not in cache:
            sim = src.emb[a - 1] @ tgt.emb[b - 1].T
            nn = src_nn[a - 1][:, None] + tgt_nn[b - 1][None, :]
            cache[a, b] = sim - config.margin * 0.5 * nn
        return cache[a, b]

    ratio = float(src.chars[0].sum() + 1.0) / float(tgt.chars[0].sum() + 1.0)

    def score(a: int, b: int) -> np.ndarray:
        s = similarity(a, b)
        if config.length_factor:
            s = s * length_factor(src.chars[a - 1], tgt.chars[b - 1] * ratio)
        s = s - config.null_threshold
        s -= config.merge_penalty * ((a - 1) + (b - 1))
        pen = length_penalty(
            src.chars[a - 1], tgt.chars[b - 1], config.length_mu, config.length_sigma
        )
        s -= config.length_weight * pen
        if has_paragraphs:
            both_open = src_open[: n - a + 1, None] & tgt_open[None, : m - b + 1]
            s += config.paragraph_bonus * both_open
            cross = (
                crosses_paragraph(src_paragraphs, n, a)[:, None]
                | crosses_paragraph(tgt_paragraphs, m, b)[None, :]
            )
            s -= config.paragraph_cross_penalty * cross
        return s

    path = search(n, m, types, score, skip=config.skip)
    one_one = similarity(1, 1)
    beads = []
    for i, a, j, b in path:
        if a and b:
            value = float(cache[a, b][i, j])
            conf = _sigmoid((value - config.null_threshold) / config.temperature)
        elif a:
            conf = _sigmoid((config.null_threshold - float(one_one[i].max())) / config.temperature)
        else:
            conf = _sigmoid(
                (config.null_threshold - float(one_one[:, j].max())) / config.temperature
            )
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), round(conf, 4)))
    return beads


def _sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-np.clip(x, -50, 50))))
