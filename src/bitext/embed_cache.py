"""An on-disk embedding cache: rerunning a document or a batch embeds nothing again.

Vectors are stored by a hash of (encoder name, text) in one SQLite file, as the
float32 bytes the encoder gave (equal to an uncached run's to float rounding:
USE's sums vary slightly with the batch a text is encoded in). The cache is a
convenience, never a point of failure: a file that is not a cache (or is
damaged) is replaced, and if it still cannot be used the encoder simply runs
uncached.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["CachedEncoder", "default_cache_path"]

#: Default size limit; the oldest vectors go first when the file grows past it.
DEFAULT_MAX_MB = 2048
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"


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
    had to embed (what a rerun saves).
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
        self.path = Path(path) if path is not None else default_cache_path()
        self.max_bytes = max_mb * 2**20
        self.misses = 0
        self._con: sqlite3.Connection | None = None
        self._disabled = False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        unique = list(dict.fromkeys(texts))
        keys = {t: self._key(t) for t in unique}
        found = self._fetch(list(keys.values()))
        missing = [t for t in unique if keys[t] not in found]
        if missing:
            vectors = np.asarray(self.inner.encode(missing), dtype=np.float32)  # type: ignore[attr-defined]
            self.misses += len(missing)
            fresh = {keys[t]: v for t, v in zip(missing, vectors, strict=True)}
            found.update(fresh)
            self._store(fresh)
        if not unique:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[keys[t]] for t in texts]).astype(np.float32, copy=False)

    def _key(self, text: str) -> bytes:
        data = f"{self.name}\0{text}".encode("utf-8", "surrogatepass")
        return hashlib.sha256(data).digest()[:20]

    def _connection(self) -> sqlite3.Connection | None:
        if self._disabled:
            return None
        if self._con is None:
            for attempt in range(2):
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                    con.execute("PRAGMA journal_mode=WAL")
                    con.execute(_SCHEMA)
                    con.execute("SELECT COUNT(*) FROM vectors LIMIT 1").fetchone()
                    self._con = con
                    break
                except (sqlite3.DatabaseError, OSError):
                    # Not a cache or damaged: start it again once, then run without it.
                    with contextlib.suppress(OSError):
                        if attempt == 0 and self.path.is_file():
                            self.path.unlink()
            else:
                self._disabled = True
        return self._con

    def _fetch(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        con = self._connection()
        if con is None or not keys:
            return {}
        out: dict[bytes, np.ndarray] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = con.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk)
                for key, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (self.dim,):
                        out[key] = vector
        except sqlite3.DatabaseError:
            self._drop()
            return {}
        return out

    def _store(self, vectors: dict[bytes, np.ndarray]) -> None:
        con = self._connection()
        if con is None:
            return
        try:
            con.execute("BEGIN IMMEDIATE")
            con.executemany(
                "INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()],
            )
            con.execute("COMMIT")
            self._evict(con)
        except sqlite3.DatabaseError:
            self._drop()

    def _evict(self, con: sqlite3.Connection) -> None:
        """Oldest vectors out until the file is back under 80% of its limit."""
        size = self.path.stat().st_size if self.path.exists() else 0
        if size <= self.max_bytes:
            return
        rows = con.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        keep = int(rows * 0.8 * self.max_bytes / size)
        con.execute(
            "DELETE FROM vectors WHERE rowid IN (SELECT rowid FROM vectors ORDER BY rowid LIMIT ?)",
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
