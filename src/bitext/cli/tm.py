"""`bitext batch` and `bitext tm search|import|export|info`: thin wrappers over `bitext.tm`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bitext._names import printable
from bitext.atomic import remove_sqlite
from bitext.errors import EncoderError, InputError
from bitext.lang import DEFAULT_EN_TAG
from bitext.model import EXPORT_MIN_SCORE

from ._common import (
    STDOUT,
    add_pipeline_options,
    cache_setting,
    check_output,
    check_zh_options,
    confidence,
    language_tag,
    output_name,
    pipeline_config,
    say,
    write_output,
)
from ._tm_search import search as _search


def add_batch_command(sub: Any) -> None:
    batch = sub.add_parser(
        "batch",
        help="align folders of releases into a translation memory (resumable, in parallel)",
        description="Align every .txt/.docx/.html/.pdf/.doc under the given folders into a SQLite "
        "translation memory. Documents already stored with the same settings are skipped, "
        "so an interrupted run is resumed by running it again; a file that fails is "
        "reported and skipped.",
    )
    batch.add_argument("inputs", nargs="+", metavar="INPUT", help="folders or files")
    batch.add_argument("--tm", metavar="TM.sqlite", help="the memory to add to (created if new)")
    batch.add_argument(
        "-o",
        "--output",
        metavar="OUT.tmx",
        help="also write the whole memory as TMX (- for standard output)",
    )
    batch.add_argument("--force", action="store_true", help="overwrite an existing -o file")
    batch.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        help="worker processes (default 1; each loads its own model)",
    )
    batch.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: worker processes here (default); dask: a Dask cluster (bitext[dask])",
    )
    batch.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler (tcp://host:8786); default a local cluster "
        "of --jobs workers",
    )
    add_pipeline_options(batch)
    batch.add_argument(
        "--no-vectors", action="store_true", help="store no embeddings (no semantic search)"
    )
    batch.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    batch.set_defaults(run=_batch)


def add_tm_commands(tm_sub: Any) -> None:
    search = tm_sub.add_parser(
        "search",
        help="fuzzy, semantic or concordance lookup in a translation memory",
        description="Fuzzy matches as CAT tools rank them (edit distance: characters for "
        "Chinese, words for English), semantic neighbours (--semantic), or every unit "
        "holding a term (--concordance TERM).",
    )
    search.add_argument("query", nargs="?", help="a sentence in Chinese or English")
    search.add_argument("--tm", required=True, metavar="TM.sqlite")
    search.add_argument("--concordance", metavar="TERM", help="every unit holding TERM")
    search.add_argument(
        "--semantic", action="store_true", help="nearest in meaning (stored embeddings)"
    )
    search.add_argument(
        "--limit",
        type=int,
        help="at most this many (default: 10; 50 for --concordance; 0: all)",
    )
    search.add_argument(
        "--min-match", type=float, default=70.0, help="fuzzy threshold in percent (default 70)"
    )
    search.add_argument("--encoder", default=None, help="for --semantic: the batch's encoder")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(run=_search)

    imp = tm_sub.add_parser(
        "import",
        help="add TMX files to a translation memory",
        description="Add the units of TMX files (1.1-1.4, or .tmx.gz) to a translation "
        "memory, created if missing; identical pairs are counted once.",
    )
    imp.add_argument("inputs", nargs="+", metavar="TMX")
    imp.add_argument("--tm", required=True, metavar="TM.sqlite")
    imp.add_argument(
        "--src-lang",
        default=None,
        help="take this Chinese variant only (default: every one, each under its own tag)",
    )
    imp.add_argument(
        "--tgt-lang", default=DEFAULT_EN_TAG, help=f"target language (default {DEFAULT_EN_TAG})"
    )
    imp.set_defaults(run=_import)

    exp = tm_sub.add_parser(
        "export",
        help="write (part of) a translation memory as TMX",
        description="Write a translation memory's units as TMX 1.4 (one file per Chinese "
        "tag), filtered by confidence, date, document or flag; the memory is only read.",
    )
    exp.add_argument("--tm", required=True, metavar="TM.sqlite")
    exp.add_argument(
        "-o", "--output", required=True, metavar="OUT.tmx", help="- for standard output"
    )
    exp.add_argument("--force", action="store_true", help="overwrite an existing output")
    exp.add_argument(
        "--min-score",
        type=confidence,
        default=EXPORT_MIN_SCORE,
        help="export the units whose best confidence (the probability that the pair is "
        f"exactly right) is at least this (default {EXPORT_MIN_SCORE:g}, chosen on the gold "
        "sets: see docs/benchmarks.md); the others are held back for review and counted; "
        "units imported from a TMX without a score are approved and exported; 0: every unit",
    )
    exp.add_argument(
        "--held",
        action="store_true",
        help="export only the units held back (below --min-score), each with a note "
        "saying why, for review",
    )
    exp.add_argument(
        "--approved-only",
        action="store_true",
        help="export only the units a reviewer approved (`bitext.review`) or imported from "
        "a TMX without a score; rejected pairs are never exported",
    )
    exp.add_argument("--since", metavar="DATE", help="last seen on or after (YYYY-MM-DD)")
    exp.add_argument("--until", metavar="DATE", help="last seen on or before (YYYY-MM-DD)")
    exp.add_argument("--document", metavar="GLOB", help="seen in a document matching this path")
    exp.add_argument("--flag", help="carrying this flag (e.g. encoding-damage)")
    exp.add_argument("--unflagged", action="store_true", help="carrying no flag")
    exp.add_argument(
        "--src-lang",
        type=language_tag("zh"),
        help="only units whose Chinese has this tag (default: all; units of several "
        "tags go to one file each, OUT.zh-HK.tmx beside OUT.zh-CN.tmx)",
    )
    exp.set_defaults(run=_export)

    info = tm_sub.add_parser(
        "info",
        help="counts of documents and units in a memory",
        description="Print how many documents and units a translation memory holds; "
        "the memory is only read.",
    )
    info.add_argument("--tm", required=True, metavar="TM.sqlite")
    info.set_defaults(run=_info)


def _open(path: str, *, create: bool = False) -> Any:
    """The memory to add to (`create`), else opened read-only: search, export and
    info write nothing, work in a read-only folder and never make a memory."""
    from bitext.tm import TranslationMemory

    return TranslationMemory(path, create=create, read_only=not create)


def _batch(args: argparse.Namespace) -> int:
    from bitext.tm import BatchRun, BatchSettings, find_inputs, iter_batch

    check_zh_options(args)
    if not args.tm and not args.output:
        raise InputError("give --tm FILE, -o FILE.tmx, or both")
    if args.jobs < 1:
        raise InputError(f"--jobs {args.jobs}: must be at least 1")
    files = find_inputs(args.inputs)
    if not files:
        raise InputError("no .txt, .docx, .html, .pdf or .doc files in " + ", ".join(args.inputs))
    if args.output:
        check_output(args.output, [str(f) for f in files], force=args.force, kind="tmx")
    settings = BatchSettings(
        pipeline_config(args),
        vectors=not args.no_vectors,
        cache=cache_setting(args),
    )
    with tempfile.TemporaryDirectory(prefix="bitext-") as scratch:
        memory = _open(args.tm or str(Path(scratch) / "batch.sqlite"), create=True)
        report = BatchRun()
        try:
            outcomes = iter_batch(
                args.inputs,  # not `files`: the names stored are relative to these folders
                memory,
                settings,
                jobs=args.jobs,
                engine=args.engine,
                scheduler=args.scheduler,
            )
            report = _run_batch(outcomes, files, args, memory)
            if args.output:
                written = _export_to(memory, args.output, force=args.force)
                if not args.quiet:
                    _say_written(written, memory, args.tm, min_score=EXPORT_MIN_SCORE)
        finally:
            memory.close()
    if report.failures and not report.count("added") and not report.count("skipped"):
        return InputError.exit_code
    return 1 if report.failures else 0


def _run_batch(outcomes: Any, files: list[Path], args: argparse.Namespace, memory: Any) -> Any:
    """Consume the batch with a progress bar; failures reported as they happen."""
    import time

    from tqdm import tqdm

    from bitext.tm import BatchRun

    report, start = BatchRun(), time.perf_counter()
    show = not args.quiet and sys.stderr.isatty()
    with tqdm(total=len(files), unit="doc", file=sys.stderr, disable=not show) as bar:
        try:
            for outcome in outcomes:
                report.outcomes.append(outcome)
                if outcome.status == "failed":
                    bar.write(printable(f"bitext: failed: {outcome.reason}"), file=sys.stderr)
                bar.update()
        except KeyboardInterrupt as exc:
            # Ctrl-C or SIGTERM: the same exception, carrying what was stored, so the
            # error is one line ("terminated; stored so far: ...") and a rerun resumes.
            report.seconds = time.perf_counter() - start
            raise type(exc)(f"stored so far: {report.summary()}") from None
        except EncoderError:
            raise
    report.seconds = time.perf_counter() - start
    if not args.quiet:
        print(f"{report.summary()}; {_review_counts(report, memory)}", file=sys.stderr)
    return report


def _review_counts(report: Any, memory: Any) -> str:
    """What the added documents leave for review, in `bitext align`'s words."""
    added = [o.path for o in report.outcomes if o.status == "added"]
    pairs, held, lonely_src, lonely_tgt = memory.review_counts(added, EXPORT_MIN_SCORE)
    return (
        f"in the documents added: {pairs} pairs, {held} held back "
        f"(confidence < {EXPORT_MIN_SCORE:g}); {lonely_src} zh and {lonely_tgt} en "
        "without counterpart"
    )


