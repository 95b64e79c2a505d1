"""An on-disk embedding cache: rerunning a document or a batch embeds nothing again.

Vectors are stored by a hash of (encoder name, text) in one SQLite file, as the
float32 bytes the encoder gave (equal to an uncached run's to float rounding:
USE's sums vary slightly with the batch a text is encoded in).

The same file keeps other values computed from a text, such as each Chinese
sentence's word features for the aligner: inside `using_text_store`, `per_text`
serves them from the file, so that a rerun does not load what computing them
takes (jieba's dictionary, CC-CEDICT). A batch with a cache does this.

The cache is a convenience, never a point of failure, but it is also never
a reason to lose a file: a new cache is built beside its path and linked into
place complete, stamped with bitext's SQLite application id, and only a file
proven to be a cache that way (or an unstamped one holding exactly the cache's
tables, as bitext wrote before the stamp) is ever used, repaired or replaced.
Anything else at the path is refused with `InputError` before any work. A
damaged cache of ours is rebuilt, a damaged value is computed again, and if
the file still cannot be used everything simply runs uncached.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Literal, Protocol, TypeVar
from urllib.parse import quote

import numpy as np

from bitext.errors import InputError

__all__ = [
    "CachedEncoder",
    "TextStore",
    "TextValues",
    "check_cache_file",
    "default_cache_path",
    "per_text",
    "text_store_for",
    "using_text_store",
]

#: Default size limit; the oldest rows go first when the file grows past it.
DEFAULT_MAX_MB = 2048
#: table -> its value column; both tables are keyed by a hash and evicted oldest first.
_TABLES = {"vectors": "vector", "texts": "value"}

#: SQLite's header field for "which program's file is this" (offset 68): "btxc".
APPLICATION_ID = int.from_bytes(b"btxc", "big")
_MAGIC = b"SQLite format 3\x00"

_T = TypeVar("_T")


def default_cache_path() -> Path:
    """``$BITEXT_CACHE_DIR`` or ``~/.cache/bitext``, file ``embeddings.sqlite``."""
    base = os.environ.get("BITEXT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "bitext",
    )
    return Path(base) / "embeddings.sqlite"


class CachedEncoder:
    """Wraps an encoder (`bitext.embed.Encoder`) with the on-disk cache at `path`.

    `max_mb` bounds the file; `misses` counts the texts the wrapped encoder
    had to embed (what a rerun saves). A text is stored under what the wrapped
    encoder embeds of it: its first ``encoder.max_chars`` characters, when the
    encoder says it cuts texts (bitext's encoders do, see `bitext.embed`).
    """

    def __init__(
        self,
        encoder: object,
        path: str | os.PathLike[str] | None = None,
        *,
        max_mb: int = DEFAULT_MAX_MB,
    ) -> None:
        self.inner = encoder
        self.name: str = encoder.name  # type: ignore[attr-defined]
        self.dim: int = encoder.dim  # type: ignore[attr-defined]
        # Keyed by the cut text, not the whole one: the vector is the cut's, so a
        # file written before texts were cut can only hold the right vector under
        # that key, and long texts sharing a prefix share one row.
        self.max_chars: int | None = getattr(encoder, "max_chars", None)
        self.path = Path(path) if path is not None else default_cache_path()
        check_cache_file(self.path)  # a file that is not a cache: refused before any work
        self.max_bytes = max_mb * 2**20
        self.misses = 0
        self._con: sqlite3.Connection | None = None
        self._disabled = False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The wrapped encoder's vectors of `texts`, embedding only those not cached."""
        unique = list(dict.fromkeys(texts))
        keys = {t: self._key(t) for t in unique}
        found = self._vectors(list(keys.values()))
        # One text per missing key: long texts that share their cut are embedded once.
        missing = list({keys[t]: t for t in unique if keys[t] not in found}.values())
        if missing:
            vectors = np.asarray(self.inner.encode(missing), dtype=np.float32)  # type: ignore[attr-defined]
            self.misses += len(missing)
            fresh = {keys[t]: v for t, v in zip(missing, vectors, strict=True)}
            found.update(fresh)
            self._put("vectors", {k: v.tobytes() for k, v in fresh.items()})
        if not unique:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[keys[t]] for t in texts]).astype(np.float32, copy=False)

    def text_store(self) -> TextStore:
        """Values computed from texts, in this cache's file (for `using_text_store`)."""
        return TextStore(self)

    def _key(self, text: str) -> bytes:
        if self.max_chars is not None:
            text = text[: self.max_chars]
        data = f"{self.name}\0{text}".encode("utf-8", "surrogatepass")
        return hashlib.sha256(data).digest()[:20]

    def _vectors(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        size = 4 * self.dim  # float32 bytes; any other length is damage: embedded again
        return {
            key: np.frombuffer(blob, dtype=np.float32)
            for key, blob in self._get("vectors", keys).items()
            if len(blob) == size
        }

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
                _create(self.path)
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
                _remove_cache(self.path)
        raise AssertionError("unreachable")

    def _get(self, table: str, keys: list[bytes]) -> dict[bytes, bytes]:
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

    def _put(self, table: str, values: dict[bytes, bytes]) -> None:
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


def check_cache_file(path: str | os.PathLike[str]) -> Literal["ours", "legacy", "missing"]:
    """Raise `InputError` unless `path` is missing or an embedding cache bitext wrote.

    "ours": stamped with `APPLICATION_ID`; "legacy": an unstamped SQLite file
    whose tables are exactly the cache's (as bitext wrote before the stamp).
    A release, a translation memory, an empty file or a directory is refused:
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


def _create(path: Path) -> None:
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


def _remove_cache(path: Path) -> None:
    """Delete a damaged cache that `check_cache_file` proved ours, with its WAL files."""
    check_cache_file(path)
    for leftover in (f"{path}-wal", f"{path}-shm", path):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(leftover)


class TextValues(Protocol):
    """Where `per_text` keeps its values: bytes by key (a `TextStore`)."""

    def get(self, keys: list[bytes]) -> dict[bytes, bytes]: ...

    def put(self, values: dict[bytes, bytes]) -> None: ...


class TextStore:
    """Values computed from texts (bytes by key) in a `CachedEncoder`'s file.

    Shares the encoder's connection, size limit and damage handling: an
    unusable file reads as empty and takes no writes.
    """

    def __init__(self, cache: CachedEncoder) -> None:
        self.cache = cache

    def get(self, keys: list[bytes]) -> dict[bytes, bytes]:
        return self.cache._get("texts", keys)

    def put(self, values: dict[bytes, bytes]) -> None:
        self.cache._put("texts", values)


_ACTIVE: ContextVar[TextValues | None] = ContextVar("bitext_text_store", default=None)


@contextlib.contextmanager
def using_text_store(store: TextValues | None) -> Iterator[None]:
    """Within the block, `per_text` keeps its values in `store` (None: computes them afresh)."""
    token = _ACTIVE.set(store)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def text_store_for(encoder: object) -> TextValues | None:
    """The text store in effect, or else the one of `encoder` if it is a `CachedEncoder`."""
    active = _ACTIVE.get()
    if active is not None or not isinstance(encoder, CachedEncoder):
        return active
    return encoder.text_store()


def per_text(
    namespace: bytes,
    texts: Sequence[str],
    compute: Callable[[str], _T],
    dump: Callable[[_T], bytes],
    load: Callable[[bytes], _T | None],
) -> list[_T]:
    """`compute(text)` for each text, served from the active text store where it holds them.

    `namespace` must change whenever what `compute` returns for a text could
    (its code, the data it reads); `load` returns None for a value it cannot
    read back, which is then computed again and replaced. Without an active
    store (see `using_text_store`) every value is computed.
    """
    store = _ACTIVE.get()
    if store is None:
        return [compute(t) for t in texts]
    keys = [_text_key(namespace, t) for t in texts]
    stored = store.get(list(dict.fromkeys(keys)))
    found: dict[bytes, _T] = {}
    fresh: dict[bytes, bytes] = {}
    for text, key in zip(texts, keys, strict=True):
        if key in found:
            continue
        blob = stored.get(key)
        value = load(blob) if blob is not None else None
        if value is None:
            value = compute(text)
            fresh[key] = dump(value)
        found[key] = value
    if fresh:
        store.put(fresh)
    return [found[key] for key in keys]


def _text_key(namespace: bytes, text: str) -> bytes:
    data = namespace + b"\0" + text.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).digest()[:20]
