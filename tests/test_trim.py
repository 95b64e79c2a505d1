"""The trimming pass leaves a sentence whose translation was folded into a neighbour's alone.

`bitext.align.trim` takes an edge sentence out of a many-sentence bead when the
bead's cosine hardly drops without it. A translator who folds one sentence into
another's translation keeps its numbers and names, and then the sentence is
translated there: the guard keeps it in its bead. Real text: a wmt22 release
of the mixed-layout set whose English renders two Chinese sentences in one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bitext

RECORD = "wmt22_enzh_news/egyptindependent.com.4763"


@pytest.fixture(scope="module")
def nuclear_deal(shared_dir: Path) -> str:
    lines = (shared_dir / "eval" / "mixed-layouts" / "mixed_docs.jsonl").read_text("utf-8")
    found = [json.loads(line) for line in lines.splitlines() if RECORD in line]
    return next(r["text"] for r in found if r["layout"] == "zh_then_en")


def _bead_of(alignment: bitext.Alignment, start: str) -> bitext.Bead:
    (k,) = [k for k, s in enumerate(alignment.src) if s.text.startswith(start)]
    return next(b for b in alignment.beads if k in b.src)


def test_a_sentence_whose_number_and_name_the_translation_carries_stays_in_its_bead(
    nuclear_deal: str, use_encoder
):
    # "Under the original nuclear deal, abandoned in 2018 by then-President Donald Trump, ..."
    # renders 根据最初的核协议… and 2018 年…特朗普 (Donald Trump) 退出了该协议 together.
    alignment = bitext.align_text(nuclear_deal, encoder=use_encoder)
    bead = _bead_of(alignment, "2018 年美国时任总统")
    assert bead.tgt, "the sentence was left without counterpart"
    assert _bead_of(alignment, "根据最初的核协议") == bead
    first = alignment.tgt[bead.tgt[0]].text
    assert first.startswith("Under the original nuclear deal")


def test_without_the_guard_the_trim_would_have_cut_it(nuclear_deal: str, use_encoder):
    # The case is one the trim reaches: with the pass off the bead is the same 2-1,
    # so it is the guard, not the gate, that keeps it.
    alignment = bitext.align_text(
        nuclear_deal,
        encoder=use_encoder,
        config=bitext.PipelineConfig.from_options({"trim_gain": None}),
    )
    bead = _bead_of(alignment, "2018 年美国时任总统")
    assert bead.kind == "2-1"
