"""Bead confidence: the probability that a bead is exactly right.

A bead's score used to be a logistic of its margin-adjusted similarity alone;
the margin compares a pair with its neighbours, so two leftover sentences
that are each other's only candidates scored as well as a fair pair. Here
the probability comes from evidence that does not depend on the neighbours
next to the evidence that does:

- `margin`: margin-adjusted similarity x length agreement (`passes.evidence`);
- `odds`: how much likelier the bead's raw cosine is for two unrelated
  sentences than for one of this document's translations (`evidence`), clipped;
- `member`: the same for the bead's worst member (a sentence of a
  many-sentence bead against the other side's window): an untranslated
  sentence merged into a neighbour's bead;
- `many`: 1 for a many-sentence bead (they are less often exactly right);
- `short`: how short the bead's shorter side is (short sentences embed poorly);
- `cosine`, `typical`, `member_gap`: the raw cosine, against the document's
  typical one, and how much the worst member lowers it;
- `document`: whether the whole document looks like no translation at all
  (`unrelated_document`), the same for every bead of it. Without it a pair of
  a document aligned against another document's text could only be told by
  its own evidence, which a literary translation's right pairs share.

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

from ..model import SMALL_SHORTFALLS
from .evidence import true_pairs, unrelated_odds
from .windows import length_agreement

__all__ = ["unrelated_odds"]

if TYPE_CHECKING:
    from .side import Side

#: Feature names, in the order of `PAIR_WEIGHTS` after the intercept.
PAIR_FEATURES = (
    "margin", "odds", "member", "many", "short", "cosine", "typical", "member_gap", "document",
)  # fmt: skip
NULL_FEATURES = ("margin", "odds")
#: Intercept then one weight per feature; refit with tools/fit_confidence.py.
PAIR_WEIGHTS = (0.299, 16.009, 0.039, -0.08, 0.253, 1.979, -2.441, -3.264, -2.404, -75.501)
#: Nearly every predicted null of the dev sets is right: the null model is that
#: rate with one pseudo-count each way, until data says more (docs/benchmarks.md).
NULL_WEIGHTS = (2.97, 0.0, 0.0)
ODDS_CLIP = (-5.0, 15.0)
#: A typical right pair: the median `PAIR_FEATURES` row, and the median length
#: agreement, of the right pairs of the three fitting sets (tools/fit_confidence.py).
#: `doubts` measures each feature's pull on the score from here.
TYPICAL_RIGHT = (0.368, -5.0, 0.0, 0.0, 0.0, 0.659, 0.006, 0.0, 0.0)
TYPICAL_AGREEMENT = 0.894
#: The features that say a sentence of a many-sentence bead is unrelated (`member`,
#: `many`, `member_gap`); the rest, bar the length agreement inside `margin`, are
#: the translation evidence.
_MEMBER_FEATURES = (2, 3, 7)
#: A reason is named when it lowers the logit by 1 (the odds of being right by e):
#: a typical right pair scores 0.987 (logit 4.4), the export threshold 0.96 (3.2).
REAL_PULL = 1.0
_REASONS = {
    "evidence": "low translation evidence: the two sides embed less alike than right pairs do",
    "unrelated": "low translation evidence: the two sides embed like unrelated sentences",
    "member": "a sentence of the bead looks unrelated to the other side",
    "length": "length mismatch: one side is much longer than a translation would be",
    "document": "low translation evidence: this document's pairs embed like unrelated text",
}
_SHORT_CHARS = 30.0
#: Median raw cosine x length agreement of a document's 1-1 beads below which it
#: looks like no translation at all (`unrelated_document`).
_TRANSLATION_FLOOR = 0.3


class Typical(tuple):
    """(centre, spread) of `true_pairs`, and the 1-1 beads they were read from.

    `s` / `t` are the beads' first sentences; with no 1-1 bead on the path,
    each source sentence and its most similar target sentence stand in.
    """

    s: np.ndarray
    t: np.ndarray

    def __new__(cls, true: tuple[float, float], s: np.ndarray, t: np.ndarray) -> Typical:
        made = super().__new__(cls, true)
        made.s, made.t = s, t
        return made


def document_true(src: Side, tgt: Side, pairs: list[tuple[int, int]]) -> Typical:
    """Centre and spread of the document's true pairs' raw cosines, from its 1-1 beads."""
    if not pairs:
        s = np.arange(src.n, dtype=np.int64)
        t = np.array([np.argmax(tgt.x @ v) for v in src.x], dtype=np.int64)
        return Typical(true_pairs(np.zeros(0)), s, t)
    s = np.array([p[0] for p in pairs], dtype=np.int64)
    t = np.array([p[1] for p in pairs], dtype=np.int64)
    return Typical(true_pairs(raw_cosine(src, tgt, (1, 1), s, t)), s, t)


def unrelated_document(src: Side, tgt: Side, true: Typical, ratio: float) -> float:
    """How far the document's 1-1 beads fall below any translation's, in tenths.

    `true_pairs` holds the centre at 0.4 at least, so the search keeps a sane
    model of a translation; that hides a document aligned against another
    document's text. Here the median of the 1-1 beads' raw cosine x length
    agreement (unrelated sentences are seldom as long as each other's
    translation), which separates every gold document from the same documents
    aligned against another's English (docs/benchmarks.md, "A whole document
    that is no translation"). 0 above `_TRANSLATION_FLOOR`.
    """
    raw = raw_cosine(src, tgt, (1, 1), true.s, true.t)
    agree = length_agreement(src.chars[0][true.s], tgt.chars[0][true.t] * ratio)
    return max(0.0, _TRANSLATION_FLOOR - float(np.median(raw * agree))) / 0.1


def raw_cosine(
    src: Side, tgt: Side, bead: tuple[int, int], s: np.ndarray, t: np.ndarray
) -> np.ndarray:
    a, b = bead
    return np.einsum("ij,ij->i", src.gather(a, s), tgt.gather(b, t))


def pair_features(
    src: Side,
    tgt: Side,
    bead: tuple[int, int],
    s: np.ndarray,
    t: np.ndarray,
    margin: np.ndarray,
    true: Typical,
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
    document = np.full(len(s), unrelated_document(src, tgt, true, ratio))
    return np.column_stack(
        [margin, odds, worst - odds, many, short, raw, raw - true[0], raw - low, document]
    )


def probability(features: np.ndarray, weights: tuple[float, ...]) -> np.ndarray:
    """The logistic of the weighted features (one row per bead)."""
    w = np.asarray(weights, dtype=np.float64)
    z = w[0] + np.asarray(features, dtype=np.float64) @ w[1:]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def doubts(
    row: np.ndarray,
    length_agreement: float,
    weights: tuple[float, ...] = PAIR_WEIGHTS,
    *,
    fallback: str = SMALL_SHORTFALLS,
) -> str:
    """Why a pair's confidence is low, in words, from its `PAIR_FEATURES` row.

    Each feature's pull on the logit is its weight times how far it sits from
    a typical right pair (`TYPICAL_RIGHT`); the pulls are summed per reason
    (`_REASONS`) and a reason is named only when it costs at least
    `REAL_PULL`. Rules on raw features blamed what did not matter: most
    held-back right beads of several sentences were told one of them looked
    unrelated. `length_agreement` is the bead's `windows.length_agreement`
    (1: as long as a translation usually is); the margin is similarity x that
    agreement, so the margin's pull is split between the two. `fallback` is
    said when no single reason costs that much.
    """
    pulls = reason_pulls(row, length_agreement, weights)
    named = [_REASONS[_evidence_kind(row) if k == "evidence" else k] for k in pulls]
    named = [text for text, pull in zip(named, pulls.values(), strict=True) if pull <= -REAL_PULL]
    return "; ".join(named) or fallback


def _evidence_kind(row: np.ndarray) -> str:
    """How weak the translation evidence is: the whole document looks like no
    translation (`document` > 0), the pair's cosine is likelier for unrelated
    sentences (`odds` > 0), or it is merely below a right pair's."""
    if row[8] > 0:
        return "document"
    return "unrelated" if row[1] > 0 else "evidence"


def reason_pulls(
    row: np.ndarray, length_agreement: float, weights: tuple[float, ...] = PAIR_WEIGHTS
) -> dict[str, float]:
    """How much each reason lowers (negative) or raises the logit against a typical right pair."""
    w = np.asarray(weights, dtype=np.float64)[1:]
    x = np.asarray(row, dtype=np.float64)
    pull = w * (x - np.asarray(TYPICAL_RIGHT))
    agree = max(length_agreement, 1e-6)
    # margin = similarity x agreement: the part of its pull the lengths account for.
    length = w[0] * (x[0] / agree) * (agree - TYPICAL_AGREEMENT)
    member = float(pull[list(_MEMBER_FEATURES)].sum())
    return {
        "evidence": float(pull.sum()) - member - length,
        "member": member,
        "length": float(length),
    }
