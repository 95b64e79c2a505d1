"""Review actions as pure functions over a document's beads.

A document under review is its two sides' sentences and its beads
(`DocumentState`). Every action checks that it fits the document and
describes what it does as a `Change`: the run of beads it replaces, from
where, and the sentences it corrects. Applying a change, or its inverse (how
undo works), gives a new state; nothing is modified in place. The beads of
every state partition both sides in order (`check_partition`): each sentence
is in exactly one bead, and reading the beads in order reads each side in order.

A bead a reviewer reshapes (merge, split, move, unpair, pair) is ``auto`` and
unscored until approved: no aligner has scored the new bead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, ClassVar

from bitext.errors import ReviewError
from bitext.tm.records import ReviewBead, ReviewSentence

__all__ = [
    "Action",
    "Approve",
    "Change",
    "DocumentState",
    "Edit",
    "Merge",
    "Move",
    "Pair",
    "Redo",
    "Reject",
    "Split",
    "Undo",
    "Unpair",
    "apply_change",
    "check_partition",
    "parse_action",
]

SIDES = ("src", "tgt")


@dataclass(frozen=True, slots=True)
class DocumentState:
    """A document's sentences (each side in order) and its beads, in order."""

    src: tuple[ReviewSentence, ...]
    tgt: tuple[ReviewSentence, ...]
    beads: tuple[ReviewBead, ...]

    def side(self, side: str) -> tuple[ReviewSentence, ...]:
        return self.src if side == "src" else self.tgt


@dataclass(frozen=True, slots=True)
class Change:
    """What one action does: beads `before` from index `start` become `after`;
    each (old, new) sentence in `edits` is corrected."""

    start: int
    before: tuple[ReviewBead, ...]
    after: tuple[ReviewBead, ...]
    edits: tuple[tuple[ReviewSentence, ReviewSentence], ...] = ()

    def inverse(self) -> Change:
        """The change that undoes this one."""
        return Change(self.start, self.after, self.before, tuple((n, o) for o, n in self.edits))


def apply_change(state: DocumentState, change: Change) -> DocumentState:
    """`state` with `change` made; `ReviewError` when the beads it replaces are not there."""
    end = change.start + len(change.before)
    if state.beads[change.start : end] != change.before:
        raise ReviewError("the document changed since this action was recorded")
    sides = {"src": list(state.src), "tgt": list(state.tgt)}
    for old, new in change.edits:
        if sides[old.side][old.index] != old:
            raise ReviewError("the document changed since this action was recorded")
        sides[new.side][new.index] = new
    beads = (*state.beads[: change.start], *change.after, *state.beads[end:])
    return DocumentState(tuple(sides["src"]), tuple(sides["tgt"]), beads)


def check_partition(state: DocumentState) -> None:
    """Raise `ReviewError` unless the beads hold every sentence once, each side in order."""
    for side in SIDES:
        seen = [i for bead in state.beads for i in getattr(bead, side)]
        if seen != list(range(len(state.side(side)))):
            raise ReviewError(f"the beads do not partition the {side} sentences in order")
    if any(not bead.src and not bead.tgt for bead in state.beads):
        raise ReviewError("a bead holds no sentence")


class Action:
    """A review action: `change` says what it does to a state (see the module docstring)."""

    name: ClassVar[str] = ""

    def change(self, state: DocumentState) -> Change:
        raise ReviewError(f"{self.name} needs the document's review log (bitext.review.apply)")

    def to_dict(self) -> dict[str, Any]:
        """The action as JSON-ready data, ``name`` included (what the review log keeps)."""
        return {"name": self.name, **asdict(self)}  # type: ignore[call-overload]


def _bead(state: DocumentState, index: int) -> ReviewBead:
    if not isinstance(index, int) or not 0 <= index < len(state.beads):
        raise ReviewError(f"no bead {index} (the document has {len(state.beads)})")
    return state.beads[index]


def _reshaped(src: Sequence[int], tgt: Sequence[int]) -> ReviewBead:
    return ReviewBead(tuple(src), tuple(tgt), None, "", "auto")


