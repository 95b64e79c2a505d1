"""Keeping a reviewer's decisions when a document is aligned again.

A rerun with other settings replaces a document's alignment. What a reviewer
decided must survive it: each approved or rejected bead whose sentences (by
the aligner's text) are still there, in the same order, is imposed on the new
alignment, and each corrected sentence keeps its correction. The new beads
that overlap a carried-over one are cut around it; the rest of the document
is as the new settings aligned it. A decision whose sentences are gone (the
release itself changed) is dropped: there is nothing left it could apply to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bitext.normalize.zh_script import to_simplified

from ._beads import derive_occurrences, read_alignment, write_beads, write_sentences
from .records import DocumentRecord, ReviewBead, ReviewSentence

__all__ = ["Decisions", "impose", "keep_alignment", "previous_decisions"]

#: Why a new bead was cut: it overlapped a bead the reviewer had decided.
RESPLIT = "cut around a bead a reviewer decided"


@dataclass(frozen=True, slots=True)
class Decisions:
    """A document's human decisions, by text: decided beads in order, and corrections."""

    #: (source texts, target texts, the bead at its old indices) of each approved or
    #: rejected bead; the Chinese as `key` gives it.
    beads: tuple[tuple[tuple[str, ...], tuple[str, ...], ReviewBead], ...]
    #: (side, old index, the aligner's text as `key` gives it, the reviewer's text) of
    #: each corrected sentence.
    edits: tuple[tuple[str, int, str, str], ...]


def key(sentence: ReviewSentence) -> str:
    """What a sentence is found again by: the aligner's text, the Chinese in Simplified
    (a rerun with another `--zh-script` writes the same sentence in another script)."""
    text = sentence.original or sentence.text
    return to_simplified(text) if sentence.side == "src" else text


def previous_decisions(con: sqlite3.Connection, doc_ids: Sequence[int]) -> Decisions | None:
    """The decisions kept for the newest of `doc_ids` that kept its alignment, if any."""
    for doc_id in sorted(doc_ids, reverse=True):
        src, tgt, beads = read_alignment(con, doc_id)
        if not beads:
            continue
        decided = tuple(
            (tuple(key(src[i]) for i in b.src), tuple(key(tgt[j]) for j in b.tgt), b)
            for b in beads
            if b.status != "auto"
        )
        edits = tuple(
            (s.side, k, key(s), s.text)
            for side in (src, tgt)
            for k, s in enumerate(side)
            if s.original is not None
        )
        return Decisions(decided, edits) if decided or edits else None
    return None


def impose(
    src: Sequence[ReviewSentence],
    tgt: Sequence[ReviewSentence],
    beads: Sequence[ReviewBead],
    decisions: Decisions,
) -> tuple[list[ReviewSentence], list[ReviewSentence], list[ReviewBead]]:
    """The new alignment (`src`, `tgt`, `beads`) with `decisions` carried over."""
    sides = {"src": list(src), "tgt": list(tgt)}
    for side, old, found, text in decisions.edits:
        keys = [key(s) if s.original is None else None for s in sides[side]]
        k = _find_run(keys, (found,), 0, old)  # the same text nearest where it was
        if k is not None:
            sentence = sides[side][k]
            sides[side][k] = replace(sentence, text=text, original=sentence.text)
    placed = _place(sides["src"], sides["tgt"], beads, decisions)
    return sides["src"], sides["tgt"], _rebuild(len(src), len(tgt), beads, placed)


def _place(
    src: Sequence[ReviewSentence],
    tgt: Sequence[ReviewSentence],
    beads: Sequence[ReviewBead],
    decisions: Decisions,
) -> list[ReviewBead]:
    """The decided beads found in the new text, as beads over its indices, in order."""
    src_key: list[str | None] = [key(s) for s in src]
    tgt_key: list[str | None] = [key(s) for s in tgt]
    # Where each side starts in each new bead: a sentence without counterpart is
    # placed on its empty side where the new alignment has its neighbours.
    starts, s_at, t_at = [], 0, 0
    for bead in beads:
        starts.append((s_at, t_at))
        s_at, t_at = s_at + len(bead.src), t_at + len(bead.tgt)
    bead_of_src = {i: k for k, b in enumerate(beads) for i in b.src}
    bead_of_tgt = {j: k for k, b in enumerate(beads) for j in b.tgt}
    placed: list[ReviewBead] = []
    cur_s = cur_t = 0
    for src_texts, tgt_texts, bead in decisions.beads:
        # Nearest where the bead was: a text that repeats (a dateline, "Contact: …")
        # must not carry a decision to its other occurrence.
        s0 = _find_run(src_key, src_texts, cur_s, bead.src[0] if bead.src else cur_s)
        t0 = _find_run(tgt_key, tgt_texts, cur_t, bead.tgt[0] if bead.tgt else cur_t)
        if s0 is None or t0 is None:
            continue
        if not src_texts:
            s0 = max(cur_s, starts[bead_of_tgt[t0]][0]) if tgt_texts else cur_s
        if not tgt_texts:
            t0 = max(cur_t, starts[bead_of_src[s0]][1]) if src_texts else cur_t
        s1, t1 = s0 + len(src_texts), t0 + len(tgt_texts)
        placed.append(replace(bead, src=tuple(range(s0, s1)), tgt=tuple(range(t0, t1))))
        cur_s, cur_t = s1, t1
    return placed


