"""`bitext tm search`: fuzzy, semantic and concordance lookups, held-back units marked."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bitext.errors import InputError
from bitext.model import EXPORT_MIN_SCORE


def search(args: argparse.Namespace) -> int:
    from bitext.tm import TranslationMemory

    if bool(args.query) == bool(args.concordance):
        raise InputError("give a QUERY or --concordance TERM (not both)")
    # Read-only: a search writes nothing, works in a read-only folder, never makes a memory.
    with TranslationMemory(args.tm, create=False, read_only=True) as memory:
        if args.concordance:
            limit = 50 if args.limit is None else (args.limit or None)
            matches = memory.concordance(args.concordance, limit=limit)
            total = memory.concordance_count(args.concordance)
            if not args.json:
                shown = (
                    f"; the first {len(matches)} below (--limit 0 for all)"
                    if (total > len(matches))
                    else ""
                )
                print(f"{total} units hold {args.concordance!r}{shown}", file=sys.stderr)
        elif args.semantic:
            from bitext.embed import load_encoder

            matches = memory.semantic(
                args.query, encoder=load_encoder(args.encoder), limit=args.limit or 10
            )
        else:
            matches = memory.search(args.query, limit=args.limit or 10, min_percent=args.min_match)
    if args.json:
        print(json.dumps([_match_dict(m) for m in matches], ensure_ascii=False, indent=2))
    else:
        for m in matches:
            print(_match_text(m))
        if not matches:
            print("no match", file=sys.stderr)
    return 0


def _match_dict(match: Any) -> dict[str, Any]:
    unit = match.unit
    return {
        "percent": match.percent,
        "how": match.how,
        "src": unit.src,
        "tgt": unit.tgt,
        "src_lang": unit.src_lang,
        "tgt_lang": unit.tgt_lang,
        "count": unit.count,
        "score": unit.score,
        "status": unit.status,
        "doubt": unit.doubt,
        "flags": list(unit.flags),
        "origins": [
            {"path": o.path, "paragraph": o.paragraph, "kind": o.kind, "score": o.score}
            for o in unit.origins
        ],
    }


def _match_text(match: Any) -> str:
    unit = match.unit
    where = "; ".join(
        f"{o.path}" + (f" ¶{o.paragraph + 1}" if o.paragraph is not None else "")
        for o in unit.origins[:3]
    )
    more = f" and {len(unit.origins) - 3} more" if len(unit.origins) > 3 else ""
    score = f", confidence {unit.score:.2f}" if unit.score is not None else ""
    flags = f", flags {','.join(unit.flags)}" if unit.flags else ""
    # A held unit is offered (a reviewer may want it) but never passed off as exported.
    held = (
        f"  held back (confidence < {EXPORT_MIN_SCORE:g}): {unit.doubt or 'check it'}\n"
        if unit.held
        else ""
    )
    return (
        f"{match.percent:5.1f}%  {match.how}\n"
        f"  {unit.src_lang}: {unit.src}\n"
        f"  {unit.tgt_lang}: {unit.tgt}\n"
        f"  seen {unit.count}x{score}{flags}; from {where}{more}\n{held}"
    )