@dataclass(frozen=True, slots=True)
class Merge(Action):
    """Merge bead `bead` with the next one."""

    name: ClassVar[str] = "merge"
    bead: int

    def change(self, state: DocumentState) -> Change:
        first = _bead(state, self.bead)
        if self.bead + 1 >= len(state.beads):
            raise ReviewError(f"bead {self.bead} is the last: there is no next bead to merge")
        second = state.beads[self.bead + 1]
        merged = _reshaped(first.src + second.src, first.tgt + second.tgt)
        return Change(self.bead, (first, second), (merged,))


@dataclass(frozen=True, slots=True)
class Split(Action):
    """Split bead `bead` in two: its first `src_at` source and `tgt_at` target
    sentences, and the rest. Each part keeps at least one sentence."""

    name: ClassVar[str] = "split"
    bead: int
    src_at: int
    tgt_at: int

    def change(self, state: DocumentState) -> Change:
        bead = _bead(state, self.bead)
        for at, side in ((self.src_at, bead.src), (self.tgt_at, bead.tgt)):
            if not isinstance(at, int) or not 0 <= at <= len(side):
                raise ReviewError(f"split point {at} outside bead {self.bead} ({bead.kind})")
        first = (bead.src[: self.src_at], bead.tgt[: self.tgt_at])
        second = (bead.src[self.src_at :], bead.tgt[self.tgt_at :])
        if not any(first) or not any(second):
            raise ReviewError(f"splitting bead {self.bead} there leaves one part empty")
        return Change(self.bead, (bead,), (_reshaped(*first), _reshaped(*second)))


@dataclass(frozen=True, slots=True)
class Move(Action):
    """Move a boundary sentence of bead `bead` on `side` to the neighbouring bead:
    its last one to the next bead (`to` ``next``), or its first one to the
    previous bead (``previous``). A bead left without sentences goes."""

    name: ClassVar[str] = "move"
    bead: int
    side: str
    to: str

    def change(self, state: DocumentState) -> Change:
        bead = _bead(state, self.bead)
        if self.side not in SIDES or self.to not in ("next", "previous"):
            raise ReviewError(f"cannot move to {self.to!r} on side {self.side!r}")
        other = self.bead + (1 if self.to == "next" else -1)
        if not 0 <= other < len(state.beads):
            raise ReviewError(f"bead {self.bead} has no {self.to} bead")
        mine, theirs = getattr(bead, self.side), getattr(state.beads[other], self.side)
        if not mine:
            raise ReviewError(f"bead {self.bead} has no {self.side} sentence to move")
        if self.to == "next":
            mine, theirs = mine[:-1], (mine[-1], *theirs)
        else:
            theirs, mine = (*theirs, mine[0]), mine[1:]
        moved = [
            _reshaped(*_sides(b, self.side, s))
            for b, s in ((bead, mine), (state.beads[other], theirs))
        ]
        if self.to == "previous":
            moved.reverse()
        start = min(self.bead, other)
        before = state.beads[start : start + 2]
        return Change(start, before, tuple(b for b in moved if b.src or b.tgt))


def _sides(bead: ReviewBead, side: str, new: Sequence[int]) -> tuple[Sequence[int], ...]:
    return (new, bead.tgt) if side == "src" else (bead.src, new)


@dataclass(frozen=True, slots=True)
class Unpair(Action):
    """Mark sentence `index` of `side` in bead `bead` as without counterpart: it
    leaves the bead as a bead of its own. It must be the bead's first or last
    sentence on that side (split the bead first otherwise)."""

    name: ClassVar[str] = "unpair"
    bead: int
    side: str
    index: int

    def change(self, state: DocumentState) -> Change:
        bead = _bead(state, self.bead)
        if self.side not in SIDES:
            raise ReviewError(f"no side {self.side!r} (src or tgt)")
        mine = getattr(bead, self.side)
        if self.index not in mine:
            raise ReviewError(f"{self.side} sentence {self.index} is not in bead {self.bead}")
        if not bead.is_pair:
            raise ReviewError(f"bead {self.bead} has no counterpart already")
        if self.index not in (mine[0], mine[-1]):
            raise ReviewError(
                f"{self.side} sentence {self.index} is inside bead {self.bead}; split it first"
            )
        lone = _reshaped(*_sides(ReviewBead((), ()), self.side, (self.index,)))
        rest = _reshaped(*_sides(bead, self.side, [i for i in mine if i != self.index]))
        # Its bead's only sentence on that side goes after the rest, as a last one does.
        after = (rest, lone) if self.index == mine[-1] else (lone, rest)
        return Change(self.bead, (bead,), after)