def _import(args: argparse.Namespace) -> int:
    from bitext.tm import import_tmx

    new = not os.path.lexists(args.tm)
    memory = _open(args.tm, create=True)
    try:
        for name in args.inputs:  # a refused file stops before anything of it is stored
            result = import_tmx(memory, name, src_lang=args.src_lang, tgt_lang=args.tgt_lang)
            what = (
                "already imported"
                if result.skipped
                else (f"{result.occurrences} pairs, {result.units_added} new units")
            )
            say(f"{name}: {what}")
    except BaseException:
        # A memory this run created and stored nothing in is removed again: a missing
        # or bad first TMX must not leave an empty memory behind. Nothing else is.
        empty = new and not memory.documents()
        memory.close()
        if empty:
            remove_sqlite(args.tm)
        raise
    memory.close()
    return 0


def _export(args: argparse.Namespace) -> int:
    check_output(args.output, force=args.force, kind="tmx")
    with _open(args.tm) as memory:
        try:
            written = _export_to(
                memory, args.output, force=args.force, held=args.held, **_filters(args)
            )
            if args.held:
                for output, units in written.items():
                    say(
                        f"wrote {output_name(output)}: {units} translation units held back "
                        f"for review (confidence < {args.min_score:g})"
                    )
            else:
                _say_written(written, memory, args.tm, **_filters(args))
        except ValueError as exc:  # a date that does not parse
            raise InputError(str(exc)) from None
    return 0


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    """`tm export`'s filters, as `export_tmx_files` takes them."""
    return {
        "zh_lang": args.src_lang,
        "min_score": args.min_score,
        "since": args.since,
        "until": args.until,
        "document": args.document,
        "flag": args.flag,
        "unflagged": args.unflagged,
        "approved_only": args.approved_only,
    }


