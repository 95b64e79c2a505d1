"""TMX and SRX files: `bitext tm merge`, `bitext srx`, `bitext validate`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import error


def add_merge_command(tm_sub: Any) -> None:
    merge = tm_sub.add_parser(
        "merge",
        help="merge TMX files into one; identical pairs become one unit (newest kept)",
    )
    merge.add_argument("inputs", nargs="+", metavar="TMX", help="TMX 1.1-1.4 files")
    merge.add_argument("-o", "--output", required=True, help="the merged TMX 1.4 file")
    merge.add_argument("--force", action="store_true", help="overwrite an existing output")
    merge.set_defaults(run=_tm_merge)


def add_srx_command(sub: Any) -> None:
    srx = sub.add_parser(
        "srx",
        help="write bitext's SRX segmentation rules, to load into a CAT tool",
        description="Write the SRX 2.0 rules of `bitext align --segmentation srx`; loaded "
        "into OmegaT, Trados Studio or memoQ, the tool cuts segments as the TMX does.",
    )
    srx.add_argument("-o", "--output", required=True, help="the .srx file to write")
    srx.add_argument("--force", action="store_true", help="overwrite an existing output")
    srx.set_defaults(run=_srx)


def add_validate_command(sub: Any) -> None:
    validate = sub.add_parser("validate", help="validate TMX files against the TMX 1.4 DTD")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(run=_validate)


def _tm_merge(args: argparse.Namespace) -> int:
    from bitext import tmx
    from bitext.atomic import atomic_write, check_target

    check_target(args.output, force=args.force, kind="tmx")
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
    from bitext.atomic import atomic_write
    from bitext.segment.srx import srx_bytes

    atomic_write(args.output, srx_bytes(), force=args.force)
    print(f"wrote {args.output}: bitext's SRX 2.0 segmentation rules", file=sys.stderr)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from bitext.export import validate_tmx

    bad = 0
    for name in args.files:
        try:
            with open(name, "rb") as handle:
                validate_tmx(handle.read())
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            error(f"{name}: {reason}")
            bad += 1
        else:
            print(f"{name}: valid TMX 1.4")
    return 2 if bad else 0
