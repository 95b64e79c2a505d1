"""Trimming many-sentence beads: a sentence that adds nothing the other side says is left out.

A sentence whose translation was deleted sits next to a true pair and is about
the same story, so its cosine to the neighbour's translation looks like a
true merge's, and the search often joins it to that pair (a 2-1, 3-1 or 2-2
bead). The joined text tells them apart: a true merge's extra sentence adds
content the other side has, so the bead's cosine is higher with it than
without it; a sentence without counterpart adds none, and the cosine stays or
drops (docs/benchmarks.md, "Trimming absorbed sentences").

So after the search each many-sentence bead is tried without its first or last
sentence on a side of several; the sentence whose removal costs the least
cosine becomes a 1-0 / 0-1 bead when that cost is below `AlignConfig.trim_gain`,
and the bead is tried again. The test is only trusted where the document's
translations embed closely (its 1-1 pairs' median cosine at least
`AlignConfig.trim_centre`, as in news): in a loose, literary translation a
true merge's joined embedding often scores no higher than its parts, and
trimming there split the literary gold set's right merges.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np

from . import confidence
from .dp import Path
from .side import Side
from .windows import length_agreement

Embed = Callable[[dict[tuple[bool, int], np.ndarray]], int]
_MAX_ROUNDS = 4  # a bead loses at most this many sentences (6 on one side is the widest bead)
# Numbers and Latin-script words: what a translation carries over unchanged.
_ANCHOR_RE = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]{3,}")


def trim(
    path: Path,
    src: Side,
    tgt: Side,
    embed: Embed | None,
    gain: float,
    centre: float,
    share: float,
    unpair: tuple[float, float],
    ratio: float,
) -> Path:
    """The path with sentences that do not raise their bead's cosine left without counterpart.

    `embed` embeds windows for real (as the search does); None: every window
    already is. The bead that remains must still score at
    least `share` of the document's typical cosine: where the whole bead pairs
    material of other stories (an editor's note against a media contact),
    taking a sentence out leaves no translation, only a pair that looks like
    one because nothing else is left to compare it with. First, a pairing
    bead whose cosine is below `unpair[0]` of the typical one, and whose
    sides' lengths agree less than `unpair[1]` (`ratio`: the document's
    source/target character ratio), is left without counterpart altogether.
    """
    pairs = [(i, j) for i, a, j, b in path if a == b == 1]
    typical = confidence.document_true(src, tgt, pairs)[0]
    if typical < centre:
        return path
    if unpair[0] > 0:
        path = _unpair(path, src, tgt, (unpair[0] * typical, unpair[1]), ratio)
    for _ in range(_MAX_ROUNDS):
        options = {k: _cuts(bead) for k, bead in enumerate(path)}
        options = {k: cuts for k, cuts in options.items() if cuts}
        if not options:
            break
        if embed is not None:
            embed(_windows(cut for cuts in options.values() for cut in cuts))
        chosen = {}
        for k, cuts in options.items():
            full = _cosine(src, tgt, path[k])
            rests = [_cosine(src, tgt, rest) for rest, _ in cuts]
            losses = [
                full - rest if rest >= share * typical and not _anchored(src, tgt, cut) else np.inf
                for rest, cut in zip(rests, cuts, strict=True)
            ]
            best = int(np.argmin(losses))
            if losses[best] < gain:
                chosen[k] = cuts[best]
        if not chosen:
            break
        path = _apply(path, chosen)
    return path


Cut = tuple[tuple[int, int, int, int], tuple[tuple[int, int, int, int], bool]]


def _cuts(bead: tuple[int, int, int, int]) -> list[Cut]:
    """Ways to take one edge sentence out of a pairing bead of three or more sentences.

    Each: the bead that remains, and the null bead with whether it comes before it.
    """
    i, a, j, b = bead
    if not (a and b) or a + b < 3:
        return []
    out: list[Cut] = []
    if a > 1:
        out.append(((i + 1, a - 1, j, b), ((i, 1, j, 0), True)))
        out.append(((i, a - 1, j, b), ((i + a - 1, 1, j + b, 0), False)))
    if b > 1:
        out.append(((i, a, j + 1, b - 1), ((i, 0, j, 1), True)))
        out.append(((i, a, j, b - 1), ((i + a, 0, j + b - 1, 1), False)))
    return out


def _anchored(src: Side, tgt: Side, cut: Cut) -> bool:
    """Does the sentence `cut` takes out carry a number or name only it and the other side have?

    A translator who folds one sentence into another's translation keeps its
    numbers and names ("abandoned in 2018 by then-President Donald Trump" for
    2018年…特朗普 (Donald Trump) 退出了该协议): the joined cosine may hardly rise,
    but such a sentence is translated there, not left without counterpart.
    """
    (i, a, j, b), ((ni, na, nj, _), _) = cut
    if src.texts is None or tgt.texts is None:
        return False
    if na:  # a source sentence goes: the target window is the other side
        own, rest, other = src.texts[ni], src.texts[i : i + a], tgt.texts[j : j + b]
    else:
        own, rest, other = tgt.texts[nj], tgt.texts[j : j + b], src.texts[i : i + a]
    found = {t.lower() for t in _ANCHOR_RE.findall(" ".join(other))}
    kept = {t.lower() for t in _ANCHOR_RE.findall(" ".join(rest))}
    return any(t.lower() in found and t.lower() not in kept for t in _ANCHOR_RE.findall(own))


def _windows(cuts: Iterable[Cut]) -> dict[tuple[bool, int], np.ndarray]:
    """The several-sentence windows of the remaining beads, to embed for real."""
    found: dict[tuple[bool, int], list[int]] = {}
    for (i, a, j, b), _ in cuts:
        if a > 1:
            found.setdefault((True, a), []).append(i)
        if b > 1:
            found.setdefault((False, b), []).append(j)
    return {key: np.array(v, dtype=np.int64) for key, v in found.items()}


def _cosine(src: Side, tgt: Side, bead: tuple[int, int, int, int]) -> float:
    i, a, j, b = bead
    return float(confidence.raw_cosine(src, tgt, (a, b), np.array([i]), np.array([j]))[0])


def _apply(path: Path, chosen: dict[int, Cut]) -> Path:
    out: Path = []
    for k, bead in enumerate(path):
        if k not in chosen:
            out.append(bead)
            continue
        rest, (null, before) = chosen[k]
        out.extend([null, rest] if before else [rest, null])
    return out


def _unpair(path: Path, src: Side, tgt: Side, limits: tuple[float, float], ratio: float) -> Path:
    """Pairing beads scoring below `limits` (cosine, length agreement) as 1-0 and 0-1 beads.

    In a document whose translations embed closely, two sides that score below
    half its typical cosine are material of other stories that the search
    paired because nothing else was left next to them (a caption against a
    caption), most of what trimming alone still missed on news-noisy. Lengths
    that agree as a translation's do keep the pair: a very long sentence (a
    list of a thousand items) embeds poorly, but its translation is as long
    as it.
    """
    floor, agreement = limits
    out: Path = []
    for bead in path:
        i, a, j, b = bead
        if (
            a
            and b
            and _cosine(src, tgt, bead) < floor
            and _agreement(src, tgt, bead, ratio) < agreement
        ):
            out.extend((i + k, 1, j, 0) for k in range(a))
            out.extend((i + a, 0, j + k, 1) for k in range(b))
        else:
            out.append(bead)
    return out


def _agreement(src: Side, tgt: Side, bead: tuple[int, int, int, int], ratio: float) -> float:
    i, a, j, b = bead
    chars = src.chars[a - 1][i : i + 1], tgt.chars[b - 1][j : j + 1] * ratio
    return float(length_agreement(*chars)[0])
