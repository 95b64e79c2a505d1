"""What the default export threshold promises, and why a held-back pair is doubted (issue 17).

`EXPORT_MIN_SCORE` is chosen so that the pairs it lets into a TMX or the memory
are at least 98% exactly right on every gold set; `Bead.doubt` names what
lowered a held pair's confidence: low translation evidence, a sentence of the
bead that looks unrelated, a length mismatch.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bitext.align import align_sentences
from bitext.evaluate import load_gold_set
from bitext.model import EXPORT_MIN_SCORE


def _aligned(shared_dir: Path, encoder, name: str, cross: bool = False) -> list[tuple]:
    """(gold beads, predicted beads) per document; `cross`: against the next one's English."""
    docs = load_gold_set(shared_dir / "eval" / name)
    out = []
    for k, d in enumerate(docs):
        en = docs[(k + 1) % len(docs)].en if cross else d.en
        gold = set() if cross else {(tuple(s), tuple(t)) for s, t in d.gold}
        out.append((gold, align_sentences(d.zh, en, encoder=encoder)))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mac-dev", "news-noisy", "paramed", "wmt22-news"])
def test_exported_pairs_are_at_least_98_percent_right(shared_dir: Path, memo_encoder, name):
    """At 0.9, 96.2% of mac-dev's exported pairs were right (the literary set splits
    2-2 beads into confident 1-1s); the default must hold 98% on every set."""
    right = exported = 0
    for gold, beads in _aligned(shared_dir, memo_encoder, name):
        for b in beads:
            if b.is_pair and b.score >= EXPORT_MIN_SCORE:
                exported += 1
                right += (b.src, b.tgt) in gold
    assert exported
    assert right / exported >= 0.98, (name, right, exported)
