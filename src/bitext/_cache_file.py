"""Which file is bitext's embedding cache: proved before the cache creates, rebuilds or evicts.

The cache writes into its file freely (rows replaced, old rows evicted, a
damaged file rebuilt), so it must never take someone else's file for its
own: `--cache a.txt b.txt` once made a release the cache and deleted it. A
cache is created whole in a temporary file and hard-linked into place,
stamped with an SQLite application id; a file is the cache's only if it
carries that stamp, or (caches written before the stamp) is an SQLite file
holding exactly the cache's tables.
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

from bitext.errors import InputError

__all__ = ["APPLICATION_ID", "check_cache_file", "create_cache", "remove_cache"]

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
        for leftover in (name, name + "-wal", name + "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


def remove_cache(path: Path) -> None:
    """Delete a damaged cache that `check_cache_file` proved ours, with its WAL files."""
    check_cache_file(path)
    for leftover in (f"{path}-wal", f"{path}-shm", path):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(leftover)
