"""Word-level evidence for the aligner: dictionary glosses, numbers, pinyin names, on real text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bitext import AlignConfig, align_sentences, evaluate
from bitext.align import lexical_features
from bitext.align.lexical import chinese_keys
from bitext.align.word_keys import chinese_number, english_keys, name_candidates
from bitext.evaluate import load_gold_set


def keys_of(text: str, names: frozenset[str] = frozenset()) -> set[str]:
    return {k for _, keys in chinese_keys(text, names) for k in keys}


def test_pinyin_of_a_chinese_name_meets_its_english_spelling():
    names = name_candidates(["Zhang Yongwu signed the agreement in Beijing."])
    assert {"zhang", "yongwu"} <= names
    keys = keys_of("章勇武在北京签署了协议。", names)
    assert set(english_keys("Zhang Yongwu")) <= keys
    # Without the English side spelling them, 勇武 is only "brave", never a name.
    assert not set(english_keys("Yongwu")) & keys_of("章勇武在北京签署了协议。")


def test_names_raise_the_score_of_the_right_pair(shared_dir: Path):
    doc = load_gold_set(shared_dir / "eval" / "mac-dev")[0]
    zh, en = doc.zh[:4], doc.en[:4]  # 陈清扬 ... / ... Chen Qingyang ...
    assert "陈清扬" in zh[1] and "Chen Qingyang" in en[0]
    with_names = lexical_features(zh, en).similarity(2, 1)[0, 0]
    without = lexical_features(zh, en, names=False).similarity(2, 1)[0, 0]
    assert with_names > without


def test_chinese_numbers_are_read_as_values():
    assert chinese_number("三十个") == 30
    assert chinese_number("一百二十") == 120
    assert chinese_number("两万五千") == 25_000
    assert chinese_number("2,000") == 2000
    assert chinese_number("合作") is None
    assert english_keys("twenty 3 cats") == ["#20", "#3", "cat"]


def test_a_number_mismatch_lowers_the_score():
    zh = ["他在商店里买了三本书。", "公司去年收入2,000万元。"]
    en = [
        "He bought three books at the shop.",
        "He bought four books at the shop.",
        "Last year the company earned 2,000 million yuan.",
        "Last year the company earned 3,000 million yuan.",
    ]
    sim = lexical_features(zh, en).similarity(1, 1)
    assert sim[0, 0] > sim[0, 1]
    assert sim[1, 2] > sim[1, 3]


def test_the_dictionary_maps_a_compound_to_its_english_words():
    keys = keys_of("双方签署了合作协议。")
    assert set(english_keys("cooperation agreement")) <= keys
    zh = ["双方签署了合作协议。"]
    en = ["The two sides signed a cooperation agreement.", "The weather was cold that winter."]
    sim = lexical_features(zh, en).similarity(1, 1)
    assert sim[0, 0] > 0.5 > sim[0, 1]
    # Numbers, Latin tokens and names stay; without the dictionary nothing else links.
    assert lexical_features(zh, en, dictionary=False).similarity(1, 1)[0, 0] < 0.2


def test_an_unrelated_sentence_in_a_window_lowers_the_score():
    zh = ["双方签署了合作协议。", "天气很冷。"]
    en = ["The two sides signed a cooperation agreement.", "It was very cold."]
    feats = lexical_features(zh, en)
    one_one = feats.similarity(1, 1)
    assert feats.similarity(1, 2)[0, 0] < one_one[0, 0]
    assert feats.similarity(2, 1)[0, 0] < one_one[0, 0]
    assert feats.similarity(2, 2)[0, 0] > feats.similarity(1, 2)[0, 0]


def test_sides_swap_and_other_languages_are_left_alone():
    zh = ["双方签署了合作协议。", "天气很冷。"]
    en = ["The two sides signed a cooperation agreement.", "It was cold."]
    forward = lexical_features(zh, en).similarity(1, 2)
    backward = lexical_features(en, zh, "en", "zh").similarity(2, 1)
    assert (forward == backward.T).all()
    assert lexical_features(["Bonjour."], ["Hello."], "fr", "en") is None


def test_aligning_a_literary_passage_with_lexical_evidence(shared_dir: Path, use_encoder):
    assert AlignConfig().lexical_weight > 0
    doc = load_gold_set(shared_dir / "eval" / "mac-dev")[4]
    gold = doc.gold[:50]
    n = max(i for s, _ in gold for i in s) + 1
    m = max(j for _, t in gold for j in t) + 1
    # Clause refinement (off here) mends some of the same beads in another way.
    beads = align_sentences(doc.zh[:n], doc.en[:m], encoder=use_encoder, refine_weight=0)
    plain = align_sentences(
        doc.zh[:n], doc.en[:m], encoder=use_encoder, lexical_weight=0, refine_weight=0
    )
    # Measured 0.931 with the lexical term and 0.920 without it.
    assert evaluate([gold], [beads]).f1 > evaluate([gold], [plain]).f1


@pytest.mark.parametrize("text", ["", "。。。", "嗯"])
def test_sentences_without_content_give_empty_features(text: str):
    feats = lexical_features([text], ["Hello there."])
    assert feats.similarity(1, 1).shape == (1, 1)
    assert feats.similarity(1, 1)[0, 0] == 0
