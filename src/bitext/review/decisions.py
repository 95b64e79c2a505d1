"""Review decisions kept in the memory: load a document, apply an action, list progress.

Each action is saved at once, in one SQLite transaction: the document's
beads and corrected sentences, its units and occurrences derived again from
them (so lookups and exports see the decision), a line in its review log
(when, who, the action, the change, for undo and redo) and its version,
raised by one. A caller passes the version it loaded; if the document moved
on since (another tab), `ReviewConflict` says so and nothing is written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

from bitext.errors import OutputError, ReviewConflict, ReviewError
from bitext.tm import TranslationMemory
from bitext.tm._beads import derive_occurrences, read_alignment, write_beads, write_sentences
from bitext.tm._open import saving
from bitext.tm._sql import tmx_date
from bitext.tm.records import ReviewBead, ReviewSentence

from .actions import Action, Change, DocumentState, Redo, Undo, apply_change

__all__ = ["DocumentProgress", "Progress", "ReviewedDocument", "apply", "documents", "load"]

#: What `load` and `apply` say of a document stored before schema 4.
NOT_KEPT = "{path}: stored before bitext kept alignments for review; align it again to review it"


@dataclass(frozen=True, slots=True)
class Progress:
    """How many beads are still to review (``auto``), approved and rejected."""

    to_review: int
    approved: int
    rejected: int


@dataclass(frozen=True, slots=True)
class DocumentProgress:
    """One stored document in the review's list. `version` and `progress` are
    None for a document that kept no alignment (stored before schema 4, or an
    imported TMX): it cannot be reviewed until aligned again."""

    id: int
    path: str
    kind: str
    version: int | None
    progress: Progress | None

    @property
    def reviewable(self) -> bool:
        return self.version is not None


@dataclass(frozen=True, slots=True)
class ReviewedDocument:
    """A document as the review shows it: sentences, beads with status, version."""

    id: int
    path: str
    version: int
    src: tuple[ReviewSentence, ...]
    tgt: tuple[ReviewSentence, ...]
    beads: tuple[ReviewBead, ...]
    src_lang: str
    tgt_lang: str
    can_undo: bool = False
    can_redo: bool = False

    @property
    def state(self) -> DocumentState:
        return DocumentState(self.src, self.tgt, self.beads)

    @property
    def progress(self) -> Progress:
        return _progress(b.status for b in self.beads)


def documents(memory: TranslationMemory) -> list[DocumentProgress]:
    """Every stored document with its review progress, oldest first."""
    con = memory.connection
    counts: dict[int, dict[str, int]] = {}
    for doc_id, status, n in con.execute(
        "SELECT document_id, status, COUNT(*) FROM beads GROUP BY document_id, status"
    ):
        counts.setdefault(doc_id, {})[status] = n
    out = []
    for doc_id, path, kind, version in con.execute(
        "SELECT id, path, kind, review_version FROM documents ORDER BY id"
    ):
        c = counts.get(doc_id, {})
        progress = None if version is None else Progress(*(c.get(s, 0) for s in _STATUSES))
        out.append(DocumentProgress(doc_id, path, kind, version, progress))
    return out


def load(memory: TranslationMemory, document_id: int) -> ReviewedDocument:
    """Document `document_id` for review; `ReviewError` if there is none or it kept no beads."""
    con = memory.connection
    con.execute("BEGIN")  # one snapshot for every read below, even while another writes
    try:
        return _read(con, document_id)
    finally:
        con.execute("COMMIT")


def apply(
    memory: TranslationMemory,
    document_id: int,
    action: Action,
    *,
    expected_version: int,
    user: str | None = None,
) -> ReviewedDocument:
    """Apply `action` to document `document_id` and save it at once; the document after it.

    Raises `ReviewConflict` (with the `current` version) when the document's
    version is not `expected_version`, `ReviewError` when the action does not
    fit the document (nothing is written then), `OutputError` when the memory
    cannot be written.
    """
    if memory.read_only:
        raise OutputError(f"{memory.path}: opened read-only; review decisions cannot be saved")
    with saving(memory.path, "the action was not saved"), memory.transaction() as con:
        doc = _read(con, document_id)
        if doc.version != expected_version:
            raise ReviewConflict(
                f"{doc.path}: changed since loaded (version {doc.version}, not "
                f"{expected_version}); reload it",
                doc.version,
            )
        change, log_id = _change(con, doc, action)
        state = apply_change(doc.state, change)
        _save(con, doc, state, change, action, log_id, user)
        undo, redo = _history(con, doc.id)
        return replace(
            doc,
            version=doc.version + 1,
            src=state.src,
            tgt=state.tgt,
            beads=state.beads,
            can_undo=undo,
            can_redo=redo,
        )


def _change(con: sqlite3.Connection, doc: ReviewedDocument, action: Action) -> tuple[Change, int]:
    """The change `action` makes, and for undo and redo the log line it undoes or redoes."""
    if not isinstance(action, Undo | Redo):
        return action.change(doc.state), 0
    undo = isinstance(action, Undo)
    row = con.execute(_UNDO_TARGET if undo else _REDO_TARGET, (doc.id,)).fetchone()
    if row is None:
        raise ReviewError(f"{doc.path}: nothing to {action.name}")
    change = _decode(json.loads(row[1]))
    return (change.inverse() if undo else change), int(row[0])


def _save(
    con: sqlite3.Connection,
    doc: ReviewedDocument,
    state: DocumentState,
    change: Change,
    action: Action,
    log_id: int,
    user: str | None,
) -> None:
    if len(change.after) == len(change.before):  # the same beads, some decided otherwise
        write_beads(con, doc.id, change.after, start=change.start, replaced=len(change.before))
    else:
        write_beads(con, doc.id, state.beads)
    write_sentences(con, doc.id, [new for _, new in change.edits])
    if isinstance(action, Undo):
        con.execute("UPDATE review_log SET undone = 1 WHERE id = ?", (log_id,))
    elif isinstance(action, Redo):
        con.execute("UPDATE review_log SET undone = 0 WHERE id = ?", (log_id,))
    else:  # a new action: what was undone before it can no longer be redone
        con.execute(
            "UPDATE review_log SET undone = 2 WHERE document_id = ? AND undone = 1", (doc.id,)
        )
    now = tmx_date()
    con.execute(
        "INSERT INTO review_log (document_id, at, user, action, change, undone)"
        " VALUES (?,?,?,?,?,?)",
        (
            doc.id,
            now,
            user,
            json.dumps(action.to_dict()),
            json.dumps(_encode(change)),
            -1 if isinstance(action, Undo | Redo) else 0,
        ),
    )
    con.execute("UPDATE documents SET review_version = review_version + 1 WHERE id = ?", (doc.id,))
    # The units of the beads the action replaced, and of those holding a corrected sentence.
    edited = {(new.side, new.index) for _, new in change.edits}
    derive_occurrences(
        con,
        doc.id,
        (state.src, state.tgt),
        [*change.before, *_holding(doc.beads, edited)],
        [*change.after, *_holding(state.beads, edited)],
        now,
    )


def _holding(beads: Iterable[ReviewBead], sentences: set[tuple[str, int]]) -> list[ReviewBead]:
    """The beads holding one of `sentences` ((side, index) pairs)."""
    if not sentences:
        return []
    return [
        b
        for b in beads
        if any(("src", i) in sentences for i in b.src)
        or any(("tgt", j) in sentences for j in b.tgt)
    ]


# The log's `undone`: 0 done, 1 undone (can be redone), 2 undone and past redoing,
# -1 an undo or redo itself (never a target of either).
_UNDO_TARGET = (
    "SELECT id, change FROM review_log WHERE document_id = ? AND undone = 0 ORDER BY id DESC"
)
_REDO_TARGET = "SELECT id, change FROM review_log WHERE document_id = ? AND undone = 1 ORDER BY id"
_STATUSES = ("auto", "approved", "rejected")


def _read(con: sqlite3.Connection, document_id: int) -> ReviewedDocument:
    row = con.execute(
        "SELECT path, review_version, src_lang, tgt_lang FROM documents WHERE id = ?",
        (document_id,),
    ).fetchone()
    if row is None:
        raise ReviewError(f"no document {document_id} in the memory")
    path, version, src_lang, tgt_lang = row
    if version is None:
        raise ReviewError(NOT_KEPT.format(path=path))
    src, tgt, beads = read_alignment(con, document_id)
    return ReviewedDocument(
        document_id,
        path,
        version,
        src,
        tgt,
        beads,
        src_lang,
        tgt_lang,
        *_history(con, document_id),
    )


def _history(con: sqlite3.Connection, document_id: int) -> tuple[bool, bool]:
    """Whether the document's log holds an action to undo, and one to redo."""
    undo, redo = (
        con.execute(sql + " LIMIT 1", (document_id,)).fetchone() is not None
        for sql in (_UNDO_TARGET, _REDO_TARGET)
    )
    return undo, redo


def _progress(statuses: Iterable[str]) -> Progress:
    counts = dict.fromkeys(_STATUSES, 0)
    for status in statuses:
        counts[status] += 1
    return Progress(*counts.values())


def _encode(change: Change) -> dict[str, object]:
    return asdict(change)


def _decode(data: dict[str, list]) -> Change:
    def bead(b: dict) -> ReviewBead:
        return ReviewBead(tuple(b["src"]), tuple(b["tgt"]), b["score"], b["doubt"], b["status"])

    def sentence(s: dict) -> ReviewSentence:
        return ReviewSentence(**{**s, "flags": tuple(s["flags"])})

    return Change(
        int(data["start"]),  # type: ignore[call-overload]
        tuple(bead(b) for b in data["before"]),
        tuple(bead(b) for b in data["after"]),
        tuple((sentence(o), sentence(n)) for o, n in data["edits"]),
    )
