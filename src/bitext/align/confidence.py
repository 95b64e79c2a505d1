"""Bead confidence: the probability that a bead is exactly right.

A bead's score used to be a logistic of its margin-adjusted similarity alone,
fit on mac-dev; the margin compares a pair with its neighbours, so two
leftover sentences that are each other's only candidates scored 0.7-0.8. Here
the probability comes from evidence that does not depend on the neighbours
next to the evidence that does:

- `margin`: margin-adjusted similarity x length agreement (`passes.evidence`);
- `odds`: how much likelier the bead's raw cosine is for two unrelated
  sentences than for one of this document's translations (`evidence`), clipped;
- `member`: the same for the bead's worst member (a sentence of a
  many-sentence bead against the other side's window): an untranslated
  sentence merged into a neighbour's bead;
- `many`: 1 for a many-sentence bead (they are less often exactly right);
- `short`: how short the bead's shorter side is (short sentences embed poorly).

A sentence left without counterpart is scored from its best neighbouring
partner's evidence and odds (how sure we are that it has none).

The weights are a logistic regression fit on pooled beads of three gold sets
(mac-dev, paramed, news-noisy; wmt22-news is almost all right and adds
nothing), checked leave-one-document-out; `tools/fit_confidence.py`
(docs/benchmarks.md) refits them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .evidence import true_pairs, unrelated_odds

__all__ = ["unrelated_odds"]

if TYPE_CHECKING:
    from .side import Side

#: Feature names, in the order of `PAIR_WEIGHTS` after the intercept.
PAIR_FEATURES = (
    "margin", "odds", "member", "many", "short", "cosine", "typical", "member_gap",
)  # fmt: skip
NULL_FEATURES = ("margin", "odds")
#: Intercept then one weight per feature; refit with tools/fit_confidence.py.
PAIR_WEIGHTS = (-4.345, 16.021, -0.484, -0.319, -0.256, 3.064, 1.003, -13.135, 5.624)
#: 116 of the 121 predicted nulls of the dev sets (mac-dev 1/2, paramed 19/20,
#: news-noisy 96/99) are right: the null model is that rate with one pseudo-count
#: each way, (116 + 1) / (121 + 2) = 0.951, until data says more.
NULL_WEIGHTS = (2.97, 0.0, 0.0)
ODDS_CLIP = (-5.0, 15.0)
_SHORT_CHARS = 30.0


def document_true(src: Side, tgt: Side, pairs: list[tuple[int, int]]) -> tuple[float, float]:
    """Centre and spread of the document's true pairs' raw cosines, from its 1-1 beads."""
    if not pairs:
        return true_pairs(np.zeros(0))
    s = np.array([p[0] for p in pairs], dtype=np.int64)
    t = np.array([p[1] for p in pairs], dtype=np.int64)
    return true_pairs(raw_cosine(src, tgt, (1, 1), s, t))


def raw_cosine(src: Side, tgt: Side, bead: tuple[int, int], s: np.ndarray, t: np.ndarray):
    a, b = bead
    return np.einsum("ij,ij->i", src.gather(a, s), tgt.gather(b, t))


def pair_features(
    src: Side,
    tgt: Side,
    bead: tuple[int, int],
    s: np.ndarray,
    t: np.ndarray,
    margin: np.ndarray,
    true: tuple[float, float],
    ratio: float,
) -> np.ndarray:
    """Rows of `PAIR_FEATURES` for beads of one type starting at (s, t)."""
    a, b = bead
    raw = raw_cosine(src, tgt, bead, s, t)
    odds = np.clip(unrelated_odds(raw, true), *ODDS_CLIP)
    worst = odds.copy()
    low = raw.copy()
    whole_t, whole_s = tgt.gather(b, t), src.gather(a, s)
    members = [np.einsum("ij,ij->i", src.gather(1, s + k), whole_t) for k in range(a)]
    members += [np.einsum("ij,ij->i", tgt.gather(1, t + k), whole_s) for k in range(b)]
    if a > 1 or b > 1:
        for member in members:
            np.maximum(worst, np.clip(unrelated_odds(member, true), *ODDS_CLIP), out=worst)
            np.minimum(low, member, out=low)
    chars = np.minimum(src.chars[a - 1][s], tgt.chars[b - 1][t] * ratio)
    short = np.clip(1.0 - chars / _SHORT_CHARS, 0.0, 1.0)
    many = np.full(len(s), float(a > 1 or b > 1))
    return np.column_stack([margin, odds, worst - odds, many, short, raw, raw - true[0], raw - low])


def probability(features: np.ndarray, weights: tuple[float, ...]) -> np.ndarray:
    """The logistic of the weighted features (one row per bead)."""
    w = np.asarray(weights, dtype=np.float64)
    z = w[0] + np.asarray(features, dtype=np.float64) @ w[1:]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def doubts(row: np.ndarray, length_agreement: float) -> str:
    """Why a pair's confidence is low, in words, from its `PAIR_FEATURES` row.

    `length_agreement` is the bead's `scoring.length_agreement` (1: as long as
    a translation usually is).
    """
    margin, odds, member, many, short = (float(v) for v in row[:5])
    reasons = []
    if odds > 0:
        reasons.append("low translation evidence: the two sides score like unrelated sentences")
    if many and member > 2:
        reasons.append("a sentence of the bead looks unrelated to the other side")
    if length_agreement < 0.7:
        reasons.append("length mismatch")
    if margin < 0.1 and odds <= 0:
        reasons.append("hardly better than its neighbours: the boundary may be elsewhere")
    if short > 0.5:
        reasons.append("short sentences: little to go on")
    return "; ".join(reasons) or "low confidence"
