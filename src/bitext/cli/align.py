"""`bitext align` (files into one TMX or TSV) and `bitext report` (a review page)."""

from __future__ import annotations

import argparse
import os
import shlex
from typing import Any

from bitext._names import same_file_key
from bitext.errors import BitextError, EncoderError, InputError
from bitext.model import EXPORT_MIN_SCORE

from ._common import (
    STDOUT,
    add_pipeline_options,
    check_output,
    check_zh_options,
    confidence,
    error,
    output_name,
    pipeline_aligner,
    progress,
    say,
    write_output,
)


def add_align_command(sub: Any) -> None:
    align = sub.add_parser(
        "align",
        help="align bilingual files into a TMX or TSV file",
        description="Align bilingual Chinese/English files (.txt, .docx, .html, .pdf, .doc) "
        "sentence by sentence into one TMX 1.4 file (one per Chinese tag) or a TSV file. "
        "A file that fails is reported in one line and skipped; for folders, see `bitext batch`.",
    )
    align.add_argument(
        "inputs", nargs="+", metavar="INPUT", help=".txt, .docx, .html, .pdf or .doc files"
    )
    align.add_argument(
        "-o", "--output", required=True, help="output file (.tmx or .tsv); - for standard output"
    )
    align.add_argument(
        "--format", choices=("tmx", "tsv"), help="default: from the suffix (tmx for -o -)"
    )
    align.add_argument(
        "--name",
        help="the document's name in the output (default: the input's file name); one input only",
    )
    align.add_argument("--force", action="store_true", help="overwrite an existing output")
    align.add_argument(
        "--min-score",
        type=confidence,
        default=EXPORT_MIN_SCORE,
        help="hold back pairs whose confidence (the probability that the pair is exactly "
        f"right) is below this, for review in `bitext report` (default {EXPORT_MIN_SCORE:g}, "
        "chosen on the gold sets: see docs/benchmarks.md; 0 exports every pair)",
    )
    align.add_argument(
        "--max-chars",
        type=_positive,
        metavar="N",
        help="leave out pairs with a side longer than N characters (Trados Cloud takes "
        "2,000; longer ones are counted in a warning otherwise)",
    )
    add_pipeline_options(align)
    align.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    align.set_defaults(run=_align)


def add_report_command(sub: Any) -> None:
    report = sub.add_parser(
        "report",
        help="align one file and write a side-by-side HTML page to review it",
        description="One self-contained HTML page: every bead in document order, sentences "
        "without a counterpart in place, low-confidence and damaged pairs highlighted.",
    )
    report.add_argument("input", metavar="INPUT", help="a .txt, .docx, .html, .pdf or .doc file")
    report.add_argument(
        "-o", "--output", required=True, help="the .html page to write; - for standard output"
    )
    report.add_argument("--force", action="store_true", help="overwrite an existing output")
    report.add_argument(
        "--low-score",
        type=confidence,
        default=EXPORT_MIN_SCORE,
        help="highlight pairs whose confidence is below this (0 to 1, default "
        f"{EXPORT_MIN_SCORE:g}: the pairs `bitext align` holds back)",
    )
    report.add_argument("--title", help="the page title (default: from the file name)")
    report.add_argument("--name", help="the document's name on the page (default: file name)")
    add_pipeline_options(report)
    report.add_argument("-q", "--quiet", action="store_true", help="no summary")
    report.set_defaults(run=_report)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return value


def _exporter(args: argparse.Namespace) -> Any:
    from bitext.export import exporter_factory

    # `-o -` has no suffix to tell the format: TMX, the format made to be passed on.
    factory = exporter_factory(args.format or ("tmx" if args.output == STDOUT else args.output))
    options: dict[str, Any] = {"min_score": args.min_score, "max_chars": args.max_chars}
    # Only TMX records languages; the other formats take no language options.
    if getattr(factory, "name", None) == "tmx":
        options.update(src_lang=args.src_lang, tgt_lang=args.tgt_lang)
    return factory(**options)


def _align(args: argparse.Namespace) -> int:
    check_zh_options(args)
    exporter = _exporter(args)
    if args.name is not None and len(args.inputs) > 1:
        raise InputError("--name names one document; give one input, or leave --name out")
    inputs = _distinct(args.inputs, args.quiet)
    # Everything knowable about the output is checked before any alignment work.
    check_output(args.output, inputs, force=args.force, kind=exporter.name)
    aligner = pipeline_aligner(args)
    done, failures = [], 0
    for path in progress(inputs, args.quiet):
        alignment = _align_one(path, args, aligner)
        if alignment is None:
            failures += 1
            continue
        done.append(alignment)
        if not args.quiet:
            say(_summary(alignment, args.min_score))
    if not done:
        return InputError.exit_code
    _write(exporter, done, args, inputs)
    return 1 if failures else 0


