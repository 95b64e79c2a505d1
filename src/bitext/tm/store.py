"""The translation memory's SQLite store: one file, several readers and one writer.

Units are distinct (source, target, languages) pairs; every time a pair is seen
(in an aligned release or an imported TMX) an occurrence row records where,
so counts, best scores, flags and provenance are all derived from occurrences.
A document is added in one transaction: a run killed halfway leaves every
finished document complete and no trace of the unfinished one. WAL mode lets
readers search while a batch writes.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from bitext.errors import OutputError
from bitext.lang import normalize_tag
from bitext.model import EXPORT_MIN_SCORE

from ._beads import insert_pairs
from ._carry import keep_alignment, previous_decisions
from ._migrate import shimmed
from ._open import connect, immediate, saving
from ._sql import (
    APPROVED,
    UNIT_SELECT,
    end_of_day,
    fingerprint,
    tmx_date,
    unit_from_row,
)
from .lookup import Lookups
from .records import DocumentRecord, Origin, StoredDocument, Unit

__all__ = ["AddResult", "TranslationMemory", "fingerprint", "tmx_date"]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What adding one document did: its row id, new units, and occurrences recorded.

    `skipped` is true when the same content with the same settings was already
    stored (nothing was written).
    """

    document_id: int
    units_added: int
    occurrences: int
    skipped: bool = False