@dataclass(frozen=True, slots=True)
class Pair(Action):
    """Pair bead `bead` and the next, each a sentence (or run) without counterpart
    on opposite sides, into one bead."""

    name: ClassVar[str] = "pair"
    bead: int

    def change(self, state: DocumentState) -> Change:
        first = _bead(state, self.bead)
        second = state.beads[self.bead + 1] if self.bead + 1 < len(state.beads) else None
        lone = second is not None and not first.is_pair and not second.is_pair
        if second is None or not lone or bool(first.src) == bool(second.src):
            raise ReviewError(
                f"beads {self.bead} and {self.bead + 1} are not two neighbouring sentences "
                "without counterpart, one on each side"
            )
        merged = _reshaped(first.src + second.src, first.tgt + second.tgt)
        return Change(self.bead, (first, second), (merged,))


@dataclass(frozen=True, slots=True)
class Approve(Action):
    """Approve bead `bead`: it goes to the memory's exports whatever its score."""

    name: ClassVar[str] = "approve"
    bead: int

    def change(self, state: DocumentState) -> Change:
        bead = _bead(state, self.bead)
        return Change(self.bead, (bead,), (replace(bead, status="approved"),))


@dataclass(frozen=True, slots=True)
class Reject(Action):
    """Reject bead `bead`: it never reaches the memory's units, lookups or exports."""

    name: ClassVar[str] = "reject"
    bead: int

    def change(self, state: DocumentState) -> Change:
        bead = _bead(state, self.bead)
        return Change(self.bead, (bead,), (replace(bead, status="rejected"),))


@dataclass(frozen=True, slots=True)
class Edit(Action):
    """Correct the text of sentence `index` of `side`; the aligner's text is kept
    as the sentence's `original` (back to None when the correction restores it)."""

    name: ClassVar[str] = "edit"
    side: str
    index: int
    text: str

    def change(self, state: DocumentState) -> Change:
        if self.side not in SIDES:
            raise ReviewError(f"no side {self.side!r} (src or tgt)")
        sentences = state.side(self.side)
        if not isinstance(self.index, int) or not 0 <= self.index < len(sentences):
            raise ReviewError(f"no {self.side} sentence {self.index} ({len(sentences)} in all)")
        text = self.text.strip() if isinstance(self.text, str) else ""
        if not text or "\n" in text or "\r" in text:
            raise ReviewError("a corrected sentence is one line of text, not empty")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: no file could store it
            raise ReviewError("a corrected sentence must be valid Unicode text") from None
        old = sentences[self.index]
        original = old.original or old.text
        new = replace(old, text=text, original=None if text == original else original)
        return Change(0, (), (), ((old, new),))


@dataclass(frozen=True, slots=True)
class Undo(Action):
    """Undo the latest action not undone (needs the document's log: `bitext.review.apply`)."""

    name: ClassVar[str] = "undo"


@dataclass(frozen=True, slots=True)
class Redo(Action):
    """Redo the action undone last, unless another action came since."""

    name: ClassVar[str] = "redo"


ACTIONS: dict[str, type[Action]] = {
    cls.name: cls for cls in (Merge, Split, Move, Unpair, Pair, Approve, Reject, Edit, Undo, Redo)
}


def parse_action(data: Mapping[str, Any]) -> Action:
    """The action `data` describes (as `Action.to_dict` gives it, or a web request's JSON).

    Raises `ReviewError` for an unknown action or missing or extra fields.
    """
    cls = ACTIONS.get(str(data.get("name")))
    if cls is None:
        raise ReviewError(f"unknown review action {data.get('name')!r}")
    wanted = {f.name: f.type for f in fields(cls)}  # type: ignore[arg-type]
    given = {k: v for k, v in data.items() if k != "name"}
    if set(given) != set(wanted):
        raise ReviewError(f"{cls.name} takes {', '.join(wanted) or 'nothing'}")
    for key, value in given.items():
        expected = str if wanted[key] == "str" else int
        if type(value) is not expected:
            raise ReviewError(f"{cls.name}: {key} must be {expected.__name__}")
    return cls(**given)
