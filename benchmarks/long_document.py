"""Time and peak memory of one long document: all of a gold set's documents concatenated.

    python benchmarks/long_document.py [SET]      # default: mac-dev

The search runs in a band around a first single-sentence path, so memory grows
linearly with length; `bitext.align.MAX_SENTENCES` bounds each side.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from bitext import align_sentences
from bitext.embed import USEEncoder
from bitext.evaluate import evaluate, load_gold_set

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    name = argv[0] if argv else "mac-dev"
    docs = load_gold_set(ROOT.parent / "shared" / "eval" / name)
    zh = [s for d in docs for s in d.zh]
    en = [s for d in docs for s in d.en]
    gold, dz, de = [], 0, 0
    for d in docs:
        gold += [(tuple(i + dz for i in s), tuple(j + de for j in t)) for s, t in d.gold]
        dz, de = dz + len(d.zh), de + len(d.en)
    t0 = time.perf_counter()
    beads = align_sentences(zh, en, encoder=USEEncoder())
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f1 = evaluate([gold], [beads]).f1
    print(f"{name} as one document: {len(zh)} x {len(en)} sentences, {seconds:.1f} s, "
          f"peak RSS {peak:.0f} MB, strict F1 {f1:.3f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