class TranslationMemory(Lookups):
    """A translation memory in one SQLite file (created when missing).

    Use as a context manager or call `close`. Lookups (`search`, `semantic`,
    `concordance`) come from `bitext.tm.lookup` and are methods here too.
    `read_only` (implies not `create`) opens it for lookups and export only,
    writing nothing at all, so a memory in a read-only folder can be used.
    A file that is not a memory is refused before anything is written to it.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True, read_only: bool = False
    ) -> None:
        self.path = Path(path)
        self._writes, self.read_only = 0, read_only
        self._con = connect(self.path, create=create, read_only=read_only)
        self._index: Any = None
        self._index_key: tuple[int, int] | None = None

    # -- housekeeping ------------------------------------------------------------------

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection, for the review's reads and writes (`bitext.review`)."""
        return self._con

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (`immediate`), counted so that lookup caches see it."""
        with immediate(self._con) as con:
            yield con
        self._writes += 1

    def version(self) -> tuple[int, int]:
        """Changes whenever this or another connection committed: when caches go stale."""
        return self._con.execute("PRAGMA data_version").fetchone()[0], self._writes

    # -- adding ------------------------------------------------------------------------

    def has_document(self, content_hash: str, settings: dict[str, Any]) -> bool:
        """Is this content, aligned with these settings, already stored?"""
        row = self._con.execute(
            "SELECT 1 FROM documents WHERE content_hash = ? AND settings_hash = ?",
            (content_hash, fingerprint(settings)),
        ).fetchone()
        return row is not None

    def add(self, record: DocumentRecord) -> AddResult:
        """Store one document's pairs in one transaction.

        The same content stored before with other settings is replaced (its
        occurrences removed, units left without any occurrence deleted), so a
        document is in the memory once, aligned the latest way. The same content
        with the same settings is skipped.

        Raises `OutputError` (one line, naming the memory and the document) when
        the file cannot be written: a full disk, a file size limit, a read-only
        file, a lock held by another writer past the timeout. Nothing of the
        document is stored then, and everything stored before is kept.
        """
        if record.vectors is not None and len(record.vectors) != len(record.pairs):
            raise ValueError(f"{len(record.vectors)} vectors for {len(record.pairs)} pairs")
        if shimmed(self._con):  # an old memory that could not be upgraded when opened
            raise OutputError(
                f"{self.path}: made by an older bitext and not upgraded (it could not be "
                f"written when opened); open it again to store {record.path}"
            )
        with saving(self.path, f"{record.path} was not stored"), self.transaction() as con:
            return self._store(con, record)

    def _store(self, con: sqlite3.Connection, record: DocumentRecord) -> AddResult:
        """`add`'s statements, inside its transaction."""
        settings_hash = fingerprint(record.settings)
        now = tmx_date()
        src_lang, tgt_lang = normalize_tag(record.src_lang), normalize_tag(record.tgt_lang)
        old = con.execute(
            "SELECT id, settings_hash FROM documents WHERE content_hash = ? AND kind = ?",
            (record.content_hash, record.kind),
        ).fetchall()
        for doc_id, old_hash in old:
            if old_hash == settings_hash:
                return AddResult(doc_id, 0, 0, skipped=True)
        # Read before the old rows go: a reviewer's decisions outlive a realignment.
        previous = previous_decisions(con, [d for d, _ in old])
        version = 0
        if old:
            marks = ",".join("?" * len(old))
            last = con.execute(
                f"SELECT MAX(review_version) FROM documents WHERE id IN ({marks})",
                [d for d, _ in old],
            ).fetchone()[0]
            version = 0 if last is None else last + 1
            con.executemany("DELETE FROM documents WHERE id = ?", [(d,) for d, _ in old])
            con.execute(
                "DELETE FROM units WHERE NOT EXISTS "
                "(SELECT 1 FROM occurrences o WHERE o.unit_id = units.id)"
            )
        doc_id = con.execute(
            "INSERT INTO documents (path, kind, content_hash, settings_hash, settings, added,"
            " layout, src_sentences, tgt_sentences, pairs, src_lang, tgt_lang)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                record.path,
                record.kind,
                record.content_hash,
                settings_hash,
                json.dumps(record.settings, sort_keys=True, ensure_ascii=False, default=str),
                now,
                record.layout,
                record.src_sentences,
                record.tgt_sentences,
                len(record.pairs),
                src_lang,
                tgt_lang,
            ),
        ).lastrowid
        added = insert_pairs(con, int(doc_id or 0), record, (src_lang, tgt_lang), now)
        keep_alignment(con, int(doc_id or 0), record, previous, now, version)
        return AddResult(int(doc_id or 0), added, len(record.pairs))

    # -- reading -----------------------------------------------------------------------

    def documents(self) -> list[StoredDocument]:
        """Every stored document (releases and imported TMX files), oldest first."""
        rows = self._con.execute(
            "SELECT id, path, kind, content_hash, settings_hash, added, pairs, src_sentences,"
            " tgt_sentences FROM documents ORDER BY id"
        )
        return [StoredDocument(*row) for row in rows]

    def __len__(self) -> int:
        return int(self._con.execute("SELECT COUNT(*) FROM units").fetchone()[0])

    def units(
        self,
        *,
        min_score: float | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        document: str | None = None,
        flag: str | None = None,
        unflagged: bool = False,
        ids: Sequence[int] | None = None,
        held: bool = False,
        approved_only: bool = False,
    ) -> list[Unit]:
        """Units, oldest first, filtered.

        `min_score`: best confidence at least this, or approved (imported from
        a TMX without a score: a CAT tool's memory); `held`: instead, only the
        units held back for review, below `min_score` (default
        `EXPORT_MIN_SCORE`) and not approved; `since`/`until`: last seen in this date range
        (inclusive; ISO dates); `document`: seen in a document whose path
        matches this glob (``*2024*``) or equals it; `flag`: carrying this
        flag; `unflagged`: carrying none; `approved_only`: only the approved
        units (a reviewer approved one of its beads, or imported without a score).
        """
        where: list[str] = []
        params: list[Any] = []
        if ids is not None:
            if not ids:
                return []
            # One JSON parameter, not one per id: SQLite caps bound variables (32,766
            # in its default build) and a common term's concordance can exceed that.
            where.append("u.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps([int(i) for i in ids]))
        if since is not None:
            where.append("u.changed >= ?")
            params.append(tmx_date(since))
        if until is not None:
            where.append("u.changed <= ?")
            params.append(end_of_day(until))
        if document is not None:
            where.append(
                "u.id IN (SELECT o2.unit_id FROM occurrences o2 JOIN documents d"
                " ON d.id = o2.document_id WHERE d.path = ? OR d.path GLOB ?)"
            )
            params.extend([document, document])
        having, hparams = _having(held, min_score, approved_only)
        sql = UNIT_SELECT.format(
            where="WHERE " + " AND ".join(where) if where else "",
            having="HAVING " + " AND ".join(having) if having else "",
        )
        units = [unit_from_row(row) for row in self._con.execute(sql, [*params, *hparams])]
        if flag is not None:
            units = [u for u in units if flag in u.flags]
        if unflagged:
            units = [u for u in units if not u.flags]
        return units

    def unit(self, unit_id: int) -> Unit:
        """One unit with its origins (every document it occurred in)."""
        found = self.units(ids=[unit_id])
        if not found:
            raise KeyError(unit_id)
        return self.with_origins(found)[0]

    def with_origins(self, units: Sequence[Unit]) -> list[Unit]:
        """`units` with their `origins` filled in (one query for all)."""
        if not units:
            return []
        ids = [u.id for u in units]
        rows = self._con.execute(
            "SELECT o.unit_id, d.path, o.paragraph, o.kind, o.score, d.added FROM occurrences o"
            " JOIN documents d ON d.id = o.document_id"
            " WHERE o.unit_id IN (SELECT value FROM json_each(?)) ORDER BY o.id",
            (json.dumps(ids),),
        )
        origins: dict[int, list[Origin]] = {}
        for uid, *rest in rows:
            origins.setdefault(uid, []).append(Origin(*rest))
        return [replace(u, origins=tuple(origins.get(u.id, ()))) for u in units]

    def rows(self, *, after: int = 0) -> list[tuple[int, str, str, str, str]]:
        """(id, src, tgt, src_lang, tgt_lang) of the units with an id above `after`, by id."""
        return list(
            self._con.execute(
                "SELECT id, src, tgt, src_lang, tgt_lang FROM units WHERE id > ? ORDER BY id",
                (after,),
            )
        )

    def vectors(self) -> tuple[np.ndarray, np.ndarray, str | None]:
        """Unit ids with a stored embedding, the embeddings (float32), and their model."""
        rows = self._con.execute(
            "SELECT id, vector, embed_model FROM units WHERE vector IS NOT NULL ORDER BY id"
        ).fetchall()
        if rows:
            # Batches run with another encoder leave vectors of another space (and size):
            # only the most common model's are comparable with one query.
            model = Counter(r[2] for r in rows).most_common(1)[0][0]
            rows = [r for r in rows if r[2] == model]
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), None
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        # One buffer for all blobs: faster than stacking many small arrays.
        flat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16)
        return ids, flat.reshape(len(rows), -1).astype(np.float32), rows[0][2]

    def held_count(self, min_score: float = EXPORT_MIN_SCORE) -> int:
        """How many units are held back for review at `min_score` (see `units(held=True)`)."""
        row = self._con.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM occurrences o GROUP BY o.unit_id"
            f" HAVING MAX(o.score) < ? AND NOT {APPROVED})",
            (min_score,),
        ).fetchone()
        return int(row[0])

    def review_counts(
        self, paths: Sequence[str], min_score: float = EXPORT_MIN_SCORE
    ) -> tuple[int, int, int, int]:
        """Of the aligned releases stored under `paths` (the newest of each path):
        pairs, pairs below `min_score`, and Chinese and English sentences left
        without counterpart (a document's sentences not in any of its pairs)."""
        pairs = held = lonely_src = lonely_tgt = 0
        for path in dict.fromkeys(paths):
            row = self._con.execute(
                "SELECT id, src_sentences, tgt_sentences FROM documents"
                " WHERE path = ? AND kind = 'release' ORDER BY id DESC LIMIT 1",
                (path,),
            ).fetchone()
            if row is None:
                continue
            doc_id, lonely_src_here, lonely_tgt_here = row
            for kind, score, state in self._con.execute(
                "SELECT kind, score, status FROM occurrences WHERE document_id = ?", (doc_id,)
            ):
                n_src, _, n_tgt = (kind or "1-1").partition("-")
                lonely_src_here -= int(n_src)
                lonely_tgt_here -= int(n_tgt)
                pairs += 1
                held += score is not None and score < min_score and state != "approved"
            lonely_src += lonely_src_here
            lonely_tgt += lonely_tgt_here
        return pairs, held, lonely_src, lonely_tgt

    def stats(self) -> dict[str, int]:
        """Counts of documents, units (and of them held back for review) and occurrences."""
        one = self._con.execute
        return {
            "documents": int(one("SELECT COUNT(*) FROM documents").fetchone()[0]),
            "units": len(self),
            "held": self.held_count(),
            "occurrences": int(
                one("SELECT COALESCE(SUM(count), 0) FROM occurrences").fetchone()[0]
            ),
            "with_vectors": int(
                one("SELECT COUNT(*) FROM units WHERE vector IS NOT NULL").fetchone()[0]
            ),
        }


def _having(
    held: bool, min_score: float | None, approved_only: bool
) -> tuple[list[str], list[float]]:
    """`units`' conditions on a unit's occurrences, and their parameters."""
    if held:
        having = [f"MAX(o.score) < ? AND NOT {APPROVED}"]
        params = [EXPORT_MIN_SCORE if min_score is None else min_score]
    elif min_score is not None:
        having, params = [f"(MAX(o.score) >= ? OR {APPROVED})"], [min_score]
    else:
        having, params = [], []
    return [*having, APPROVED] if approved_only else having, params
