"""Batch throughput of `bitext.tm.batch_align`: documents and sentences per minute, by jobs.

    python benchmarks/batch_throughput.py [--docs N] [--jobs 1 2] [--sets wmt22-news paramed]

Builds a temporary archive of press-release-like .txt files: the sample release
(``data/samples/press_release_chongqing.txt``) and each gold document of the
chosen sets in ``../shared/eval`` written as its Chinese paragraphs, a blank
line, then its English paragraphs (paragraphs of three gold beads, so they hold
several sentences as releases do). The files go through the whole pipeline
(read, normalize, split languages, segment, embed, align, store), not the gold
segmentation.

For each jobs value the archive is aligned into a fresh store, then aligned
again into the same store (every document skipped: the cost of a resumed run).
Per document, `DocumentOutcome.seconds` is the worker's wall time for read +
align + embed and `embed_seconds` the part inside the encoder. With jobs > 1
those run side by side in several processes, so their sum exceeds the wall
clock; the wall clock is what a user waits for.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bitext.tm import BatchRun, TranslationMemory, batch_align

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"
SETS = ("wmt22-news", "paramed", "mac-dev")
BEADS_PER_PARAGRAPH = 3


@dataclass(frozen=True)
class Run:
    """One batch run's numbers."""

    jobs: int
    report: BatchRun
    zh_sentences: int
    en_sentences: int
    rerun_seconds: float
    rerun_skipped: int

    @property
    def added(self) -> int:
        return self.report.count("added")

    def per_minute(self, count: int) -> float:
        return count * 60.0 / self.report.seconds if self.report.seconds else 0.0


def release_text(doc: dict[str, object]) -> str:
    """A gold document as a release: Chinese paragraphs, a blank line, English paragraphs."""
    zh, en, gold = doc["zh"], doc["en"], doc["gold"]
    assert isinstance(zh, list) and isinstance(en, list) and isinstance(gold, list)
    zh_paras, en_paras = [], []
    for start in range(0, len(gold), BEADS_PER_PARAGRAPH):
        beads = gold[start : start + BEADS_PER_PARAGRAPH]
        zh_par = "".join(zh[i] for src, _ in beads for i in src)
        en_par = " ".join(en[j] for _, tgt in beads for j in tgt)
        if zh_par.strip():
            zh_paras.append(zh_par)
        if en_par.strip():
            en_paras.append(en_par)
    return "\n\n".join(zh_paras) + "\n\n" + "\n\n".join(en_paras) + "\n"


def build_archive(shared: Path, sets: list[str], limit: int | None, folder: Path) -> list[Path]:
    """Write the archive's files into `folder`: the sample first, then each set's documents."""
    files = [folder / SAMPLE.name]
    shutil.copyfile(SAMPLE, files[0])
    for name in sets:
        (folder / name).mkdir()
        for source in sorted((shared / "eval" / name / "docs").glob("*.json")):
            doc = json.loads(source.read_text(encoding="utf-8"))
            target = folder / name / (source.stem + ".txt")
            target.write_text(release_text(doc), encoding="utf-8")
            files.append(target)
    return files[:limit] if limit else files


def measure(files: list[Path], jobs: int, store: Path) -> Run:
    """Align `files` into a fresh store with `jobs` workers, then rerun on the same store."""
    store.unlink(missing_ok=True)
    report = batch_align(files, store, jobs=jobs)
    with TranslationMemory(store) as tm:
        docs = tm.documents()
    start = time.perf_counter()
    rerun = batch_align(files, store, jobs=jobs)
    rerun_seconds = time.perf_counter() - start
    return Run(
        jobs=jobs,
        report=report,
        zh_sentences=sum(d.src_sentences for d in docs),
        en_sentences=sum(d.tgt_sentences for d in docs),
        rerun_seconds=rerun_seconds,
        rerun_skipped=rerun.count("skipped"),
    )


def table(runs: list[Run]) -> str:
    """The runs as a markdown table."""
    head = (
        "| jobs | docs added / failed | zh + en sentences | pairs | wall s | docs/min "
        "| sentences/min | Σ worker s | Σ embed s | embed share | outside workers s "
        "| Σ worker / wall | rerun |"
    )
    lines = [head, "|" + " --- |" * 13]
    for r in runs:
        outcomes = r.report.outcomes
        work = sum(o.seconds for o in outcomes)
        embed = sum(o.embed_seconds for o in outcomes)
        pairs = sum(o.pairs for o in outcomes)
        sentences = r.zh_sentences + r.en_sentences
        # With one job the worker runs in this process, so the wall clock less the worker time
        # is hashing, storing and the skip checks; with more the workers overlap and the
        # difference means nothing, while Σ worker / wall says how many ran at once.
        rest = f"{r.report.seconds - work:.1f}" if r.jobs == 1 else "—"
        lines.append(
            f"| {r.jobs} | {r.added} / {r.report.count('failed')} "
            f"| {r.zh_sentences} + {r.en_sentences} | {pairs} | {r.report.seconds:.1f} "
            f"| {r.per_minute(r.added):.1f} | {r.per_minute(sentences):,.0f} | {work:.1f} "
            f"| {embed:.1f} | {embed / work if work else 0:.0%} | {rest} "
            f"| {work / r.report.seconds if r.report.seconds else 0:.2f} "
            f"| {r.rerun_seconds * 1000:.0f} ms ({r.rerun_skipped} skipped) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=None, help="only the first N documents")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="default: 1 2")
    parser.add_argument(
        "--sets",
        nargs="+",
        choices=SETS,
        default=["wmt22-news", "paramed"],
        help="gold sets to build files from (default: wmt22-news paramed)",
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--keep", type=Path, help="build the archive and stores here, and keep")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bitext-batch-") as tmp:
        work = args.keep or Path(tmp)
        archive = work / "archive"
        archive.mkdir(parents=True, exist_ok=False)
        files = build_archive(args.shared, args.sets, args.docs, archive)
        size = sum(f.stat().st_size for f in files)
        sources = ", ".join(["the sample", *args.sets])
        print(f"{len(files)} files ({size / 1024:.0f} KiB) from {sources}")
        runs = []
        for jobs in args.jobs:
            run = measure(files, jobs, work / f"tm-jobs{jobs}.sqlite")
            print(f"jobs={jobs}: {run.report.summary()}", flush=True)
            for failure in run.report.failures:
                print(f"  failed: {failure.reason}")
            runs.append(run)
    print()
    print(table(runs))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    workers = f", largest worker process {child:.0f} MB" if max(args.jobs) > 1 else ""
    print(f"\npeak RSS: this process {own:.0f} MB{workers}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
