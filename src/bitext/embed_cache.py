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
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from ._cache_file import _TABLES, APPLICATION_ID, check_cache_file, create_cache, remove_cache

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
