"""Alignment accuracy against gold beads: strict and lax precision, recall and F1.

The definitions are those of the Text+Berg evaluation as implemented in
Vecalign's ``score.py``, so our numbers compare with published ones:

- precision runs over every predicted bead (1-0 and 0-1 included); a bead is a
  strict hit if it equals a gold bead, a lax hit if it is a strict hit or if
  some source sentence of it is linked in gold to some target sentence of it;
- recall is precision with gold and prediction swapped, after removing beads
  with an empty side from both;
- counts are pooled over all documents before dividing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .model import Bead

BeadLike = tuple[Sequence[int], Sequence[int]]


@dataclass(frozen=True, slots=True)
class Scores:
    """Pooled strict and lax precision, recall and F1."""

    precision: float
    recall: float
    f1: float
    lax_precision: float
    lax_recall: float
    lax_f1: float

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One pre-segmented evaluation document with its gold beads."""

    id: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    gold: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]


def load_gold(path: str | Path) -> GoldDocument:
    """Read one gold document in the shared eval format (JSON with zh, en, gold)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    gold = tuple((tuple(s), tuple(t)) for s, t in data["gold"])
    return GoldDocument(
        str(data.get("id", Path(path).stem)), tuple(data["zh"]), tuple(data["en"]), gold
    )


def load_gold_set(directory: str | Path) -> list[GoldDocument]:
    """All gold documents of a set folder (its ``docs/*.json``), in file-name order."""
    folder = Path(directory)
    docs = folder / "docs" if (folder / "docs").is_dir() else folder
    return [load_gold(p) for p in sorted(docs.glob("*.json"))]


def _as_tuples(beads: Iterable[Bead | BeadLike]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    out = []
    for bead in beads:
        src, tgt = (bead.src, bead.tgt) if isinstance(bead, Bead) else bead
        out.append((tuple(src), tuple(tgt)))
    return out


def _counts(gold: list, test: list) -> tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of `test` against `gold`."""
    gold_set = set(gold)
    tp = fp = tp_lax = fp_lax = 0
    for src, tgt in test:
        if not src and not tgt:
            continue
        if (src, tgt) in gold_set:
            tp += 1
            tp_lax += 1
            continue
        fp += 1
        s, t = set(src), set(tgt)
        if any(s.intersection(gs) and t.intersection(gt) for gs, gt in gold):
            tp_lax += 1
        else:
            fp_lax += 1
    return tp, fp, tp_lax, fp_lax


def _ratio(hits: int, misses: int) -> float:
    return hits / (hits + misses) if hits + misses else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(
    gold: Sequence[Sequence[Bead | BeadLike]], predicted: Sequence[Sequence[Bead | BeadLike]]
) -> Scores:
    """Score predicted beads against gold beads, one list per document, pooled."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predicted")
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for g, t in zip(gold, predicted, strict=True):
        g, t = _as_tuples(g), _as_tuples(t)
        p = [x + y for x, y in zip(p, _counts(g, t), strict=True)]
        g_pairs = [b for b in g if b[0] and b[1]]
        t_pairs = [b for b in t if b[0] and b[1]]
        r = [x + y for x, y in zip(r, _counts(t_pairs, g_pairs), strict=True)]
    prec, rec = _ratio(p[0], p[1]), _ratio(r[0], r[1])
    lax_p, lax_r = _ratio(p[2], p[3]), _ratio(r[2], r[3])
    return Scores(prec, rec, _f1(prec, rec), lax_p, lax_r, _f1(lax_p, lax_r))


#: Gold bead categories that per-type recall reports, in display order.
CATEGORIES = ("1-1", "1-2", "2-1", "1-3", "null", "other")


def category(src: Sequence[int], tgt: Sequence[int]) -> str:
    """The reporting category of a bead: its type, "null" for 1-0/0-1, else "other"."""
    if not src or not tgt:
        return "null"
    kind = f"{len(src)}-{len(tgt)}"
    return kind if kind in CATEGORIES else "other"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Scores plus where the errors are: per-type recall and a bead-type confusion."""

    scores: Scores
    documents: int
    #: category -> (gold beads of that category found exactly, gold beads of it)
    recall_by_type: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: (gold category, category of the predicted bead holding its first sentence) -> count,
    #: for gold beads that were not found exactly
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)
    #: how well the predicted beads' scores match how often they are right (None: no scores)
    reliability: Reliability | None = None

    def format(self) -> str:
        """A plain-text summary, as `bitext eval` prints it."""
        s = self.scores
        lines = [
            f"documents: {self.documents}",
            f"strict  P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}",
            f"lax     P {s.lax_precision:.3f}  R {s.lax_recall:.3f}  F1 {s.lax_f1:.3f}",
            "recall by gold bead type:",
        ]
        for cat in CATEGORIES:
            found, total = self.recall_by_type.get(cat, (0, 0))
            if total:
                lines.append(f"  {cat:>5}  {found:5d} / {total:<5d} {found / total:.3f}")
        if self.confusion:
            lines.append("missed gold beads, by the type predicted in their place:")
            for (gold, pred), count in sorted(self.confusion.items(), key=lambda kv: -kv[1]):
                lines.append(f"  gold {gold:>5} -> predicted {pred:<5} {count}")
        if self.reliability is not None:
            lines.extend(self.reliability.format())
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            **self.scores.as_dict(),
            "recall_by_type": {k: list(v) for k, v in self.recall_by_type.items()},
            "confusion": [[g, p, n] for (g, p), n in self.confusion.items()],
            **({"calibration": self.reliability.as_dict()} if self.reliability else {}),
        }


#: `Evaluation`'s former name, kept for code written against it.
Report = Evaluation


def compare(
    gold: Sequence[Sequence[Bead | BeadLike]], predicted: Sequence[Sequence[Bead | BeadLike]]
) -> Evaluation:
    """`evaluate`, plus per-type recall and the confusion of missed gold beads."""
    scores = evaluate(gold, predicted)
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    for g, t in zip(gold, predicted, strict=True):
        g, t = _as_tuples(g), _as_tuples(t)
        predicted_set = set(t)
        holder = {("s", i): b for b in t for i in b[0]} | {("t", j): b for b in t for j in b[1]}
        for bead in g:
            if not bead[0] and not bead[1]:
                continue  # an empty bead is no bead, as in `evaluate` (found by hypothesis)
            cat = category(*bead)
            total[cat] += 1
            if bead in predicted_set:
                found[cat] += 1
                continue
            first = ("s", bead[0][0]) if bead[0] else ("t", bead[1][0])
            other = holder.get(first)
            confusion[cat, f"{len(other[0])}-{len(other[1])}" if other else "none"] += 1
    by_type = {cat: (found[cat], total[cat]) for cat in CATEGORIES if total[cat]}
    return Evaluation(scores, len(gold), by_type, dict(confusion), reliability(gold, predicted))


@dataclass(frozen=True, slots=True)
class Reliability:
    """Predicted confidence against how often beads are exactly right, in score bins.

    `bins` holds (low, high, beads, mean score, share exactly right) per
    non-empty bin; `ece` is the expected calibration error, the bead-weighted
    mean gap between the two (0 when a score of 0.8 means right 80% of the
    time). `pairs_ece` is the same over pairing beads only, what an export keeps.
    """

    bins: tuple[tuple[float, float, int, float, float], ...]
    ece: float
    pairs_ece: float
    beads: int

    def format(self) -> list[str]:
        """The lines `Evaluation.format` prints."""
        lines = [
            f"calibration: expected calibration error {self.ece:.3f} over {self.beads} beads "
            f"({self.pairs_ece:.3f} over pairs)",
            "  score bin    beads  mean score  exactly right",
        ]
        for lo, hi, n, mean, right in self.bins:
            lines.append(f"  {lo:.1f}-{hi:.1f}  {n:7d}  {mean:10.3f}  {right:13.3f}")
        return lines

    def as_dict(self) -> dict:
        return {"ece": self.ece, "pairs_ece": self.pairs_ece, "bins": [list(b) for b in self.bins]}


def reliability(
    gold: Sequence[Sequence[Bead | BeadLike]],
    predicted: Sequence[Sequence[Bead | BeadLike]],
    bins: int = 10,
) -> Reliability | None:
    """Calibration of the predicted beads' scores; None unless they are `Bead`s with scores."""
    scored: list[tuple[float, bool, bool]] = []
    for g, t in zip(gold, predicted, strict=True):
        gold_set = set(_as_tuples(g))
        for bead in t:
            if not isinstance(bead, Bead):
                return None
            scored.append((bead.score, (bead.src, bead.tgt) in gold_set, bead.is_pair))
    if not scored:
        return None
    rows = []
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        inside = [(p, ok) for p, ok, _ in scored if lo <= p < hi or (k == bins - 1 and p == 1.0)]
        if inside:
            mean = sum(p for p, _ in inside) / len(inside)
            right = sum(ok for _, ok in inside) / len(inside)
            rows.append((lo, hi, len(inside), round(mean, 4), round(right, 4)))
    pairs = [(p, ok, True) for p, ok, pair in scored if pair]
    return Reliability(tuple(rows), _ece(scored, bins), _ece(pairs, bins), len(scored))


def _ece(scored: Sequence[tuple[float, bool, bool]], bins: int) -> float:
    """Expected calibration error of (score, right) pairs in `bins` equal-width bins."""
    if not scored:
        return 0.0
    total = 0.0
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        inside = [(p, ok) for p, ok, _ in scored if lo <= p < hi or (k == bins - 1 and p == 1.0)]
        if inside:
            gap = sum(p for p, _ in inside) - sum(ok for _, ok in inside)
            total += abs(gap)
    return total / len(scored)


_TEXT_BEAD = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]")


def read_beads(path: str | Path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Predicted beads from a file: our JSON (``beads`` or ``gold`` key, or a bare list)
    or the ``[0]:[0,1]:0.83`` lines that Vecalign and Bertalign write."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith(("{", "[[")):
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("beads", data.get("gold"))
        return [(tuple(s), tuple(t)) for s, t in data]
    beads = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = _TEXT_BEAD.match(line)
        if m is None:
            raise ValueError(f"{path}:{number}: not a bead line like [0]:[0,1]")
        src, tgt = (tuple(int(x) for x in side.split(",") if x.strip()) for side in m.groups())
        beads.append((src, tgt))
    return beads
