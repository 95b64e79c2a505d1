"""Alignment accuracy on whole gold sets with the default offline encoder: regression guards.

The measured numbers and the command that produced them are in docs/benchmarks.md
(mac-dev 0.940 strict F1 / 0.999 lax, paramed 0.996, news-noisy 0.977 / 0.993); these
bounds sit just below them so that a change that costs accuracy fails here before it lands.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bitext import align_sentences, evaluate
from bitext.evaluate import load_gold_set

# Not in the quick subset (-m "not slow"): the aligner on the gold sets.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("name", "strict", "lax"),
    [("mac-dev", 0.935, 0.997), ("paramed", 0.992, 0.999), ("news-noisy", 0.97, 0.985)],
)
def test_gold_set_accuracy(shared_dir: Path, memo_encoder, name: str, strict: float, lax: float):
    docs = load_gold_set(shared_dir / "eval" / name)
    predicted = [align_sentences(d.zh, d.en, encoder=memo_encoder) for d in docs]
    scores = evaluate([d.gold for d in docs], predicted)
    assert scores.f1 >= strict
    assert scores.lax_f1 >= lax
