"""Opening a translation memory to read it only: no write, no journal change, no new file.

Searching or exporting a memory must work where the user may read but not
write (a shared folder, a read-only mount), and must never turn a wrong path
into a memory. SQLite's ``mode=ro`` opens without creating or writing; a
WAL-mode memory in a folder that cannot be written has no ``-shm`` file and
cannot get one, and SQLite then refuses it (``SQLITE_READONLY_DIRECTORY``).
No writer can be at work on it then (a writer keeps a ``-wal`` beside it), so
it is read as immutable: as the file on disk is.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from bitext.errors import InputError

__all__ = ["connect_read_only"]

#: SQLite primary result codes meaning "could not open the -shm/-wal for reading".
_NO_SHARED_MEMORY = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN}


def connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """A read-only connection to the existing, non-empty SQLite file at `path`.

    Raises `InputError` for an empty file (a memory always has a schema), and
    lets SQLite's own errors through otherwise (the caller words them).
    """
    if os.stat(path).st_size == 0:
        raise InputError(f"{path}: an empty file, not a translation memory")
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    con = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    try:
        con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return con
    except sqlite3.OperationalError as exc:
        con.close()
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code not in _NO_SHARED_MEMORY:
            raise
        # With a -wal file beside it a writer may be at work (or one was killed
        # before it merged its log in): immutable would read a stale or torn
        # state, so only the WAL-less file is read so.
        if os.path.exists(f"{path}-wal"):
            raise InputError(
                f"{path}: cannot read it in a read-only folder while its log "
                f"{path.name}-wal has no {path.name}-shm; open it once with write access"
            ) from None
    return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=timeout, isolation_level=None)
