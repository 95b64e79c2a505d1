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
from collections.abc import Iterable, Sequence

from bitext.lang import joiner, normalize_tag

from ._sql import vector_blob
from .records import DocumentRecord, ReviewBead, ReviewSentence

__all__ = [
    "derive_occurrences",
    "insert_pairs",
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


def write_beads(
    con: sqlite3.Connection,
    doc_id: int,
    beads: Sequence[ReviewBead],
    *,
    start: int = 0,
    replaced: int | None = None,
) -> None:
    """Write the beads of document `doc_id`: all of them, or when an action replaced
    `replaced` beads from `start` by as many, those rows only."""
    rows = [(_indices(b.src), _indices(b.tgt), b.score, b.doubt, b.status) for b in beads]
    if replaced is not None and len(beads) == replaced:
        con.executemany(
            "UPDATE beads SET src = ?, tgt = ?, score = ?, doubt = ?, status = ?"
            " WHERE document_id = ? AND position = ?",
            [(*row, doc_id, start + k) for k, row in enumerate(rows)],
        )
        return
    con.execute("DELETE FROM beads WHERE document_id = ?", (doc_id,))
    con.executemany(
        "INSERT INTO beads (document_id, position, src, tgt, score, doubt, status)"
        " VALUES (?,?,?,?,?,?,?)",
        [(doc_id, k, *row) for k, row in enumerate(rows)],
    )


def _indices(indices: Sequence[int]) -> str:
    return ",".join(map(str, indices))


def _parse(text: str) -> tuple[int, ...]:
    return tuple(int(i) for i in text.split(",")) if text else ()


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
        flag_tuple = tuple(f for f in flags.split(",") if f) if flags else ()
        sides[side].append(ReviewSentence(side, idx, text, paragraph, flag_tuple, original))
    beads = tuple(
        ReviewBead(_parse(src), _parse(tgt), score, doubt, status)
        for src, tgt, score, doubt, status in con.execute(
            "SELECT src, tgt, score, doubt, status FROM beads WHERE document_id = ?"
            " ORDER BY position",
            (doc_id,),
        )
    )
    return tuple(sides["src"]), tuple(sides["tgt"]), beads


def insert_pairs(
    con: sqlite3.Connection, doc_id: int, record: DocumentRecord, langs: tuple[str, str], now: str
) -> int:
    """Store `record`'s pairs as occurrences of document `doc_id`; returns the new units.

    Each pair is tied to its bead (by the bead's first source sentence) when the
    record keeps its alignment: the pairs are its paired beads, in order.
    """
    firsts: list[int | None] = [b.src[0] for b in record.beads or () if b.is_pair]
    if record.beads is None:  # an imported TMX: no beads to tie its pairs to
        firsts = [None] * len(record.pairs)
    added = 0
    for k, (pair, first) in enumerate(zip(record.pairs, firsts, strict=True)):
        uid, new = unit_id(
            con,
            normalize_tag(pair.src_lang) if pair.src_lang else langs[0],
            normalize_tag(pair.tgt_lang) if pair.tgt_lang else langs[1],
            pair.src,
            pair.tgt,
            now,
        )
        added += new
        if record.vectors is not None:
            con.execute(
                "UPDATE units SET vector = ?, embed_model = ? WHERE id = ?"
                " AND (vector IS NULL OR embed_model IS NOT ?)",
                (vector_blob(record.vectors[k]), record.embed_model, uid, record.embed_model),
            )
        con.execute(
            "INSERT INTO occurrences (unit_id, document_id, paragraph, kind, score, flags,"
            " count, doubt, sentence, status) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                uid,
                doc_id,
                pair.paragraph,
                pair.kind,
                pair.score,
                ",".join(pair.flags),
                pair.count,
                pair.doubt,
                first,
                pair.status,
            ),
        )
    return added


def derive_occurrences(
    con: sqlite3.Connection,
    doc_id: int,
    sides: tuple[Sequence[ReviewSentence], Sequence[ReviewSentence]],
    removed: Iterable[ReviewBead],
    added: Iterable[ReviewBead],
    now: str,
) -> None:
    """Replace the occurrences of document `doc_id`'s `removed` beads by those of its
    `added` beads (over the sentences `sides`): a rejected bead, or one without
    counterpart, has none.

    Units no occurrence refers to any more (a pair the reviewer rejected, split
    or corrected) are deleted; units still referred to keep their id and embedding.
    """
    src_lang, tgt_lang = con.execute(
        "SELECT src_lang, tgt_lang FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    firsts = [b.src[0] for b in removed if b.is_pair]
    before = [
        row[0]
        for row in con.execute(
            "SELECT unit_id FROM occurrences WHERE document_id = ? AND sentence IN"
            " (SELECT value FROM json_each(?))",
            (doc_id, json.dumps(firsts)),
        )
    ]
    con.execute(
        "DELETE FROM occurrences WHERE document_id = ? AND sentence IN"
        " (SELECT value FROM json_each(?))",
        (doc_id, json.dumps(firsts)),
    )
    for bead in {b.src[0]: b for b in added if b.is_pair and b.status != "rejected"}.values():
        _insert(con, doc_id, bead, sides, (src_lang, tgt_lang), now)
    con.execute(
        "UPDATE documents SET pairs = (SELECT COUNT(*) FROM occurrences WHERE document_id = ?)"
        " WHERE id = ?",
        (doc_id, doc_id),
    )
    # Only the units of the beads replaced can have lost their last occurrence: checking
    # those, not the whole memory, keeps an action's time independent of its size.
    con.execute(
        "DELETE FROM units WHERE id IN (SELECT value FROM json_each(?)) AND NOT EXISTS "
        "(SELECT 1 FROM occurrences o WHERE o.unit_id = units.id)",
        (json.dumps(before),),
    )


def _insert(
    con: sqlite3.Connection,
    doc_id: int,
    bead: ReviewBead,
    sides: tuple[Sequence[ReviewSentence], Sequence[ReviewSentence]],
    langs: tuple[str, str],
    now: str,
) -> None:
    """The occurrence of one pair bead of document `doc_id` (its unit made if new)."""
    left, right = [sides[0][i] for i in bead.src], [sides[1][j] for j in bead.tgt]
    texts = (
        joiner(langs[0]).join(s.text for s in left),
        joiner(langs[1]).join(s.text for s in right),
    )
    uid, _ = unit_id(con, *langs, *texts, now)
    flags = ",".join(dict.fromkeys(f for s in (*left, *right) for f in s.flags))
    score = UNSCORED if bead.score is None else bead.score
    con.execute(
        "INSERT INTO occurrences (unit_id, document_id, paragraph, kind, score, flags,"
        " doubt, status, sentence) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            uid,
            doc_id,
            left[0].paragraph,
            bead.kind,
            score,
            flags,
            bead.doubt,
            bead.status,
            bead.src[0],
        ),
    )