def _find_run(keys: Sequence[str | None], run: Sequence[str], start: int, near: int) -> int | None:
    """The index at or after `start` nearest `near` where `run` occurs in `keys`
    (`start` if `run` is empty)."""
    if not run:
        return start
    found = [
        k
        for k in range(start, len(keys) - len(run) + 1)
        if keys[k] == run[0] and tuple(keys[k : k + len(run)]) == tuple(run)
    ]
    return min(found, key=lambda k: (abs(k - near), k)) if found else None


def _rebuild(
    n_src: int, n_tgt: int, beads: Sequence[ReviewBead], placed: Sequence[ReviewBead]
) -> list[ReviewBead]:
    """`beads` cut around the `placed` ones, and those put in: a partition of both sides.

    The sentences between two placed beads (a gap) keep the new beads they
    were in, each cut to what of it lies in that gap.
    """
    gap_src, gap_tgt = [-1] * n_src, [-1] * n_tgt
    s_prev = t_prev = 0
    for k, bead in enumerate([*placed, ReviewBead((n_src,), (n_tgt,))]):
        s0 = bead.src[0] if bead.src else s_prev
        t0 = bead.tgt[0] if bead.tgt else t_prev
        for i in range(s_prev, s0):
            gap_src[i] = k
        for j in range(t_prev, t0):
            gap_tgt[j] = k
        s_prev, t_prev = s0 + len(bead.src), t0 + len(bead.tgt)
    pieces: list[list[ReviewBead]] = [[] for _ in range(len(placed) + 1)]
    for bead in beads:
        by_gap: dict[int, tuple[list[int], list[int]]] = {}
        for i in bead.src:
            if gap_src[i] >= 0:
                by_gap.setdefault(gap_src[i], ([], []))[0].append(i)
        for j in bead.tgt:
            if gap_tgt[j] >= 0:
                by_gap.setdefault(gap_tgt[j], ([], []))[1].append(j)
        for k, (left, right) in sorted(by_gap.items()):
            whole = tuple(left) == bead.src and tuple(right) == bead.tgt
            piece = bead if whole else ReviewBead(tuple(left), tuple(right), None, RESPLIT)
            pieces[k].append(piece)
    out: list[ReviewBead] = []
    for k, gap in enumerate(pieces):
        out.extend(gap)
        if k < len(placed):
            out.append(placed[k])
    return out


def keep_alignment(
    con: sqlite3.Connection,
    doc_id: int,
    record: DocumentRecord,
    previous: Decisions | None,
    now: str,
    version: int = 0,
) -> None:
    """Store `record`'s alignment for document `doc_id`, `previous` decisions carried over.

    `version` goes on from the replaced document's: a tab still showing the old
    alignment (the id may come back) holds an older version and gets a conflict.

    The document's occurrences were stored from `record.pairs`; with decisions
    carried over they are derived again from the beads, as after a review action.
    """
    if record.beads is None:
        return
    src = [s for s in record.sentences if s.side == "src"]
    tgt = [s for s in record.sentences if s.side == "tgt"]
    beads = list(record.beads)
    if previous is not None:
        src, tgt, beads = impose(src, tgt, beads, previous)
    write_sentences(con, doc_id, [*src, *tgt])
    write_beads(con, doc_id, beads)
    con.execute("UPDATE documents SET review_version = ? WHERE id = ?", (version, doc_id))
    if previous is not None:  # the pairs stored were the new alignment's: now as decided
        derive_occurrences(con, doc_id, (src, tgt), record.beads, beads, now)
