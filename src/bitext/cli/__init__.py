"""Command line: a thin layer over the library, one subcommand per job.

    bitext align INPUT... -o OUT.tmx     align bilingual files into one TMX (or TSV)
    bitext report INPUT -o REPORT.html   a side-by-side review page of one file's alignment
    bitext batch DIR... --tm TM.sqlite   align an archive into a translation memory
    bitext review [INPUT...] --tm TM.sqlite  check and correct alignments in the browser
    bitext tm search|import|export|info --tm TM.sqlite   use a translation memory
    bitext tmx merge A.tmx B.tmx... -o ALL.tmx  one TMX from many (also: bitext tm merge)
    bitext eval GOLD... [--predicted P...]  score the aligner (or predictions) against gold
    bitext terms extract INPUT... -o G.tbx  a glossary from releases, TMX files or --tm
    bitext terms check --tm TM.sqlite    terms rendered differently, or against --glossary
    bitext srx -o RULES.srx              bitext's segmentation rules for a CAT tool
    bitext validate FILE.tmx...          check TMX files against the TMX 1.4 DTD

Errors print one line, ``bitext: error: ...``, and exit non-zero: 2 bad input,
3 unwritable output, 4 encoder unavailable, 1 when only some inputs failed;
130 after Ctrl-C, 143 after SIGTERM (both stop the same clean way: temporary
files removed, a batch's workers ended and its memory left whole), 141 when the
reader of standard output went away (``bitext tm search ... | head -n1``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence

from bitext import __version__
from bitext.errors import BitextError

from ._common import error
from .align import add_align_command, add_report_command
from .evaluate import add_eval_command
from .review import add_review_command
from .terms import add_terms_commands
from .tm import add_batch_command, add_tm_commands
from .tmxfiles import add_srx_command, add_tmx_commands, add_validate_command

__all__ = ["Terminated", "build_parser", "main"]

#: Exit statuses of a process ended by SIGPIPE / SIGTERM, as a shell reports them.
EXIT_BROKEN_PIPE, EXIT_TERMINATED = 128 + signal.SIGPIPE, 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that it unwinds like Ctrl-C does.

    A KeyboardInterrupt: every cleanup written for Ctrl-C (temporary files,
    rolled-back transactions, a batch's pool shut down, its workers joined)
    runs for it too; dying by the signal's default action would skip all of
    that and leave multiprocessing's semaphores to the resource tracker.
    """


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
    add_review_command(sub)
    add_eval_command(sub)
    add_terms_commands(sub)
    tm = sub.add_parser(
        "tm",
        help="translation memory tools",
        description="Use a SQLite translation memory: search, import, export, info.",
    )
    tm_sub = tm.add_subparsers(dest="tm_command", required=True, metavar="COMMAND")
    add_tm_commands(tm_sub)
    add_tmx_commands(sub, tm_sub)
    add_srx_command(sub)
    add_validate_command(sub)
    for command in _subcommands(parser):
        # Each (sub)command's help shows its defaults; each knows its own parser,
        # so that a wrong option is reported with the usage of the command it was given to.
        command.formatter_class = DefaultsHelpFormatter
        command.set_defaults(command_parser=command)
    return parser


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Help that ends each option with its default, unless the help already tells it.

    Unlike argparse's ArgumentDefaultsHelpFormatter it leaves out the defaults that
    say nothing (None, False, an empty list): "(default: None)" on every option is noise.
    """

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            not action.option_strings
            or default in (None, False, [], argparse.SUPPRESS)
            or "default" in text
        ):
            return text
        return f"{text} (default: %(default)s)" if text else "default: %(default)s"


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every parser below `parser`, depth first (bitext align, bitext tm, bitext tm search...)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in dict.fromkeys(action.choices.values()):
                yield command
                yield from _subcommands(command)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # parse_args would report them with the top-level usage, which lists the
        # commands, not the options of the command the user was typing.
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        with _sigterm_raises():
            return args.run(args)
    except BitextError as exc:
        error(exc.cli_message())
        return exc.exit_code
    except BrokenPipeError:
        return _stdout_gone()
    except KeyboardInterrupt as exc:
        what = "terminated" if isinstance(exc, Terminated) else "interrupted"
        error(f"{what}; {exc}" if str(exc) else what)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else 130


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Within the block SIGTERM raises `Terminated` (main thread only: signals go there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        # Once: the clean stop must not be cut short by a repeated SIGTERM raising
        # inside its own cleanup; a second one now ends the process at once.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stdout_gone() -> int:
    """The reader of stdout closed it (`| head -n1`): stop quietly, as cat and grep do.

    Exit 141, what a tool killed by SIGPIPE reports, so `set -o pipefail` sees
    bitext like any other command; stdout is pointed at /dev/null so that
    Python's final flush does not fail again with a traceback.
    """
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_BROKEN_PIPE
