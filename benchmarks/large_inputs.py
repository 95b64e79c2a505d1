"""Peak memory and time of `bitext align` on large and pathological inputs.

    python benchmarks/large_inputs.py [--cases sample 50mb 100k-both ...] [--keep DIR]

Each case writes its input into a temporary folder, runs the real command line
(``python -m bitext.cli align INPUT -o out.tmx -q``) in a child process and
reports its exit code, wall time and peak resident memory. The peak comes from
``os.wait4``: the rusage of that one child, where ``RUSAGE_CHILDREN`` would
report the largest child of the whole script so far.

The inputs are the ones tests/test_bad_inputs.py checks for behaviour:

- ``sample``: the bundled press release, for scale;
- ``50mb``: a 50 MB text, a Chinese block then an English block of short
  sentences (~370,000 and ~250,000 of them);
- ``50mb-long``: 50 MB of the sample's own paragraphs (longer sentences, fewer
  of them), Chinese block then English block;
- ``100k-zh``, ``100k-en``, ``100k-both``: one line of 100,000 characters with no
  punctuation (Chinese, English, or one of each), the other side one sentence;
- ``interleaved``: the sample repeated 100 times (1 MB), aligned block by block:
  time per release when someone feeds a concatenated archive.
- ``5mb-line``: the sample's Chinese repeated into one line of 5,000,000
  characters (line breaks lost), then its English lines: refused at once since
  issue 16 (it took 100 s and 1.7 GB to align, saying nothing);
- ``5mb-one-line``: the whole sample, both languages, repeated into a single
  line of 5,000,000 characters.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"
HALF = 25 * 2**20
ZH = (
    "双方签署合作协议，将用好用活外事资源，做大做强重庆国际传播平台。"
    "座谈会上，管洪对市政府外办一行表示欢迎。章勇武表示，此次签约是双方合作的起点。"
)
EN = (
    "The two parties signed a cooperation agreement to make good use of foreign affairs "
    "resources and expand Chongqing's international communication platform. At the meeting, "
    "Guan Hong welcomed the group of the Foreign Affairs Office. Zhang Yongwu said that this "
    "signing marks the starting point for bilateral cooperation."
)


def _blocks(zh: bytes, en: bytes) -> bytes:
    """~25 MB of `zh` lines, a blank line, ~25 MB of `en` lines."""
    return zh * (HALF // len(zh)) + b"\n" + en * (HALF // len(en))


def _sample_lines() -> list[str]:
    return [line for line in SAMPLE.read_text("utf-8").splitlines() if line.strip()]


def _long_zh() -> str:
    rng = random.Random(7)
    return "".join(rng.choice(ZH.replace("，", "").replace("。", "")) for _ in range(100_000))


def _long_en() -> str:
    rng = random.Random(7)
    words = EN.replace(",", "").replace(".", "").replace("'", "").split()
    return " ".join(rng.choice(words) for _ in range(20_000))[:99_999] + "s"


def _fifty_long() -> bytes:
    lines = _sample_lines()
    return _blocks(("\n".join(lines[:11]) + "\n").encode(), ("\n".join(lines[11:]) + "\n").encode())


def _five_mb_line() -> bytes:
    lines = _sample_lines()
    zh = "".join(lines[:11])
    return ((zh * (5_000_000 // len(zh) + 1))[:5_000_000] + "\n\n" + "\n".join(lines[11:])).encode()


def _five_mb_one_line() -> bytes:
    text = " ".join(_sample_lines()) + " "
    return (text * (5_000_000 // len(text) + 1))[:5_000_000].encode() + b"\n"


CASES: dict[str, Callable[[], bytes]] = {
    "sample": SAMPLE.read_bytes,
    "50mb": lambda: _blocks((ZH + "\n").encode(), (EN + "\n").encode()),
    "50mb-long": _fifty_long,
    "100k-zh": lambda: f"{_long_zh()}\n{EN}\n".encode(),
    "100k-en": lambda: f"{ZH}\n{_long_en()}\n".encode(),
    "100k-both": lambda: f"{_long_zh()}\n{_long_en()}\n".encode(),
    "interleaved": lambda: (SAMPLE.read_bytes().rstrip(b"\n") + b"\n\n") * 100,
    "5mb-line": _five_mb_line,
    "5mb-one-line": _five_mb_one_line,
}


def measure(name: str, folder: Path) -> str:
    """Run one case; its Markdown table row."""
    data = CASES[name]()
    path = folder / f"{name}.txt"
    path.write_bytes(data)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bitext.cli", "align", path.name, "-o", f"{name}.tmx", "-q"],
        cwd=folder,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    err = child.stderr.read()  # read before waiting: a full pipe would stall the child
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    lines = err.strip().splitlines() or ["aligned"]
    # A traceback's last line says what happened; a one-line error is the whole story.
    outcome = (lines[-1] if "Traceback" in err else lines[0])[:90]
    return (
        f"| {name} | {len(data) / 2**20:.1f} | {child.returncode} | {seconds:.1f} | "
        f"{peak_mb:,.0f} | {outcome} |"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument("--keep", type=Path, help="write inputs and outputs here, and keep them")
    args = parser.parse_args(argv)
    print("| case | input MB | exit | seconds | peak RSS MB | outcome |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="bitext-large-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for name in args.cases:
            print(measure(name, folder), flush=True)
            if not args.keep:
                for leftover in folder.iterdir():
                    leftover.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
