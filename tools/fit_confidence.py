"""Refit the bead confidence (`bitext.align.confidence.PAIR_WEIGHTS`) on the gold sets.

    python tools/fit_confidence.py [--cache /tmp/emb.sqlite] [--negatives 0.1]

Aligns every document of mac-dev, paramed, news-noisy and wmt22-news with the
current defaults, records each pairing bead's evidence (`passes.bead_evidence`)
and whether it is exactly a gold bead, adds the pairing beads of documents aligned
against the English of *another* document as negatives (weighted `--negatives`),
and fits a logistic regression on mac-dev, paramed and news-noisy. It prints the
weights to paste into `confidence.py`, then per set the expected calibration
error and the reliability diagram under leave-one-document-out (each document
scored by weights fit without it), and what each export threshold keeps.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bitext.align import AlignConfig, align_sentences, passes
from bitext.embed import load_encoder
from bitext.embed_cache import CachedEncoder
from bitext.evaluate import load_gold_set

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
SETS = ("mac-dev", "paramed", "news-noisy", "wmt22-news")
TRAIN = ("mac-dev", "paramed", "news-noisy")


def collect(encoder, cross: bool) -> list[tuple[str, str, np.ndarray, bool]]:
    """(set, document, evidence row, exactly right) of every pairing bead."""
    rows: list[tuple[str, str, np.ndarray, bool]] = []
    seen: list = []
    original = passes.bead_evidence

    def spy(*args, **kwargs):
        seen.append(original(*args, **kwargs))
        return seen[-1]

    passes.bead_evidence = spy
    try:
        for name in SETS:
            docs = load_gold_set(SHARED / name)
            for k, doc in enumerate(docs):
                en = docs[(k + 1) % len(docs)].en if cross else doc.en
                beads = align_sentences(doc.zh, en, encoder=encoder, config=AlignConfig())
                gold = set() if cross else {(tuple(s), tuple(t)) for s, t in doc.gold}
                for bead, row in zip(beads, seen[-1], strict=True):
                    if bead.is_pair:
                        rows.append((name, doc.id, row, (bead.src, bead.tgt) in gold))
    finally:
        passes.bead_evidence = original
    return rows


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Weighted logistic regression by Newton's method; intercept first."""
    x1 = np.column_stack([np.ones(len(x)), x])
    beta = np.zeros(x1.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x1 @ beta, -50, 50)))
        grad = x1.T @ (w * (p - y)) + l2 * np.r_[0, beta[1:]]
        hess = (x1 * (w * p * (1 - p))[:, None]).T @ x1 + l2 * np.eye(len(beta))
        beta -= np.linalg.solve(hess, grad)
    return beta


def predict(beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(beta[0] + x @ beta[1:], -50, 50)))


def diagram(p: np.ndarray, y: np.ndarray, bins: int = 10) -> tuple[float, list[str]]:
    """Expected calibration error and the rows of a reliability table."""
    ece, lines = 0.0, []
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        inside = (p >= lo) & ((p < hi) | (hi == 1.0))
        if inside.any():
            ece += inside.sum() / len(p) * abs(p[inside].mean() - y[inside].mean())
            lines.append(
                f"| {lo:.1f}-{hi:.1f} | {inside.sum()} | {p[inside].mean():.3f} "
                f"| {y[inside].mean():.3f} |"
            )
    return ece, lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, help="embedding cache file (saves re-encoding)")
    ap.add_argument("--negatives", type=float, default=0.1, help="weight of cross-document pairs")
    args = ap.parse_args()
    encoder = load_encoder(None)
    if args.cache:
        encoder = CachedEncoder(encoder, path=args.cache)
    rows, cross = collect(encoder, False), collect(encoder, True)
    x = np.array([r[2] for r in rows])
    y = np.array([r[3] for r in rows], dtype=float)
    sets = np.array([r[0] for r in rows])
    docs = np.array([f"{r[0]}/{r[1]}" for r in rows])
    xc = np.array([r[2] for r in cross])
    train = np.isin(sets, TRAIN)

    def weights(mask: np.ndarray) -> np.ndarray:
        w = np.r_[np.ones(mask.sum()), np.full(len(xc), args.negatives)]
        return fit(np.vstack([x[mask], xc]), np.r_[y[mask], np.zeros(len(xc))], w)

    beta = weights(train)
    print("PAIR_WEIGHTS =", tuple(round(float(b), 3) for b in beta))
    held_out = np.zeros(len(y))
    for doc in np.unique(docs):
        at = docs == doc
        held_out[at] = predict(weights(train & ~at), x[at])
    for name in SETS:
        at = sets == name
        ece, lines = diagram(held_out[at], y[at])
        print(f"\n{name}: {at.sum()} pairs, ECE {ece:.3f} (leave-one-document-out)")
        print("| score | pairs | mean score | exactly right |\n| --- | --- | --- | --- |")
        print("\n".join(lines))
    cross_p = predict(beta, xc)
    print(f"\ncross-document pairs: {len(xc)}, scoring < 0.3: {(cross_p < 0.3).mean():.3f}")
    cross_sets = np.array([r[0] for r in cross])
    print("  " + "; ".join(f"{n} {(cross_p[cross_sets == n] < 0.3).mean():.3f}" for n in SETS))
    for threshold in (0.5, 0.7, 0.8, 0.9, 0.95):
        kept = [
            f"{n} {y[(sets == n) & (held_out >= threshold)].mean():.3f} right, keeps "
            f"{y[(sets == n) & (held_out >= threshold)].sum() / y[sets == n].sum():.3f}"
            for n in SETS
        ]
        print(f"threshold {threshold}: " + "; ".join(kept))


if __name__ == "__main__":
    main()
