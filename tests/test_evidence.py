"""What was not translated stays out of the memory (issue 17).

Material of other stories on both sides of a document (an editor's note against
an "About" paragraph, a caption against a caption) used to be paired 1-1 with
confident scores. The documents here are real: the wmt22 news gold set, with
sentences of two *other* documents of the set put on either side, as a release
carries them; and the bundled sample release with the editor's note and
"About"/media-contact lines of the issue.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from bitext.align import align_sentences
from bitext.cli import main
from bitext.evaluate import compare, load_gold_set
from bitext.model import EXPORT_MIN_SCORE
from bitext.pipeline import align_document
from release_helpers import ABOUT, CONTACT, NOTE, literary_chapter, release_with_untranslated

PLACES = ("end", "start", "mid")


@pytest.fixture(scope="module")
def wmt(shared_dir: Path) -> list:
    return load_gold_set(shared_dir / "eval" / "wmt22-news")


def _with_foreign(docs: list, k: int, place: str) -> tuple[list, list, set, set]:
    """Document k with a sentence (two at the end) of two other documents on each side.

    The Chinese comes from one other story and the English from another, so the
    added sentences translate nothing on the other side.
    """
    d, zh_from, en_from = docs[k], docs[(k + 7) % len(docs)], docs[(k + 13) % len(docs)]
    zh, en = list(d.zh), list(d.en)
    if place == "end":
        zi, ei = {len(zh), len(zh) + 1}, {len(en), len(en) + 1}
        return zh + list(zh_from.zh[-2:]), en + list(en_from.en[-2:]), zi, ei
    if place == "start":
        return [zh_from.zh[0], *zh], [en_from.en[0], *en], {0}, {0}
    m = len(zh) // 2  # mid-text, as a caption on each side
    return [*zh[:m], zh_from.zh[1], *zh[m:]], [*en[:m], en_from.en[1], *en[m:]], {m}, {m}


@pytest.fixture(scope="module")
def foreign(wmt, use_encoder) -> dict[str, dict[str, int]]:
    """Per place: where the added sentences went, and how many true pairs were held back."""
    out = {}
    for place in PLACES:
        counts = dict.fromkeys(("alone", "held", "exported", "added", "good_held", "good"), 0)
        for k in range(len(wmt)):
            zh, en, zi, ei = _with_foreign(wmt, k, place)
            counts["added"] += len(zi) + len(ei)
            for bead in align_sentences(zh, en, encoder=use_encoder):
                added = len(set(bead.src) & zi) + len(set(bead.tgt) & ei)
                if not added:
                    counts["good"] += bead.is_pair
                    counts["good_held"] += bead.is_pair and bead.score < EXPORT_MIN_SCORE
                elif not bead.is_pair:
                    counts["alone"] += added
                elif bead.score < EXPORT_MIN_SCORE:
                    counts["held"] += added
                else:
                    counts["exported"] += added
        out[place] = counts
    return out


@pytest.mark.slow  # a whole gold set or many documents
@pytest.mark.parametrize("place", PLACES)
def test_other_stories_on_both_sides_do_not_reach_a_unit(foreign, place):
    counts = foreign[place]
    # Before issue 17 nearly every added sentence was paired and exported (95 of 124
    # at the end); now at most one pair per 31 documents gets past the default.
    assert counts["exported"] <= 2, counts
    # ...and holding them back does not cost the true pairs around them.
    assert counts["good_held"] <= 0.01 * counts["good"], counts


@pytest.mark.slow  # a whole gold set or many documents
def test_other_stories_at_the_end_are_left_without_counterpart(foreign):
    counts = foreign["end"]
    assert counts["alone"] >= 0.8 * counts["added"], counts  # 2 of 124 before


@pytest.mark.slow  # a whole gold set or many documents
@pytest.mark.parametrize("name", ["news-noisy", "mac-dev"])
def test_confidence_says_how_often_a_pair_is_right(shared_dir: Path, use_encoder, name):
    docs = load_gold_set(shared_dir / "eval" / name)
    beads = [align_sentences(d.zh, d.en, encoder=use_encoder) for d in docs]
    report = compare([d.gold for d in docs], beads)
    assert report.reliability is not None
    assert report.reliability.pairs_ece <= 0.05, report.format()
    assert "expected calibration error" in report.format()


def test_expected_calibration_error_is_the_weighted_gap():
    from bitext.evaluate import reliability
    from bitext.model import Bead

    gold = [[((0,), (0,)), ((1,), (1,)), ((2,), (2,))]]
    # Three pairs scored 0.9: two right, one wrong -> gap |0.9 - 2/3| in the one bin.
    predicted = [[Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.9), Bead((2,), (3,), 0.9)]]
    found = reliability(gold, predicted)
    assert found is not None and found.ece == pytest.approx(0.9 - 2 / 3)
    assert found.bins == ((0.9, 1.0, 3, 0.9, round(2 / 3, 4)),)
    assert reliability(gold, [[((0,), (0,))]]) is None  # no scores, no calibration


@pytest.mark.slow  # a whole gold set or many documents
def test_documents_that_are_not_translations_export_almost_nothing(wmt, use_encoder):
    scores = []
    for k, d in enumerate(wmt):
        other = wmt[(k + 1) % len(wmt)]
        beads = align_sentences(d.zh, other.en, encoder=use_encoder)
        scores += [b.score for b in beads if b.is_pair]
    below = sum(s < EXPORT_MIN_SCORE for s in scores)
    assert below >= 0.95 * len(scores), sorted(scores)[-10:]


@pytest.mark.slow  # a whole gold set or many documents
@pytest.mark.parametrize("name", ["wmt22-news", "paramed", "mac-dev"])
def test_a_pair_across_two_documents_scores_below_three_tenths(shared_dir: Path, use_encoder, name):
    """Each gold document's Chinese aligned against the next document's English.

    Whatever the search still pairs there translates nothing; the confidence
    must say so (issue 17: < 0.3 in >= 95% of cases). The pair features alone
    cannot: a literary translation's right pairs embed as loosely. The whole
    document can: its 1-1 pairs embed like no translation's
    (`confidence.unrelated_document`). Medical papers share their headings,
    which makes paramed the hard case (63% below 0.3 over the four sets before).
    """
    docs = load_gold_set(shared_dir / "eval" / name)
    scores = []
    for k, d in enumerate(docs):
        beads = align_sentences(d.zh, docs[(k + 1) % len(docs)].en, encoder=use_encoder)
        scores += [b.score for b in beads if b.is_pair]
    below = sum(s < 0.3 for s in scores)
    assert scores
    assert below >= 0.95 * len(scores), (below, len(scores), sorted(scores)[-10:])


def _without_counterpart(summary: str) -> tuple[int, int]:
    found = re.search(r"(\d+) zh and (\d+) en without counterpart", summary)
    assert found, summary
    return int(found[1]), int(found[2])


def _summary(err: str, path: Path) -> str:
    return next(line for line in err.splitlines() if line.startswith(str(path)))


@pytest.mark.parametrize("place", PLACES)
def test_editors_note_and_about_paragraph_are_left_without_counterpart(
    sample_path: Path, tmp_path: Path, capsys, place
):
    """The release of issue 17, with its untranslated additions at the end, the start or mid-text.

    The note and the contact line both name the Foreign Affairs Office (raw cosine 0.42, far
    above unrelated sentences' 0.06), so they used to be paired (and "About Chongqing" with
    two untranslated Chinese sentences of the sample), held back at 0.79-0.88 and not counted
    as without counterpart: 0 en without counterpart at the end. They sit in a stretch with
    sentences already left alone, and score far below the document's translations
    (`bitext.align.stretches`).
    """
    alone = tmp_path / "alone"
    alone.mkdir()
    plain = alone / "sample.txt"
    plain.write_bytes(sample_path.read_bytes())
    assert main(["align", str(plain), "-o", str(alone / "sample.tmx")]) == 0
    before = _without_counterpart(_summary(capsys.readouterr().err, plain))

    release = release_with_untranslated(sample_path, tmp_path, place)
    out = tmp_path / "release.tmx"
    assert main(["align", str(release), "-o", str(out)]) == 0
    tmx = out.read_text(encoding="utf-8")
    for text in (NOTE[:10], ABOUT[:40], CONTACT[:40]):
        assert text not in tmx
    err = capsys.readouterr().err
    summary = _summary(err, release)
    assert "wrote" in err and ": 13 translation units" in err  # the sample's own, all still in
    assert "held back" not in summary  # nothing paired out of the additions to hold back
    # Every added sentence counted without counterpart, the sample's own ones still so.
    alignment = align_document(release)
    added = [
        sum(s.text in extra for s in sentences)
        for sentences, extra in ((alignment.src, NOTE), (alignment.tgt, ABOUT + CONTACT))
    ]
    assert added[0] >= 1 and added[1] >= 2
    assert _without_counterpart(summary) == (before[0] + added[0], before[1] + added[1])
    # The review page shows each of them in place, without counterpart.
    page = tmp_path / "release.html"
    assert main(["report", str(release), "-o", str(page), "-q"]) == 0
    root = etree.fromstring(page.read_bytes(), etree.HTMLParser())
    rows = root.xpath("//tr[contains(@class, 'bead')]")
    for text in (NOTE[:10], ABOUT[:40], CONTACT[:40]):
        holding = [row for row in rows if text in "".join(row.itertext())]
        assert holding and all("unaligned" in row.get("class") for row in holding), text


@pytest.mark.parametrize("place", ["start", "mid"])
def test_captions_of_other_stories_in_the_release_are_left_without_counterpart(
    sample_path: Path, tmp_path: Path, wmt, use_encoder, place
):
    """A caption on each side, before the text or mid-text: sentences of two other wmt22
    stories in the sample release (where the release's own translations embed less closely
    than news); each is left without counterpart, the sample's 13 pairs are kept."""
    plain = align_document(sample_path, encoder=use_encoder)
    for k in range(0, len(wmt), 6):
        zh, en = wmt[k].zh[1], wmt[(k + 13) % len(wmt)].en[1]
        release = release_with_untranslated(sample_path, tmp_path / str(k), place, (zh,), (en,))
        alignment = align_document(release, encoder=use_encoder)
        for bead in alignment.beads:
            texts = [alignment.src[i].text for i in bead.src]
            texts += [alignment.tgt[j].text for j in bead.tgt]
            if any(t in zh or t in en for t in texts):
                assert not bead.is_pair, (k, bead, texts)
        assert len(list(alignment.pairs())) == len(list(plain.pairs()))


