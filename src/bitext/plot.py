"""Figures of an alignment: the similarity heat map with the chosen path, and bead scores.

`plot_alignment` shows what the aligner saw (the cosine similarity of every
Chinese sentence with every English sentence) and what it chose (a rectangle
over the cells of each pairing bead, a marker where the path skips a sentence
that has no counterpart). `plot_scores` shows how confident it was. Both draw
on a given Axes or on a new figure sized for the data, and return the Axes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bitext.lang import display_name, primary
from bitext.model import Alignment, Bead, Sentence

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from bitext.embed import Encoder

__all__ = ["plot_alignment", "plot_scores", "similarity_matrix"]

# Light-to-dark for similarity (prints well, and stays readable in grey scale),
# with a warm path colour that no cell of the colour map can take.
CMAP = "Blues"
PATH = "#d62728"
SRC_ONLY = "#ff7f0e"
TGT_ONLY = "#2ca02c"
LOW = "#444444"
_LABEL_SIZE = 11
_TICK_SIZE = 9


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("bitext.plot needs matplotlib: pip install 'bitext[analysis]'") from None
    return plt


def _new_axes(size: tuple[float, float]) -> Axes:
    _, ax = _pyplot().subplots(figsize=size, layout="constrained")
    return ax


def similarity_matrix(alignment: Alignment, encoder: Encoder | None = None) -> np.ndarray:
    """Cosine similarity of every source sentence (rows) with every target sentence.

    Chinese is converted to Simplified first, as `bitext.pipeline.align_document`
    does before embedding, so the matrix holds the similarities the aligner used.
    `encoder` defaults to `bitext.embed.USEEncoder`.
    """
    if encoder is None:
        from bitext.embed import USEEncoder

        encoder = USEEncoder()
    src = encoder.encode(_encoder_texts(alignment.src))
    tgt = encoder.encode(_encoder_texts(alignment.tgt))
    return np.asarray(src @ tgt.T, dtype=np.float32)


def _encoder_texts(sentences: Sequence[Sentence]) -> list[str]:
    from bitext.normalize import to_simplified

    return [to_simplified(s.text) if primary(s.lang) == "zh" else s.text for s in sentences]


def plot_alignment(
    alignment: Alignment,
    *,
    encoder: Encoder | None = None,
    ax: Axes | None = None,
    similarity: Any = None,
    title: str | None = None,
) -> Axes:
    """Heat map of sentence similarities with the aligner's path drawn on it.

    Rows are the source (Chinese) sentences, columns the target (English) ones,
    both numbered from 0 as in `Bead.src`/`Bead.tgt`. Each pairing bead is an
    outlined rectangle over its cells; a sentence without counterpart is a
    marker on the path where it skips that row (1-0) or column (0-1).
    `similarity` is a precomputed ``(n_src, n_tgt)`` matrix; without it the
    matrix is computed with `encoder` (see `similarity_matrix`). `title`
    defaults to the source file name; pass ``""`` for none.

    Raises ValueError when a side has no sentences or `similarity` has the
    wrong shape.
    """
    n, m = len(alignment.src), len(alignment.tgt)
    if not n or not m:
        raise ValueError(f"nothing to plot: the alignment has {n} source and {m} target sentences")
    if similarity is None:
        similarity = similarity_matrix(alignment, encoder)
    matrix = np.asarray(similarity, dtype=float)
    if matrix.shape != (n, m):
        raise ValueError(f"similarity has shape {matrix.shape}, expected ({n}, {m})")
    if ax is None:
        ax = _new_axes(_heatmap_size(n, m))
    image = ax.imshow(matrix, cmap=CMAP, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    width = float(np.clip(45 / max(n, m), 0.6, 1.8))
    _draw_pairs(ax, alignment.beads, width)
    names = (display_name(alignment.src_lang), display_name(alignment.tgt_lang))
    _draw_skips(ax, alignment.beads, width, names)
    # Negative cosines (rare, and meaningless here) share the white of zero.
    extend = "min" if matrix.min() < 0 else "neither"
    colorbar = ax.figure.colorbar(image, ax=ax, extend=extend, shrink=0.9, pad=0.03)
    colorbar.set_label("cosine similarity", fontsize=_LABEL_SIZE)
    colorbar.ax.tick_params(labelsize=_TICK_SIZE)
    _label_axes(ax, names)
    if title is None:
        title = Path(alignment.source).name if alignment.source else ""
    if title:
        ax.set_title(title, fontsize=_LABEL_SIZE + 1)
    _legend_below(ax)
    return ax


def _legend_below(ax: Axes) -> None:
    from matplotlib.transforms import ScaledTranslation

    # A fixed distance in inches clears the tick labels and the x label whatever
    # the figure's height (a fraction of the axes would not).
    below = ax.transAxes + ScaledTranslation(0, -0.55, ax.figure.dpi_scale_trans)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=below,
        fontsize=_TICK_SIZE,
        frameon=False,
    )


def _heatmap_size(n: int, m: int) -> tuple[float, float]:
    """Figure inches: near-square cells, the matrix at most 6 in a side, at least 3."""
    scale = min(6.0 / m, 6.0 / n, 0.35)
    width, height = (float(np.clip(k * scale, 3.0, 6.0)) for k in (m, n))
    # Room for tick labels, axis labels, the colour bar and the legend below.
    return width + 1.9, height + 1.9


def _draw_pairs(ax: Axes, beads: Sequence[Bead], width: float) -> None:
    from matplotlib.patches import Rectangle

    label = "aligned bead"
    for bead in beads:
        if not bead.is_pair:
            continue
        x0, y0 = min(bead.tgt) - 0.5, min(bead.src) - 0.5
        w, h = max(bead.tgt) - min(bead.tgt) + 1, max(bead.src) - min(bead.src) + 1
        ax.add_patch(
            Rectangle((x0, y0), w, h, fill=False, edgecolor=PATH, linewidth=width, label=label)
        )
        label = "_nolegend_"  # one legend entry for all of them


def _draw_skips(ax: Axes, beads: Sequence[Bead], width: float, names: tuple[str, str]) -> None:
    """One marker per null bead, where the path steps over its sentences."""
    from matplotlib.transforms import Bbox, TransformedBbox

    src_only: list[tuple[float, float]] = []
    tgt_only: list[tuple[float, float]] = []
    i = j = 0  # the path's position: next source row and target column
    for bead in beads:
        if bead.src and not bead.tgt:
            src_only.append((j - 0.5, (min(bead.src) + max(bead.src)) / 2))
        elif bead.tgt and not bead.src:
            tgt_only.append(((min(bead.tgt) + max(bead.tgt)) / 2, i - 0.5))
        i = max(bead.src, default=i - 1) + 1
        j = max(bead.tgt, default=j - 1) + 1
    size = 20 * width**2 + 40
    for points, marker, colour, label in (
        (src_only, "<", SRC_ONLY, f"{names[0]} sentence without counterpart (1-0)"),
        (tgt_only, "^", TGT_ONLY, f"{names[1]} sentence without counterpart (0-1)"),
    ):
        if not points:
            continue
        xy = np.array(points, dtype=float)
        markers = ax.scatter(
            xy[:, 0],
            xy[:, 1],
            marker=marker,
            s=size,
            c=colour,
            edgecolors="black",
            linewidths=0.4,
            label=label,
            zorder=3,
        )
        # Markers on the matrix edge would be cut in half by the axes; a clip box a
        # little larger keeps them whole and still hides them when the user zooms in.
        markers.set_clip_path(None)
        markers.set_clip_box(
            TransformedBbox(Bbox.from_extents(-0.04, -0.04, 1.04, 1.04), ax.transAxes)
        )


def _label_axes(ax: Axes, names: tuple[str, str]) -> None:
    from matplotlib.ticker import MaxNLocator

    src, tgt = names
    ax.set_ylabel(f"{src} sentence", fontsize=_LABEL_SIZE)
    ax.set_xlabel(f"{tgt} sentence", fontsize=_LABEL_SIZE)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(nbins=8, integer=True, steps=[1, 2, 5, 10]))
    ax.tick_params(labelsize=_TICK_SIZE)


def plot_scores(alignment: Alignment, *, ax: Axes | None = None, low_score: float = 0.5) -> Axes:
    """Histogram of bead confidences: pairs and null beads (1-0, 0-1) stacked apart.

    The dashed line is at `low_score` (e.g. the ``--min-score`` a TMX will be
    cut at); its legend entry says how many pairs fall below it.
    """
    from matplotlib.ticker import MaxNLocator

    pairs = [b.score for b in alignment.beads if b.is_pair]
    nulls = [b.score for b in alignment.beads if not b.is_pair]
    if ax is None:
        ax = _new_axes((6.0, 3.6))
    bins = [k / 20 for k in range(21)]
    ax.hist(
        [pairs, nulls],
        bins=bins,
        stacked=True,
        color=[PATH, SRC_ONLY],
        edgecolor="white",
        linewidth=0.6,
        label=[f"pair beads ({len(pairs)})", f"unaligned, 1-0 / 0-1 ({len(nulls)})"],
    )
    below = sum(score < low_score for score in pairs)
    ax.axvline(
        low_score,
        color=LOW,
        linestyle="--",
        linewidth=1.2,
        label=f"low_score {low_score:g}: {below} pair{'s' * (below != 1)} below",
    )
    ax.set_xlim(0.0, 1.0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("aligner confidence", fontsize=_LABEL_SIZE)
    ax.set_ylabel("beads", fontsize=_LABEL_SIZE)
    ax.tick_params(labelsize=_TICK_SIZE)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=_TICK_SIZE, frameon=False, loc="best")
    return ax
