"""`bitext terms extract` (a glossary from releases, TMX files or a memory) and `terms check`."""

from __future__ import annotations

import argparse
from typing import Any

from bitext.errors import BitextError, InputError
from bitext.terms.termbase import MIN_CONFIDENCE, TERM_TYPES
from bitext.terms.units import TERM_MIN_SCORE

from ._common import (
    STDOUT,
    add_pipeline_options,
    check_output,
    check_zh_options,
    confidence,
    error,
    output_name,
    pipeline_config,
    pipeline_encoder,
    progress,
    say,
    write_output,
)
from .align import _align_one, _distinct, _positive

#: Glossary formats, and the kind of file (`bitext.atomic.file_kind`) an old one of each is.
GLOSSARY_KINDS = {"tbx": "tbx", "tsv": "tsv", "omegat": "tsv"}
_TMX_SUFFIXES = (".tmx", ".tmx.gz")


def add_terms_commands(sub: Any) -> None:
    terms = sub.add_parser(
        "terms",
        help="term base: extract a glossary, check a memory's terms",
        description="Draw a glossary of names and terms from aligned releases, TMX files or "
        "a memory (extract), or find terms a memory renders inconsistently (check).",
    )
    terms_sub = terms.add_subparsers(dest="terms_command", required=True, metavar="COMMAND")
    _add_extract(terms_sub)
    _add_check(terms_sub)


def _add_extract(terms_sub: Any) -> None:
    extract = terms_sub.add_parser(
        "extract",
        help="a glossary (TBX, TSV or OmegaT) from releases, TMX files or a memory",
        description="Align bilingual releases as `bitext align` does (TMX files are read "
        "as they are, a memory's units are taken with --tm), and write the Chinese terms "
        "found in the pairs at or above --min-score with their English renderings. A file "
        "that fails is reported in one line and skipped.",
    )
    extract.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help=".txt, .docx, .html, .pdf, .doc releases or .tmx files",
    )
    extract.add_argument("--tm", metavar="TM.sqlite", help="draw the terms from this memory")
    extract.add_argument("-o", "--output", required=True, help="the glossary to write")
    extract.add_argument(
        "--format",
        choices=tuple(GLOSSARY_KINDS),
        help="default: from the suffix (.tbx, .tsv; .txt: OmegaT)",
    )
    extract.add_argument(
        "--min-count",
        type=_positive,
        default=1,
        metavar="N",
        help="keep terms found in at least N units",
    )
    extract.add_argument(
        "--min-confidence",
        type=confidence,
        default=MIN_CONFIDENCE,
        metavar="C",
        help="keep terms at least this sure, 0 to 1 (0 keeps every one)",
    )
    extract.add_argument(
        "--min-score",
        type=confidence,
        default=TERM_MIN_SCORE,
        metavar="S",
        help="read the aligned pairs (and the memory's units) at least this sure "
        f"(default {TERM_MIN_SCORE:g}: a term needs its unit to hold the translation, not to "
        "be exactly right; 0.96 reads only what the TMX export takes)",
    )
    extract.add_argument(
        "--types",
        type=_types,
        default=TERM_TYPES,
        metavar="T,T...",
        help=f"keep only these kinds of term, comma-separated ({','.join(TERM_TYPES)}); "
        "e.g. person,organisation,title for names, bodies and titles",
    )
    extract.add_argument("--force", action="store_true", help="overwrite an existing output")
    add_pipeline_options(extract)
    extract.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    extract.set_defaults(run=_extract)


def _add_check(terms_sub: Any) -> None:
    check = terms_sub.add_parser(
        "check",
        help="terms a memory renders differently, or against a glossary",
        description="Find the Chinese terms a memory's units render in two or more ways "
        "(case, plurals, abbreviations and a surname alone do not count; Centre/Center does), "
        "and, with --glossary, the units that use none of a glossary term's renderings; "
        "each with its units side by side.",
    )
    check.add_argument("--tm", required=True, metavar="TM.sqlite", help="the memory to check")
    check.add_argument("--glossary", metavar="G.tbx", help="a glossary (TBX, TSV or OmegaT)")
    check.add_argument(
        "-o",
        "--output",
        default=STDOUT,
        help="the report: .html (side by side) or .tsv; - (default) for TSV on standard output",
    )
    check.add_argument("--force", action="store_true", help="overwrite an existing output")
    check.add_argument("-q", "--quiet", action="store_true", help="no summary")
    check.set_defaults(run=_check)


def _types(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(t.strip().lower() for t in text.split(",") if t.strip()))
    unknown = [t for t in names if t not in TERM_TYPES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"{text!r}: not a list of term types ({', '.join(TERM_TYPES)})"
        )
    return names


