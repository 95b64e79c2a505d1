"""How much Chinese normalization matters to the encoder, measured on the sample.

    python benchmarks/normalization.py [data/samples/press_release_chongqing.txt]

For every translation unit the pipeline finds in the sample (checked by hand
and by tests/test_pipeline.py), embeds the Chinese side three ways — as the
file has it (Traditional, pinyin debris, damage), Traditional with the debris
removed, and fully normalized Simplified — and prints the mean cosine with its
English side and the mean margin over the best wrong English sentence.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import bitext
from bitext.embed import USEEncoder
from bitext.normalize import normalize_text

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else ROOT / "data" / "samples" / "press_release_chongqing.txt"
    encoder = USEEncoder()
    alignment = bitext.align_document(path, encoder=encoder)
    pairs = list(alignment.pairs())
    text = alignment.document.text
    raw = ["".join(text[s.start : s.end] for s in p.src_sentences) for p in pairs]
    variants = {
        "as received (Traditional + pinyin debris)": raw,
        "pinyin removed, Traditional kept": [normalize_text(r, zh_script="keep") for r in raw],
        "normalized, Simplified (default)": [p.src for p in pairs],
    }
    english = encoder.encode([p.tgt for p in pairs])
    print(f"{path.name}: {len(pairs)} translation units\n")
    print("| Chinese side | mean cosine of true pairs | mean margin over best wrong pair |")
    print("| --- | --- | --- |")
    for name, chinese in variants.items():
        sims = encoder.encode(chinese) @ english.T
        true = np.diag(sims)
        wrong = np.where(np.eye(len(pairs), dtype=bool), -np.inf, sims).max(axis=1)
        print(f"| {name} | {true.mean():.3f} | {(true - wrong).mean():.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