def test_review_page_says_why_each_held_pair_is_doubted(shared_dir: Path, tmp_path: Path):
    """A literary chapter's loose pairs are partly held back; the page lists each with a doubt."""
    chapter = literary_chapter(shared_dir, tmp_path)
    page = tmp_path / "chapter.html"
    assert main(["report", str(chapter), "-o", str(page), "-q"]) == 0
    root = etree.fromstring(page.read_bytes(), etree.HTMLParser())
    low = root.xpath("//tr[contains(@class, 'low')]")
    assert low
    assert all(row.xpath(".//small[@class='doubt']/text()") for row in low)


@pytest.mark.slow  # a whole gold set or many documents
def test_sentence_whose_translation_was_deleted_stays_alone(wmt, use_encoder):
    """A Chinese sentence whose English was deleted is left without counterpart.

    It is about the same story as its neighbours, so the search used to join it
    to a neighbour's pair (a 2-1 bead): 51 of these 62 deletions stayed alone
    before `trim`. Without it the bead's cosine does not drop, as a true
    merge's would (see `bitext.align.trim`).
    """
    alone, missed = 0, []
    for d in wmt:
        ones = [b for b in d.gold if len(b[0]) == 1 and len(b[1]) == 1]
        for pick in (len(ones) // 3, 2 * len(ones) // 3):
            (i,), (j,) = ones[pick]
            en = [s for k, s in enumerate(d.en) if k != j]
            beads = align_sentences(d.zh, en, encoder=use_encoder)
            if any(b.src == (i,) and not b.tgt for b in beads):
                alone += 1
            else:
                missed.append(next(b for b in beads if i in b.src))
    assert not missed, f"{alone} left alone; joined instead: {missed[:5]}"


@pytest.mark.slow  # a whole gold set or many documents
def test_other_stories_anywhere_are_left_without_counterpart(foreign):
    """A caption against a caption mid-text or at the start is not paired either.

    Two leftover sentences of other stories, each the other's only candidate,
    used to make a pair the search could not refuse (the absolute evidence
    alone left 16 of these 248 paired); in a news document their cosine is
    below half its typical one, and `trim` unpairs them.
    """
    alone = sum(foreign[place]["alone"] for place in PLACES)
    added = sum(foreign[place]["added"] for place in PLACES)
    assert alone >= 0.98 * added, foreign
