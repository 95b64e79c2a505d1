"""The batch worker: load the encoder once per process, align one document at a time.

Both engines (the local process pool and Dask) and the serial path call one
function, `align_in_worker(name, data, settings)`, which aligns with this
process's `Worker` (started for `settings` on first use) and returns an
`Aligned` document or a `Failed` one with its one-line reason. The worker never
touches the store: the parent alone writes (`bitext.tm.batch`). The pool starts
its processes with `start_worker` so that signals and the parent's death are
handled before the encoder loads.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bitext.errors import BitextError, EncoderError
from bitext.model import Alignment
from bitext.normalize.zh_script import to_simplified

from .records import DocumentRecord, ReviewBead, ReviewSentence, StoredPair
from .settings import BatchSettings

if TYPE_CHECKING:
    from bitext.embed import Encoder
    from bitext.embed_cache import TextMemo

__all__ = ["Aligned", "Failed", "Worker", "WorkerResult", "align_in_worker", "start_worker"]


@dataclass(frozen=True, slots=True)
class Aligned:
    """A document aligned (and embedded) by a worker, ready for the parent to store."""

    record: DocumentRecord
    seconds: float
    embed_seconds: float


@dataclass(frozen=True, slots=True)
class Failed:
    """A document that could not be aligned: the one-line reason, naming the file."""

    reason: str


WorkerResult = Aligned | Failed


class _TimedEncoder:
    """The worker's encoder, counting the seconds spent embedding (for the benchmark split)."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder, self.name, self.dim, self.seconds = encoder, encoder.name, encoder.dim, 0.0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        start = time.perf_counter()
        try:
            return self.encoder.encode(texts)
        finally:
            self.seconds += time.perf_counter() - start


class Worker:
    """What one process needs to align documents with `settings`: encoder, rules, text store."""

    def __init__(self, settings: BatchSettings) -> None:
        from bitext.embed import load_encoder
        from bitext.pipeline import DocumentAligner

        self.settings = settings
        encoder = load_encoder(settings.pipeline.encoder)
        self._texts: TextMemo | None = None
        if settings.cache is not None:
            from bitext.embed_cache import CachedEncoder

            encoder = CachedEncoder(encoder, settings.cache or None)
            # Word features beside the vectors: a rerun then loads neither jieba nor CC-CEDICT.
            self._texts = encoder.texts
        self.encoder = _TimedEncoder(encoder)
        # The rules are parsed once, at the worker's start (a bad SRX file fails it there):
        # every document is cut by the rules the batch's identity names, whatever happens
        # to the file meanwhile. The timing wrapper hides the cache: its memo is handed over.
        self.aligner = DocumentAligner.prepare(
            settings.pipeline, encoder=self.encoder, memo=self._texts
        )

    def align(self, name: str, data: bytes) -> WorkerResult:
        """Read, align and embed one document; `Failed` with a one-line reason if it fails.

        `EncoderError` is raised instead: every document would fail alike.
        """
        start, embed_before = time.perf_counter(), self.encoder.seconds
        try:
            alignment = self._align(name, data)
        except EncoderError:
            raise
        except BitextError as exc:
            return Failed(str(exc))
        except MemoryError:
            return Failed(f"{name}: out of memory while aligning; split the document")
        except Exception as exc:  # a bug or a library failing on odd input: this file only
            return Failed(f"{name}: {type(exc).__name__}: {exc}")
        record = self._record(name, data, alignment)
        return Aligned(record, time.perf_counter() - start, self.encoder.seconds - embed_before)

    def _align(self, name: str, data: bytes) -> Alignment:
        from bitext.read import format_of, read_bytes

        return self.aligner.align(read_bytes(data, source=name, format=format_of(name)))

    def _record(self, name: str, data: bytes, alignment: Alignment) -> DocumentRecord:
        beads = [b for b in alignment.beads if b.is_pair]  # in the order of pairs(): their doubts
        pairs = tuple(
            StoredPair(
                p.src, p.tgt, p.kind, p.score, p.src_sentences[0].paragraph, p.flags, doubt=b.doubt
            )
            for p, b in zip(alignment.pairs(), beads, strict=True)
        )
        vectors = _pair_vectors(self.encoder, pairs) if self.settings.vectors and pairs else None
        return DocumentRecord(
            path=name,
            content_hash=hashlib.sha256(data).hexdigest(),
            settings={},
            pairs=pairs,
            src_lang=alignment.src_lang,
            tgt_lang=alignment.tgt_lang,
            src_sentences=len(alignment.src),
            tgt_sentences=len(alignment.tgt),
            vectors=vectors,
            embed_model=self.encoder.name if vectors is not None else None,
            sentences=_sentences(alignment),
            beads=tuple(ReviewBead(b.src, b.tgt, b.score, b.doubt) for b in alignment.beads),
        )


def _sentences(alignment: Alignment) -> tuple[ReviewSentence, ...]:
    """Both sides' sentences as the memory keeps them for review."""
    return tuple(
        ReviewSentence(side, k, s.text, s.paragraph, s.flags)
        for side, sentences in (("src", alignment.src), ("tgt", alignment.tgt))
        for k, s in enumerate(sentences)
    )


# The process's worker: the encoder and rules it loaded serve every document it aligns.
_CURRENT: list[Worker] = []


def start_worker(settings: BatchSettings, quiet_sigint: bool, parent: int | None = None) -> None:
    """Start this process's worker (a process pool's initializer)."""
    if quiet_sigint:
        # Ctrl-C and SIGTERM (to the whole group: a terminal, systemd, `timeout`) are
        # the parent's to handle: it stops handing out work, shuts the pool down and
        # reports. A worker dying of either first would break the pool under it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _CURRENT[:] = [Worker(settings)]


def align_in_worker(name: str, data: bytes, settings: BatchSettings) -> WorkerResult:
    """Align one document with this process's worker, started for `settings` if need be."""
    if not _CURRENT or _CURRENT[0].settings != settings:
        _CURRENT[:] = [Worker(settings)]
    return _CURRENT[0].align(name, data)


def _exit_with_parent(parent: int) -> None:
    """End this worker once the batch that started it is gone (killed with -9, say).

    Nothing else would: the worker holds the pool's queues open itself, so it
    would wait for work forever, keeping its model in memory.
    """
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _pair_vectors(encoder: _TimedEncoder, pairs: Sequence[StoredPair]) -> np.ndarray:
    """One vector per pair: the normalized sum of its sides, so either language finds it."""
    # Simplified, as the aligner embeds and as queries are: the encoder reads it
    # best, and one script for every unit lets a query find either script's units.
    src = encoder.encode([to_simplified(p.src) for p in pairs])
    tgt = encoder.encode([p.tgt for p in pairs])
    both = np.asarray(src, dtype=np.float32) + np.asarray(tgt, dtype=np.float32)
    return both / np.maximum(np.linalg.norm(both, axis=1, keepdims=True), 1e-12)