def _extract(args: argparse.Namespace) -> int:
    check_zh_options(args)
    if not args.inputs and args.tm is None:
        raise InputError("no input: give releases, TMX files or --tm TM.sqlite")
    from bitext.terms.glossary import glossary_format

    # Standard output has no suffix to tell the format: TSV unless --format says otherwise.
    fmt = (
        args.format or "tsv" if args.output == STDOUT else glossary_format(args.output, args.format)
    )
    inputs = _distinct(args.inputs, args.quiet)
    # A refused output costs nothing: checked before any alignment. --force replaces an
    # old glossary of this format only.
    given = [*inputs, *([args.tm] if args.tm else [])]
    check_output(args.output, given, force=args.force, kind=GLOSSARY_KINDS[fmt])
    # The pipeline's settings (--set, --srx) are checked now too, as `bitext align` does.
    config = pipeline_config(args) if not all(map(_is_tmx, inputs)) else None
    units, failures, encoder = _units(inputs, args, config)
    if not units:
        if failures == len(inputs) and args.tm is None:
            return InputError.exit_code  # each failure already said why, in its own line
        raise InputError(f"{output_name(args.output)}: nothing written: no confident pair found")
    from bitext.terms.extraction import extract
    from bitext.terms.glossary import glossary_bytes

    terms = extract(
        units,
        min_count=args.min_count,
        min_confidence=args.min_confidence,
        types=args.types,
        encoder=encoder,
    )
    data = glossary_bytes(terms, fmt, label=output_name(args.output))
    write_output(args.output, data, force=args.force)
    if not args.quiet:
        say(f"wrote {output_name(args.output)}: {len(terms)} terms from {len(units)} aligned units")
    return 1 if failures else 0


def _is_tmx(path: str) -> bool:
    return path.lower().endswith(_TMX_SUFFIXES)


def _units(inputs: list[str], args: argparse.Namespace, config: Any) -> tuple[list[Any], int, Any]:
    """The units of every input (and of --tm), the count of inputs that failed, the encoder."""
    from bitext.terms.units import units_from_memory

    units: list[Any] = []
    failures, aligner, encoder = 0, None, None
    if args.tm is not None:
        # First: a memory that is missing or not a memory stops the command before any alignment.
        from bitext.tm import TranslationMemory

        with TranslationMemory(args.tm, create=False, read_only=True) as memory:
            units += units_from_memory(memory, min_score=args.min_score)
    for path in progress(inputs, args.quiet):
        if _is_tmx(path):
            found = _tmx_units(path)
        else:
            if aligner is None:
                # Loaded once, on the first release: TMX files and memories need no encoder.
                from bitext.pipeline import DocumentAligner

                encoder = pipeline_encoder(args)
                aligner = DocumentAligner.prepare(config, encoder=encoder)
            found = _release_units(path, args, aligner)
        if found is None:
            failures += 1
        else:
            units += found
    return units, failures, encoder


def _tmx_units(path: str) -> list[Any] | None:
    from bitext.terms.units import units_from_tmx

    try:
        return units_from_tmx(path)
    except BitextError as exc:
        error(exc.cli_message())
        return None


def _release_units(path: str, args: argparse.Namespace, aligner: Any) -> list[Any] | None:
    from bitext.terms.units import units_from_alignment

    alignment = _align_one(path, args, aligner)  # an EncoderError goes up: every file needs it
    return None if alignment is None else units_from_alignment(alignment, min_score=args.min_score)


def _check(args: argparse.Namespace) -> int:
    from bitext.terms.check_report import check_report_html, check_report_tsv, report_format
    from bitext.terms.consistency import check
    from bitext.terms.units import units_from_memory
    from bitext.tm import TranslationMemory

    fmt = "tsv" if args.output == STDOUT else report_format(args.output)
    inputs = [args.tm, *([args.glossary] if args.glossary else [])]
    check_output(args.output, inputs, force=args.force, kind="report" if fmt == "html" else fmt)
    glossary = None
    if args.glossary is not None:
        from bitext.terms.glossary import read_glossary

        glossary = read_glossary(args.glossary)
    with TranslationMemory(args.tm, create=False, read_only=True) as memory:
        units = units_from_memory(memory)
    findings = check(units, glossary=glossary)
    data = check_report_html(findings) if fmt == "html" else check_report_tsv(findings)
    write_output(args.output, data, force=args.force)
    if not args.quiet:
        odd = sum(f.kind == "inconsistency" for f in findings)
        say(
            f"{args.tm}: {odd} term(s) rendered differently, {len(findings) - odd} glossary "
            f"term(s) contradicted, in {len(units)} units; wrote {output_name(args.output)}"
        )
    return 0
