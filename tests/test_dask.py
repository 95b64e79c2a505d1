"""The batch on a real Dask cluster: same memory as the local batch, survives a dead worker."""

from __future__ import annotations

import hashlib
import os
import signal
from pathlib import Path

import pytest

from bitext.tm import TranslationMemory, batch_align, iter_batch
from tm_helpers import write_archive

# Not in the quick subset (-m "not slow"): a local Dask cluster per test (5-23 s).
pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed")


def contents(path: Path) -> tuple[set, set]:
    with TranslationMemory(path) as memory:
        units = {(u.src, u.tgt, u.count) for u in memory.units()}
        documents = {d.content_hash for d in memory.documents()}
    return units, documents


def test_dask_batch_equals_local_batch_even_when_a_worker_dies(shared_dir: Path, tmp_path: Path):
    files = write_archive(shared_dir, tmp_path / "archive", 20)
    local = batch_align(files, tmp_path / "local.sqlite")
    assert local.count("added") == 20

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = list(client.run(os.getpid).values())
        assert len(set(pids)) == 2
        outcomes = []
        with TranslationMemory(tmp_path / "dask.sqlite") as memory:
            for outcome in iter_batch(
                files, memory, engine="dask", scheduler=cluster.scheduler_address
            ):
                outcomes.append(outcome)
                if len(outcomes) == 4:
                    # A real SIGKILL: Dask's nanny restarts the worker and the
                    # scheduler reruns the documents it held.
                    os.kill(pids[0], signal.SIGKILL)
        after = set(client.run(os.getpid).values())
    assert pids[0] not in after  # the worker really died (and was replaced)
    assert [o.status for o in outcomes].count("added") == 20
    # Files given one by one are named by their file names (no folders above them).
    assert sorted(o.path for o in outcomes) == sorted(f.name for f in files)
    assert contents(tmp_path / "dask.sqlite") == contents(tmp_path / "local.sqlite")
    expected = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    assert contents(tmp_path / "dask.sqlite")[1] == expected


def test_dask_engine_through_the_cli_with_a_local_cluster(sample_path: Path, tmp_path: Path):
    from bitext.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "sample.txt").write_bytes(sample_path.read_bytes())
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    code = main(
        ["batch", str(tmp_path / "in"), "--tm", str(tmp_path / "tm.sqlite"), "--engine", "dask",
         "-j", "1", "-q"]
    )  # fmt: skip
    assert code == 1  # the empty file failed, the sample was stored
    units, documents = contents(tmp_path / "tm.sqlite")
    assert len(documents) == 1 and len(units) == 13
