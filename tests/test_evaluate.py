"""Strict/lax scoring as defined by the Text+Berg evaluation (Vecalign's score.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bitext import Bead, evaluate
from bitext.evaluate import load_gold_set

GOLD = [((0,), (0,)), ((1,), (1, 2)), ((2,), ()), ((3,), (3,))]


def test_identical_alignment_scores_one():
    s = evaluate([GOLD], [GOLD])
    assert (s.precision, s.recall, s.f1, s.lax_f1) == (1.0, 1.0, 1.0, 1.0)


def test_split_bead_counts_by_hand():
    # The 1-2 predicted as 1-1 + 0-1, and the 1-0 predicted as a wrong pair.
    predicted = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), (3,)), ((3,), ())]
    s = evaluate([GOLD], [predicted])
    # precision: 5 predicted beads, 1 strict hit; lax hits: (0,0) and (1,1) -> 2.
    assert s.precision == pytest.approx(1 / 5)
    assert s.lax_precision == pytest.approx(2 / 5)
    # recall: gold pairs (0-0, 1-12, 3-3) against predicted pairs (0-0, 1-1, 2-3):
    # strict 1 of 3; lax: 0-0 and 1-12 (overlaps 1-1) -> 2 of 3.
    assert s.recall == pytest.approx(1 / 3)
    assert s.lax_recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 * (1 / 5) * (1 / 3) / (1 / 5 + 1 / 3))


def test_counts_are_pooled_over_documents():
    one = [((0,), (0,))]
    wrong = [((0,), ()), ((), (0,))]
    s = evaluate([one, one], [one, wrong])
    assert s.precision == pytest.approx(1 / 3)
    assert s.recall == pytest.approx(1 / 2)


def test_beads_and_tuples_are_interchangeable():
    beads = [Bead(tuple(s), tuple(t), 0.5) for s, t in GOLD]
    assert evaluate([GOLD], [beads]) == evaluate([GOLD], [GOLD])


def test_mismatched_document_counts_are_refused():
    with pytest.raises(ValueError, match="1 gold documents but 2 predicted"):
        evaluate([GOLD], [GOLD, GOLD])


def test_gold_sets_load_and_cover_every_sentence(shared_dir: Path):
    for name in ("mac-dev", "paramed", "wmt22-news"):
        docs = load_gold_set(shared_dir / "eval" / name)
        assert docs, name
        for doc in docs:
            assert [i for s, _ in doc.gold for i in s] == list(range(len(doc.zh)))
            assert [j for _, t in doc.gold for j in t] == list(range(len(doc.en)))
