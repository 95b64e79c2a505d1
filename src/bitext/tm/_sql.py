"""The store's SQL: schema, the unit query, conversions between rows and values, errors."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .records import Unit

#: 2: a unit's tag follows its text (Traditional units tagged zh-HK/zh-TW, not zh-CN).
#: 3: an occurrence keeps why the aligner doubted it (`Bead.doubt`), for the review of held units.
#: 4: a document keeps its alignment (sentences, beads with a review status), a review
#: log and a version; an occurrence keeps its bead's status (approved by a reviewer)
#: and first source sentence (which bead it is, so an action rewrites that bead's only).
SCHEMA_VERSION = 4
APPLICATION = "bitext translation memory"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"  # TMX's, so dates go into TMX unchanged

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    settings_hash TEXT NOT NULL,
    settings TEXT NOT NULL,
    added TEXT NOT NULL,
    layout TEXT,
    src_sentences INTEGER NOT NULL DEFAULT 0,
    tgt_sentences INTEGER NOT NULL DEFAULT 0,
    pairs INTEGER NOT NULL DEFAULT 0,
    review_version INTEGER,
    src_lang TEXT,
    tgt_lang TEXT,
    UNIQUE (content_hash, settings_hash)
);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    src_lang TEXT NOT NULL,
    tgt_lang TEXT NOT NULL,
    src TEXT NOT NULL,
    tgt TEXT NOT NULL,
    created TEXT NOT NULL,
    changed TEXT NOT NULL,
    vector BLOB,
    embed_model TEXT,
    UNIQUE (src_lang, tgt_lang, src, tgt)
);
CREATE TABLE IF NOT EXISTS occurrences (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    paragraph INTEGER,
    kind TEXT,
    score REAL,
    flags TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL DEFAULT 1,
    doubt TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'auto',
    sentence INTEGER
);
CREATE TABLE IF NOT EXISTS sentences (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    side TEXT NOT NULL,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    original TEXT,
    paragraph INTEGER,
    flags TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, side, idx)
);
CREATE TABLE IF NOT EXISTS beads (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    src TEXT NOT NULL,
    tgt TEXT NOT NULL,
    score REAL,
    doubt TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'auto',
    PRIMARY KEY (document_id, position)
);
CREATE TABLE IF NOT EXISTS review_log (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    user TEXT,
    action TEXT NOT NULL,
    change TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS review_log_document ON review_log (document_id);
CREATE INDEX IF NOT EXISTS occurrences_unit ON occurrences (unit_id);
CREATE INDEX IF NOT EXISTS occurrences_document ON occurrences (document_id);
CREATE INDEX IF NOT EXISTS occurrences_bead ON occurrences (document_id, sentence);
CREATE INDEX IF NOT EXISTS documents_content ON documents (content_hash);
"""

#: A unit is approved when one of its occurrences is: imported from a TMX without a
#: score (a CAT tool's memory, approved by translators), or a bead a reviewer approved.
APPROVED = "(COUNT(o.score) < COUNT(*) OR MAX(o.status = 'approved'))"

# Unit rows with what their occurrences say; {where} and {having} are filled by `units`.
# An occurrence without a score comes from an imported TMX (a CAT tool's approved
# memory). `o.doubt` is a bare column beside the query's one MAX(): SQLite takes it
# from the row holding the best score, so the doubt shown is that of the best occurrence.
UNIT_SELECT = """
SELECT u.id, u.src, u.tgt, u.src_lang, u.tgt_lang, SUM(o.count), MAX(o.score),
       GROUP_CONCAT(NULLIF(o.flags, ''), ','), u.created, u.changed,
       {approved}, o.doubt
FROM units u JOIN occurrences o ON o.unit_id = u.id
{where}
GROUP BY u.id
{having}
ORDER BY u.id
""".replace("{approved}", APPROVED)


def fingerprint(settings: dict[str, Any]) -> str:
    """A short stable hash of alignment settings: same settings, same fingerprint."""
    text = json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def tmx_date(value: str | datetime | None = None) -> str:
    """A date in TMX form (``20261126T201500Z``) from a datetime, an ISO date or None (now)."""
    if value is None:
        return datetime.now(UTC).strftime(DATE_FORMAT)
    if isinstance(value, str):
        try:
            return datetime.strptime(value, DATE_FORMAT).strftime(DATE_FORMAT)
        except ValueError:
            pass
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD or ISO 8601)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(DATE_FORMAT)


def vector_blob(vector: np.ndarray) -> bytes:
    # float16 halves the file; cosines stay within ~1e-3 of float32.
    return np.asarray(vector, dtype=np.float16).tobytes()


def end_of_day(value: str | datetime) -> str:
    """The last second of a date given without a time, so `until` includes that day."""
    if isinstance(value, str) and len(value) == 10:
        return tmx_date(value + "T23:59:59")
    return tmx_date(value)


def unit_from_row(row: tuple[Any, ...]) -> Unit:
    uid, src, tgt, src_lang, tgt_lang, count, score, flags, created, changed, approved, doubt = row
    return Unit(
        id=uid,
        src=src,
        tgt=tgt,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        count=int(count or 0),
        score=score,
        flags=tuple(dict.fromkeys(f for f in (flags or "").split(",") if f)),
        created=created,
        changed=changed,
        approved=bool(approved),
        doubt=doubt or "",
    )


#: SQLite result codes that mean "this file cannot be written now", not a bug in bitext.
WRITE_FAILURES = frozenset(
    {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_READONLY}
)


def cannot_write(exc: sqlite3.Error) -> bool:
    """A full disk, a file size limit, a read-only file or a lock held past the timeout."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in WRITE_FAILURES
