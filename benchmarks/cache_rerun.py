"""A batch run twice: with an empty embedding cache, then again with the filled cache.

    python benchmarks/cache_rerun.py [--jobs 1] [--sets mac-dev paramed wmt22-news] [--repeat 3]

Builds a temporary archive of the chosen gold sets in ``../shared/eval`` (each
document written as a bilingual release by `batch_throughput.release_text`),
then runs ``python -m bitext.cli batch ARCHIVE --tm TM --cache-file CACHE -q`` in
fresh processes, as a user would: first with an empty cache file, then
(`--repeat` times, the median counts) into a fresh memory with the cache the
first run filled. Wall times include process start-up: a user waits for it too.

The processes get a private ``XDG_CACHE_HOME``, which a warm-up (``bitext align``
of one file, without ``--cache``) fills the way any earlier use of bitext on the
machine has (jieba's and CC-CEDICT's parsed dictionaries), so the runs differ
only in the cache file; ``--cold`` skips the warm-up. Every memory must hold
the same units: the cache must not change a single alignment.

Then one more cached run, in a fresh process through `bitext.tm.batch_align`
with the CLI's cache setting, has a clock around each stage (exclusive times:
a stage inside another is not counted twice) to show where the time goes.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SETS = ("mac-dev", "paramed", "wmt22-news")


def build_archive(shared: Path, sets: list[str], folder: Path) -> list[Path]:
    """Each gold document of `sets` as a bilingual .txt release under `folder`/SET."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from batch_throughput import release_text

    files = []
    for name in sets:
        (folder / name).mkdir(parents=True)
        for source in sorted((shared / "eval" / name / "docs").glob("*.json")):
            doc = json.loads(source.read_text(encoding="utf-8"))
            target = folder / name / (source.stem + ".txt")
            target.write_text(release_text(doc), encoding="utf-8")
            files.append(target)
    return files


def timed_run(command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of `command` in a fresh process; raises if it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def bitext_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "bitext.cli", *args]


def cache_bytes(cache: Path) -> int:
    """Size of the cache: the SQLite file and whatever sits beside it under its name."""
    return sum(p.stat().st_size for p in cache.parent.glob(cache.name + "*") if p.is_file())


def same_units(a: Path, b: Path) -> bool:
    """Whether two memories hold the same units with the same scores."""
    from bitext.tm import TranslationMemory

    def content(path: Path) -> list[tuple[str, str, float | None, int]]:
        with TranslationMemory(path, create=False) as tm:
            return sorted((u.src, u.tgt, u.score, u.count) for u in tm.units())

    return content(a) == content(b)


# -- the stage profile (runs in a child process: `--stages ARCHIVE TM CACHE`) ----------------


class StageClock:
    """Exclusive wall time per stage: entering a stage pauses the one it was called from."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self._stack: list[list[Any]] = []

    def wrap(self, stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            now = time.perf_counter()
            if self._stack:
                self.seconds[self._stack[-1][0]] += now - self._stack[-1][1]
            self._stack.append([stage, now])
            try:
                return func(*args, **kwargs)
            finally:
                end = time.perf_counter()
                name, since = self._stack.pop()
                self.seconds[name] += end - since
                self.calls[name] += 1
                if self._stack:
                    self._stack[-1][1] = end

        return timed


def _patch_everywhere(func: Callable[..., Any], timed: Callable[..., Any]) -> None:
    """Replace `func` by `timed` in every bitext module that bound it by name."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("bitext"):
            continue
        for attr, value in list(vars(module).items()):
            if value is func:
                setattr(module, attr, timed)


#: (stage, module, attribute) of what the profile times; a class attribute is "Class.method".
#: Missing ones are skipped, so the profile survives refactoring of what it names.
STAGES = (
    ("read", "bitext.read", "read_bytes"),
    ("normalize", "bitext.normalize", "normalize"),
    ("split languages", "bitext.langsplit", "split_languages"),
    ("segment", "bitext.pipeline", "sentence_sides"),
    ("  Punkt model (nltk import)", "bitext.segment.en", "tokenizer"),
    ("to Simplified", "bitext.normalize", "to_simplified"),
    ("embed: cache lookups", "bitext.embed_cache", "CachedEncoder.encode"),
    ("  encoder model load", "bitext.embed", "_use_model"),
    ("word features", "bitext.align.lexical", "lexical_features"),
    ("  jieba dictionary", "bitext._jieba", "tokenizer"),
    ("  CC-CEDICT", "bitext.align.word_keys", "cedict"),
    ("  CC-CEDICT", "bitext.align.word_keys", "translation_table"),
    ("search (passes.align_sides)", "bitext.align.passes", "align_sides"),
    ("  word-feature scores", "bitext.align.lexical", "LexicalFeatures.blocks"),
    ("store in the memory", "bitext.tm.store", "TranslationMemory.add"),
    ("hash + skip check", "bitext.tm.store", "TranslationMemory.has_document"),
)


def _install(clock: StageClock) -> None:
    import importlib

    for stage, module_name, attr in STAGES:
        module = importlib.import_module(module_name)
        owner_name, _, method = attr.rpartition(".")
        owner = getattr(module, owner_name) if owner_name else module
        func = getattr(owner, method, None)
        if func is None:
            continue
        timed = clock.wrap(stage, func)
        if owner_name:
            setattr(owner, method, timed)
        else:
            _patch_everywhere(func, timed)


