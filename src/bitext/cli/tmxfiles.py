"""TMX and SRX files: `bitext tmx merge`, `bitext srx`, `bitext validate`."""

from __future__ import annotations

import argparse
from typing import Any

from bitext._names import printable

from ._common import check_output, error, output_name, say, write_output


def add_tmx_commands(sub: Any, tm_sub: Any) -> None:
    """`bitext tmx merge`, and `bitext tm merge`, its former spelling, left out of help.

    The merge reads and writes TMX files and never opens a memory, so it belongs
    under `tmx`; scripts written for `bitext tm merge` keep working.
    """
    tmx = sub.add_parser(
        "tmx",
        help="TMX file tools",
        description="Work on TMX files themselves (no translation memory is opened): "
        "merge CAT tools' memories into one.",
    )
    tmx_sub = tmx.add_subparsers(dest="tmx_command", required=True, metavar="COMMAND")
    _add_merge(
        tmx_sub.add_parser(
            "merge",
            help="merge TMX files into one; identical pairs become one unit (newest kept)",
            description=_MERGE,
        )
    )
    # No `help`: argparse lists a subcommand in its parent's help only when it has one.
    _add_merge(
        tm_sub.add_parser(
            "merge", description=f"The former spelling of `bitext tmx merge`. {_MERGE}"
        )
    )


_MERGE = (
    "Merge CAT tools' TMX files into one TMX 1.4: the same source and target "
    "become one unit (the newest changedate wins, notes and props kept), language "
    "variants mapped consistently; a report per file of units read, kept and merged."
)


def _add_merge(merge: argparse.ArgumentParser) -> None:
    merge.add_argument("inputs", nargs="+", metavar="TMX", help="TMX 1.1-1.4 files (or .tmx.gz)")
    merge.add_argument(
        "-o", "--output", required=True, help="the merged TMX 1.4 file; - for standard output"
    )
    merge.add_argument("--force", action="store_true", help="overwrite an existing output")
    merge.set_defaults(run=_tmx_merge)


def add_srx_command(sub: Any) -> None:
    srx = sub.add_parser(
        "srx",
        help="write bitext's SRX segmentation rules, to load into a CAT tool",
        description="Write the SRX 2.0 rules of `bitext align --segmentation srx`; loaded "
        "into OmegaT, Trados Studio or memoQ, the tool cuts segments as the TMX does.",
    )
    srx.add_argument(
        "-o", "--output", required=True, help="the .srx file to write; - for standard output"
    )
    srx.add_argument("--force", action="store_true", help="overwrite an existing output")
    srx.set_defaults(run=_srx)


def add_validate_command(sub: Any) -> None:
    validate = sub.add_parser(
        "validate",
        help="validate TMX files against the TMX 1.4 DTD",
        description="Check TMX files (or .tmx.gz) against the TMX 1.4 DTD; one line per "
        "invalid file, exit 2 if any is.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(run=_validate)


def _tmx_merge(args: argparse.Namespace) -> int:
    from bitext import tmx
    from bitext.errors import InputError

    # Not refused as an input: every input is read before the atomic write.
    check_output(args.output, force=args.force, kind="tmx")
    memories = [tmx.read(name) for name in args.inputs]  # one bad file: nothing is written
    merged, reports = tmx.merge(memories, names=args.inputs)
    if not merged.units:
        # An empty TMX looks like a finished merge to the next tool: refuse it.
        raise InputError(
            f"{output_name(args.output)}: nothing written: no translation unit in "
            f"{len(args.inputs)} file(s)"
        )
    write_output(args.output, tmx.to_bytes(merged), force=args.force)
    for report in reports:
        empty = "; it holds no translation unit" if not report.read else ""
        say(f"{report.name}: {report.read} read, {report.kept} kept, {report.merged} merged{empty}")
    say(f"wrote {output_name(args.output)}: {len(merged.units)} translation units")
    return 0


def _srx(args: argparse.Namespace) -> int:
    from bitext.segment.srx import srx_bytes

    check_output(args.output, force=args.force, kind="srx")
    write_output(args.output, srx_bytes(), force=args.force)
    say(f"wrote {output_name(args.output)}: bitext's SRX 2.0 segmentation rules")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from bitext.errors import InputError
    from bitext.export import validate_tmx
    from bitext.tmx import MAX_BYTES
    from bitext.tmx._prolog import gunzip_bounded

    bad = 0
    for name in args.files:
        try:
            with open(name, "rb") as handle:
                # .tmx.gz too, by its bytes; bounded, so a gzip bomb is one line.
                validate_tmx(gunzip_bounded(handle.read(), name, MAX_BYTES))
        except InputError as exc:
            error(str(exc))
            bad += 1
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            error(f"{name}: {reason}")
            bad += 1
        else:
            print(printable(f"{name}: valid TMX 1.4"))
    return 2 if bad else 0
