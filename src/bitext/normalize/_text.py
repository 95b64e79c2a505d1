"""Text that remembers where each character came from.

Every normalization step is written as a list of `Edit`s against the current
text; `Tracked.apply` performs them and carries two per-character side tables
along: the offset in the *input paragraph* each character came from, and the
damage label it belongs to. Keeping this bookkeeping in one place is what lets
the steps stay small and still give an exact `Paragraph.origin`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bitext.model import FLAG_DAMAGED, Damage, Paragraph


class Label:
    """Identity of one damaged span; characters sharing a label form one `Damage`.

    Compared by identity on purpose: two adjacent damaged spans with the same
    text must stay two spans. `kind` is the `Damage.kind` (the sentence flag).
    """

    __slots__ = ("kind", "raw", "repaired")

    def __init__(self, raw: str, repaired: bool, kind: str = FLAG_DAMAGED) -> None:
        self.raw = raw
        self.repaired = repaired
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `text[start:end]` by `new`; `label`, when given, marks the new characters.

    A labelled deletion (`new` empty) leaves its label at the point where the
    deleted text stood: a flagged removal, an empty `Damage` span.
    """

    start: int
    end: int
    new: str
    label: Label | None = None


@dataclass(frozen=True, slots=True)
class Tracked:
    """Current text plus, per character, its input offset and its damage label.

    `pos` has one more entry than `text`: the input offset of the end.
    `source` is the input paragraph text the offsets index. `points` are the
    flagged removals, each an offset into `text` and its label, in order.
    """

    text: str
    pos: tuple[int, ...]
    labels: tuple[Label | None, ...]
    source: str
    points: tuple[tuple[int, Label], ...] = ()

    @classmethod
    def from_paragraph(cls, p: Paragraph) -> Tracked:
        """Start tracking `p.text`; damage already recorded on `p` is kept."""
        labels: list[Label | None] = [None] * len(p.text)
        points: list[tuple[int, Label]] = []
        for d in p.damage:
            label = Label(d.raw, d.repaired, d.kind)
            if d.start == d.end:
                points.append((min(max(d.start, 0), len(p.text)), label))
            for i in range(max(d.start, 0), min(d.end, len(p.text))):
                labels[i] = label
        n = len(p.text)
        return cls(
            p.text, tuple(range(n + 1)), tuple(labels), p.text, tuple(sorted(points, key=_at))
        )

    def raw(self, start: int, end: int) -> str:
        """The input text that `text[start:end]` came from, removed debris included."""
        return self.source[self.pos[start] : self.pos[end]]

    def apply(self, edits: Iterable[Edit]) -> Tracked:
        """Perform non-overlapping edits and carry offsets and labels along.

        A replacement of a different length maps its characters proportionally
        onto the replaced ones: offsets stay monotonic and inside the replaced
        span, which is all a sentence boundary needs.
        """
        text: list[str] = []
        pos: list[int] = []
        labels: list[Label | None] = []
        # Where each old offset lands in the new text, for the flagged removals.
        moved: list[int] = []
        removed: list[tuple[int, Label]] = []
        cur = 0
        for e in sorted(edits, key=lambda e: (e.start, e.end)):
            if e.start < cur:
                raise ValueError(f"overlapping edits at {e.start} in {self.text[:40]!r}")
            text.append(self.text[cur : e.start])
            moved.extend(range(len(pos), len(pos) + e.start - cur))
            pos.extend(self.pos[cur : e.start])
            labels.extend(self.labels[cur : e.start])
            moved.extend([len(pos)] * (e.end - e.start))
            if e.label is not None and not e.new:
                removed.append((len(pos), e.label))
            span, n = e.end - e.start, len(e.new)
            text.append(e.new)
            for k in range(n):
                j = e.start + (k * span) // n
                pos.append(self.pos[j])
                inherited = self.labels[j] if span else None
                labels.append(e.label if e.label is not None else inherited)
            cur = e.end
        text.append(self.text[cur:])
        moved.extend(range(len(pos), len(pos) + len(self.text) + 1 - cur))
        pos.extend(self.pos[cur:])
        labels.extend(self.labels[cur:])
        points = sorted([*((moved[k], lab) for k, lab in self.points), *removed], key=_at)
        return Tracked("".join(text), tuple(pos), tuple(labels), self.source, tuple(points))

    def to_paragraph(self, p: Paragraph) -> Paragraph:
        """A copy of `p` with this text, origin composed through `p`'s, and damage spans."""
        origin = tuple(p.raw_offset(k) for k in self.pos)
        damage: list[Damage] = []
        i, n = 0, len(self.text)
        while i < n:
            label = self.labels[i]
            j = i + 1
            while j < n and self.labels[j] is label:
                j += 1
            if label is not None:
                damage.append(Damage(i, j, label.raw, label.repaired, label.kind))
            i = j
        # Removals at one point with one kind are one span: ‮‮ is one flagged place.
        for at, label in self.points:
            last = damage[-1] if damage else None
            if last is not None and (last.start, last.end, last.kind) == (at, at, label.kind):
                damage[-1] = replace(last, raw=last.raw + label.raw)
            else:
                damage.append(Damage(at, at, label.raw, label.repaired, label.kind))
        damage.sort(key=lambda d: (d.start, d.end))
        return replace(p, text=self.text, origin=origin, damage=tuple(damage))


def _at(point: tuple[int, Label]) -> int:
    return point[0]


def diff_edits(old: str, new: str, offset: int = 0) -> list[Edit]:
    """Edits turning `old` into `new`, found by difflib so unchanged characters keep their origin.

    Used where a library rewrites a string wholesale (NFC, OpenCC phrase tables)
    and does not say which input character became which output character.
    """
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        Edit(offset + i1, offset + i2, new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
