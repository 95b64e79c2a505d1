"""What runs inside a batch worker process: load the encoder once, align one document.

Separate from `bitext.tm.batch` (the parent: inputs, skipping, pools, storing)
because this side never touches the store and is the part the process pools
import by module path: `ProcessPoolExecutor` pickles `_init_worker` and
`_align_one` by name, and the Dask engine calls them on its workers. Module
state (`_STATE`) is per process: the encoder and rules loaded by `_init_worker`
serve every document that process aligns.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from bitext.errors import BitextError, EncoderError
from bitext.normalize.script import to_simplified

from .model import DocumentRecord, StoredPair

if TYPE_CHECKING:
    from .batch import BatchSettings


_Result = tuple[DocumentRecord, float, float] | str
_STATE: dict[str, Any] = {}


class _TimedEncoder:
    """The worker's encoder, counting the seconds spent embedding (for the benchmark split)."""

    def __init__(self, encoder: Any) -> None:
        self.encoder, self.name, self.seconds = encoder, encoder.name, 0.0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        start = time.perf_counter()
        try:
            return self.encoder.encode(texts)
        finally:
            self.seconds += time.perf_counter() - start


def _init_worker(settings: BatchSettings, quiet_sigint: bool, parent: int | None = None) -> None:
    from bitext.embed import load_encoder
    from bitext.segment import resolve_rules

    if quiet_sigint:
        # Ctrl-C and SIGTERM (to the whole group: a terminal, systemd, `timeout`) are
        # the parent's to handle: it stops handing out work, shuts the pool down and
        # reports. A worker dying of either first would break the pool under it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _STATE["settings"] = settings
    encoder = load_encoder(settings.encoder)
    _STATE["texts"] = None
    if settings.cache is not None:
        from bitext.embed_cache import CachedEncoder

        encoder = CachedEncoder(encoder, settings.cache or None)
        # Word features beside the vectors: a rerun then loads neither jieba nor CC-CEDICT.
        _STATE["texts"] = encoder.text_store()
    _STATE["encoder"] = _TimedEncoder(encoder)
    _STATE["rules"] = resolve_rules(settings.segmentation)


def _exit_with_parent(parent: int) -> None:
    """End this worker once the batch that started it is gone (killed with -9, say).

    Nothing else would: the worker holds the pool's queues open itself, so it
    would wait for work forever, keeping its model in memory.
    """
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _align_one(name: str, data: bytes) -> _Result:
    """Read, align and embed one document; a one-line reason string if it fails."""
    from bitext.embed_cache import using_text_store
    from bitext.pipeline import align_document
    from bitext.read import format_of, read_bytes

    settings: BatchSettings = _STATE["settings"]
    encoder: _TimedEncoder = _STATE["encoder"]
    start, embed_before = time.perf_counter(), encoder.seconds
    try:
        document = read_bytes(data, source=name, format=format_of(name))
        with using_text_store(_STATE["texts"]):
            alignment = align_document(
                document,
                zh_script=settings.zh_script,
                encoder=encoder,
                src_lang=settings.src_lang,
                tgt_lang=settings.tgt_lang,
                segmentation=_STATE["rules"],
                **dict(settings.aligner),
            )
    except EncoderError:
        raise
    except BitextError as exc:
        return str(exc)
    except MemoryError:
        return f"{name}: out of memory while aligning; split the document"
    except Exception as exc:  # a bug or a library failing on odd input: this file only
        return f"{name}: {type(exc).__name__}: {exc}"
    beads = [b for b in alignment.beads if b.is_pair]  # in the order of pairs(): their doubts
    pairs = tuple(
        StoredPair(p.src, p.tgt, p.kind, p.score, p.src_sentences[0].paragraph, p.flags, 1, b.doubt)
        for p, b in zip(alignment.pairs(), beads, strict=True)
    )
    vectors = _pair_vectors(encoder, pairs) if settings.vectors and pairs else None
    record = DocumentRecord(
        path=name,
        content_hash=hashlib.sha256(data).hexdigest(),
        settings={},
        pairs=pairs,
        src_lang=alignment.src_lang,
        tgt_lang=alignment.tgt_lang,
        src_sentences=len(alignment.src),
        tgt_sentences=len(alignment.tgt),
        vectors=vectors,
        embed_model=encoder.name if vectors is not None else None,
    )
    return record, time.perf_counter() - start, encoder.seconds - embed_before


def _pair_vectors(encoder: _TimedEncoder, pairs: Sequence[StoredPair]) -> np.ndarray:
    """One vector per pair: the normalized sum of its sides, so either language finds it."""
    # Simplified, as the aligner embeds and as queries are: the encoder reads it
    # best, and one script for every unit lets a query find either script's units.
    src = encoder.encode([to_simplified(p.src) for p in pairs])
    tgt = encoder.encode([p.tgt for p in pairs])
    both = np.asarray(src, dtype=np.float32) + np.asarray(tgt, dtype=np.float32)
    return both / np.maximum(np.linalg.norm(both, axis=1, keepdims=True), 1e-12)
