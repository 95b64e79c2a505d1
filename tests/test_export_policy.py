"""What the default export threshold promises, and why a held-back pair is doubted (issue 17).

`EXPORT_MIN_SCORE` is chosen so that the pairs it lets into a TMX or the memory
are at least 98% exactly right on every gold set; `Bead.doubt` names what
lowered a held pair's confidence: low translation evidence, a sentence of the
bead that looks unrelated, a length mismatch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bitext.align import align_sentences
from bitext.align.confidence import (
    PAIR_WEIGHTS,
    TYPICAL_AGREEMENT,
    TYPICAL_RIGHT,
    doubts,
    probability,
)
from bitext.evaluate import load_gold_set
from bitext.model import EXPORT_MIN_SCORE

EVIDENCE = "low translation evidence"
MEMBER = "a sentence of the bead looks unrelated"
LENGTH = "length mismatch"


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


@pytest.mark.slow
def test_doubts_name_what_lowered_the_score(shared_dir: Path, memo_encoder):
    """On mac-dev's held-back pairs a reason is given only where its features pull the
    score down, so it means something: a 1-1 pair is never told that a sentence of it
    looks unrelated, and a right many-sentence bead is told so less often than a wrong
    one, and for most of them not at all (before: 88% of the right ones, 96% of the
    wrong ones; every bead whose worst member's odds rose by 2 was told)."""
    told = {True: 0, False: 0}
    held = {True: 0, False: 0}
    for gold, beads in _aligned(shared_dir, memo_encoder, "mac-dev"):
        for b in beads:
            if not (b.is_pair and b.score < EXPORT_MIN_SCORE):
                continue
            assert b.doubt, b
            if b.kind == "1-1":
                assert MEMBER not in b.doubt, b
                continue
            right = (b.src, b.tgt) in gold
            held[right] += 1
            told[right] += MEMBER in b.doubt
    assert held[True] and held[False]
    assert told[True] <= 0.6 * held[True], (told, held)
    assert told[True] / held[True] < told[False] / held[False], (told, held)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["wmt22-news", "mac-dev"])
def test_pairs_across_two_documents_are_told_low_translation_evidence(
    shared_dir: Path, memo_encoder, name
):
    """Sentences of different documents translate nothing: the doubt must say so
    (before, 49% of such pairs were told it; most were told a sentence of a bead
    looked unrelated or that the lengths differ)."""
    doubted = [
        b.doubt
        for _, beads in _aligned(shared_dir, memo_encoder, name, cross=True)
        for b in beads
        if b.is_pair and b.score < EXPORT_MIN_SCORE
    ]
    assert doubted
    told = sum(EVIDENCE in d for d in doubted)
    assert told >= 0.95 * len(doubted), (told, len(doubted))


def test_a_pair_three_times_too_long_is_told_length_mismatch():
    """A typical right pair's evidence, but one side three times as long as the
    other (Bertalign's agreement log2(1 + 1/3)): the margin is similarity x length
    agreement, so only its length factor drops, and the doubt says so and nothing else."""
    typical = np.array(TYPICAL_RIGHT)
    agree = float(np.log2(1 + 1 / 3))
    long = typical.copy()
    long[0] = typical[0] / TYPICAL_AGREEMENT * agree
    assert probability(long[None], PAIR_WEIGHTS)[0] < EXPORT_MIN_SCORE
    assert doubts(long, agree).startswith(LENGTH)
    assert ";" not in doubts(long, agree)
    assert probability(typical[None], PAIR_WEIGHTS)[0] >= EXPORT_MIN_SCORE


def test_lengths_are_blamed_only_where_they_lowered_the_score():
    """Two unrelated sentences (raw cosine 0.05, no margin over their neighbours) whose
    lengths also disagree: the length factor of a margin near zero costs nothing, so
    the doubt is the evidence, not the lengths (before: any agreement below 0.7 was
    called a length mismatch, whatever it cost)."""
    agree = float(np.log2(1 + 1 / 3))
    unrelated = np.array([0.0, 3.0, 0.0, 0.0, 0.0, 0.05, -0.55, 0.0, 0.0])
    doubt = doubts(unrelated, agree)
    assert EVIDENCE in doubt
    assert LENGTH not in doubt
