"""A rough path through a long document, coarse to fine (as Vecalign does).

Both sides are shrunk by averaging pairs of neighbouring sentence vectors
until the whole lattice is small; that is aligned whole, and its path,
scaled back up, bounds a band in which the next finer level is aligned, down
to single sentences. Each level costs in proportion to its band, so the
guide costs time and memory linear in the document's length.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from .band_scores import BandScorer
from .dp import Band, best_path
from .margins import Margins
from .side import Side

if TYPE_CHECKING:
    from .align_config import AlignConfig

#: Lattice nodes a document pair may have and still be searched whole at first.
WHOLE_LIMIT = 250_000
#: Units of the finer level on either side of a coarse path kept in its band.
GUIDE_WIDTH = 8
_COARSE_TYPES = [(1, 1), (1, 2), (2, 1)]


def path_nodes(path: list[tuple[int, int, int, int]]) -> np.ndarray:
    """The lattice nodes a path visits, (0, 0) first, as a (k, 2) array."""
    ends = [(i + a, j + b) for i, a, j, b in path]
    return np.array([(0, 0), *ends], dtype=np.int64)


def coarse_guide(x: np.ndarray, y: np.ndarray, config: AlignConfig) -> np.ndarray | None:
    """Nodes of a rough path between sentence vectors x and y; None for a small lattice."""
    n, m = len(x), len(y)
    if (n + 1) * (m + 1) <= WHOLE_LIMIT:
        return None
    levels = [(x, y)]
    while (len(levels[-1][0]) + 1) * (len(levels[-1][1]) + 1) > WHOLE_LIMIT:
        levels.append((_halve(levels[-1][0]), _halve(levels[-1][1])))
    nodes: np.ndarray | None = None
    for xs, ys in reversed(levels[1:]):
        guide = None if nodes is None else _project(nodes, len(xs), len(ys))
        nodes = _align_level(xs, ys, guide, config)
    assert nodes is not None
    return _project(nodes, n, m)


def _halve(v: np.ndarray) -> np.ndarray:
    """Sum each pair of neighbouring vectors (an odd last one stays alone), unit length."""
    out = v[0::2].copy()
    out[: len(v) // 2] += v[1::2]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.maximum(norms, 1e-12)).astype(np.float32)


def _project(nodes: np.ndarray, n: int, m: int) -> np.ndarray:
    """A coarse path's nodes on the lattice twice as fine (capped at its corner)."""
    out = np.minimum(nodes * 2, [n, m])
    out[-1] = (n, m)
    return out


def _unit_side(vectors: np.ndarray) -> Side:
    """A side of averaged blocks: windows of two, lengths that play no part, no quotes."""
    lengths = tuple(np.ones(max(len(vectors) - w + 1, 0)) for w in (1, 2))
    return Side(vectors, 2, (lengths, (), ()))


def _align_level(
    x: np.ndarray, y: np.ndarray, guide: np.ndarray | None, config: AlignConfig
) -> np.ndarray:
    """Align one coarse level, whole or in the band around the guide from the level above."""
    n, m = len(x), len(y)
    src, tgt = _unit_side(x), _unit_side(y)
    Margins(src, tgt, config.knn, guide).compute(config.margin)
    band = Band.full(n, m) if guide is None else Band.around(guide, n, m, GUIDE_WIDTH)
    # Only the embeddings speak at coarse levels: words, lengths and paragraphs
    # belong to sentences, not to averaged blocks of them.
    plain = replace(config, lexical_weight=0.0, length_factor=False, member_weight=0.0)
    types = [t for t in _COARSE_TYPES if t[0] <= src.width and t[1] <= tgt.width]
    scorer = BandScorer(src, tgt, plain, band, types, (None, None), None, 1.0)
    path, _ = best_path(band, types, scorer.gains(), config.skip)
    return path_nodes(path)
