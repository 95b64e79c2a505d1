"""Batch alignment on a Dask cluster: the same work as the local pool, on many machines.

Documents are the unit of work. Each Dask worker process loads the encoder once
(on its first document: module state survives between tasks) and returns the
aligned document; the client, which alone holds the SQLite store, writes them
as they arrive. At most a few documents per worker are in flight, so the
client's memory stays bounded however large the archive. A worker that dies
is Dask's to handle: its documents are rescheduled on the others.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from bitext.errors import EncoderError, InputError

from . import batch
from .worker import Failed, WorkerResult, align_in_worker

__all__ = ["run_dask"]

#: Documents in flight per worker: enough to keep each busy while results travel.
IN_FLIGHT_PER_WORKER = 2


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            "engine='dask' needs dask.distributed: pip install 'bitext[dask]'",
            cli="--engine dask needs dask.distributed: pip install 'bitext[dask]'",
        ) from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    # One single-threaded worker process per job: the encoder and numpy use the cores.
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def run_dask(
    todo: Iterator[Any], settings: batch.BatchSettings, jobs: int, scheduler: str | None = None
) -> Iterator[Any]:
    """`batch._run_parallel`'s contract on Dask: outcomes pass through, results as they finish."""
    from distributed import as_completed

    with _client(scheduler, jobs) as client:
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        limit = IN_FLIGHT_PER_WORKER * workers
        flying: dict[Any, str] = {}
        finished = as_completed()
        exhausted = False
        while True:
            while not exhausted and len(flying) < limit:
                item = next(todo, None)
                if item is None:
                    exhausted = True
                elif isinstance(item, batch.DocumentOutcome):
                    yield item
                else:
                    name, data = item
                    # pure=False: the same bytes under two names are two tasks.
                    future = client.submit(align_in_worker, name, data, settings, pure=False)
                    flying[future] = name
                    finished.add(future)
            if not flying:
                return
            future = next(finished)
            name = flying.pop(future)
            try:
                result: WorkerResult = future.result()
            except EncoderError:
                raise  # every document would fail alike
            except Exception as exc:  # a worker-side failure (KilledWorker...) fails this file only
                result = Failed(f"{name}: {type(exc).__name__}: {exc}")
            future.release()
            yield name, result
