"""Clause refinement: neighbouring beads regrouped where the source's clauses say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bitext import align_sentences, evaluate
from bitext.align.refine import clauses
from bitext.evaluate import load_gold_set


def gold_slice(shared_dir: Path, doc: str, zh: range, en: range):
    """Sentences of a mac-dev document and the gold beads that lie wholly inside the slice."""
    data = json.loads((shared_dir / "eval" / "mac-dev" / "docs" / f"{doc}.json").read_text("utf-8"))
    beads = [
        (tuple(i - zh.start for i in s), tuple(j - en.start for j in t))
        for s, t in data["gold"]
        if s and t and set(s) <= set(zh) and set(t) <= set(en)
    ]
    return [data["zh"][i] for i in zh], [data["en"][j] for j in en], beads


def test_clauses_are_cut_after_commas_semicolons_and_colons():
    assert clauses("十五队的水是苦的，也没有菜吃，待久了也觉得没有啥。") == [
        "十五队的水是苦的，",
        "也没有菜吃，",
        "待久了也觉得没有啥。",
    ]
    assert clauses("Well, after the game; I met him: a boy.") == [
        "Well,",
        " after the game;",
        " I met him:",
        " a boy.",
    ]
    # Pieces under three characters (quotes aside) stay with the clause before them,
    # or, at the start, with the one after them.
    assert clauses("我们走吧，好，明天见。") == ["我们走吧，好，", "明天见。"]
    assert clauses("甲，乙，丙丁戊。") == ["甲，乙，丙丁戊。"]
    assert clauses("好，我们走吧，明天见。") == ["好，我们走吧，", "明天见。"]
    assert clauses("一句话。") == ["一句话。"]
    # ASCII commas and colons inside numbers and addresses do not cut.
    assert clauses("时间是10:30，距离1,000米，见http://x.cn/a，谢谢。") == [
        "时间是10:30，",
        "距离1,000米，",
        "见http://x.cn/a，",
        "谢谢。",
    ]


def test_a_clause_translated_as_its_own_sentence_joins_its_bead(shared_dir, use_encoder):
    # mac-dev 001: "十五队的水是苦的，也没有菜吃，待久了也觉得没有啥。" is two English
    # sentences, the second ("She got used to it after a while.") its last clause; on whole
    # sentences it scores as well with the next Chinese sentence.
    zh, en, gold = gold_slice(shared_dir, "001", range(265, 269), range(282, 287))
    refined = align_sentences(zh, en, encoder=use_encoder)
    plain = align_sentences(zh, en, encoder=use_encoder, refine_weight=0)
    assert [(b.src, b.tgt) for b in refined] == gold
    assert [(b.src, b.tgt) for b in plain] != gold


def test_two_sentences_recut_at_a_comma_become_one_bead(shared_dir, use_encoder):
    # mac-dev 001: the translator moved the clause "这是因为眼前的一切都是骗局" into one
    # English sentence with half of the next Chinese sentence: gold is a 2-2 bead.
    zh, en, gold = gold_slice(shared_dir, "001", range(123, 127), range(143, 147))
    assert ((1, 2), (1, 2)) in gold
    refined = align_sentences(zh, en, encoder=use_encoder)
    plain = align_sentences(zh, en, encoder=use_encoder, refine_weight=0)
    assert [(b.src, b.tgt) for b in refined] == gold
    assert ((1, 2), (1, 2)) not in [(b.src, b.tgt) for b in plain]


def test_a_two_sentence_bead_beside_a_one_sentence_bead_is_regrouped(shared_dir, use_encoder):
    # mac-dev 004: three Chinese sentences make two English ones (gold 3-2); the search
    # found a 1-1 bead and a 2-1 bead. Regions of up to three source sentences are refined.
    zh, en, gold = gold_slice(shared_dir, "004", range(74, 80), range(77, 81))
    assert ((2, 3, 4), (1, 2)) in gold
    refined = align_sentences(zh, en, encoder=use_encoder)
    plain = align_sentences(zh, en, encoder=use_encoder, refine_weight=0)
    assert [(b.src, b.tgt) for b in refined] == gold
    assert [(b.src, b.tgt) for b in plain] != gold


@pytest.mark.parametrize(("name", "gain"), [("mac-dev", 0.015), ("wmt22-news", 0.0)])
@pytest.mark.slow
def test_refinement_gains_on_the_novels_and_costs_nothing_on_news(
    shared_dir: Path, memo_encoder, name: str, gain: float
):
    # Measured: mac-dev 0.919 -> 0.940 strict F1, wmt22-news 0.997 both ways (docs/benchmarks.md).
    docs = load_gold_set(shared_dir / "eval" / name)
    gold = [d.gold for d in docs]
    refined = evaluate(gold, [align_sentences(d.zh, d.en, encoder=memo_encoder) for d in docs])
    plain = evaluate(
        gold, [align_sentences(d.zh, d.en, encoder=memo_encoder, refine_weight=0) for d in docs]
    )
    assert refined.f1 >= plain.f1 + gain
    assert refined.lax_f1 >= plain.lax_f1 - 0.001


def test_refinement_needs_a_non_negative_weight():
    with pytest.raises(ValueError, match="refine_weight"):
        align_sentences(["你好。"], ["Hello."], refine_weight=-1)


def test_refinement_embeds_only_clauses_and_windows_in_two_calls(shared_dir, use_encoder):
    from test_align import CountingEncoder

    doc = json.loads((shared_dir / "eval" / "mac-dev" / "docs" / "003.json").read_text("utf-8"))
    zh, en = doc["zh"][:40], doc["en"][:57]
    refined, plain = CountingEncoder(use_encoder), CountingEncoder(use_encoder)
    align_sentences(zh, en, encoder=refined)
    align_sentences(zh, en, encoder=plain, refine_weight=0)
    assert refined.calls[: len(plain.calls)] == plain.calls
    extra = [t for call in refined.calls[len(plain.calls) :] for t in call]
    assert 1 <= len(refined.calls) - len(plain.calls) <= 2  # clauses, then new windows
    pieces = {c for s in zh for c in clauses(s)}
    windows = {" ".join(en[j : j + w]) for w in range(2, 7) for j in range(len(en))}
    windows |= {"".join(zh[i : i + w]) for w in range(2, 5) for i in range(len(zh))}
    assert extra and all(t in pieces or t in windows for t in extra)


def clause_alignments(k: int, t: int):
    """Every monotone way to give t target sentences runs of k clauses (or one clause to two)."""
    if k == 0 and t == 0:
        yield []
        return
    for c in range(1, k + 1):
        if t >= 1:
            for rest in clause_alignments(k - c, t - 1):
                yield [*rest, (k - c, k, t - 1, t)]
    if k >= 1 and t >= 2:
        for rest in clause_alignments(k - 1, t - 2):
            yield [*rest, (k - 1, k, t - 2, t)]


def pairing_value(clauses_v, clauses_len, target, chars, move, ratio: float) -> float:
    """The score of one clause-alignment move, computed by hand as the module docs define it."""
    import numpy as np

    from bitext.align.windows import length_agreement

    s, e, t0, t1 = move
    run, part = clauses_v[s:e].sum(0), target[t0:t1].sum(0)
    cos = run @ part / np.linalg.norm(run) / np.linalg.norm(part)
    lengths = np.array([clauses_len[s:e].sum()]), np.array([chars[t0:t1].sum() * ratio])
    return float(cos * length_agreement(*lengths)[0])


def test_clause_alignment_is_the_best_of_all_monotone_ones():
    import numpy as np

    from bitext.align.refine import _Region

    rng = np.random.default_rng(3)

    def unit(n: int):
        v = rng.normal(size=(n, 8))
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    for _ in range(40):
        a1, a2 = [(1, 1), (1, 2), (2, 1)][int(rng.integers(0, 3))]
        sizes = [int(rng.integers(1, 4)) for _ in range(a1 + a2)]
        b1, b2 = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        cut = {i: (unit(n), rng.integers(2, 30, n).astype(float)) for i, n in enumerate(sizes)}
        target, chars = unit(b1 + b2), rng.integers(2, 60, b1 + b2).astype(float)
        region = _Region([(0, a1, 0, b1), (a1, a2, b1, b2)], 0, cut, target, chars, 0.5)
        clauses_v = np.concatenate([cut[i][0] for i in range(a1 + a2)])
        clauses_len = np.concatenate([cut[i][1] for i in range(a1 + a2)])
        total = sum(sizes)
        every = [
            sum(pairing_value(clauses_v, clauses_len, target, chars, m, 0.5) for m in a)
            for a in clause_alignments(total, b1 + b2)
        ]
        found, _ = region.align(0, total, 0, b1 + b2)
        if every:
            assert found == pytest.approx(max(every))
        else:
            assert found == -np.inf


def test_a_sentence_of_a_thousand_clauses_is_not_cut(use_encoder):
    from test_align import CountingEncoder

    # A list joined by 、 with no full stop: its clause alignment would take gigabytes.
    listing = "、".join(f"第{i}项内容" for i in range(1000)) + "。"
    zh = ["会议在北京举行。", listing, "会议结束了。"]
    # Its translation item by item: "Items were listed." is no translation of it, and since
    # pairs must earn their place (absolute evidence) that one was left unpaired.
    items = ", ".join(f"item {i}" for i in range(1000)) + "."
    en = ["The meeting was held in Beijing.", items, "The meeting ended."]
    counting = CountingEncoder(use_encoder)
    beads = align_sentences(zh, en, encoder=counting)
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert not any("第5项内容" in t and "第6项" not in t for t in counting.texts)


def test_without_length_agreement_clause_pairs_score_their_cosine():
    import numpy as np

    from bitext.align.refine import _Region

    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(5, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cut = {0: (vectors[:2], np.array([3.0, 40.0])), 1: (vectors[2:3], np.array([9.0]))}
    target, chars = vectors[3:], np.array([100.0, 2.0])
    plain = _Region([(0, 1, 0, 1), (1, 1, 1, 1)], 0, cut, target, chars, None)
    scaled = _Region([(0, 1, 0, 1), (1, 1, 1, 1)], 0, cut, target, chars, 1.0)
    run = vectors[0] + vectors[1]
    cosine = run @ target[1] / np.linalg.norm(run)
    assert plain.runs[0, 2, 1] == pytest.approx(cosine)
    assert scaled.runs[0, 2, 1] < plain.runs[0, 2, 1]  # 43 characters against 2