def stage_profile(archive: Path, tm: Path, cache: Path) -> dict[str, Any]:
    """The cached batch in this process, stage by stage (seconds), as a dict."""
    start = time.perf_counter()
    import bitext.cli  # noqa: F401  what `bitext batch` imports before any work
    from bitext.tm import BatchSettings, batch_align

    imports = time.perf_counter() - start
    clock = StageClock()
    _install(clock)
    # The clock's own modules and wrapping are not the user's cost.
    start = time.perf_counter()
    report = batch_align([archive], tm, BatchSettings(cache=str(cache)), jobs=1)
    total = time.perf_counter() - start
    stages = dict(clock.seconds)
    stages["other (batch loop, window setup, ...)"] = total - sum(stages.values())
    return {
        "imports": imports,
        "batch": total,
        "stages": stages,
        "calls": dict(clock.calls),
        "loaded": loaded(),
        "added": report.count("added"),
    }


def loaded() -> list[str]:
    """The heavy modules and models this process loaded."""
    from bitext import embed

    heavy = ("torch", "sentence_transformers", "sklearn", "pandas", "matplotlib", "nltk")
    names = [m for m in heavy if m in sys.modules]
    if "jieba" in sys.modules and sys.modules["jieba"].dt.initialized:
        names.append("jieba's dictionary")
    if embed._USE_MODELS:
        names.append("the USE model")
    return names


def print_profile(profile: dict[str, Any]) -> None:
    total = profile["imports"] + profile["batch"]
    print(f"\nstage profile of the cached run, one process ({total:.2f} s besides interpreter):")
    rows = [("imports (bitext.cli)", profile["imports"], 1)]
    rows += [(k, v, profile["calls"].get(k, 1)) for k, v in profile["stages"].items()]
    print("| stage | s | share | calls |\n| --- | ---: | ---: | ---: |")
    for stage, seconds, calls in rows:
        print(f"| {stage} | {seconds:.2f} | {seconds / total:.0%} | {calls} |")
    print(f"loaded by the end: {', '.join(profile['loaded']) or 'nothing heavy'}")


# -- the measurement ------------------------------------------------------------------------


def measure(args: argparse.Namespace, work: Path) -> None:
    """Build the archive, run the batch first and cached, compare, then profile."""
    archive = work / "archive"
    files = build_archive(args.shared, args.sets, archive)
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} documents ({size / 1024:.0f} KiB) from {', '.join(args.sets)}")
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "home-cache")}
    env.pop("BITEXT_CACHE_DIR", None)
    interpreter = timed_run([sys.executable, "-c", "pass"], env)
    help_run = timed_run(bitext_cli("--help"), env)
    if not args.cold:
        warm = timed_run(bitext_cli("align", str(files[0]), "-o", str(work / "w.tmx")), env)
        print(f"warm-up (bitext align of one file, no --cache): {warm:.1f} s")
    cache = work / "cache" / "embeddings.sqlite"
    batch = ("batch", str(archive), "--cache-file", str(cache), "-q", "--jobs", str(args.jobs))
    first = timed_run(bitext_cli(*batch, "--tm", str(work / "first.sqlite")), env)
    print(f"first run (empty cache):        {first:6.2f} s", flush=True)
    runs = [
        timed_run(bitext_cli(*batch, "--tm", str(work / f"cached{k}.sqlite")), env)
        for k in range(args.repeat)
    ]
    cached = statistics.median(runs)
    each = f" (median of {', '.join(f'{r:.2f}' for r in runs)})" if len(runs) > 1 else ""
    print(f"cached run (fresh memory):      {cached:6.2f} s{each}")
    print(f"ratio first / cached:           {first / cached:6.2f}x")
    print(f"cache size:                     {cache_bytes(cache) / 2**20:6.1f} MB")
    print(f"start-up: interpreter {interpreter:.2f} s, `bitext --help` {help_run:.2f} s")
    same = all(
        same_units(work / "first.sqlite", work / f"cached{k}.sqlite") for k in range(len(runs))
    )
    print(f"every memory holds the same units: {'yes' if same else 'NO'}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print_profile(run_profile(archive, work / "profiled.sqlite", cache, env))


def run_profile(archive: Path, memory: Path, cache: Path, env: dict[str, str]) -> dict[str, Any]:
    """The stage profile of one more cached run, in a fresh process of its own."""
    child = subprocess.run(
        [sys.executable, __file__, "--stages", str(archive), str(memory), str(cache)],
        env=env,
        capture_output=True,
        text=True,
    )
    if child.returncode != 0:
        raise SystemExit(f"stage profile failed:\n{child.stderr}")
    return json.loads(child.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--cold", action="store_true", help="no warm-up of the user caches")
    parser.add_argument(
        "--repeat", type=int, default=3, help="cached runs; their median counts (default 3)"
    )
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    parser.add_argument("--stages", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stages:
        print(json.dumps(stage_profile(*args.stages)))
        return 0
    if args.keep:
        args.keep.mkdir(parents=True)
        measure(args, args.keep.resolve())
        return 0
    with tempfile.TemporaryDirectory(prefix="bitext-cache-rerun-") as tmp:
        measure(args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
