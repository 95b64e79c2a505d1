"""bitext's cache file: proved ours before it is created, rebuilt or evicted, then read and written.

The cache writes into its file freely (rows replaced, old rows evicted, a
damaged file rebuilt), so it must never take someone else's file for its
own: `--cache a.txt b.txt` once made a release the cache and deleted it. A
cache is created whole in a temporary file and hard-linked into place,
stamped with an SQLite application id; a file is the cache's only if it
carries that stamp, or (caches written before the stamp) is an SQLite file
holding exactly the cache's tables.

`CacheFile` is the one connection to such a file, shared by what keeps values
in it (`bitext.embed_cache`: the encoder's vectors, the stages' text memo).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from bitext.atomic import remove_sqlite
from bitext.errors import InputError

__all__ = ["APPLICATION_ID", "CacheFile", "check_cache_file", "create_cache", "remove_cache"]

#: table -> its value column; both tables are keyed by a hash and evicted oldest first.
_TABLES = {"vectors": "vector", "texts": "value"}
#: SQLite's header field for "which program's file is this" (offset 68): "btxc".
APPLICATION_ID = int.from_bytes(b"btxc", "big")
_MAGIC = b"SQLite format 3\x00"


def check_cache_file(path: str | os.PathLike[str]) -> Literal["ours", "legacy", "missing"]:
    """Raise `InputError` unless `path` is missing or an embedding cache bitext wrote.

    "ours": stamped with `APPLICATION_ID`; "legacy": an unstamped SQLite file
    whose tables are exactly the cache's (as bitext wrote before the stamp).
    A release, a translation memory, an empty file, a directory or a FIFO is refused:
    the cache may create, rebuild or evict in its file, so it must be sure it is its own.
    """
    target = Path(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise InputError(f"{target}: cannot read the cache: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{target}: is a directory, not a bitext cache")
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read below
        raise InputError(f"{target}: not a regular file, not a bitext cache")
    try:
        with open(target, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise InputError(f"{target}: cannot read the cache: {exc.strerror}") from None
    if len(header) == 100 and header.startswith(_MAGIC):
        stamp = int.from_bytes(header[68:72], "big")
        if stamp == APPLICATION_ID:
            return "ours"
        if stamp == 0 and _cache_tables(target):
            return "legacy"
    raise InputError(f"{target}: not a bitext cache; refusing to replace it")


def _cache_tables(path: Path) -> bool:
    """Does the SQLite file at `path` hold exactly the cache's tables? (read-only look)"""
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            rows = con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return {name for (name,) in rows} in ({"vectors"}, set(_TABLES))


def create_cache(path: Path) -> None:
    """A new, empty, stamped cache at `path`, appearing there complete or not at all.

    Built in a temporary file beside it and hard-linked into place, which fails
    rather than replaces when a file appeared at `path` meanwhile (another
    process's cache, which is then used, or anything else, which is then refused).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        umask = os.umask(0o022)  # mkstemp's 0600 would make the cache private to its user
        os.umask(umask)
        os.chmod(name, 0o666 & ~umask)
        con = sqlite3.connect(name, isolation_level=None)
        try:
            con.execute(f"PRAGMA application_id={APPLICATION_ID}")
            for table, column in _TABLES.items():
                con.execute(f"CREATE TABLE {table} (key BLOB PRIMARY KEY, {column} BLOB NOT NULL)")
            con.execute("PRAGMA journal_mode=WAL")
        finally:
            con.close()
        try:
            os.link(name, path)
        except FileExistsError:
            pass
        except OSError:  # no hard links here: check, then move
            if not os.path.lexists(path):
                os.replace(name, path)
    finally:
        remove_sqlite(name)


def remove_cache(path: Path) -> None:
    """Delete a damaged cache that `check_cache_file` proved ours, with its WAL files."""
    check_cache_file(path)
    remove_sqlite(path)


class CacheFile:
    """Bytes by key in the tables of the cache file at `path`, opened on first use.

    The cache is a convenience, never a point of failure: a damaged file of
    ours is rebuilt once, and a file that still cannot be used reads as empty
    and takes no writes for the rest of the process. `max_bytes` bounds the
    file: the oldest rows go first.
    """

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._con: sqlite3.Connection | None = None
        self._disabled = False

    def get(self, table: str, keys: list[bytes]) -> dict[bytes, bytes]:
        """The stored values of those `keys` that `table` holds ({} when the file is unusable)."""
        con = self._connection()
        if con is None or not keys:
            return {}
        out: dict[bytes, bytes] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                column = _TABLES[table]
                sql = f"SELECT key, {column} FROM {table} WHERE key IN ({marks})"
                rows = con.execute(sql, chunk)
                out.update((key, value) for key, value in rows if isinstance(value, bytes))
        except sqlite3.DatabaseError:
            self._drop()
            return {}
        return out

    def put(self, table: str, values: dict[bytes, bytes]) -> None:
        """Store `values` in `table`, replacing what those keys held (a damaged value, say)."""
        con = self._connection()
        if con is None or not values:
            return
        try:
            con.execute("BEGIN IMMEDIATE")
            con.executemany(
                f"INSERT OR REPLACE INTO {table} (key, {_TABLES[table]}) VALUES (?, ?)",
                list(values.items()),
            )
            con.execute("COMMIT")
            self._evict(con)
        except sqlite3.DatabaseError:
            self._drop()

    def _connection(self) -> sqlite3.Connection | None:
        if self._disabled:
            return None
        if self._con is None:
            try:
                self._con = self._open()
            except (sqlite3.DatabaseError, OSError):
                self._disabled = True  # cannot be made to work: run uncached
        return self._con

    def _open(self) -> sqlite3.Connection:
        """A connection to the cache file, created if missing, rebuilt once if damaged."""
        for attempt in range(2):
            if not os.path.lexists(self.path):
                create_cache(self.path)
            owner = check_cache_file(self.path)  # InputError: not ours, never touched
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                con.execute("PRAGMA journal_mode=WAL")
                if owner == "legacy":  # proven ours by its tables: stamp it, add `texts`
                    con.execute(f"PRAGMA application_id={APPLICATION_ID}")
                    for table, column in _TABLES.items():
                        con.execute(
                            f"CREATE TABLE IF NOT EXISTS {table} "
                            f"(key BLOB PRIMARY KEY, {column} BLOB NOT NULL)"
                        )
                    con.execute("PRAGMA wal_checkpoint")  # the stamp into the header now
                for table in _TABLES:
                    con.execute(f"SELECT COUNT(*) FROM {table} LIMIT 1").fetchone()
                return con
            except sqlite3.DatabaseError:
                con.close()
                if attempt:
                    raise
                # Damaged, but its header says it is ours: rebuild it once.
                remove_cache(self.path)
        raise AssertionError("unreachable")

    def _evict(self, con: sqlite3.Connection) -> None:
        """Oldest rows out until the file is back under 80% of its limit."""
        size = self.path.stat().st_size if self.path.exists() else 0
        if size <= self.max_bytes:
            return
        for table in _TABLES:
            rows = con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            keep = int(rows * 0.8 * self.max_bytes / size)
            con.execute(
                f"DELETE FROM {table} WHERE rowid IN "
                f"(SELECT rowid FROM {table} ORDER BY rowid LIMIT ?)",
                (rows - keep,),
            )
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("VACUUM")

    def _drop(self) -> None:
        # A cache that failed mid-run is not worth a second try in this process.
        if self._con is not None:
            with contextlib.suppress(sqlite3.Error):
                self._con.close()
        self._con, self._disabled = None, True
