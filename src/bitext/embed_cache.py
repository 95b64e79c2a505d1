"""An on-disk embedding cache: rerunning a document or a batch embeds nothing again.

Vectors are stored by a hash of (encoder name, text) in one SQLite file, as the
float32 bytes the encoder gave (equal to an uncached run's to float rounding:
USE's sums vary slightly with the batch a text is encoded in).

The same file keeps other values computed from a text, such as each Chinese
sentence's word features for the aligner: `CachedEncoder.texts` is a `TextStore`
in the file, a `TextMemo` that the pipeline passes to the stages explicitly
(``memo=``), so that a rerun does not load what computing those values takes
(jieba's dictionary, CC-CEDICT, nltk). Nothing is kept in module state: a stage
given no memo computes everything, and two caches in one process never mix.

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

import hashlib
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from ._cache_file import APPLICATION_ID, CacheFile, check_cache_file

if TYPE_CHECKING:
    from .embed import Encoder

__all__ = [
    "APPLICATION_ID",
    "CachedEncoder",
    "TextMemo",
    "TextStore",
    "check_cache_file",
    "default_cache_path",
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
    `texts` keeps the stages' values derived from texts in the same file.
    """

    def __init__(
        self,
        encoder: Encoder,
        path: str | os.PathLike[str] | None = None,
        *,
        max_mb: int = DEFAULT_MAX_MB,
    ) -> None:
        self.inner = encoder
        self.name, self.dim = encoder.name, encoder.dim
        # Keyed by the cut text, not the whole one: the vector is the cut's, so a
        # file written before texts were cut can only hold the right vector under
        # that key, and long texts sharing a prefix share one row.
        self.max_chars: int | None = getattr(encoder, "max_chars", None)
        self.path = Path(path) if path is not None else default_cache_path()
        check_cache_file(self.path)  # a file that is not a cache: refused before any work
        self.misses = 0
        self._file = CacheFile(self.path, max_mb * 2**20)
        #: The stages' memo in this cache's file (pass it as ``memo=``).
        self.texts = TextStore(self._file)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The wrapped encoder's vectors of `texts`, embedding only those not cached."""
        unique = list(dict.fromkeys(texts))
        keys = {t: self._key(t) for t in unique}
        found = self._vectors(list(keys.values()))
        # One text per missing key: long texts that share their cut are embedded once.
        missing = list({keys[t]: t for t in unique if keys[t] not in found}.values())
        if missing:
            vectors = np.asarray(self.inner.encode(missing), dtype=np.float32)
            self.misses += len(missing)
            fresh = {keys[t]: v for t, v in zip(missing, vectors, strict=True)}
            found.update(fresh)
            self._file.put("vectors", {k: v.tobytes() for k, v in fresh.items()})
        if not unique:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[keys[t]] for t in texts]).astype(np.float32, copy=False)

    def _key(self, text: str) -> bytes:
        if self.max_chars is not None:
            text = text[: self.max_chars]
        data = f"{self.name}\0{text}".encode("utf-8", "surrogatepass")
        return hashlib.sha256(data).digest()[:20]

    def _vectors(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        size = 4 * self.dim  # float32 bytes; any other length is damage: embedded again
        return {
            key: np.frombuffer(blob, dtype=np.float32)
            for key, blob in self._file.get("vectors", keys).items()
            if len(blob) == size
        }


class TextMemo(ABC):
    """Values the stages compute from a text, kept so that a rerun need not compute them again.

    Passed explicitly as ``memo=`` to the stages that derive such values:
    `bitext.segment.segment` (English sentence cuts), `bitext.align.lexical_features`
    (each Chinese sentence's words and their keys), and `align_sentences` and
    `align_document`, which hand it down. Results are the same with or without
    one. A subclass says where the bytes live (`get`, `put`); `TextStore` keeps
    them in a cache file.
    """

    @abstractmethod
    def get(self, keys: list[bytes]) -> dict[bytes, bytes]:
        """The stored values of those `keys` held (a missing key is simply absent)."""

    @abstractmethod
    def put(self, values: dict[bytes, bytes]) -> None:
        """Keep `values`, replacing what those keys held."""

    def per_text(
        self,
        namespace: bytes,
        texts: Sequence[str],
        compute: Callable[[str], _T],
        dump: Callable[[_T], bytes],
        load: Callable[[bytes], _T | None],
    ) -> list[_T]:
        """`compute(text)` for each text, served from this memo where it holds them.

        `namespace` must change whenever what `compute` returns for a text could
        (its code, the data it reads); `load` returns None for a value it cannot
        read back, which is then computed again and replaced.
        """
        keys = [_text_key(namespace, t) for t in texts]
        stored = self.get(list(dict.fromkeys(keys)))
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
            self.put(fresh)
        return [found[key] for key in keys]


class TextStore(TextMemo):
    """A `TextMemo` in a cache file's ``texts`` table (get one as `CachedEncoder.texts`).

    Shares the encoder's connection, size limit and damage handling: an
    unusable file reads as empty and takes no writes.
    """

    def __init__(self, file: CacheFile) -> None:
        self.file = file

    def get(self, keys: list[bytes]) -> dict[bytes, bytes]:
        return self.file.get("texts", keys)

    def put(self, values: dict[bytes, bytes]) -> None:
        self.file.put("texts", values)


def _text_key(namespace: bytes, text: str) -> bytes:
    data = namespace + b"\0" + text.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).digest()[:20]
