"""`bitext align` (files into one TMX or TSV) and `bitext report` (a review page)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bitext.errors import BitextError, EncoderError, InputError

from ._common import (
    add_pipeline_options,
    aligner_settings,
    confidence,
    error,
    pipeline_encoder,
    progress,
    refuse_input_as_output,
)


def add_align_command(sub: Any) -> None:
    align = sub.add_parser("align", help="align bilingual files into a TMX or TSV file")
    align.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt, .docx or .html files")
    align.add_argument("-o", "--output", required=True, help="output file (.tmx or .tsv)")
    align.add_argument("--format", choices=("tmx", "tsv"), help="default: from the suffix")
    align.add_argument("--force", action="store_true", help="overwrite an existing output")
    align.add_argument(
        "--min-score",
        type=confidence,
        default=None,
        help="leave out pairs whose confidence is below this (0 to 1)",
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
    report.add_argument("input", metavar="INPUT", help="a .txt, .docx or .html file")
    report.add_argument("-o", "--output", required=True, help="the .html page to write")
    report.add_argument("--force", action="store_true", help="overwrite an existing output")
    report.add_argument(
        "--low-score",
        type=confidence,
        default=0.5,
        help="highlight pairs whose confidence is below this (0 to 1, default 0.5)",
    )
    report.add_argument("--title", help="the page title (default: from the file name)")
    add_pipeline_options(report)
    report.add_argument("-q", "--quiet", action="store_true", help="no summary")
    report.set_defaults(run=_report)


def _exporter(args: argparse.Namespace) -> Any:
    from bitext.export import get_exporter

    fmt = args.format or args.output
    options: dict[str, Any] = {"min_score": args.min_score}
    if get_exporter(fmt).name == "tmx":
        options.update(src_lang=args.src_lang, tgt_lang=args.tgt_lang)
    return get_exporter(fmt, **options)


def _align(args: argparse.Namespace) -> int:
    from bitext.atomic import check_target
    from bitext.segment import resolve_rules

    exporter = _exporter(args)
    # Everything knowable about the output is checked before any alignment work.
    refuse_input_as_output(args.output, args.inputs)
    check_target(args.output, force=args.force, kind=exporter.name)
    args.rules = resolve_rules(args.srx or args.segmentation)
    args.aligner = aligner_settings(args)
    encoder = pipeline_encoder(args)
    done, failures = [], 0
    for path in progress(args.inputs, args.quiet):
        alignment = _align_one(path, args, encoder)
        if alignment is None:
            failures += 1
            continue
        done.append(alignment)
        if not args.quiet:
            print(_summary(alignment), file=sys.stderr)
    if not done:
        return InputError.exit_code
    units = exporter.write(done, args.output, force=args.force)
    if not args.quiet:
        print(
            f"wrote {args.output}: {units} translation units from {len(done)} file(s)",
            file=sys.stderr,
        )
    return 1 if failures else 0


def _align_one(path: str, args: argparse.Namespace, encoder: Any) -> Any:
    """One input's alignment, or None after a one-line error: the batch goes on."""
    from bitext.pipeline import align_document

    try:
        return align_document(
            path,
            zh_script=args.zh_script,
            encoder=encoder,
            src_lang=args.src_lang,
            tgt_lang=args.tgt_lang,
            segmentation=args.rules or "bitext",
            **args.aligner,
        )
    except EncoderError:
        raise  # the encoder is shared: every other file would fail the same way
    except BitextError as exc:
        error(str(exc))
    except MemoryError:
        error(f"{path}: out of memory while aligning; split the document")
    except OSError as exc:
        error(f"{path}: {exc.strerror or exc}")
    return None


def _summary(alignment: Any) -> str:
    pairs = list(alignment.pairs())
    lonely_src = sum(len(b.src) for b in alignment.beads if not b.tgt)
    lonely_tgt = sum(len(b.tgt) for b in alignment.beads if not b.src)
    flagged = sum(1 for p in pairs if p.flags)
    many = sum(1 for p in pairs if p.kind != "1-1")
    return (
        f"{alignment.source}: {len(pairs)} pair{_s(len(pairs))} "
        f"({many} not 1-1, {flagged} flagged) from "
        f"{len(alignment.src)} zh / {len(alignment.tgt)} en sentences; "
        f"{lonely_src} zh and {lonely_tgt} en without counterpart"
    )


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _report(args: argparse.Namespace) -> int:
    from bitext.atomic import check_target
    from bitext.report import write_report
    from bitext.segment import resolve_rules

    # A refused output must cost nothing: checked before the slow alignment.
    refuse_input_as_output(args.output, [args.input])
    check_target(args.output, force=args.force, kind="html")
    args.rules = resolve_rules(args.srx or args.segmentation)
    args.aligner = aligner_settings(args)
    alignment = _align_one(args.input, args, pipeline_encoder(args))
    if alignment is None:
        return InputError.exit_code
    write_report(
        alignment, args.output, force=args.force, title=args.title, low_score=args.low_score
    )
    if not args.quiet:
        print(_summary(alignment), file=sys.stderr)
        print(f"wrote {args.output}: review page of {len(alignment.beads)} beads", file=sys.stderr)
    return 0
