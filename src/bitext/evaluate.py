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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
