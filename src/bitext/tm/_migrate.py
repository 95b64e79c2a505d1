"""Bringing a memory made by an older bitext up to the current schema.

Schema 2: a unit's tag follows its text. Before it, ``--zh-script traditional``
or ``keep`` stored Traditional Chinese under zh-CN, the batch's fixed tag; CAT
tools file such units as Simplified and an export labelled them so. Units whose
Chinese is Traditional under a Simplified tag are retagged: zh-Hant when a
document they came from was aligned with ``traditional`` (OpenCC's generic
s2t wrote them, 天文臺 for Hong Kong's 天文台: zh-Hant is what bitext now tags
that conversion), else (``keep``, imports) the region their text as a whole
shows (`guess_region`: zh-HK unless Taiwan forms dominate). Texts,
occurrences and vectors stay.

Schema 3: an occurrence keeps why the aligner doubted it (`Bead.doubt`).
Older occurrences get an empty doubt: their scores still say which units are
held back for review, only the reason is unknown until the release is
aligned again.

Schema 4: a document keeps its alignment for review (tables ``sentences``,
``beads``, ``review_log``; a document's ``review_version``), and an occurrence
its bead's status. Documents stored before keep no beads (``review_version``
NULL): the review says so and aligns them again, for beads made up from units
would be wrong wherever the aligner left a sentence without counterpart.
"""

from __future__ import annotations

import sqlite3

from bitext.lang import primary, tag_script
from bitext.normalize.variant import guess_region, text_script

from ._sql import SCHEMA, SCHEMA_VERSION

__all__ = ["migrate", "shim_old_schema", "shimmed"]


def migrate(con: sqlite3.Connection) -> None:
    """Upgrade the memory on `con` to the current schema, inside the caller's transaction."""
    row = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    version = int(row[0]) if row else 0
    if version < 2:
        _retag_traditional(con)
    for table, column, declaration in _ADDED_COLUMNS:
        if column not in _columns(con, table):
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    # The new tables and indexes: the schema's own statements, which leave existing ones alone.
    for statement in SCHEMA.split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION),))


#: Columns added since schema 1: (table, column, declaration), fixed names only.
_ADDED_COLUMNS = (
    ("occurrences", "doubt", "TEXT NOT NULL DEFAULT ''"),
    ("occurrences", "status", "TEXT NOT NULL DEFAULT 'auto'"),
    ("occurrences", "sentence", "INTEGER"),
    ("documents", "review_version", "INTEGER"),
    ("documents", "src_lang", "TEXT"),
    ("documents", "tgt_lang", "TEXT"),
)


def shim_old_schema(con: sqlite3.Connection) -> None:
    """Let the current queries read an older memory that cannot be migrated now.

    A memory in a read-only folder is searched and exported as it is: a
    temporary view (in the connection's own temp schema, nothing written to
    the file) gives its occurrences the columns added since, empty.
    """
    for table in ("occurrences", "documents"):
        have = _columns(con, table)
        missing = [
            f"{declaration.split(' DEFAULT ')[1] if ' DEFAULT ' in declaration else 'NULL'}"
            f" AS {column}"
            for t, column, declaration in _ADDED_COLUMNS
            if t == table and column not in have
        ]
        if missing:
            con.execute(
                f"CREATE TEMP VIEW IF NOT EXISTS {table} AS"
                f" SELECT *, {', '.join(missing)} FROM main.{table}"
            )
    # Empty stand-ins for the review's tables: such a memory kept no alignment.
    tables = _tables(con)
    for statement in SCHEMA.split(";"):
        name = statement.split("EXISTS", 1)[-1].split("(", 1)[0].strip()
        if statement.strip().startswith("CREATE TABLE") and name not in tables:
            con.execute(statement.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))


def shimmed(con: sqlite3.Connection) -> bool:
    """Is `con` reading an old memory through `shim_old_schema` (so it cannot store)?"""
    row = con.execute(
        "SELECT 1 FROM sqlite_temp_master WHERE name IN ('occurrences', 'documents', 'beads')"
    ).fetchone()
    return row is not None


def _tables(con: sqlite3.Connection) -> set[str]:
    return {row[0] for row in con.execute("SELECT name FROM main.sqlite_master")}


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    # `table`: a fixed name of this module, never user input.
    return {row[1] for row in con.execute(f"PRAGMA main.table_info({table})")}


def _retag_traditional(con: sqlite3.Connection) -> None:
    converted: list[tuple[int, str]] = []  # (unit id, its Chinese column) written by s2t
    as_written: list[tuple[int, str]] = []
    texts: list[str] = []
    for uid, src_lang, tgt_lang, src, tgt in con.execute(
        "SELECT id, src_lang, tgt_lang, src, tgt FROM units"
    ):
        zh_src = primary(src_lang) == "zh"
        column, tag, text = ("src_lang", src_lang, src) if zh_src else ("tgt_lang", tgt_lang, tgt)
        if primary(tag) != "zh" or tag_script(tag) != "Hans" or text_script(text) != "Hant":
            continue
        scripts = {
            row[0]
            for row in con.execute(
                "SELECT json_extract(d.settings, '$.zh_script') FROM occurrences o"
                " JOIN documents d ON d.id = o.document_id WHERE o.unit_id = ?",
                (uid,),
            )
        }
        if "traditional" in scripts:
            converted.append((uid, column))
        else:
            as_written.append((uid, column))
            texts.append(text)
    _retag(con, converted, "zh-Hant")
    if as_written:
        _retag(con, as_written, f"zh-{guess_region(''.join(texts))}")


def _retag(con: sqlite3.Connection, units: list[tuple[int, str]], tag: str) -> None:
    for uid, column in units:  # column: one of two fixed names, never user input
        try:
            con.execute(f"UPDATE units SET {column} = ? WHERE id = ?", (tag, uid))
        except sqlite3.IntegrityError:
            _merge_into_existing(con, uid, column, tag)


def _merge_into_existing(con: sqlite3.Connection, uid: int, column: str, tag: str) -> None:
    """The retagged unit already exists under `tag`: move the occurrences there, drop this one."""
    other = "tgt_lang" if column == "src_lang" else "src_lang"
    row = con.execute(
        f"SELECT u2.id FROM units u JOIN units u2 ON u2.src = u.src AND u2.tgt = u.tgt"
        f" AND u2.{other} = u.{other} AND u2.{column} = ? WHERE u.id = ?",
        (tag, uid),
    ).fetchone()
    con.execute("UPDATE occurrences SET unit_id = ? WHERE unit_id = ?", (row[0], uid))
    con.execute("DELETE FROM units WHERE id = ?", (uid,))
