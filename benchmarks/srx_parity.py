"""Segmentation parity with OmegaT: how many of our segments OmegaT cuts the same.

    python benchmarks/srx_parity.py [--shared ../shared]

For each text (the sample's paragraphs; every gold document of wmt22-news as
one paragraph; mac-dev's gold sentences joined in paragraphs of six) and each
language, an OmegaT 3.6 project with that language as source exports its
segments (``omegat_harness.segments``); we count our segments, in each
segmentation mode, that are among them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import omegat_harness as omegat

import bitext
from bitext.evaluate import load_gold_set
from bitext.model import Alignment
from bitext.segment import SEGMENTATIONS, resolve_rules, split_sentences

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"
TAGS = {"zh": ("zh-CN", "en-US"), "en": ("en-US", "zh-CN")}


def texts(shared: Path, lang: str) -> dict[str, list[str]]:
    """Paragraphs per text, in `lang`."""
    joiner = "" if lang == "zh" else " "
    split = bitext.split_languages(bitext.normalize(bitext.read(SAMPLE)))
    out = {"sample": [p.text for b in split.blocks for p in b.paragraphs if p.lang == lang]}
    news = load_gold_set(shared / "eval" / "wmt22-news")
    out["wmt22-news"] = [joiner.join(getattr(d, lang)) for d in news]
    novels = []
    for doc in load_gold_set(shared / "eval" / "mac-dev"):
        sentences = getattr(doc, lang)
        novels += [joiner.join(sentences[k : k + 6]) for k in range(0, len(sentences), 6)]
    out["mac-dev"] = novels
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    if omegat.find_java() is None:
        print(f"OmegaT is not installed ({omegat.JAR}): apt-get install omegat", file=sys.stderr)
        return 2
    empty_tmx = bitext.tmx_bytes([Alignment(src=(), tgt=(), beads=())])
    print("| text | lang | " + " | ".join(f"{m} mode" for m in SEGMENTATIONS) + " |")
    print("| --- | --- |" + " --- |" * len(SEGMENTATIONS))
    with tempfile.TemporaryDirectory(prefix="srx-parity-") as tmp:
        for lang, (source, target) in TAGS.items():
            for name, paragraphs in texts(args.shared, lang).items():
                project = omegat.build_project(
                    Path(tmp) / f"{lang}-{name}", paragraphs, empty_tmx, source, target
                )
                theirs = set(omegat.segments(project, lang=source))
                cells = []
                for mode in SEGMENTATIONS:
                    rules = resolve_rules(mode)
                    ours = [
                        p[a:b] for p in paragraphs for a, b in split_sentences(p, lang, rules=rules)
                    ]
                    cells.append(f"{sum(s in theirs for s in ours)}/{len(ours)}")
                print(f"| {name} | {lang} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