def _say_written(written: dict[str, int], memory: Any, tm: str | None, **filters: Any) -> None:
    """The files written, and how many units the threshold held back (never silently)."""
    from bitext.tm.tmxio import count_held

    for output, units in written.items():
        say(f"wrote {output_name(output)}: {units} translation units")
    held = count_held(memory, **filters)
    if held:
        look = (
            f"`bitext tm export --tm {tm} --held -o review.tmx` lists them"
            if tm
            else ("give --tm to keep them for review")
        )
        say(f"{held} held back (confidence < {filters['min_score']:g}): {look}")


def _export_to(memory: Any, output: str, *, force: bool, **filters: Any) -> dict[str, int]:
    """`export_tmx_files` (a file per Chinese variant), or one TMX on stdout for ``-o -``."""
    from bitext.tm.tmxio import MixedVariantsError, export_tmx_bytes, export_tmx_files

    if output != STDOUT:
        return export_tmx_files(memory, output, force=force, **filters)
    try:
        data, units = export_tmx_bytes(memory, **filters)
    except MixedVariantsError as exc:
        raise InputError(f"-o -: {exc}; choose one with --src-lang") from None
    write_output(output, data)
    return {output: units}


def _info(args: argparse.Namespace) -> int:
    with _open(args.tm) as memory:
        stats = memory.stats()
    print(", ".join(f"{key}: {value}" for key, value in stats.items()))
    return 0
