"""A second look at neighbouring beads, clause by clause.

The search scores whole sentences, and a sentence embedding blurs what a
translator moved across a sentence boundary: an English sentence that renders
the last clause of one Chinese sentence ("待久了也觉得没有啥" → "She got used to
it after a while.") scores about as well with the next Chinese sentence, and a
translator who re-cut two sentences at a comma leaves two 1-1 beads that look
fine sentence by sentence but are one 2-2 bead.

So, for every two neighbouring beads with at most three source sentences
together, the source sentences are cut into clauses (at ，；：、 and , ; :) and
the clauses aligned to the target sentences in order (a run of clauses per
target sentence, or one clause per two). Where that reading groups the
sentences differently (a boundary moved, the beads merged or split), the
grouping changes if

    (search score of the new beads - of the old) + weight x (clause score of the new - of the old)

exceeds a threshold. Only close calls can change: a pair whose every other
grouping scores far below its own in the search is not even cut into clauses,
which keeps the extra embedding small. The weight and threshold were tuned on
mac-dev, where regrouping helps most, and checked on the held-out sets, which it
leaves about as they were (docs/benchmarks.md, "Clause refinement").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .dp import Path
from .windows import length_agreement

if TYPE_CHECKING:
    from ..embed import Encoder
    from .band_scores import BandScorer

#: A cutoff, not a bound (the clause term can in principle gain up to one per
#: target sentence): pairs whose search scores would need more than this much
#: clause evidence to change are not cut into clauses. Set just above the most
#: the clause term gained on any gold pair: it changes no result and saves
#: embedding clauses; lower, it lost right regroupings (docs/benchmarks.md).
MAX_CLAUSE_GAIN = 0.85
#: Regions of more clauses than this are left alone: the clause alignment
#: keeps (clauses + 1)^2 x target sentences scores (the gold sets' sentence
#: pairs have at most 26 clauses; a list of a thousand items would take GBs).
MAX_CLAUSES = 64
#: Most source sentences the two beads of a region may hold together: a 2-n bead
#: beside a 1-n one is regrouped too, which helped; more sources changed nothing
#: (docs/benchmarks.md, "Clause refinement").
MAX_SOURCES = 3
# After Chinese marks always; after ASCII ones unless a digit or "//" follows (10:30, 1,000, http://).
_CUT = re.compile(r"(?<=[，；：、])|(?<=[,;:])(?![0-9]|//)")
_QUOTES = "“”\"'‘’「」『』 "

Bead = tuple[tuple[int, ...], tuple[int, ...]]  # source ids, target ids
Embed = Callable[[dict[tuple[bool, int], np.ndarray]], int]  # returns how many were new
Gain = Callable[[int, int, int, int], float | None]


def clauses(text: str) -> list[str]:
    """The clauses of a sentence, cut after commas, semicolons and colons.

    A piece of fewer than three characters besides quotation marks ("好，",
    "”") stays with the clause before it (or, first, with the one after it):
    alone it embeds as noise. ASCII commas and colons inside numbers and
    addresses (1,000; 10:30; http://) do not cut.
    """
    out: list[str] = []
    short = ""  # a short first piece waits for the next one
    for part in _CUT.split(text):
        if not part.strip():
            continue
        if len(part.strip(_QUOTES)) < 3:
            if out:
                out[-1] += part
            else:
                short += part
        else:
            out.append(short + part)
            short = ""
    return out or [text]


class _Region:
    """Two neighbouring beads, k and k + 1: their source sentences' clauses, their target sentences.

    Every pairing the clause alignment may use is scored once, up front: a run
    of clauses with one target sentence (`runs[s, e, t]`, clauses s..e-1) and
    one clause with two target sentences (`shared[c, t]`, sentences t, t + 1),
    each the cosine of normalized vector sums times the length agreement.
    """

    def __init__(
        self,
        path: Path,
        k: int,
        cut: dict[int, tuple[np.ndarray, np.ndarray]],
        target: np.ndarray,
        target_chars: np.ndarray,
        ratio: float | None,
    ) -> None:
        (i, a1, j, b1), (_, a2, _, b2) = path[k], path[k + 1]
        self.k, self.i, self.j, self.t = k, i, j, b1 + b2
        self.current = _grouping(i, a1, a1 + a2, j, b1, self.t)
        sentences = range(i, i + a1 + a2)
        vectors = np.concatenate([cut[x][0] for x in sentences])
        lengths = np.concatenate([cut[x][1] for x in sentences])
        # The source sentence of each clause, and where each sentence's clauses start.
        self.owner = [x for x in sentences for _ in cut[x][1]]
        firsts = np.cumsum([0, *(len(cut[x][1]) for x in sentences)]).tolist()
        self.start = dict(zip([*sentences, i + a1 + a2], firsts, strict=True))
        self.size = len(vectors)
        tv, tl = target[j : j + self.t], target_chars[j : j + self.t] * (ratio or 1.0)
        csum = np.concatenate([np.zeros((1, vectors.shape[1])), np.cumsum(vectors, axis=0)])
        clen = np.concatenate([[0.0], np.cumsum(lengths)])
        # Run s..e-1 is csum[e] - csum[s]: its dot products and norms come from
        # those of the prefix sums, without forming the runs themselves.
        dots = csum @ tv.T
        gram = csum @ csum.T
        sq = np.diag(gram)[None, :] + np.diag(gram)[:, None] - 2.0 * gram
        norms = np.sqrt(np.maximum(sq, 1e-24))[:, :, None]
        cos = (dots[None, :, :] - dots[:, None, :]) / norms
        run_len = np.maximum(clen[None, :] - clen[:, None], 0.0)  # 0 where s >= e: never used
        self.runs = cos * _agreement(run_len[:, :, None], tl[None, None, :], ratio)
        pairs = tv[:-1] + tv[1:]
        pairs /= np.maximum(np.linalg.norm(pairs, axis=1, keepdims=True), 1e-12)
        pair_len = tl[:-1] + tl[1:]
        self.shared = (vectors @ pairs.T) * _agreement(lengths[:, None], pair_len[None, :], ratio)

    def align(self, c0: int, c1: int, t0: int, t1: int) -> tuple[float, dict]:
        """Best alignment of clauses [c0, c1) to region target sentences [t0, t1), and its moves.

        Each target sentence takes a run of clauses, or two target sentences
        share one clause; -inf where no alignment covers both (too few clauses).
        """
        best = np.full((c1 - c0 + 1, t1 - t0 + 1), -np.inf)
        best[0, 0] = 0.0
        back: dict[tuple[int, int], tuple[int, int]] = {}
        for t in range(1, t1 - t0 + 1):
            for k in range(1, c1 - c0 + 1):
                options = best[:k, t - 1] + self.runs[c0 : c0 + k, c0 + k, t0 + t - 1]
                s = int(options.argmax())
                value, move = options[s], (k - s, 1)
                if t >= 2 and best[k - 1, t - 2] + self.shared[c0 + k - 1, t0 + t - 2] > value:
                    value, move = best[k - 1, t - 2] + self.shared[c0 + k - 1, t0 + t - 2], (1, 2)
                if value > best[k, t]:
                    best[k, t], back[k, t] = value, move
        return float(best[-1, -1]), back

    def reading(self) -> list[Bead] | None:
        """The beads the clause alignment of the whole region implies (None if it has none).

        Every clause lies in some target sentence's run, so each source sentence
        keeps at least one target sentence.
        """
        score, back = self.align(0, self.size, 0, self.t)
        if score == -np.inf:
            return None
        owner = self.owner
        owners: dict[int, set[int]] = {}
        k, t = self.size, self.t
        while k > 0:
            c, b = back[k, t]
            for e in range(t - b, t):
                owners[self.j + e] = set(owner[k - c : k])
            k, t = k - c, t - b
        groups: list[tuple[set[int], list[int]]] = []
        for e in range(self.j, self.j + self.t):
            if groups and groups[-1][0] & owners[e]:
                groups[-1][0].update(owners[e])
                groups[-1][1].append(e)
            else:
                groups.append((set(owners[e]), [e]))
        return [(tuple(sorted(s)), tuple(t)) for s, t in groups]

    def score(self, beads: Sequence[Bead]) -> float:
        """Sum over the beads of their own best clause alignment."""
        total = 0.0
        for s, t in beads:
            c0, c1 = self.start[s[0]], self.start[s[-1] + 1]
            total += self.align(c0, c1, t[0] - self.j, t[-1] + 1 - self.j)[0]
        return total


def refine(
    path: Path,
    search: BandScorer,
    gains: np.ndarray,
    encoder: Encoder,
    embed: Embed,
    ratio: float | None,
    weight: float,
    threshold: float,
) -> Path:
    """The path with neighbouring beads regrouped where their clauses say so (see module doc).

    `gains` are the search's bead scores over `search.band`; `embed` embeds
    windows for real (as the search does) and says how many were new.
    `ratio` is the document's source/target character ratio, None where the
    search uses no length agreement (`AlignConfig.length_factor` off).
    """
    src, tgt = search.src, search.tgt
    if src.texts is None or tgt.texts is None or weight <= 0:
        return path
    gain = _gains(search, gains)
    floor = threshold - weight * MAX_CLAUSE_GAIN
    close = [
        k for k in range(len(path) - 1) if _pairable(path, k) and _best_other(path, k, gain) > floor
    ]
    pieces = {i: clauses(src.texts[i]) for k in close for i in _sources(path, k)}
    close = [k for k in close if sum(len(pieces[i]) for i in _sources(path, k)) <= MAX_CLAUSES]
    if not close:
        return path
    ids = sorted({i for k in close for i in _sources(path, k)})
    cut = _clause_vectors({i: pieces[i] for i in ids}, src.x, encoder)
    target = tgt.x / np.maximum(np.linalg.norm(tgt.x, axis=1, keepdims=True), 1e-12)
    types = set(search.types)
    proposals = []
    for k in close:
        region = _Region(path, k, cut, target, tgt.chars[0], ratio)
        new = region.reading()
        if new and new != region.current and all((len(s), len(t)) in types for s, t in new):
            proposals.append((region, new))
    if not proposals:
        return path
    # The new beads' windows are embedded for real before they are compared.
    if embed(_windows(new for _, new in proposals)):
        gain = _gains(search, search.gains())
    scored = []
    for region, new in proposals:
        old_search, new_search = _total(region.current, gain), _total(new, gain)
        if old_search is None or new_search is None:
            continue
        old_clauses, new_clauses = region.score(region.current), region.score(new)
        if not np.isfinite(old_clauses + new_clauses):
            continue  # a bead with more target sentences than its clauses can take
        change = new_search - old_search + weight * (new_clauses - old_clauses)
        if change > threshold:
            scored.append((change, region.k, new))
    return _apply(path, scored)


def _agreement(src_chars: np.ndarray, tgt_chars: np.ndarray, ratio: float | None) -> np.ndarray:
    """Length agreement as beads get it, or 1 where the search uses none (`ratio` None)."""
    if ratio is None:
        return np.ones(np.broadcast_shapes(src_chars.shape, tgt_chars.shape))
    return length_agreement(src_chars, tgt_chars)


def _grouping(i: int, a: int, sources: int, j: int, b: int, targets: int) -> list[Bead]:
    """The region's sentences as two beads: the first `a` source and `b` target sentences, the rest.

    With `a` = `sources` (and `b` = `targets`) the one bead of the whole region.
    """
    first = (tuple(range(i, i + a)), tuple(range(j, j + b)))
    if a == sources:
        return [first]
    return [first, (tuple(range(i + a, i + sources)), tuple(range(j + b, j + targets)))]


def _sources(path: Path, k: int) -> range:
    """The source sentences of beads k and k + 1."""
    return range(path[k][0], path[k][0] + path[k][1] + path[k + 1][1])


def _pairable(path: Path, k: int) -> bool:
    """Two neighbouring pairing beads with at most `MAX_SOURCES` source sentences together."""
    (_, a1, _, b1), (_, a2, _, b2) = path[k], path[k + 1]
    return a1 > 0 and a2 > 0 and a1 + a2 <= MAX_SOURCES and b1 > 0 and b2 > 0


def _gains(search: BandScorer, values: np.ndarray) -> Gain:
    """Search score of the bead (i, a, j, b); None where the band or the bead types have none."""
    band = search.band
    index = {t: k for k, t in enumerate(search.types)}

    def gain(i: int, a: int, j: int, b: int) -> float | None:
        k = index.get((a, b))
        r, c = i + a, j + b
        if k is None or r > band.n or not band.lo[r] <= c < band.hi[r]:
            return None
        return float(values[k, band.start[r] + c - band.lo[r]])

    return gain


def _total(beads: Sequence[Bead], gain: Gain) -> float | None:
    total = 0.0
    for s, t in beads:
        value = gain(s[0], len(s), t[0], len(t))
        if value is None:
            return None
        total += value
    return total


def _best_other(path: Path, k: int, gain: Gain) -> float:
    """How much the best other grouping of beads k and k + 1 into one bead or two scores
    above theirs (<= 0 mostly)."""
    (i, a1, j, b1), (_, a2, _, b2) = path[k], path[k + 1]
    sources, targets = a1 + a2, b1 + b2
    here = _total(_grouping(i, a1, sources, j, b1, targets), gain)
    if here is None:
        return -np.inf
    others = [_grouping(i, sources, sources, j, targets, targets)]
    others += [
        _grouping(i, a, sources, j, b, targets)
        for a in range(1, sources)
        for b in range(1, targets)
        if (a, b) != (a1, b1)
    ]
    values = [v for v in (_total(o, gain) for o in others) if v is not None]
    return max(values, default=-np.inf) - here


def _clause_vectors(
    cut: dict[int, list[str]], singles: np.ndarray, encoder: Encoder
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Unit clause vectors and clause lengths of sentences cut into clauses, in one encoder call.

    A sentence of one clause keeps its own vector (`singles`).
    """
    ids = list(cut)
    wanted = sorted({c for i in ids if len(cut[i]) > 1 for c in cut[i]})
    encoded = (
        np.asarray(encoder.encode(wanted), dtype=np.float32)
        if wanted
        else np.zeros((0, 0), np.float32)
    )
    found = dict(zip(wanted, encoded, strict=True))
    out = {}
    for i in ids:
        vectors = np.stack([found[c] for c in cut[i]]) if len(cut[i]) > 1 else singles[i : i + 1]
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        lengths = np.array([len("".join(c.split())) for c in cut[i]], dtype=np.float64)
        out[i] = vectors, lengths
    return out


def _windows(groupings: Iterable[list[Bead]]) -> dict[tuple[bool, int], np.ndarray]:
    """The windows of several sentences that the given beads use, by side and width."""
    found: dict[tuple[bool, int], set[int]] = {}
    for beads in groupings:
        for s, t in beads:
            if len(s) > 1:
                found.setdefault((True, len(s)), set()).add(s[0])
            if len(t) > 1:
                found.setdefault((False, len(t)), set()).add(t[0])
    return {key: np.array(sorted(v), dtype=np.int64) for key, v in found.items()}


def _apply(path: Path, scored: list[tuple[float, int, list[Bead]]]) -> Path:
    """Replace bead pairs by their regrouping, best first, never two that share a bead."""
    taken: dict[int, list[Bead]] = {}
    for _, k, new in sorted(scored, key=lambda x: -x[0]):
        if k in taken or k - 1 in taken or k + 1 in taken:
            continue
        taken[k] = new
    out: Path = []
    k = 0
    while k < len(path):
        if k in taken:
            out.extend((s[0], len(s), t[0], len(t)) for s, t in taken[k])
            k += 2
        else:
            out.append(path[k])
            k += 1
    return out
