"""Reviewing an alignment before it enters the memory: the actions and the decisions kept.

    from bitext.review import Approve, Merge, apply, documents, load
    from bitext.tm import TranslationMemory

    with TranslationMemory("office.sqlite") as memory:
        doc = load(memory, documents(memory)[0].id)
        doc = apply(memory, doc.id, Merge(3), expected_version=doc.version, user="kc")
        doc = apply(memory, doc.id, Approve(3), expected_version=doc.version)

Actions (`bitext.review.actions`) are pure: each checks that it fits a
document's beads and says what it changes. `apply` saves one at once in the
memory, raising `ReviewConflict` when the document moved on since it was
loaded; the memory's units, lookups and exports follow the decisions.
"""

from __future__ import annotations

from bitext.errors import ReviewConflict, ReviewError
from bitext.tm.records import BEAD_STATUSES, ReviewBead, ReviewSentence

from .actions import (
    Action,
    Approve,
    Change,
    DocumentState,
    Edit,
    Merge,
    Move,
    Pair,
    Redo,
    Reject,
    Split,
    Undo,
    Unpair,
    apply_change,
    check_partition,
    parse_action,
)
from .decisions import DocumentProgress, Progress, ReviewedDocument, apply, documents, load

__all__ = [
    "BEAD_STATUSES",
    "Action",
    "Approve",
    "Change",
    "DocumentProgress",
    "DocumentState",
    "Edit",
    "Merge",
    "Move",
    "Pair",
    "Progress",
    "Redo",
    "Reject",
    "ReviewBead",
    "ReviewConflict",
    "ReviewError",
    "ReviewSentence",
    "ReviewedDocument",
    "Split",
    "Undo",
    "Unpair",
    "apply",
    "apply_change",
    "check_partition",
    "documents",
    "load",
    "parse_action",
]
