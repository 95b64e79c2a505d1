"""Command line: a thin layer over the library, one subcommand per job.

    bitext align INPUT... -o OUT.tmx     align bilingual files into one TMX (or TSV)
    bitext report INPUT -o REPORT.html   a side-by-side review page of one file's alignment
    bitext batch DIR... --tm TM.sqlite   align an archive into a translation memory
    bitext tm search|import|export|info --tm TM.sqlite   use a translation memory
    bitext tm merge A.tmx B.tmx... -o ALL.tmx  one translation memory from many
    bitext eval GOLD... [--predicted P...]  score the aligner (or predictions) against gold
    bitext srx -o RULES.srx              bitext's segmentation rules for a CAT tool
    bitext validate FILE.tmx...          check TMX files against the TMX 1.4 DTD

Errors print one line, ``bitext: error: ...``, and exit non-zero: 2 bad input,
3 unwritable output, 4 encoder unavailable, 1 when only some inputs failed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bitext import __version__
from bitext.errors import BitextError

from ._common import error
from .align import add_align_command, add_report_command
from .evaluate import add_eval_command
from .tm import add_batch_command, add_tm_commands
from .tmxfiles import add_merge_command, add_srx_command, add_validate_command

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bitext",
        description="Turn bilingual Chinese/English press releases into translation memory.",
    )
    parser.add_argument("--version", action="version", version=f"bitext {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_align_command(sub)
    add_report_command(sub)
    add_batch_command(sub)
    add_eval_command(sub)
    tm = sub.add_parser("tm", help="translation memory tools")
    tm_sub = tm.add_subparsers(dest="tm_command", required=True, metavar="COMMAND")
    add_merge_command(tm_sub)
    add_tm_commands(tm_sub)
    add_srx_command(sub)
    add_validate_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BitextError as exc:
        error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        error("interrupted")
        return 130