def _write(exporter: Any, done: list[Any], args: argparse.Namespace, inputs: list[str]) -> None:
    """The TMX (one per Chinese tag) or TSV of `done`, then what was written, on stderr."""
    from bitext.export import LONG_UNIT_CHARS, long_units

    written = _outputs(exporter, done, args.output)
    units = sum(exporter.count(group) for group in written.values())
    if not units:
        # An empty TMX looks like a finished job to the next tool (or the vendor):
        # nothing is written and the exit code says so.
        raise InputError(_no_units(args, len(done)))
    if args.output == STDOUT and len(written) > 1:
        raise InputError(
            f"-o -: Chinese tagged {', '.join(_tags(done))} cannot share one TMX; "
            "write to a file (one per tag) or give --src-lang"
        )
    for output in written:
        check_output(output, inputs, force=args.force, kind=exporter.name)
    for output, group in written.items():
        write_output(output, exporter.dumps(group), force=args.force)
    long = 0 if args.max_chars else long_units(done, LONG_UNIT_CHARS, args.min_score)
    if long:
        say(
            f"bitext: warning: {long} translation unit{_s(long)} with a side over "
            f"{LONG_UNIT_CHARS:,} characters, more than Trados Cloud takes; "
            f"--max-chars {LONG_UNIT_CHARS} leaves them out"
        )
    if not args.quiet:
        for output, group in written.items():
            say(
                f"wrote {output_name(output)}: {exporter.count(group)} translation units "
                f"from {len(group)} file(s)"
            )


def _tags(done: list[Any]) -> list[str]:
    return sorted({alignment.src_lang for alignment in done})


def _outputs(exporter: Any, done: list[Any], output: str) -> dict[str, list[Any]]:
    """Where each alignment goes: one TMX per Chinese tag, named out.zh-HK.tmx and so on.

    A TMX has one source language and CAT tools file a memory under it; inputs
    whose text came out in different variants (``keep``, or ``traditional``
    guessing the region file by file) would otherwise be mislabelled.
    """
    from bitext.export.tmx import by_tag, tag_path

    groups = by_tag(done)
    if exporter.name != "tmx" or exporter.src_lang is not None or len(groups) < 2:
        return {output: done}
    if output == STDOUT:  # refused by the caller, which names the tags
        return groups
    return {tag_path(output, tag): group for tag, group in groups.items()}


def _distinct(inputs: list[str], quiet: bool) -> list[str]:
    """`inputs` with each file once: `a.txt ./a.txt /abs/a.txt` is one document, not three."""
    seen: dict[object, str] = {}
    for name in inputs:
        first = seen.setdefault(same_file_key(name), name)
        if first != name and not quiet:
            say(f"{name}: the same file as {first}; aligned once")
    return list(seen.values())


def _no_units(args: argparse.Namespace, files: int) -> str:
    limits = [f"--min-score {args.min_score:g}"] if args.min_score is not None else []
    limits += [f"--max-chars {args.max_chars}"] if args.max_chars else []
    where = f"{output_name(args.output)}: nothing written"
    if limits:
        return f"{where}: no translation unit in {files} file(s) passes {' and '.join(limits)}"
    return f"{where}: the aligner paired no sentences in {files} file(s)"


def _align_one(path: str, args: argparse.Namespace, aligner: Any) -> Any:
    """One input's alignment, or None after a one-line error: the batch goes on."""
    if os.path.isdir(path):
        # The library says "is a directory, not a file"; here the command for one is known.
        error(
            f"{path}: is a directory; `bitext {args.command}` takes files: to align every "
            f"file in a folder into a memory, run bitext batch {shlex.quote(path)} --tm TM.sqlite"
        )
        return None
    try:
        return aligner.align(path, name=getattr(args, "name", None))
    except EncoderError:
        raise  # the encoder is shared: every other file would fail the same way
    except BitextError as exc:
        error(exc.cli_message())
    except MemoryError:
        error(f"{path}: out of memory while aligning; split the document")
    except OSError as exc:
        error(f"{path}: {exc.strerror or exc}")
    return None


def _summary(alignment: Any, min_score: float | None) -> str:
    pairs = list(alignment.pairs())
    held = sum(1 for p in pairs if min_score is not None and p.score < min_score)
    lonely_src = sum(len(b.src) for b in alignment.beads if not b.tgt)
    lonely_tgt = sum(len(b.tgt) for b in alignment.beads if not b.src)
    flagged = len(alignment.flagged())  # as the review page counts them
    many = sum(1 for p in pairs if p.kind != "1-1")
    # The path as typed (this line is for the person at the terminal), not the output's name.
    where = alignment.document.source if alignment.document else alignment.source
    # Held-back pairs are named, never silently dropped: `bitext report` lists them.
    held_back = f", {held} held back (confidence < {min_score:g})" if held else ""
    return (
        f"{where}: {len(pairs)} pair{_s(len(pairs))} "
        f"({many} not 1-1{held_back}) from "
        f"{len(alignment.src)} zh / {len(alignment.tgt)} en sentences; "
        f"{lonely_src} zh and {lonely_tgt} en without counterpart; "
        # Beads, paired or not: a damaged sentence without counterpart needs review too.
        f"{flagged} flagged; "
        # The script and tag may have been decided from the text or --src-lang: say which.
        f"Chinese tagged {alignment.src_lang}"
    )


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _report(args: argparse.Namespace) -> int:
    from bitext.report import render_report

    # A refused output must cost nothing: checked before the slow alignment.
    check_zh_options(args)
    check_output(args.output, [args.input], force=args.force, kind="report")
    alignment = _align_one(args.input, args, pipeline_aligner(args))
    if alignment is None:
        return InputError.exit_code
    page = render_report(alignment, title=args.title, low_score=args.low_score)
    write_output(args.output, page.encode("utf-8"), force=args.force)
    if not args.quiet:
        say(_summary(alignment, args.low_score))
        say(f"wrote {output_name(args.output)}: review page of {len(alignment.beads)} beads")
    return 0
