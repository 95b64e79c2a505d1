"""Data frames and figures of a real alignment of the sample press release."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display in tests; must precede pyplot

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

import bitext
from bitext.analysis import from_frame, to_frame
from bitext.model import FLAG_DAMAGED, Alignment, Bead, Sentence
from bitext.plot import plot_alignment, plot_scores, similarity_matrix


@pytest.fixture(scope="module")
def alignment(sample_path: Path, use_encoder) -> Alignment:
    return bitext.align_document(sample_path, encoder=use_encoder)


@pytest.fixture(scope="module")
def similarity(alignment: Alignment, use_encoder) -> np.ndarray:
    return similarity_matrix(alignment, use_encoder)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- frames --------------------------------------------------------------------------


def test_frame_has_one_row_per_bead_in_order(alignment: Alignment):
    frame = alignment.to_pandas()
    assert len(frame) == len(alignment.beads)
    assert frame["bead"].tolist() == list(range(len(alignment.beads)))
    assert frame["kind"].tolist() == [b.kind for b in alignment.beads]
    assert frame["score"].tolist() == [b.score for b in alignment.beads]
    assert frame["src_ids"].tolist() == [list(b.src) for b in alignment.beads]
    assert frame["is_pair"].sum() == sum(b.is_pair for b in alignment.beads)


def test_pair_rows_hold_the_texts_of_the_pairs(alignment: Alignment):
    frame = to_frame(alignment)
    rows = frame[frame["is_pair"]]
    pairs = list(alignment.pairs())
    assert list(zip(rows["src_text"], rows["tgt_text"], strict=True)) == [
        (p.src, p.tgt) for p in pairs
    ]
    assert rows["flags"].tolist() == [list(p.flags) for p in pairs]
    # The one 1-2 bead of the sample, read off the file by a person.
    (split,) = frame[frame["kind"] == "1-2"].itertuples()
    assert split.src_text.startswith("她表示")
    assert [t[:9] for t in split.tgt_sentences] == ["She hoped", "And takin"]
    assert split.tgt_text == " ".join(split.tgt_sentences)
    # Encoding damage in the sample reaches the frame's flags.
    assert frame["flags"].map(lambda flags: FLAG_DAMAGED in flags).any()


def test_from_pandas_rebuilds_the_alignment(alignment: Alignment):
    frame = alignment.to_pandas()
    assert Alignment.from_pandas(frame) == alignment
    # Rows are rebuilt in bead order, whatever order the analyst left them in.
    shuffled = frame.sample(frac=1.0, random_state=1)
    assert from_frame(shuffled) == alignment
    # Equality is not vacuous: an edited frame rebuilds a different alignment.
    edited = frame.copy()
    edited.at[3, "score"] = 0.01
    assert from_frame(edited) != alignment
    assert from_frame(edited).beads[3].score == 0.01


def test_pickle_round_trip_keeps_languages_and_source(alignment: Alignment, tmp_path: Path):
    path = tmp_path / "beads.pkl"
    to_frame(alignment).to_pickle(path)
    back = from_frame(pd.read_pickle(path))
    assert back == alignment
    assert back.source == alignment.source
    assert from_frame(pd.read_pickle(path), tgt_lang="en-GB").tgt_lang == "en-GB"


def test_json_records_round_trip(alignment: Alignment, tmp_path: Path):
    path = tmp_path / "beads.json"
    to_frame(alignment).to_json(path, orient="records", force_ascii=False)
    # JSON drops frame.attrs: languages fall back to the defaults, the source is passed.
    back = from_frame(pd.read_json(path, orient="records", precise_float=True))
    assert back == replace(alignment, source=None)
    assert from_frame(pd.read_json(path, orient="records", precise_float=True), source="x") == (
        replace(alignment, source="x")
    )
    # pandas' fast float parser may be one ulp off: all but the scores stays exact.
    loose = from_frame(pd.read_json(path, orient="records"))
    assert loose.src == alignment.src and loose.tgt == alignment.tgt
    assert [b.src for b in loose.beads] == [b.src for b in alignment.beads]
    np.testing.assert_allclose(
        [b.score for b in loose.beads], [b.score for b in alignment.beads], rtol=1e-12
    )


def test_stdlib_json_records_round_trip(alignment: Alignment):
    text = json.dumps(to_frame(alignment).to_dict("records"), ensure_ascii=False)
    assert from_frame(json.loads(text), source=alignment.source) == alignment


def test_csv_round_trip(alignment: Alignment, tmp_path: Path):
    path = tmp_path / "beads.csv"
    to_frame(alignment).to_csv(path, index=False)
    assert from_frame(pd.read_csv(path), source=alignment.source) == alignment


def _bad(frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(ValueError, match=match) as info:
        from_frame(frame)
    assert "\n" not in str(info.value)


def test_bad_frames_are_refused_in_one_line(alignment: Alignment):
    frame = to_frame(alignment)
    _bad(frame.drop(columns=["src_ids", "tgt_starts"]), r"missing column\(s\) src_ids, tgt_starts")
    out_of_range = frame.copy()
    out_of_range.at[1, "src_ids"] = [99]
    _bad(out_of_range, r"src sentence id 99 out of range: no row holds src sentence 1 ")
    negative = frame.copy()
    negative.at[0, "src_ids"] = [-1]
    _bad(negative, r"src sentence id -1 out of range: ids count from 0")
    twice = frame.copy()
    twice.at[2, "tgt_ids"] = [0]
    _bad(twice, r"bead 2: tgt sentence 0 is in an earlier bead too")
    short = frame.copy()
    short.at[1, "src_sentences"] = []
    _bad(short, r"bead 1: the src_\* lists differ in length")
    not_a_list = frame.copy()
    not_a_list.at[4, "tgt_paragraphs"] = "12"
    _bad(not_a_list, r"bead 4: column 'tgt_paragraphs' holds '12', not a list")
    _bad(frame.iloc[1:], r"src sentence id 22 out of range: no row holds src sentence 0")
    _bad(pd.concat([frame, frame.iloc[:1]]), r"duplicate values in column 'bead'")


def test_to_frame_refuses_an_alignment_it_could_not_rebuild(alignment: Alignment):
    partial = replace(alignment, beads=alignment.beads[1:])
    with pytest.raises(ValueError, match="src sentence 0 is in no bead"):
        to_frame(partial)
    wild = replace(alignment, beads=(Bead((40,), (0,), 0.5),))
    with pytest.raises(ValueError, match="bead 0 points at src sentence 40, but the alignment"):
        to_frame(wild)


def test_missing_extras_name_the_install_command(alignment, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    with pytest.raises(ImportError, match=r"pip install 'bitext\[analysis\]'"):
        alignment.to_pandas()
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install 'bitext\[analysis\]'"):
        plot_scores(alignment)


# --- figures -------------------------------------------------------------------------


def test_heatmap_shows_similarities_path_and_unaligned(alignment, use_encoder, tmp_path):
    ax = alignment.plot("heatmap", encoder=use_encoder)
    n, m = len(alignment.src), len(alignment.tgt)
    assert (ax.get_ylabel(), ax.get_xlabel()) == ("Chinese sentence", "English sentence")
    (image,) = ax.get_images()
    matrix = np.asarray(image.get_array())
    assert matrix.shape == (n, m) == (23, 14)
    assert image.colorbar.ax.get_ylabel() == "cosine similarity"
    # Rows are Chinese: translation cells stand far above the rest of the matrix.
    pairs = [b for b in alignment.beads if b.is_pair]
    on_path = np.mean([matrix[b.src[0], b.tgt[0]] for b in pairs])
    assert on_path > matrix.mean() + 0.2
    boxes = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(boxes) == len(pairs)
    for box, bead in zip(boxes, pairs, strict=True):
        assert (box.get_x(), box.get_y()) == (min(bead.tgt) - 0.5, min(bead.src) - 0.5)
        assert (box.get_width(), box.get_height()) == (len(bead.tgt), len(bead.src))
    nulls = [b for b in alignment.beads if not b.is_pair]
    markers = np.concatenate([c.get_offsets() for c in ax.collections])
    assert len(markers) == len(nulls) == 10
    assert sorted(markers[:, 1]) == sorted(b.src[0] for b in nulls)  # one per unaligned row
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["aligned bead", "Chinese sentence without counterpart (1-0)"]
    png = tmp_path / "heatmap.png"
    ax.figure.savefig(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_heatmap_takes_a_precomputed_matrix_and_an_axes(alignment, similarity):
    fig, (left, right) = plt.subplots(1, 2)
    ax = plot_alignment(alignment, similarity=similarity[::-1], ax=right, title="")
    assert ax is right and ax.figure is fig and not left.get_images()
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), similarity[::-1])
    assert ax.get_title() == ""
    with pytest.raises(ValueError, match=r"similarity has shape \(14, 23\), expected \(23, 14\)"):
        plot_alignment(alignment, similarity=similarity.T)
    empty = replace(alignment, tgt=(), beads=tuple(Bead((i,), ()) for i in range(23)))
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_alignment(empty, similarity=np.zeros((23, 0)))


def test_zero_one_beads_are_marked_on_their_columns(similarity):
    zh = tuple(Sentence(f"句子{i}。", "zh", 0, 0, 0) for i in range(3))
    en = tuple(Sentence(f"Sentence {j}.", "en", 1, 0, 0) for j in range(4))
    beads = (Bead((0,), (0,)), Bead((), (1,)), Bead((1, 2), (2, 3)))
    ax = plot_alignment(Alignment(zh, en, beads), similarity=similarity[:3, :4])
    (markers,) = ax.collections
    # The path has used one Chinese row when it steps over English sentence 1.
    assert markers.get_offsets().tolist() == [[1.0, 0.5]]
    assert len(ax.patches) == 2 and ax.patches[1].get_height() == 2


def test_score_histogram(alignment: Alignment, tmp_path: Path):
    ax = alignment.plot("scores", low_score=0.9)
    pair_bars, null_bars = ax.containers
    assert sum(p.get_height() for p in pair_bars) == sum(b.is_pair for b in alignment.beads)
    assert sum(p.get_height() for p in null_bars) == 10
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == [0.9, 0.9]
    below = sum(b.is_pair and b.score < 0.9 for b in alignment.beads)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[-1] == f"low_score 0.9: {below} pair{'s' * (below != 1)} below"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("aligner confidence", "beads")
    ax.figure.savefig(tmp_path / "scores.png")
    assert (tmp_path / "scores.png").stat().st_size > 5_000
    with pytest.raises(ValueError, match="unknown plot kind 'pie'"):
        alignment.plot("pie")
