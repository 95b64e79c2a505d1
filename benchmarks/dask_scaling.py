"""Batch throughput on a local Dask cluster: 1 worker against 2, measured in one run.

    python benchmarks/dask_scaling.py [--docs 31] [--workers 1 2]

Builds an archive of press-release-like files from the wmt22-news gold documents
(Chinese paragraphs, blank line, English paragraphs), then aligns it into a fresh
memory with `--engine dask` on a LocalCluster of each size, timing the run from
cluster start to the last stored document, and the per-document worker time
that a paper estimate for a larger cluster is built from.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

SHARED = Path(os.environ.get("BITEXT_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def build_archive(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    gold = sorted((SHARED / "eval" / "wmt22-news" / "docs").glob("*.json"))[:count]
    for k, path in enumerate(gold):
        doc = json.loads(path.read_text(encoding="utf-8"))
        out = folder / f"release{k:02d}.txt"
        out.write_text("\n".join([*doc["zh"], "", *doc["en"]]) + "\n", encoding="utf-8")
        files.append(out)
    return files


def run(files: list[Path], workers: int, store: Path) -> dict[str, float]:
    from distributed import Client, LocalCluster

    from bitext.tm import TranslationMemory, iter_batch

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
        TranslationMemory(store) as memory,
    ):
        ready = time.perf_counter()
        outcomes = list(
            iter_batch(files, memory, engine="dask", scheduler=cluster.scheduler_address)
        )
        done = time.perf_counter()
    added = [o for o in outcomes if o.status == "added"]
    return {
        "workers": workers,
        "documents": len(added),
        "cluster_start_s": ready - start,
        "batch_s": done - ready,
        "docs_per_min": 60 * len(added) / (done - ready),
        "median_doc_s": statistics.median(o.seconds for o in added),
        "mean_doc_s": statistics.mean(o.seconds for o in added),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=31, help="documents (wmt22-news has 31)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = build_archive(Path(tmp) / "archive", args.docs)
        print(f"{len(files)} documents, load average {os.getloadavg()[0]:.1f}")
        print("| workers | docs | cluster start s | batch s | docs/min | median s/doc |")
        print("| --- | --- | --- | --- | --- | --- |")
        for workers in args.workers:
            r = run(files, workers, Path(tmp) / f"tm{workers}.sqlite")
            print(
                f"| {r['workers']} | {r['documents']} | {r['cluster_start_s']:.1f} | "
                f"{r['batch_s']:.1f} | {r['docs_per_min']:.1f} | {r['median_doc_s']:.2f} |"
            )


if __name__ == "__main__":
    main()
