"""Strict/lax scoring as defined by the Text+Berg evaluation (Vecalign's score.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bitext import Bead, evaluate
from bitext.cli import main
from bitext.evaluate import compare, load_gold_set, read_beads

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


def test_report_counts_recall_by_type_and_confusion():
    gold = [((0,), (0,)), ((1,), (1, 2)), ((2,), ()), ((3, 4), (3,)), ((5,), (4,))]
    predicted = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), ()), ((3,), (3,)), ((4,), ())]
    predicted += [((5,), (4,))]
    report = compare([gold], [predicted])
    assert report.recall_by_type == {"1-1": (2, 2), "1-2": (0, 1), "2-1": (0, 1), "null": (1, 1)}
    assert report.confusion == {("1-2", "1-1"): 1, ("2-1", "1-1"): 1}
    text = report.format()
    assert "1-2      0 / 1" in text and "gold   2-1 -> predicted 1-1   1" in text


def test_read_beads_accepts_json_and_vecalign_lines(tmp_path: Path):
    lines = tmp_path / "doc.txt"
    lines.write_text("[0]:[0]:0.9\n[1]:[1,2]:0.5\n[2]:[]:0.0\n\n", encoding="utf-8")
    as_json = tmp_path / "doc.json"
    as_json.write_text('{"beads": [[[0], [0]], [[1], [1, 2]], [[2], []]]}', encoding="utf-8")
    expected = [((0,), (0,)), ((1,), (1, 2)), ((2,), ())]
    assert read_beads(lines) == expected
    assert read_beads(as_json) == expected
    bad = tmp_path / "bad.txt"
    bad.write_text("[0]:[0]\nnonsense\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt:2"):
        read_beads(bad)


def test_eval_command_scores_prediction_files_by_hand_counts(tmp_path: Path, capsys):
    # Two documents; counts worked out by hand below.
    gold_dir, pred_dir = tmp_path / "gold" / "docs", tmp_path / "pred"
    gold_dir.mkdir(parents=True)
    pred_dir.mkdir()
    doc_a = {"zh": ["a", "b", "c"], "en": ["A", "B1", "B2"], "gold": [[[0], [0]], [[1, 2], [1, 2]]]}
    doc_b = {"zh": ["x", "y"], "en": ["X"], "gold": [[[0], [0]], [[1], []]]}
    (gold_dir / "a.json").write_text(json.dumps(doc_a), encoding="utf-8")
    (gold_dir / "b.json").write_text(json.dumps(doc_b), encoding="utf-8")
    (pred_dir / "a.txt").write_text("[0]:[0]\n[1]:[1]\n[2]:[2]\n", encoding="utf-8")
    (pred_dir / "b.txt").write_text("[0]:[0]\n[1]:[]\n", encoding="utf-8")
    assert main(["eval", str(tmp_path / "gold"), "--predicted", str(pred_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # Precision: 5 predicted beads; strict hits a:[0]-[0], b:[0]-[0], b:[1]-[] = 3;
    # lax adds a:[1]-[1] and a:[2]-[2] (inside gold 2-2) = 5.
    assert report["precision"] == pytest.approx(3 / 5)
    assert report["lax_precision"] == pytest.approx(5 / 5)
    # Recall over pairs only: gold a:0-0, a:12-12, b:0-0 vs predicted pairs: 2 strict of 3.
    assert report["recall"] == pytest.approx(2 / 3)
    assert report["lax_recall"] == pytest.approx(3 / 3)
    assert report["f1"] == pytest.approx(2 * 0.6 * (2 / 3) / (0.6 + 2 / 3))
    assert report["documents"] == 2
    assert ["other", "1-1", 1] in report["confusion"]


def test_eval_command_runs_the_aligner(shared_dir: Path, capsys):
    doc = shared_dir / "eval" / "wmt22-news" / "docs" / "abcnews.53861.json"
    assert main(["eval", str(doc), "--set", "skip=0.1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("documents: 1\nstrict  P 1.000  R 1.000  F1 1.000")


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["nowhere"], "nowhere: no such file or folder"),
        (["GOLD", "--set", "nonsense=1"], "unknown alignment option"),
        (["GOLD", "--set", "skip"], "expected KEY=VALUE"),
        (["GOLD", "--predicted", "a.txt", "b.txt"], "2 prediction files for 1 gold documents"),
    ],
)
def test_eval_command_errors(shared_dir: Path, capsys, args, problem):
    doc = str(shared_dir / "eval" / "wmt22-news" / "docs" / "abcnews.53861.json")
    code = main([doc if a == "GOLD" else a for a in ["eval", *args]])
    err = capsys.readouterr().err
    assert code == 2 and problem in err and err.count("\n") == 1
