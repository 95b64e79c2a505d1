"""A stored document's alignment: its sentences and beads, and the units they make.

Since schema 4 the memory keeps, per aligned document, both sides' sentences
and every bead in order with its review status. The document's occurrences
are derived from those beads (`derive_occurrences`): at the first storing and
again after every review action, so lookups and exports see what the
reviewer decided. A rejected bead yields no occurrence; an edited sentence
yields its corrected text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from bitext.lang import joiner

from .records import ReviewBead, ReviewSentence

__all__ = [
    "derive_occurrences",
    "read_alignment",
    "unit_id",
    "write_beads",
    "write_sentences",
]

#: The score an occurrence of an unscored bead (one a reviewer reshaped) is stored
#: with until approved: a score of NULL would mean "imported, approved" to the queries.
UNSCORED = 0.0


def unit_id(
    con: sqlite3.Connection, src_lang: str, tgt_lang: str, src: str, tgt: str, now: str
) -> tuple[int, bool]:
    """The id of the unit with these languages and texts (created if new), and whether new."""
    row = con.execute(
        "SELECT id FROM units WHERE src_lang = ? AND tgt_lang = ? AND src = ? AND tgt = ?",
        (src_lang, tgt_lang, src, tgt),
    ).fetchone()
    if row is not None:
        con.execute("UPDATE units SET changed = ? WHERE id = ?", (now, row[0]))
        return int(row[0]), False
    cur = con.execute(
        "INSERT INTO units (src_lang, tgt_lang, src, tgt, created, changed) VALUES (?,?,?,?,?,?)",
        (src_lang, tgt_lang, src, tgt, now, now),
    )
    return int(cur.lastrowid or 0), True


def write_sentences(
    con: sqlite3.Connection, doc_id: int, sentences: Sequence[ReviewSentence]
) -> None:
    """Insert or replace `sentences` of document `doc_id`."""
    con.executemany(
        "INSERT OR REPLACE INTO sentences (document_id, side, idx, text, original, paragraph,"
        " flags) VALUES (?,?,?,?,?,?,?)",
        [
            (doc_id, s.side, s.index, s.text, s.original, s.paragraph, ",".join(s.flags))
            for s in sentences
        ],
    )


def write_beads(con: sqlite3.Connection, doc_id: int, beads: Sequence[ReviewBead]) -> None:
    """Replace the beads of document `doc_id` by `beads`, in this order."""
    con.execute("DELETE FROM beads WHERE document_id = ?", (doc_id,))
    con.executemany(
        "INSERT INTO beads (document_id, position, src, tgt, score, doubt, status)"
        " VALUES (?,?,?,?,?,?,?)",
        [
            (doc_id, k, json.dumps(b.src), json.dumps(b.tgt), b.score, b.doubt, b.status)
            for k, b in enumerate(beads)
        ],
    )


def read_alignment(
    con: sqlite3.Connection, doc_id: int
) -> tuple[tuple[ReviewSentence, ...], tuple[ReviewSentence, ...], tuple[ReviewBead, ...]]:
    """Source sentences, target sentences and beads of document `doc_id`, in order."""
    sides: dict[str, list[ReviewSentence]] = {"src": [], "tgt": []}
    for side, idx, text, original, paragraph, flags in con.execute(
        "SELECT side, idx, text, original, paragraph, flags FROM sentences"
        " WHERE document_id = ? ORDER BY side, idx",
        (doc_id,),
    ):
        flag_tuple = tuple(f for f in flags.split(",") if f)
        sides[side].append(ReviewSentence(side, idx, text, paragraph, flag_tuple, original))
    beads = tuple(
        ReviewBead(tuple(json.loads(src)), tuple(json.loads(tgt)), score, doubt, status)
        for src, tgt, score, doubt, status in con.execute(
            "SELECT src, tgt, score, doubt, status FROM beads WHERE document_id = ?"
            " ORDER BY position",
            (doc_id,),
        )
    )
    return tuple(sides["src"]), tuple(sides["tgt"]), beads


def derive_occurrences(con: sqlite3.Connection, doc_id: int, now: str) -> int:
    """Rebuild document `doc_id`'s occurrences from its beads; returns the pairs stored.

    Units no occurrence refers to any more (a pair the reviewer rejected,
    split or corrected) are deleted; units still referred to keep their id and
    embedding.
    """
    src_lang, tgt_lang = con.execute(
        "SELECT src_lang, tgt_lang FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    src, tgt, beads = read_alignment(con, doc_id)
    before = [
        row[0]
        for row in con.execute("SELECT unit_id FROM occurrences WHERE document_id = ?", (doc_id,))
    ]
    con.execute("DELETE FROM occurrences WHERE document_id = ?", (doc_id,))
    pairs = 0
    for bead in beads:
        if not bead.is_pair or bead.status == "rejected":
            continue
        left, right = [src[i] for i in bead.src], [tgt[j] for j in bead.tgt]
        uid, _ = unit_id(
            con,
            src_lang,
            tgt_lang,
            joiner(src_lang).join(s.text for s in left),
            joiner(tgt_lang).join(s.text for s in right),
            now,
        )
        flags = ",".join(dict.fromkeys(f for s in (*left, *right) for f in s.flags))
        score = UNSCORED if bead.score is None else bead.score
        con.execute(
            "INSERT INTO occurrences (unit_id, document_id, paragraph, kind, score, flags,"
            " doubt, status) VALUES (?,?,?,?,?,?,?,?)",
            (uid, doc_id, left[0].paragraph, bead.kind, score, flags, bead.doubt, bead.status),
        )
        pairs += 1
    con.execute("UPDATE documents SET pairs = ? WHERE id = ?", (pairs, doc_id))
    # Only this document's former units can have lost their last occurrence: checking
    # those, not the whole memory, keeps an action's time independent of its size.
    con.execute(
        "DELETE FROM units WHERE id IN (SELECT value FROM json_each(?)) AND NOT EXISTS "
        "(SELECT 1 FROM occurrences o WHERE o.unit_id = units.id)",
        (json.dumps(before),),
    )
    return pairs
