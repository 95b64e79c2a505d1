"""Regenerate the README figures from the bundled sample press release.

    python tools/figures.py            # writes docs/sample_heatmap.png, docs/sample_scores.png
    python tools/figures.py --out DIR  # elsewhere

Aligns ``data/samples/press_release_chongqing.txt`` with the default encoder and
draws `bitext.plot.plot_alignment` and `bitext.plot.plot_scores`. Runs offline
in a few seconds.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"
DPI = 200


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs", help="output folder (docs/)")
    args = ap.parse_args(argv)
    # No window: this is a batch job, and CI has no display.
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib.pyplot as plt

    from bitext import align_document
    from bitext.embed import USEEncoder
    from bitext.plot import plot_alignment, plot_scores

    encoder = USEEncoder()
    alignment = align_document(SAMPLE, encoder=encoder)
    args.out.mkdir(parents=True, exist_ok=True)
    outputs = {
        "sample_heatmap.png": plot_alignment(
            alignment, encoder=encoder, title="Sample press release: similarity and chosen path"
        ),
        "sample_scores.png": plot_scores(alignment),
    }
    for name, ax in outputs.items():
        path = args.out / name
        ax.figure.savefig(path, dpi=DPI, facecolor="white")
        plt.close(ax.figure)
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
