"""Monotone dynamic programming over bead types.

The search maximises the sum of bead scores over all monotone segmentations of
both sides into beads of the allowed types. Skips (1-0, 0-1) score 0, so a
pairing bead is only taken where its score is positive: the null threshold is
folded into the pair scores by the caller.

Rows are processed one at a time with numpy over the whole row: a bead (a, b)
with a >= 1 reads row i-a, which is already final, and the 0-1 skips inside a
row are a running maximum, so no Python loop runs over cells.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

NEG = -1e18

#: scores(a, b) -> array (n - a + 1, m - b + 1): the score of the bead taking
#: source sentences i..i+a-1 and target sentences j..j+b-1 at [i, j].
ScoreFn = Callable[[int, int], np.ndarray]


def search(
    n: int,
    m: int,
    bead_types: Sequence[tuple[int, int]],
    scores: ScoreFn,
    *,
    skip: float = 0.0,
    band: np.ndarray | None = None,
) -> list[tuple[int, int, int, int]]:
    """Best monotone path as beads ``(i, a, j, b)`` in order.

    `bead_types` holds the pairing types (a >= 1 and b >= 1); 1-0 and 0-1 are
    always allowed and each costs `skip`. `band`, if given, is a boolean
    (n + 1, m + 1) mask of the cells the path may pass through.
    """
    pair_types = [(a, b) for a, b in bead_types if a >= 1 and b >= 1]
    mats = {t: scores(*t) for t in pair_types}
    dp = np.full((n + 1, m + 1), NEG)
    # back[i, j]: index into `moves` of the bead that ends at (i, j).
    moves: list[tuple[int, int]] = [(1, 0), (0, 1), *pair_types]
    back = np.zeros((n + 1, m + 1), dtype=np.int8)
    for i in range(n + 1):
        cand = np.full(m + 1, NEG)
        arg = np.full(m + 1, 1, dtype=np.int8)
        if i == 0:
            cand[0] = 0.0
        else:
            _relax(cand, arg, dp[i - 1], -skip, 0, 0)  # 1-0: skip source sentence i-1
        for k, (a, b) in enumerate(pair_types, start=2):
            if a > i:
                continue
            gain = np.full(m + 1, NEG)
            gain[b:] = mats[(a, b)][i - a, : m + 1 - b]
            _relax(cand, arg, dp[i - a], gain, b, k)
        if band is not None:
            cand[~band[i]] = NEG
        # 0-1 skips within the row: dp[i, j] = max_{j' <= j} cand[j'] - skip * (j - j'),
        # a running maximum once the linear cost is folded in.
        ramp = skip * np.arange(m + 1)
        best = np.maximum.accumulate(cand + ramp) - ramp
        from_left = best > cand + 1e-12
        dp[i] = best
        back[i] = np.where(from_left, 1, arg)
        if band is not None:
            dp[i, ~band[i]] = NEG
    return _backtrack(back, moves, n, m)


def _relax(
    cand: np.ndarray,
    arg: np.ndarray,
    prev_row: np.ndarray,
    gain: np.ndarray | float,
    shift: int,
    move: int,
) -> None:
    """cand[j] = max(cand[j], prev_row[j - shift] + gain[j]) in place, noting the move."""
    shifted = np.full_like(cand, NEG)
    shifted[shift:] = prev_row[: len(prev_row) - shift] if shift else prev_row
    value = shifted + gain
    better = value > cand
    cand[better] = value[better]
    arg[better] = move


def _backtrack(
    back: np.ndarray, moves: list[tuple[int, int]], n: int, m: int
) -> list[tuple[int, int, int, int]]:
    beads: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = moves[int(back[i, j])]
        if a > i or b > j:  # only reachable if the band cut the path off
            raise RuntimeError("alignment band excludes every complete path")
        i, j = i - a, j - b
        beads.append((i, a, j, b))
    beads.reverse()
    return beads
