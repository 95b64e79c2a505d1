"""Alignment cost against the embedding floor, and its growth with document length.

    python benchmarks/speed.py [--sizes 1000 2000 4000 8000 16000] [--plot docs/speed.png]

The floor is the time to embed every sentence of both sides once, with the same
encoder in the same process: no aligner that embeds can beat it. For mac-dev
(each document aligned on its own) and for long documents made by concatenating
the gold documents of ../shared/eval to N Chinese sentences, it reports total
alignment time (`bitext.align_sentences`), the part spent in the encoder, the
search (everything else), the floor, their ratio, and the peak memory of a fresh
process doing it (VmHWM, encoder model included). The slope of log(time) and
log(memory) against log(N) says how cost grows: 1 is linear.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SHARED = Path(os.environ.get("BITEXT_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SETS = ("mac-dev", "paramed", "wmt22-news")


class TimedEncoder:
    """The real encoder, timing its calls (the embedding share of an alignment)."""

    def __init__(self, inner: object) -> None:
        self.inner, self.seconds, self.texts = inner, 0.0, 0
        self.name, self.dim = inner.name, inner.dim  # type: ignore[attr-defined]

    def encode(self, texts: list[str]) -> np.ndarray:
        start = time.perf_counter()
        try:
            return self.inner.encode(texts)  # type: ignore[attr-defined]
        finally:
            self.seconds += time.perf_counter() - start
            self.texts += len(texts)


def _docs(name: str) -> list:
    from bitext.evaluate import load_gold_set

    return load_gold_set(SHARED / "eval" / name)


def measure(pairs: list[tuple[list[str], list[str]]]) -> dict[str, float]:
    """Floor, total, embedding and search seconds over document pairs, in this process."""
    from bitext.align import align_sentences
    from bitext.embed import USEEncoder

    encoder = TimedEncoder(USEEncoder())
    encoder.encode(["warm up"])  # model loading is not alignment
    encoder.seconds = encoder.texts = 0
    floor = 0.0
    for zh, en in pairs:
        start = time.perf_counter()
        encoder.inner.encode(list(zh) + list(en))
        floor += time.perf_counter() - start
    start = time.perf_counter()
    for zh, en in pairs:
        align_sentences(zh, en, encoder=encoder)
    total = time.perf_counter() - start
    return {
        "floor_s": floor,
        "total_s": total,
        "embed_s": encoder.seconds,
        "search_s": total - encoder.seconds,
        "ratio": total / floor,
        "texts_embedded": encoder.texts,
        "sentences": sum(len(zh) + len(en) for zh, en in pairs),
    }


def long_document(n: int) -> tuple[list[str], list[str]]:
    """Gold documents of every set concatenated until the Chinese side reaches `n` sentences.

    The sets hold about 3,000 Chinese sentences, so long documents repeat them.
    The encoder embeds a text repeated within one call once, which would make
    the floor stop growing: every pass after the first marks its sentences
    with its number on both sides, so that each sentence is a distinct text.
    """
    docs = [d for name in SETS for d in _docs(name)]
    zh: list[str] = []
    en: list[str] = []
    rounds = 0
    while len(zh) < n:
        zh_mark, en_mark = (f"（{rounds}）", f" ({rounds})") if rounds else ("", "")
        for d in docs:
            if len(zh) + len(d.zh) > n:
                return zh, en
            zh.extend(s + zh_mark for s in d.zh)
            en.extend(s + en_mark for s in d.en)
        rounds += 1
    return zh, en


def peak_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def child(kind: str, n: int) -> None:
    """One measurement in this (fresh) process, printed as JSON."""
    mac = kind == "mac-dev"
    pairs = [(d.zh, d.en) for d in _docs("mac-dev")] if mac else [long_document(n)]
    result = measure(pairs)
    result.update(kind=kind, zh=sum(len(z) for z, _ in pairs), en=sum(len(e) for _, e in pairs))
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def run_child(kind: str, n: int = 0) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def slope(xs: list[float], ys: list[float]) -> float:
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [r["zh"] for r in rows]
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for key, label in (("total_s", "total"), ("embed_s", "embedding"), ("search_s", "search"),
                       ("floor_s", "floor: each sentence once")):  # fmt: skip
        ax_t.plot(n, [r[key] for r in rows], marker="o", label=label)
    ax_m.plot(n, [r["peak_mb"] for r in rows], marker="o", color="tab:purple")
    # Time on log-log axes (slope 1 = linear); memory on linear axes, where a fixed
    # part (the model) plus a linear part is a straight line.
    ax_t.set_xscale("log")
    ax_t.set_yscale("log")
    ax_m.set_xlim(0, max(n) * 1.05)
    ax_m.set_ylim(0, max(r["peak_mb"] for r in rows) * 1.1)
    for ax in (ax_t, ax_m):
        ax.set_xlabel("Chinese sentences in the document (English ~1.2x)")
        ax.grid(True, which="both", alpha=0.3)
    ax_t.set_ylabel("seconds")
    ax_t.set_title("Alignment time against length")
    ax_t.legend()
    ax_m.set_ylabel("peak memory of the process, MB (model included)")
    ax_m.set_title("Memory against length")
    fig.savefig(path, dpi=150)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000, 16000])
    parser.add_argument("--plot", type=Path, help="write the time/memory figure here (PNG)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| document | zh x en | total s | embed s | search s | floor s | total/floor | peak MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    rows = []
    for kind, n in [("mac-dev", 0)] + [("long", n) for n in args.sizes]:
        r = run_child(kind, n)
        if kind == "long":
            rows.append(r)
        print(
            f"| {kind if kind == 'mac-dev' else 'concatenated'} | {r['zh']:,} x {r['en']:,} | "
            f"{r['total_s']:.1f} | {r['embed_s']:.1f} | {r['search_s']:.1f} | "
            f"{r['floor_s']:.1f} | {r['ratio']:.2f} | {r['peak_mb']:.0f} |",
            flush=True,
        )
    if len(rows) >= 2:
        n = [r["zh"] for r in rows]
        print(
            f"slopes (log-log, 1 = linear): total {slope(n, [r['total_s'] for r in rows]):.2f}, "
            f"search {slope(n, [r['search_s'] for r in rows]):.2f}, "
            f"memory above the smallest run "
            f"{slope(n[1:], [r['peak_mb'] - rows[0]['peak_mb'] for r in rows[1:]]):.2f}"
        )
    if args.plot and rows:
        plot(rows, args.plot)


if __name__ == "__main__":
    main()
