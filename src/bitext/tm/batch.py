"""Batch alignment of an archive of releases into a translation memory.

The parent process walks the inputs, hashes each file and skips what the
memory already holds (same content, same settings); worker processes read,
align and embed; the parent alone writes, one transaction per document. So a
run that is killed loses only the documents in flight, a rerun picks up where
it stopped, and a file that fails is reported and skipped while the others go on.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from bitext._names import printable, same_file_key
from bitext.errors import BitextError, InputError

from .records import DocumentRecord
from .settings import BatchSettings
from .store import TranslationMemory
from .worker import Failed, WorkerResult, align_in_worker, start_worker

#: Where documents are aligned: worker processes on this machine, or a Dask cluster.
ENGINES = ("local", "dask")

__all__ = ["BatchRun", "BatchSettings", "DocumentOutcome", "batch_align", "find_inputs"]


@dataclass(frozen=True, slots=True)
class DocumentOutcome:
    """What happened to one input: ``added``, ``skipped`` (already stored) or ``failed``."""

    path: str
    status: str
    reason: str | None = None
    units_added: int = 0
    pairs: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0


@dataclass
class BatchRun:
    """The whole run: every outcome, and the time it took."""

    outcomes: list[DocumentOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failures(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def units_added(self) -> int:
        return sum(o.units_added for o in self.outcomes)

    def summary(self) -> str:
        """One line: documents done, skipped, failed; units added; time."""
        work = sum(o.seconds for o in self.outcomes)
        embed = sum(o.embed_seconds for o in self.outcomes)
        share = f", {embed / work:.0%} of it embedding" if work else ""
        return (
            f"{self.count('added')} documents added, {self.count('skipped')} skipped "
            f"(already in the memory), {self.count('failed')} failed; "
            f"{self.units_added} new units; {self.seconds:.1f} s{share}"
        )


#: `BatchRun`'s former name, kept for code written against it.
BatchReport = BatchRun


def find_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files to align: named files as they are, folders searched for .txt/.docx/.html/.pdf/.doc.

    Hidden files and folders (``.git``, editor backups) are left out; a file
    reached twice (named twice, through ``./``, an absolute path or a link) is
    listed once. Raises `InputError` for a path that does not exist.
    """
    return [path for path, _ in find_named_inputs(paths)]


def find_named_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, str]]:
    """`find_inputs`, each file with the name the memory stores for it.

    A file found in a folder is named by the folder's own name and its path
    inside (``releases/2024/a.txt``), a file given by itself by its file name:
    never the folders above what was typed, which would put ``/home/...`` into
    every export. The folder's name is kept so that two folders given together
    (``2023/ 2024/``) cannot yield two documents called ``index.html``.
    """
    from bitext.read import SUFFIXES

    found: dict[object, tuple[Path, str]] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            top = Path(os.path.abspath(path)).name
            for p in sorted(path.rglob("*")):
                inside = p.relative_to(path)
                if (
                    p.suffix.lower() in SUFFIXES
                    and p.is_file()
                    and not any(part.startswith(".") for part in inside.parts)
                ):
                    name = PurePosixPath(top, inside.as_posix()) if top else PurePosixPath(inside)
                    found.setdefault(same_file_key(p), (p, str(name)))
        elif path.exists():
            found.setdefault(same_file_key(path), (path, path.name))
        else:
            raise InputError(f"{printable(str(raw))}: no such file or folder")
    return list(found.values())


def batch_align(
    inputs: Iterable[str | os.PathLike[str]],
    memory: TranslationMemory | str | os.PathLike[str],
    settings: BatchSettings | None = None,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
) -> BatchRun:
    """Align every input into `memory` (a `TranslationMemory` or its path) and report.

    See `iter_batch` for the outcomes one by one (to show progress).
    """
    start = time.perf_counter()
    report = BatchRun()
    # Open (and later close) the memory only when given its path, not a caller's open one.
    own = not isinstance(memory, TranslationMemory)
    tm = memory if isinstance(memory, TranslationMemory) else TranslationMemory(memory)
    try:
        outcomes = iter_batch(inputs, tm, settings, jobs=jobs, engine=engine, scheduler=scheduler)
        report.outcomes.extend(outcomes)
    finally:
        if own:
            tm.close()
    report.seconds = time.perf_counter() - start
    return report


