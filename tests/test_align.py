"""The aligner on real sentences with the real encoder: bead types, nulls, scores, coverage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from bitext import AlignConfig, Bead, InputError, align_sentences, evaluate
from bitext.align import MAX_SENTENCES, check_size, lexical_features
from bitext.align.dp import Band, backward, best_path
from bitext.evaluate import load_gold_set


@pytest.fixture(scope="module")
def news(shared_dir: Path) -> dict:
    path = shared_dir / "eval" / "wmt22-news" / "docs" / "abcnews.53861.json"
    return json.loads(path.read_text(encoding="utf-8"))


def search(n: int, m: int, bead_types, scores, *, skip: float):
    """`best_path` over the whole lattice, with bead scores given as dense matrices.

    scores(a, b)[i, j] scores the bead taking sources i..i+a-1 and targets j..j+b-1.
    """
    band = Band.full(n, m)
    rows, cols = band.cells()
    gains = np.zeros((len(bead_types), band.size))
    for k, (a, b) in enumerate(bead_types):
        ok = (rows >= a) & (cols >= b)
        gains[k, ok] = scores(a, b)[rows[ok] - a, cols[ok] - b]
    return best_path(band, bead_types, gains, skip)[0]


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


@pytest.mark.slow
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


@pytest.mark.slow
def test_missing_translation_leaves_the_sentence_alone(news_docs, use_encoder):
    found = tried = 0
    for doc in news_docs:
        for k in range(1, len(doc.zh) - 2, 3):
            en = doc.en[:k] + doc.en[k + 1 :]
            beads = align_sentences(doc.zh, en, encoder=use_encoder)
            assert covers_in_order(beads, len(doc.zh), len(en))
            tried += 1
            found += ((k,), ()) in [(b.src, b.tgt) for b in beads]
    # Measured 22 of 25; the harder cases merge the orphan into a neighbour's bead.
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
    with pytest.raises(ValueError, match="band_width must be at least 1"):
        align_sentences(["你好。"], ["Hello."], encoder=use_encoder, band_width=0)
    with pytest.raises(ValueError, match="embed_margin must be None or at least 0"):
        align_sentences(["你好。"], ["Hello."], encoder=use_encoder, embed_margin=-0.1)


def test_only_documents_beyond_the_band_search_limit_are_refused(use_encoder):
    check_size(16_000, 16_000)  # 256 million sentence pairs: refused before the band search
    check_size(MAX_SENTENCES, MAX_SENTENCES)
    with pytest.raises(InputError, match=f"{MAX_SENTENCES + 1} x 3 sentences is too long"):
        check_size(MAX_SENTENCES + 1, 3)
    counting = CountingEncoder(use_encoder)
    with pytest.raises(InputError, match="too long to align in one piece"):
        align_sentences(["你好。"] * (MAX_SENTENCES + 1), ["Hello."], encoder=counting)
    assert counting.texts == []  # refused before any sentence was embedded


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
    # Clause refinement (refine.py) finds this split too: off here, to see the quotes alone.
    with_quotes = align_sentences(zh, en, encoder=use_encoder, refine_weight=0)
    without = align_sentences(
        zh, en, encoder=use_encoder, quote_weight=0, quoted_weight=0, refine_weight=0
    )
    assert [(b.src, b.tgt) for b in align_sentences(zh, en, encoder=use_encoder)] == gold
    assert [(b.src, b.tgt) for b in with_quotes] == gold
    assert [(b.src, b.tgt) for b in without] != gold


# --- the band search (issue 8) -------------------------------------------------------------


class CountingEncoder:
    """A real encoder behind a wrapper that keeps every text it was asked to embed."""

    def __init__(self, encoder) -> None:
        self.encoder, self.name, self.dim = encoder, encoder.name, encoder.dim
        self.calls: list[list[str]] = []

    @property
    def texts(self) -> list[str]:
        return [t for call in self.calls for t in call]

    def encode(self, texts):
        self.calls.append(list(texts))
        return self.encoder.encode(texts)


class PlantedEncoder:
    """An encoder for synthetic documents: sentence ``z17`` or ``e17`` embeds near direction 17.

    Each side adds noise of its own, so true pairs are close but never equal; a
    joined window ("z17z18") embeds as the normalized sum of its sentences, as a
    sentence encoder roughly does. Cheap enough for documents of 20,000 sentences.
    """

    name, dim = "planted", 32

    def __init__(self, count: int, noise: float = 0.5) -> None:
        rng = np.random.default_rng(0)
        self.base = rng.standard_normal((count, self.dim)).astype(np.float32)
        self.noise = {s: noise * rng.standard_normal((count, self.dim)) for s in "ze"}
        self.texts = 0

    def encode(self, texts):
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for side, k in re.findall(r"([ze])(\d+)", text):
                out[row] += self.base[int(k)] + self.noise[side][int(k)]
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def planted_document(n: int) -> tuple[list[str], list[str], list[tuple]]:
    """n Chinese sentences, their translation and its gold beads.

    The English drops a block of 500 sentences and every 97th one, merges
    every 89th pair into one sentence, and adds a block of 300 sentences of its own.
    """
    zh, en, gold = [f"z{k}。" for k in range(n)], [], []
    k = 0
    while k < n:
        if n // 3 <= k < n // 3 + 500 or k % 97 == 5:
            gold.append(((k,), ()))
            k += 1
            continue
        if k == 2 * n // 3:
            for extra in range(n, n + 300):
                gold.append(((), (len(en),)))
                en.append(f"e{extra}.")
        if k % 89 == 7 and k + 1 < n:
            gold.append(((k, k + 1), (len(en),)))
            en.append(f"e{k} e{k + 1}.")
            k += 2
        else:
            gold.append(((k,), (len(en),)))
            en.append(f"e{k}.")
            k += 1
    return zh, en, gold


@pytest.mark.slow
def test_twenty_thousand_sentences_align_in_a_band():
    # 20,000 x 19,383 sentences: 388 million lattice nodes, 27 GB for the old full
    # search (which check_size refused). The coarse-to-fine guide must find the planted
    # path across the untranslated and the inserted block.
    zh, en, gold = planted_document(20_000)
    encoder = PlantedEncoder(20_300)
    beads = align_sentences(zh, en, encoder=encoder, lexical_weight=0.0)
    assert covers_in_order(beads, len(zh), len(en))
    found = {(b.src, b.tgt) for b in beads}
    # Measured 20,079 of 20,083: four noisy 2-1 / 1-6 confusions of random vectors.
    assert sum(g in found for g in gold) >= 0.998 * len(gold)
    # Every sentence once, and windows only where a bead may use them (not 10 per sentence).
    assert encoder.texts < len(zh) + len(en) + 2_000


@pytest.mark.slow
def test_windows_are_embedded_only_where_a_bead_may_use_them(shared_dir: Path, use_encoder):
    doc = json.loads((shared_dir / "eval" / "mac-dev" / "docs" / "003.json").read_text("utf-8"))
    zh, en = doc["zh"][:40], doc["en"][:57]
    # Clause refinement embeds clauses of its own (tests/test_refine.py): off here.
    lazy = CountingEncoder(use_encoder)
    beads = align_sentences(zh, en, encoder=lazy, refine_weight=0)
    every = CountingEncoder(use_encoder)
    exhaustive = align_sentences(zh, en, encoder=every, embed_margin=None, refine_weight=0)
    windows = sum(40 - w + 1 for w in range(2, 5)) + sum(57 - w + 1 for w in range(2, 7))
    # One call for the sentences, one for the windows (maybe one more for the path's).
    assert len(lazy.calls) <= 3 and sorted(lazy.calls[0]) == sorted(zh + en)
    assert len(every.texts) - len(zh) - len(en) == windows  # 384 windows in all
    asked = len(lazy.texts) - len(zh) - len(en)
    assert asked <= 0.15 * windows  # measured 24 of 384, for 18 many-sentence beads
    assert [(b.src, b.tgt) for b in beads] == [(b.src, b.tgt) for b in exhaustive]
    # Every many-sentence bead was scored from its real embedding, not a stand-in.
    for b in beads:
        if len(b.src) > 1:
            assert "".join(zh[i] for i in b.src) in lazy.texts
        if len(b.tgt) > 1:
            assert " ".join(en[j] for j in b.tgt) in lazy.texts


def test_band_is_a_strip_around_the_path():
    # A diagonal path of 2-1 beads: rows without a node take the columns around them.
    nodes = np.array([(2 * k, k) for k in range(10_001)])
    band = Band.around(nodes, 20_000, 10_000, 3)
    assert band.size < 20_001 * 12  # a strip of ~10 nodes per row, not 10,001
    rows, cols = band.cells()
    inside = set(zip(rows.tolist(), cols.tolist(), strict=True))
    for i, j in [(0, 0), (5, 2), (5, 3), (7, 0), (7, 6), (20_000, 10_000), (9_999, 5_001)]:
        assert (i, j) in inside
    assert (101, 40) not in inside and (101, 60) not in inside
    assert np.all(np.diff(band.lo) >= 0) and np.all(np.diff(band.hi) >= 0)


def test_forward_and_backward_scores_agree():
    rng = np.random.default_rng(1)
    n, m, types = 40, 50, [(1, 1), (1, 2), (2, 1), (2, 3)]
    band = Band.around(np.array([(i, i * m // n) for i in range(n + 1)]), n, m, 4)
    gains = rng.normal(0.0, 0.5, (len(types), band.size)).astype(np.float32)
    path, before = best_path(band, types, gains, 0.1)
    after = backward(band, types, gains, 0.1)
    total = before[band.index(n, m)]
    assert after[band.index(0, 0)] == pytest.approx(total)
    assert np.all(before + after <= total + 1e-6)  # no node lies on a better path
    for i, a, j, b in path:  # and every node of the best path lies on it
        assert before[band.index(i + a, j + b)] + after[band.index(i + a, j + b)] == (
            pytest.approx(total)
        )


def test_a_repeated_sentence_pairs_its_first_copy():
    # Source 0 and 1 are the same sentence; either could pair with target 0.
    gains = {(1, 1): np.array([[0.5, -1.0], [0.5 + 1e-9, -1.0], [-1.0, 0.6]])}
    path = search(3, 2, [(1, 1)], lambda a, b: gains[a, b], skip=0.1)
    assert path == [(0, 1, 0, 1), (1, 1, 1, 0), (2, 1, 1, 1)]
    # The same on the target side: targets 0 and 1 are the same sentence.
    path = search(2, 3, [(1, 1)], lambda a, b: gains[a, b].T, skip=0.1)
    assert path == [(0, 1, 0, 1), (1, 0, 1, 1), (1, 1, 2, 1)]


def test_lexical_blocks_match_the_whole_matrix(news):
    for src, tgt, langs in [
        (news["zh"], news["en"], ("zh", "en")),
        (news["en"], news["zh"], ("en", "zh")),
    ]:
        feats = lexical_features(src, tgt, *langs)
        pairs = [(1, 1), (1, 3), (2, 1), (3, 2)]
        block = feats.blocks(pairs, 3, 9, 2, 7)
        for a, b in pairs:
            whole = feats.similarity(a, b)
            assert block[a, b] == pytest.approx(whole[3:9, 2:7], abs=1e-6)
            assert whole.shape == (len(src) - a + 1, len(tgt) - b + 1)


def test_lexical_windows_score_what_their_sentences_explain_together(news):
    # Brute force from the definition: a window reaches the union of its sentences' words or
    # keys; covered is the weight of each side that the other side's window reaches.
    for src, tgt, langs in [
        (news["zh"], news["en"], ("zh", "en")),
        (news["en"], news["zh"], ("en", "zh")),
    ]:
        feats = lexical_features(src, tgt, *langs)
        zh, en, links = feats.zh.toarray(), feats.en.toarray(), feats.links.toarray() > 0
        for a, b in [(1, 1), (3, 1), (1, 6), (4, 2), (2, 5)]:
            za, eb = (a, b) if langs[0] == "zh" else (b, a)
            want = np.zeros((len(zh) - za + 1, len(en) - eb + 1))
            for i, j in np.ndindex(*want.shape):
                words, keys = zh[i : i + za].sum(0), en[j : j + eb].sum(0)
                keys_reached = (words > 0) @ links > 0
                words_reached = links[:, keys > 0].any(1)
                covered = keys[keys_reached].sum() + words[words_reached].sum()
                want[i, j] = covered / max(words.sum() + keys.sum(), 1e-9)
            got = feats.similarity(a, b)
            assert (got if langs[0] == "zh" else got.T) == pytest.approx(want, abs=1e-5)
            assert want.max() > 0.3  # real overlap, not a comparison of zeros
