"""An independent reader: translate-toolkit (GPL, a test-only dependency) reads our TMX.

Expected values come from the Alignment itself (its pairs, scores and sentence
flags), never from the TMX bytes under test. Without translate-toolkit the test
is skipped, unless BITEXT_REQUIRE_TOOLKIT=1 (as in CI), where it fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest

import bitext
from bitext import tmx
from bitext.lang import display_name
from bitext.model import FLAG_DAMAGED, FLAG_REPAIRED, Alignment, Pair, Sentence

SRC_LANG, TGT_LANG = "zh-CN", "en-US"


@pytest.fixture(scope="module")
def toolkit() -> ModuleType:
    """translate.storage.tmx; checked before the (slower) alignment is built."""
    try:
        from translate.storage import tmx as toolkit
    except ImportError as exc:
        if os.environ.get("BITEXT_REQUIRE_TOOLKIT") == "1":
            pytest.fail(f"BITEXT_REQUIRE_TOOLKIT=1 but translate-toolkit cannot be imported: {exc}")
        pytest.skip("translate-toolkit not installed (pip install translate-toolkit)")
    return toolkit


@pytest.fixture(scope="module")
def alignment(toolkit: ModuleType, sample_path: Path, request: pytest.FixtureRequest) -> Alignment:
    # The encoder is asked for only now: a skipped run does not pay for loading it.
    encoder = request.getfixturevalue("use_encoder")
    return bitext.align_document(sample_path, encoder=encoder)


def damaged(sentences: tuple[Sentence, ...]) -> set[str]:
    return {f for s in sentences for f in s.flags} & {FLAG_DAMAGED, FLAG_REPAIRED}


def check_notes(notes: list[str], pair: Pair) -> None:
    """One note per side with encoding damage, naming that side's language."""
    sides = [
        (lang, flags)
        for lang, sentences in ((SRC_LANG, pair.src_sentences), (TGT_LANG, pair.tgt_sentences))
        if (flags := damaged(sentences))
    ]
    assert len(notes) == len(sides), (pair.src, notes)
    for note, (lang, flags) in zip(notes, sides, strict=True):
        assert f"{display_name(lang)} text ({lang})" in note and "encoding damage" in note
        assert ("repaired automatically" in note) == (FLAG_REPAIRED in flags)


def test_toolkit_reads_pairs_and_notes(
    toolkit: ModuleType, alignment: Alignment, tmp_path: Path
) -> None:
    path = tmp_path / "sample.tmx"
    pairs = list(alignment.pairs())
    assert len(pairs) >= 10
    # The sample's damage must reach at least one unit, or the note check proves nothing.
    assert any(damaged(p.src_sentences + p.tgt_sentences) for p in pairs)
    assert bitext.write_tmx([alignment], path, src_lang=SRC_LANG, tgt_lang=TGT_LANG) == len(pairs)

    with path.open("rb") as handle:
        store = toolkit.tmxfile(handle)
    assert store.sourcelanguage == SRC_LANG  # taken from our header
    units = store.units
    assert len(units) == len(pairs)
    for unit, pair in zip(units, pairs, strict=True):
        assert unit.source == pair.src
        assert unit.target == pair.tgt
        assert unit.gettarget(TGT_LANG) == pair.tgt
        check_notes([n for n in unit.getnotes().split("\n") if n], pair)
        # The toolkit's only prop API is x-context, which bitext does not write.
        assert unit.getcontext() == ""
    # Used as a memory: every source sentence finds its translation.
    for pair in pairs:
        assert store.translate(pair.src, SRC_LANG, TGT_LANG) == pair.tgt


def test_toolkit_keeps_our_props_when_it_saves(
    toolkit: ModuleType, alignment: Alignment, tmp_path: Path
) -> None:
    path = tmp_path / "sample.tmx"
    bitext.write_tmx([alignment], path)
    with path.open("rb") as handle:
        store = toolkit.tmxfile(handle)
    # The toolkit exposes no API for x-score and friends, but leaves them in its tree:
    # a memory it edits and saves still carries them.
    resaved = tmx.read(bytes(store), name="toolkit output")
    pairs = list(alignment.pairs())
    assert len(resaved.units) == len(pairs)
    for unit, pair in zip(resaved.units, pairs, strict=True):
        expected = {
            "x-score": (f"{pair.score:.4f}",),
            "x-document": (alignment.source or "",),
            "x-bead": (pair.kind,),
        }
        if pair.flags:
            expected["x-flags"] = (",".join(pair.flags),)
        assert unit.props == expected
        assert unit.variant(SRC_LANG).text == pair.src
        assert unit.variant(TGT_LANG).text == pair.tgt
