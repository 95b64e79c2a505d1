"""Opening a translation memory's SQLite file, and the write transaction every writer takes.

Opening is where a wrong path must cost nothing: a file that is not a memory is
refused before anything is written to it (switching it to WAL would already
rewrite its header), a memory opened to read is opened so that nothing at all
is written, and two processes creating one new memory at once both succeed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bitext.errors import InputError, OutputError

from ._migrate import migrate, shim_old_schema
from ._readonly import connect_read_only
from ._sql import APPLICATION, SCHEMA, SCHEMA_VERSION, cannot_write, tmx_date

__all__ = ["TIMEOUT", "connect", "immediate"]

#: Seconds a writer waits for another process's transaction before giving up.
TIMEOUT = 60.0


def connect(path: Path, *, create: bool, read_only: bool) -> sqlite3.Connection:
    """A connection to the memory at `path`, its schema checked (and migrated when writable).

    Raises `InputError` for a missing file (unless `create`), a directory, or a
    file that is not a memory this bitext can read; `OutputError` when a new
    memory cannot be written (a full disk is not a bad input file).
    """
    if (read_only or not create) and not path.is_file():
        raise InputError(f"{path}: no such translation memory")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a translation memory")
    try:
        if read_only:
            con = connect_read_only(path, TIMEOUT)
            _check_schema(con, path)
            return con
        con = sqlite3.connect(path, timeout=TIMEOUT, isolation_level=None)
        if _tables(con):  # someone else's SQLite file: refused before WAL changes it
            _check_schema(con, path)
        _enable_wal(con)
        con.execute("PRAGMA foreign_keys=ON")
        # With WAL, NORMAL survives any process crash (a kill -9 included).
        con.execute("PRAGMA synchronous=NORMAL")
        _init_schema(con, path)
        return con
    except sqlite3.DatabaseError as exc:
        if cannot_write(exc):
            raise OutputError(f"{path}: cannot write ({exc})") from None
        raise InputError(f"{path}: not a translation memory ({exc})") from None


@contextmanager
def immediate(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (IMMEDIATE) so two writers queue, not fail."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        # A full disk makes SQLite roll back by itself (at a statement or at COMMIT);
        # a second ROLLBACK would then fail and hide the real cause.
        if con.in_transaction:
            with suppress(sqlite3.Error):
                con.execute("ROLLBACK")
        raise


def _enable_wal(con: sqlite3.Connection) -> None:
    """Switch to WAL, waiting like any other statement would.

    SQLite returns "database is locked" for this pragma at once, without its
    busy handler, while another process is creating the same new memory.
    """
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            con.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _tables(con: sqlite3.Connection) -> set[str]:
    rows = con.execute("SELECT name FROM sqlite_master WHERE type='table'")
    return {row[0] for row in rows}


def _init_schema(con: sqlite3.Connection, path: Path) -> None:
    if not _tables(con):
        with immediate(con):
            # Again under the write lock: two batches started together on a new
            # memory both see it empty, and only the first may create it.
            if not _tables(con):
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        con.execute(statement)
                con.execute("INSERT INTO meta VALUES ('application', ?)", (APPLICATION,))
                con.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                con.execute("INSERT INTO meta VALUES ('created', ?)", (tmx_date(),))
                return
    _check_schema(con, path)


def _check_schema(con: sqlite3.Connection, path: Path) -> None:
    """Raise `InputError` unless the file holds a bitext memory this bitext can read."""
    if "meta" not in _tables(con):
        raise InputError(f"{path}: an SQLite file, but not a bitext translation memory")
    meta = dict(con.execute("SELECT key, value FROM meta"))
    if meta.get("application") != APPLICATION:
        raise InputError(f"{path}: an SQLite file, but not a bitext translation memory")
    if int(meta.get("schema", 0)) > SCHEMA_VERSION:
        raise InputError(
            f"{path}: made by a newer bitext (schema {meta['schema']}); upgrade bitext"
        )
    if int(meta.get("schema", 0)) < SCHEMA_VERSION:
        # Under the write lock (`migrate` reads the version again); a memory that
        # cannot be written now is used as it is, lookups comparing Chinese in
        # either script whatever its tags, and migrated at a writable opening.
        try:
            with immediate(con):
                migrate(con)
        except sqlite3.OperationalError as exc:
            if not cannot_write(exc):
                raise
            shim_old_schema(con)


@contextmanager
def saving(path: str | Path, lost: str) -> Iterator[None]:
    """SQLite's write failures (a full disk, a size limit, a read-only file, a lock held
    past the timeout) as one-line `OutputError`s naming the memory and what was `lost`."""
    from ._sql import cannot_write

    try:
        yield
    except sqlite3.OperationalError as exc:
        if not cannot_write(exc):
            raise
        raise OutputError(f"{path}: cannot write ({exc}); {lost}") from None
