"""The aligner on real sentences with the real encoder: bead types, nulls, scores, coverage."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bitext import AlignConfig, Bead, InputError, align_document, align_sentences, evaluate
from bitext.align import check_size
from bitext.align.dp import search
from bitext.evaluate import load_gold_set


@pytest.fixture(scope="module")
def news(shared_dir: Path) -> dict:
    path = shared_dir / "eval" / "wmt22-news" / "docs" / "abcnews.53861.json"
    return json.loads(path.read_text(encoding="utf-8"))


def covers_in_order(beads: list[Bead], n: int, m: int) -> bool:
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    return src == list(range(n)) and tgt == list(range(m))


def test_parallel_news_aligns_one_to_one(news, use_encoder):
    beads = align_sentences(news["zh"], news["en"], encoder=use_encoder)
    assert covers_in_order(beads, len(news["zh"]), len(news["en"]))
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(len(news["zh"]))]
    assert all(0.5 < b.score <= 1.0 for b in beads)


@pytest.fixture(scope="module")
def news_docs(shared_dir: Path) -> list:
    return load_gold_set(shared_dir / "eval" / "wmt22-news")[:6]


def test_merged_english_gives_two_to_one_beads(news_docs, use_encoder):
    found = tried = 0
    for doc in news_docs:
        for k in range(1, len(doc.zh) - 2, 3):
            en = [*doc.en[:k], doc.en[k] + " " + doc.en[k + 1], *doc.en[k + 2 :]]
            beads = align_sentences(doc.zh, en, encoder=use_encoder)
            assert covers_in_order(beads, len(doc.zh), len(en))
            tried += 1
            found += ((k, k + 1), (k,)) in [(b.src, b.tgt) for b in beads]
    # Measured 24 of 25 (docs/benchmarks.md); without 2-1 beads it would be 0.
    assert found / tried >= 0.85


def test_missing_translation_leaves_the_sentence_alone(news_docs, use_encoder):
    found = tried = 0
    for doc in news_docs:
        for k in range(1, len(doc.zh) - 2, 3):
            en = doc.en[:k] + doc.en[k + 1 :]
            beads = align_sentences(doc.zh, en, encoder=use_encoder)
            assert covers_in_order(beads, len(doc.zh), len(en))
            tried += 1
            found += ((k,), ()) in [(b.src, b.tgt) for b in beads]
    # Measured 21 of 25; the harder cases merge the orphan into a neighbour's bead.
    assert found / tried >= 0.7


def test_untranslated_tail_is_not_forced_into_pairs(news_docs, use_encoder):
    lonely = total = 0
    for doc in news_docs:
        cut = len(doc.zh) * 2 // 3
        beads = align_sentences(doc.zh, doc.en[:cut], encoder=use_encoder)
        head = [(b.src, b.tgt) for b in beads if b.tgt and b.tgt[-1] < cut - 1]
        assert head == [((j,), (j,)) for j in range(cut - 1)], doc.id
        total += len(doc.zh) - cut
        lonely += sum(1 for b in beads if not b.tgt and b.src[0] >= cut)
    # Measured 28 of 31 tail sentences left alone.
    assert lonely / total >= 0.8


def test_paragraph_anchors_keep_a_byline_out_of_the_first_pair(news, use_encoder):
    zh = ["贺煜", *news["zh"][1:4]]
    en = news["en"][1:4]
    beads = align_sentences(
        zh, en, encoder=use_encoder, src_paragraphs=[0, 1, 2, 3], tgt_paragraphs=[0, 1, 2]
    )
    assert (beads[0].src, beads[0].tgt) == ((0,), ())


def test_empty_sides_and_unknown_options(use_encoder):
    assert align_sentences([], [], encoder=use_encoder) == []
    beads = align_sentences(["你好。"], [], encoder=use_encoder)
    assert [(b.src, b.tgt) for b in beads] == [((0,), ())]
    with pytest.raises(TypeError, match="unknown alignment option"):
        align_sentences(["你好。"], ["Hello."], encoder=use_encoder, nonsense=1)


def test_options_change_the_search(news, use_encoder):
    # A prohibitive null threshold leaves everything unaligned: the knob is live.
    beads = align_sentences(news["zh"][:5], news["en"][:5], encoder=use_encoder, null_threshold=5)
    assert all(not b.is_pair for b in beads)
    # With 1-1 beads only, a merged English sentence can no longer form a 2-1 bead.
    en = list(news["en"][:6])
    en[2:4] = [en[2] + " " + en[3]]
    default = align_sentences(news["zh"][:6], en, encoder=use_encoder)
    only_one_one = AlignConfig(bead_types=((1, 1),))
    beads = align_sentences(news["zh"][:6], en, encoder=use_encoder, config=only_one_one)
    assert "2-1" in {b.kind for b in default}
    assert {b.kind for b in beads} <= {"1-1", "1-0", "0-1"}


def test_bad_arguments_are_refused(use_encoder):
    with pytest.raises(TypeError, match="not one string"):
        align_sentences("你好", ["Hello."], encoder=use_encoder)
    with pytest.raises(ValueError, match="src_paragraphs has 1 ids for 2 sentences"):
        align_sentences(["你好。", "谢谢。"], ["Hello."], encoder=use_encoder, src_paragraphs=[0])
    with pytest.raises(ValueError, match="bead_types must include"):
        align_sentences(["你好。"], ["Hello."], encoder=use_encoder, bead_types=((1, 2),))


def test_documents_too_long_for_one_search_are_refused(tmp_path: Path, use_encoder):
    with pytest.raises(InputError, match="4001 x 4001 sentences is too long"):
        check_size(4001, 4001)
    check_size(4000, 4000)  # the limit itself is accepted
    path = tmp_path / "huge.txt"
    lines = [f"第{i}句话。" for i in range(4001)] + [f"Sentence {i}." for i in range(4001)]
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError, match=r"huge.txt: 4001 x 4001 sentences is too long"):
        align_document(path, encoder=use_encoder)


def test_dp_finds_the_best_path_on_a_known_matrix():
    # Diagonal gains except that source 1 pairs best with targets 1+2 together.
    gains = {(1, 1): np.full((3, 4), -1.0), (1, 2): np.full((3, 3), -1.0)}
    for i, j in [(0, 0), (2, 3)]:
        gains[1, 1][i, j] = 1.0
    gains[1, 1][1, 1] = 0.5
    gains[1, 2][1, 1] = 0.9
    path = search(3, 4, [(1, 1), (1, 2)], lambda a, b: gains[a, b], skip=0.1)
    assert path == [(0, 1, 0, 1), (1, 1, 1, 2), (2, 1, 3, 1)]
    # With a gain below the skip cost, the search prefers leaving both out.
    path = search(1, 1, [(1, 1)], lambda a, b: np.array([[-0.5]]), skip=0.1)
    assert sorted((a, b) for _, a, _, b in path) == [(0, 1), (1, 0)]


def test_quality_on_parallel_news_documents(shared_dir: Path, use_encoder):
    docs = load_gold_set(shared_dir / "eval" / "wmt22-news")[:6]
    predicted = [align_sentences(d.zh, d.en, encoder=use_encoder) for d in docs]
    scores = evaluate([d.gold for d in docs], predicted)
    # Measured 0.997 strict F1 on the whole set (docs/benchmarks.md); a regression guard.
    assert scores.f1 >= 0.95


def test_quotation_marks_keep_dialogue_in_its_beads(shared_dir: Path, use_encoder):
    # mac-dev 003, zh 30-35 / en 44-50: the English splits a quoted question
    # ("...what do you expect me to do? / Go out and rob?'") where the Chinese
    # has one sentence. Only the closing quote tells the two readings apart.
    doc = json.loads((shared_dir / "eval" / "mac-dev" / "docs" / "003.json").read_text("utf-8"))
    zh, en = doc["zh"][30:36], doc["en"][44:51]
    gold = [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3, 4)), ((4,), (5,)), ((5,), (6,))]
    with_quotes = align_sentences(zh, en, encoder=use_encoder)
    without = align_sentences(zh, en, encoder=use_encoder, quote_weight=0, quoted_weight=0)
    assert [(b.src, b.tgt) for b in with_quotes] == gold
    assert [(b.src, b.tgt) for b in without] != gold