def iter_batch(
    inputs: Iterable[str | os.PathLike[str]],
    memory: TranslationMemory,
    settings: BatchSettings | None = None,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
) -> Iterator[DocumentOutcome]:
    """Align the inputs (files, or folders searched by `find_inputs`) into `memory`.

    Yields each document's outcome as it is stored. Documents already stored
    with the same settings are skipped; a document that fails yields a
    ``failed`` outcome with a one-line reason and the run goes on.
    `EncoderError` stops the run (every document would fail alike). With
    `jobs` > 1, documents are aligned in that many worker processes. With
    `engine="dask"` they are aligned on a Dask cluster: the one at `scheduler`
    (``tcp://host:8786``), or a local one of `jobs` worker processes; this
    process still writes the memory alone.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (expected one of {', '.join(ENGINES)})")
    settings = settings or BatchSettings()
    if settings.cache is not None:  # a file there that is not a cache: refused before any work
        from bitext.embed_cache import check_cache_file, default_cache_path

        check_cache_file(settings.cache or default_cache_path())
    identity = settings.identity()
    todo = _todo(find_named_inputs(inputs), memory, identity)
    if engine == "dask":
        from .dask_engine import run_dask

        results = run_dask(todo, settings, jobs, scheduler)
    elif jobs <= 1:
        results = _run_serial(todo, settings)
    else:
        results = _run_parallel(todo, settings, jobs)
    for item in results:
        if isinstance(item, DocumentOutcome):
            yield item
            continue
        name, result = item
        yield _store(memory, name, result, identity)


def _store(
    memory: TranslationMemory, name: str, result: WorkerResult, identity: dict[str, Any]
) -> DocumentOutcome:
    """The outcome of one worker result, the document stored if it was aligned."""
    if isinstance(result, Failed):
        return DocumentOutcome(name, "failed", result.reason)
    record = result.record
    added = memory.add(DocumentRecord(**{**_fields(record), "settings": identity}))
    status = "skipped" if added.skipped else "added"
    return DocumentOutcome(
        name,
        status,
        None,
        added.units_added,
        len(record.pairs),
        result.seconds,
        result.embed_seconds,
    )


_Todo = Iterator["DocumentOutcome | tuple[str, bytes]"]
#: What an engine yields: an outcome decided before any work, or a worker's result.
_Results = Iterator["DocumentOutcome | tuple[str, WorkerResult]"]


def _todo(
    inputs: Iterable[tuple[Path, str]], memory: TranslationMemory, identity: dict[str, Any]
) -> _Todo:
    """Each input's bytes to align, or its outcome when it is unreadable or already stored.

    Lazy, so an archive is never held in memory at once and a document stored
    a moment ago by this very run is seen as stored.
    """
    for path, label in inputs:
        name = printable_name(label)
        try:
            data = _load(path, name)
        except BitextError as exc:
            yield DocumentOutcome(name, "failed", str(exc))
            continue
        if memory.has_document(hashlib.sha256(data).hexdigest(), identity):
            yield DocumentOutcome(name, "skipped")
            continue
        yield name, data


def printable_name(path: str | os.PathLike[str]) -> str:
    """A file name as text any store or terminal takes.

    A name that is not valid UTF-8 arrives with lone surrogates (Python's
    surrogateescape), which SQLite and UTF-8 output refuse: its stray bytes
    are written as ``\\xNN`` instead.
    """
    raw = os.fsencode(path)
    return printable(raw.decode("utf-8", "backslashreplace"))


def _fields(record: DocumentRecord) -> dict[str, Any]:
    return {f: getattr(record, f) for f in record.__dataclass_fields__}


def _load(path: str | os.PathLike[str], name: str) -> bytes:
    from bitext.read import load_file

    try:
        return load_file(path, name)
    except OSError as exc:
        raise InputError(f"{name}: {exc.strerror or exc}") from None


# -- running the workers (what runs inside one is `worker`) ---------------------------------


def _run_serial(todo: _Todo, settings: BatchSettings) -> _Results:
    for item in todo:
        if isinstance(item, DocumentOutcome):
            yield item
            continue
        name, data = item
        yield name, align_in_worker(name, data, settings)


def _run_parallel(todo: _Todo, settings: BatchSettings, jobs: int) -> _Results:
    """Results as workers finish them; at most 2 x `jobs` documents in flight.

    A worker that dies (killed, out of memory) fails only the documents in
    flight; a new pool takes the rest. On Ctrl-C the documents not yet started
    are dropped and the ones running are let finish, unstored.
    """
    context = multiprocessing.get_context("spawn")  # no fork of a parent holding threads
    todo = iter(todo)
    exhausted = False
    while not exhausted:
        pool = ProcessPoolExecutor(
            jobs,
            mp_context=context,
            initializer=start_worker,
            initargs=(settings, True, os.getpid()),
        )
        flying: dict[Future[WorkerResult], str] = {}
        broken = False
        try:
            while not broken:
                while not exhausted and len(flying) < 2 * jobs:
                    item = next(todo, None)
                    if item is None:
                        exhausted = True
                    elif isinstance(item, DocumentOutcome):
                        yield item
                    else:
                        flying[pool.submit(align_in_worker, *item, settings)] = item[0]
                if not flying:
                    break
                done, _ = wait(flying, return_when=FIRST_COMPLETED)
                for future in done:
                    name = flying.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken = True
                        result = Failed(f"{name}: the worker process aligning it died")
                    yield name, result
            for name in flying.values():  # only left when the pool broke
                yield name, Failed(f"{name}: the worker process aligning it died")
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
