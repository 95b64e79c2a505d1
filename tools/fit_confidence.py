"""Refit the bead confidence (`bitext.align.confidence.PAIR_WEIGHTS`) on the gold sets.

    python tools/fit_confidence.py [--cache /tmp/emb.sqlite] [--negatives 0.1]

Aligns every document of mac-dev, paramed, news-noisy and wmt22-news with the
current defaults, records each pairing bead's evidence (`passes.bead_evidence`)
and whether it is exactly a gold bead, adds the pairing beads of documents aligned
against the English of *another* document as negatives (weighted `--negatives`),
and fits a logistic regression on mac-dev, paramed and news-noisy. It prints the
weights to paste into `confidence.py`, then per set the expected calibration
error and the reliability diagram under leave-one-document-out (each document
scored by weights fit without it), what each export threshold keeps (precision
and recall of the exported pairs per set: `EXPORT_MIN_SCORE` is the lowest
threshold at which every set's exported pairs are 98% right), and the typical
right pair (`TYPICAL_RIGHT`, `TYPICAL_AGREEMENT`) that `confidence.doubts`
measures each feature's pull from.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bitext.align import AlignConfig, align_sentences, confidence, passes
from bitext.align.windows import length_agreement
from bitext.embed import load_encoder
from bitext.embed_cache import CachedEncoder
from bitext.evaluate import load_gold_set
from bitext.model import EXPORT_MIN_SCORE

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
SETS = ("mac-dev", "paramed", "news-noisy", "wmt22-news")
TRAIN = ("mac-dev", "paramed", "news-noisy")


Row = tuple[str, str, np.ndarray, bool, float]


def collect(encoder, cross: bool) -> list[Row]:
    """(set, document, evidence row, exactly right, length agreement) of every pairing bead."""
    rows: list[Row] = []
    seen: list = []
    original = passes.bead_evidence

    def spy(path, src, tgt, config, ratio):
        found = original(path, src, tgt, config, ratio)
        agree = [
            float(
                length_agreement(src.chars[a - 1][i : i + 1], tgt.chars[b - 1][j : j + 1] * ratio)[
                    0
                ]
            )
            if a and b
            else 1.0
            for i, a, j, b in path
        ]
        seen.append(list(zip(found, agree, strict=True)))
        return found

    passes.bead_evidence = spy
    try:
        for name in SETS:
            docs = load_gold_set(SHARED / name)
            for k, doc in enumerate(docs):
                en = docs[(k + 1) % len(docs)].en if cross else doc.en
                beads = align_sentences(doc.zh, en, encoder=encoder, config=AlignConfig())
                gold = set() if cross else {(tuple(s), tuple(t)) for s, t in doc.gold}
                for bead, (row, agree) in zip(beads, seen[-1], strict=True):
                    if bead.is_pair:
                        rows.append((name, doc.id, row, (bead.src, bead.tgt) in gold, agree))
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
    right = train & (y == 1)
    print("TYPICAL_RIGHT =", tuple(round(float(v), 3) for v in np.median(x[right], axis=0)))
    agree = np.array([r[4] for r in rows])
    print("TYPICAL_AGREEMENT =", round(float(np.median(agree[right])), 3))
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
    print("\n| threshold | " + " | ".join(f"{n} right / kept" for n in SETS) + " |")
    print("| --- " * (len(SETS) + 1) + "|")
    for threshold in np.round(np.arange(0.85, 0.995, 0.01), 2):
        cells = []
        for n in SETS:
            kept = (sets == n) & (held_out >= threshold)
            cells.append(f"{y[kept].mean():.3f} / {y[kept].sum() / y[sets == n].sum():.3f}")
        print(f"| {threshold:.2f} | " + " | ".join(cells) + " |")

    doubt_table(x, y, np.array([r[4] for r in rows]), xc, np.array([r[4] for r in cross]))


def doubt_table(x, y, agree, xc, agree_c) -> None:
    """Per reason of `confidence.doubts`: how many held-back pairs (shipped weights)
    it is given to, how many of those are wrong, and how often cross-document pairs get it."""
    w = confidence.PAIR_WEIGHTS
    held = confidence.probability(x, w) < EXPORT_MIN_SCORE
    held_c = confidence.probability(xc, w) < EXPORT_MIN_SCORE

    def told(rows, agrees, key):
        pulls = [confidence.reason_pulls(r, a, w)[key] for r, a in zip(rows, agrees, strict=True)]
        return np.array(pulls) <= -confidence.REAL_PULL

    print(f"\nheld back at {EXPORT_MIN_SCORE:g}: {held.sum()} pairs, {(y[held] == 0).sum()} wrong")
    print(
        "| reason | held pairs told | of them wrong | right held told | wrong held told "
        "| cross-document held told |\n| --- | --- | --- | --- | --- | --- |"
    )
    for key in ("evidence", "member", "length"):
        t, tc = told(x[held], agree[held], key), told(xc[held_c], agree_c[held_c], key)
        yh = y[held]
        print(
            f"| {key} | {t.sum()} | {(yh[t] == 0).mean():.3f} | {t[yh == 1].mean():.3f} "
            f"| {t[yh == 0].mean():.3f} | {tc.mean():.3f} |"
        )


if __name__ == "__main__":
    main()
