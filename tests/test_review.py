"""Review decisions kept in the memory (issue 19, the backend): each stored document keeps
its sentences and beads (schema 4), review actions reshape and decide them, every
decision is saved at once and honoured by lookups, exports and reruns."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bitext import tmx, validate_tmx
from bitext.cli import main
from bitext.lang import joiner
from bitext.review import (
    Approve,
    Edit,
    Merge,
    Move,
    Pair,
    Redo,
    Reject,
    ReviewConflict,
    ReviewError,
    Split,
    Undo,
    Unpair,
    apply,
    apply_change,
    check_partition,
    documents,
    load,
    parse_action,
)
from bitext.tm import TranslationMemory, export_tmx

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory, sample_path: Path) -> Path:
    """The bundled sample aligned into a memory by `bitext batch` (the real encoder)."""
    folder = tmp_path_factory.mktemp("stored")
    shutil.copy(sample_path, folder / sample_path.name)
    memory = folder / "office.sqlite"
    assert main(["batch", str(folder / sample_path.name), "--tm", str(memory), "-q"]) == 0
    return memory


@pytest.fixture
def memory_path(stored: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "office.sqlite"
    with sqlite3.connect(stored) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    return copy


def _texts(doc, bead) -> tuple[str, str]:
    """A bead's pair as the memory's units join it (no sentence of another bead)."""
    return (
        joiner(doc.src_lang).join(doc.src[i].text for i in bead.src),
        joiner(doc.tgt_lang).join(doc.tgt[j].text for j in bead.tgt),
    )


def _first_pairs(doc, n: int) -> list[int]:
    return [k for k, b in enumerate(doc.beads) if b.is_pair][:n]


def _three_apart(doc) -> tuple[int, int, int]:
    """Three pairs, the second and third past the bead after the first (which a merge takes)."""
    pairs = _first_pairs(doc, 5)
    return pairs[0], pairs[2], pairs[4]


# -- 1. the alignment of each document, kept -------------------------------------------


def test_a_batch_keeps_every_sentence_and_bead_of_the_document(stored: Path, sample_path: Path):
    from bitext.pipeline import align_document

    alignment = align_document(sample_path)
    with TranslationMemory(stored, read_only=True) as memory:
        (listed,) = documents(memory)
        assert listed.reviewable and listed.version == 0
        doc = load(memory, listed.id)
        assert [s.text for s in doc.src] == [s.text for s in alignment.src]
        assert [s.text for s in doc.tgt] == [s.text for s in alignment.tgt]
        assert [(b.src, b.tgt) for b in doc.beads] == [(b.src, b.tgt) for b in alignment.beads]
        assert all(b.status == "auto" for b in doc.beads)
        assert listed.progress.to_review == len(alignment.beads)
        check_partition(doc.state)
        # The units are the document's pairs: what the beads say.
        assert {(u.src, u.tgt) for u in memory.units()} == {
            (p.src, p.tgt) for p in alignment.pairs()
        }


def test_a_schema_3_memory_upgrades_and_says_its_documents_kept_no_beads(tmp_path: Path):
    # tests/data/schema3_sample.sqlite: the sample batched (no vectors) by bitext at
    # 51e8bb1, schema 3, before alignments were kept.
    old = tmp_path / "old.sqlite"
    shutil.copy(DATA / "schema3_sample.sqlite", old)
    with sqlite3.connect(old) as con:
        units_before = sorted(con.execute("SELECT src, tgt FROM units"))
    # Read-only first (a locked folder's case): read as it is, nothing written.
    before = old.read_bytes()
    with TranslationMemory(old, read_only=True) as memory:
        (listed,) = documents(memory)
        assert not listed.reviewable and listed.progress is None
        assert sorted((u.src, u.tgt) for u in memory.units()) == units_before
        with pytest.raises(ReviewError, match="align it again"):
            load(memory, listed.id)
    assert old.read_bytes() == before
    with TranslationMemory(old) as memory:
        (listed,) = documents(memory)
        assert not listed.reviewable
        with pytest.raises(ReviewError, match="stored before bitext kept alignments"):
            load(memory, listed.id)
        with pytest.raises(ReviewError, match="align it again"):
            apply(memory, listed.id, Approve(0), expected_version=0)
        assert sorted((u.src, u.tgt) for u in memory.units()) == units_before
    with sqlite3.connect(old) as con:
        assert con.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("4",)
        assert con.execute("SELECT COUNT(*) FROM beads").fetchone() == (0,)


# -- 2. actions: pure, checked, always a partition ---------------------------------------


def test_each_action_refuses_what_does_not_fit_the_document(memory_path: Path):
    with TranslationMemory(memory_path) as memory:
        doc = load(memory, 1)
    state, last = doc.state, len(doc.beads) - 1
    pair = _first_pairs(doc, 1)[0]
    lone = next(k for k, b in enumerate(doc.beads) if not b.is_pair)
    bad = [
        Merge(last),
        Merge(len(doc.beads)),
        Split(pair, 0, 0),
        Split(pair, len(doc.beads[pair].src) + 1, 0),
        Move(0, "src", "previous"),
        Move(pair, "sideways", "next"),
        Unpair(lone, "src" if doc.beads[lone].src else "tgt", 0),
        Unpair(pair, "src", 10_000),
        Pair(pair),
        Approve(-1),
        Edit("src", 0, "   "),
        Edit("tgt", len(doc.tgt), "x"),
        Edit("src", 0, "two\nlines"),
    ]
    for action in bad:
        with pytest.raises(ReviewError):
            action.change(state)
    with pytest.raises(ReviewError):
        parse_action({"name": "merge", "bead": "1"})
    with pytest.raises(ReviewError):
        parse_action({"name": "delete", "bead": 1})
    assert parse_action(Split(2, 1, 0).to_dict()) == Split(2, 1, 0)


def test_random_action_sequences_keep_the_beads_a_partition_and_undo_exactly(
    memory_path: Path,
):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    with TranslationMemory(memory_path) as memory:
        start = load(memory, 1).state
    bead = st.integers(-1, len(start.beads) + 1)
    side = st.sampled_from(["src", "tgt"])
    action = st.one_of(
        st.builds(Merge, bead),
        st.builds(Split, bead, st.integers(-1, 4), st.integers(-1, 4)),
        st.builds(Move, bead, side, st.sampled_from(["next", "previous"])),
        st.builds(Unpair, bead, side, st.integers(-1, len(start.src) + 1)),
        st.builds(Pair, bead),
        st.builds(Approve, bead),
        st.builds(Reject, bead),
        st.builds(Edit, side, st.integers(0, 12), st.sampled_from(["改正。", "Fixed."])),
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(action, max_size=25))
    def run(actions):
        state, history = start, [start]
        for act in actions:
            try:
                change = act.change(state)
            except ReviewError:
                continue
            state = apply_change(state, change)
            check_partition(state)
            history.append(state)
            assert apply_change(state, change.inverse()) == history[-2]

    run()


def test_reshaping_actions_do_what_they_say(memory_path: Path):
    with TranslationMemory(memory_path) as memory:
        doc = load(memory, 1)
    state = doc.state
    a, b = _first_pairs(doc, 2)[0], _first_pairs(doc, 2)[0] + 1
    merged = apply_change(state, Merge(a).change(state))
    assert merged.beads[a].src == state.beads[a].src + state.beads[b].src
    assert len(merged.beads) == len(state.beads) - 1
    back = apply_change(
        merged, Split(a, len(state.beads[a].src), len(state.beads[a].tgt)).change(merged)
    )
    assert [(x.src, x.tgt) for x in back.beads] == [(x.src, x.tgt) for x in state.beads]
    moved = apply_change(merged, Move(a, "tgt", "next").change(merged))
    assert moved.beads[a + 1].tgt[0] == merged.beads[a].tgt[-1]
    unpaired = apply_change(state, Unpair(a, "tgt", state.beads[a].tgt[-1]).change(state))
    assert unpaired.beads[a + 1].src == () and unpaired.beads[a + 1].tgt == (
        state.beads[a].tgt[-1],
    )
    if not unpaired.beads[a].tgt:  # a 1-1 pair: its source is left without counterpart too
        repaired = apply_change(unpaired, Pair(a).change(unpaired))
        assert (repaired.beads[a].src, repaired.beads[a].tgt) == (
            state.beads[a].src,
            state.beads[a].tgt,
        )


# -- 3. persisting: at once, versioned, logged, undoable ---------------------------------


def test_two_tabs_acting_on_the_same_version_conflict_instead_of_overwriting(memory_path: Path):
    with TranslationMemory(memory_path) as tab1, TranslationMemory(memory_path) as tab2:
        seen = load(tab1, 1)
        assert load(tab2, 1).version == seen.version
        a, b = _first_pairs(seen, 2)
        after = apply(tab1, 1, Approve(a), expected_version=seen.version, user="ann")
        assert after.version == seen.version + 1
        with pytest.raises(ReviewConflict) as conflict:
            apply(tab2, 1, Reject(a), expected_version=seen.version, user="bob")
        assert conflict.value.current == after.version
        kept = load(tab2, 1)
        assert kept.beads[a].status == "approved" and kept.version == after.version
        # Reloaded, the second tab acts on the version it now holds.
        assert apply(tab2, 1, Reject(b), expected_version=kept.version).beads[b].status == (
            "rejected"
        )
    with sqlite3.connect(memory_path) as con:
        log = con.execute("SELECT user, json_extract(action, '$.name') FROM review_log").fetchall()
    assert log == [("ann", "approve"), (None, "reject")]


def test_decisions_survive_a_restart_and_undo_redo_walk_the_log(memory_path: Path):
    with TranslationMemory(memory_path) as memory:
        doc = load(memory, 1)
        a = _first_pairs(doc, 1)[0]
        doc = apply(memory, 1, Merge(a), expected_version=0)
        doc = apply(memory, 1, Approve(a), expected_version=doc.version)
        doc = apply(memory, 1, Edit("tgt", 0, "Corrected text."), expected_version=doc.version)
        final = doc
        with pytest.raises(ReviewError):  # a bad action writes nothing
            apply(memory, 1, Merge(len(doc.beads) - 1), expected_version=doc.version)
    with TranslationMemory(memory_path) as memory:  # a server restart
        doc = load(memory, 1)
        assert doc == final and doc.can_undo and not doc.can_redo
        doc = apply(memory, 1, Undo(), expected_version=doc.version)
        assert doc.tgt[0].original is None and doc.beads[a].status == "approved"
        doc = apply(memory, 1, Undo(), expected_version=doc.version)
        assert doc.beads[a].status == "auto"
        doc = apply(memory, 1, Redo(), expected_version=doc.version)
        assert doc.beads[a].status == "approved" and doc.can_redo
        doc = apply(memory, 1, Reject(a), expected_version=doc.version)
        assert not doc.can_redo  # a new action ends what could be redone
        with pytest.raises(ReviewError, match="nothing to redo"):
            apply(memory, 1, Redo(), expected_version=doc.version)
        assert doc.progress.rejected == 1


# -- 4. exports honour the decisions -----------------------------------------------------


def test_export_writes_the_corrected_units_with_their_status(
    memory_path: Path, tmp_path: Path, tmx_dtd: Path
):
    with TranslationMemory(memory_path) as memory:
        doc = load(memory, 1)
        a, r, e = _three_apart(doc)
        rejected = _texts(doc, doc.beads[r])
        doc = apply(memory, 1, Merge(a), expected_version=doc.version, user="kc")
        merged = _texts(doc, doc.beads[a])  # a reshaped bead: unscored, held until approved
        doc = apply(memory, 1, Approve(a), expected_version=doc.version)
        r, e = r - 1, e - 1
        doc = apply(memory, 1, Reject(r), expected_version=doc.version)
        j = doc.beads[e].tgt[0]
        original = doc.tgt[j].text
        doc = apply(
            memory, 1, Edit("tgt", j, "A corrected sentence."), expected_version=doc.version
        )
        edited = _texts(doc, doc.beads[e])
        assert "A corrected sentence." in edited[1]
        everything, approved = tmp_path / "all.tmx", tmp_path / "approved.tmx"
        export_tmx(memory, everything, min_score=0)
        default = tmp_path / "default.tmx"
        export_tmx(memory, default)  # at the default threshold: held units left out
        kept_pairs = {_texts(doc, b) for b in doc.beads if b.is_pair and b.status != "rejected"}
        assert (
            main(["tm", "export", "--tm", str(memory_path), "--approved-only", "-o", str(approved)])
            == 0
        )
    for path in (everything, approved, default):
        validate_tmx(path.read_bytes(), tmx_dtd)
    units = {(u.variant("zh").text, u.variant("en").text): u for u in tmx.read(everything).units}
    assert set(units) == kept_pairs  # exactly the document's pairs as corrected
    assert rejected not in units
    # The merged bead has no aligner score (held if it were not approved): exported.
    by_default = {(u.variant("zh").text, u.variant("en").text) for u in tmx.read(default).units}
    assert merged in by_default
    assert all(original not in en for _, en in units)
    assert units[merged].props["x-status"] == ("approved",)
    assert units[edited].props["x-status"] == ("auto",)
    assert all(u.props["x-status"] in (("approved",), ("auto",)) for u in units.values())
    only = {(u.variant("zh").text, u.variant("en").text) for u in tmx.read(approved).units}
    assert only == {merged}


# -- 5. reruns keep the decisions --------------------------------------------------------


def test_a_rerun_with_other_settings_keeps_the_reviewers_decisions(
    memory_path: Path, tmp_path: Path, sample_path: Path
):
    release = tmp_path / sample_path.name
    shutil.copy(sample_path, release)
    with TranslationMemory(memory_path) as memory:
        doc = load(memory, 1)
        a, r, e = _three_apart(doc)
        doc = apply(memory, 1, Merge(a), expected_version=doc.version)
        merged = _texts(doc, doc.beads[a])
        doc = apply(memory, 1, Approve(a), expected_version=doc.version)
        rejected = _texts(doc, doc.beads[r - 1])
        doc = apply(memory, 1, Reject(r - 1), expected_version=doc.version)
        j = doc.beads[e - 1].src[0]
        doc = apply(memory, 1, Edit("src", j, "改正的句子。"), expected_version=doc.version)
        old_settings = memory.documents()[0].settings_hash
    assert main(["batch", str(release), "--tm", str(memory_path), "-q", "--set", "knn=6"]) == 0
    with TranslationMemory(memory_path) as memory:
        (stored,) = memory.documents()
        assert stored.settings_hash != old_settings  # realigned, not skipped
        doc = load(memory, stored.id)
        check_partition(doc.state)
        decided = {_texts(doc, b): b.status for b in doc.beads if b.status != "auto"}
        assert decided == {merged: "approved", rejected: "rejected"}
        assert doc.src[j].text == "改正的句子。" and doc.src[j].original
        pairs = {(u.src, u.tgt) for u in memory.units()}
        assert merged in pairs and rejected not in pairs
        assert any("改正的句子。" in src for src, _ in pairs)
        assert {(u.src, u.tgt) for u in memory.units(approved_only=True)} == {merged}


def test_carrying_over_cuts_the_new_beads_around_each_decided_one(memory_path: Path):
    from dataclasses import replace

    from bitext.tm._carry import Decisions, impose

    with TranslationMemory(memory_path) as memory:
        doc = load(memory, 1)
    p = next(k for k, b in enumerate(doc.beads) if b.is_pair and doc.beads[k + 1].is_pair)
    q = doc.beads[p + 1]
    # Decided over the old text: pair p with q's first target sentence, and a pair that
    # the new text no longer holds (dropped: nothing left to apply it to).
    crossing = replace(doc.beads[p], tgt=(*doc.beads[p].tgt, q.tgt[0]), status="approved")
    gone = replace(doc.beads[p], status="rejected")
    decisions = Decisions(
        beads=(
            (
                tuple(doc.src[i].text for i in crossing.src),
                tuple(doc.tgt[j].text for j in crossing.tgt),
                crossing,
            ),
            (("不在新文中。",), ("Not in the new text.",), gone),
        ),
        edits=(("tgt", 0, doc.tgt[0].text, "Edited."),),
    )
    src, tgt, beads = impose(doc.src, doc.tgt, doc.beads, decisions)
    state = type(doc.state)(tuple(src), tuple(tgt), tuple(beads))
    check_partition(state)
    decided = [b for b in beads if b.status != "auto"]
    assert [(b.src, b.tgt, b.status) for b in decided] == [(crossing.src, crossing.tgt, "approved")]
    rest_of_q = beads[beads.index(decided[0]) + 1]
    assert rest_of_q.src == q.src and rest_of_q.tgt == q.tgt[1:] and rest_of_q.score is None
    # Every other new bead is as the new alignment made it.
    assert [b for b in beads if b not in (decided[0], rest_of_q)] == [
        b for k, b in enumerate(doc.beads) if k not in (p, p + 1)
    ]
    assert tgt[0].text == "Edited." and tgt[0].original == doc.tgt[0].text


def test_after_any_actions_the_units_are_exactly_the_documents_kept_pairs(memory_path: Path):
    import random

    rng = random.Random(19)
    with TranslationMemory(memory_path) as memory:
        doc = load(memory, 1)
        done = 0
        while done < 60:
            n = len(doc.beads)
            action = rng.choice(
                [
                    Merge(rng.randrange(n)),
                    Split(rng.randrange(n), rng.randrange(3), rng.randrange(3)),
                    Move(
                        rng.randrange(n),
                        rng.choice(["src", "tgt"]),
                        rng.choice(["next", "previous"]),
                    ),
                    Unpair(
                        rng.randrange(n), rng.choice(["src", "tgt"]), rng.randrange(len(doc.src))
                    ),
                    Pair(rng.randrange(n)),
                    Approve(rng.randrange(n)),
                    Reject(rng.randrange(n)),
                    Edit("tgt", rng.randrange(len(doc.tgt)), f"Corrected {done}."),
                    Undo(),
                    Redo(),
                ]
            )
            try:
                doc = apply(memory, 1, action, expected_version=doc.version)
            except ReviewError:
                continue
            done += 1
            check_partition(doc.state)
            kept = {
                (*_texts(doc, b), b.status == "approved")
                for b in doc.beads
                if b.is_pair and b.status != "rejected"
            }
            assert {(u.src, u.tgt, u.approved) for u in memory.units()} == kept
        assert load(memory, 1) == doc


def test_a_rerun_that_aligns_differently_cuts_its_beads_around_the_decided_ones(
    shared_dir: Path, tmp_path: Path
):
    from bitext.config import PipelineConfig
    from bitext.pipeline import align_document

    # A Hong Kong release some of whose pairs a stricter null threshold leaves unaligned.
    release = tmp_path / "20251113_chp_flu_vaccination_appeal.txt"
    shutil.copy(shared_dir / "eval" / "hk-releases" / "mixed" / release.name, release)
    memory_path = tmp_path / "hk.sqlite"
    assert main(["batch", str(release), "--tm", str(memory_path), "-q"]) == 0
    fresh = align_document(release, config=PipelineConfig().with_overrides(null_threshold=0.3))
    fresh_beads = {(b.src, b.tgt) for b in fresh.beads}
    with TranslationMemory(memory_path) as memory:
        doc = load(memory, 1)
        changed = next(
            k for k, b in enumerate(doc.beads) if b.is_pair and (b.src, b.tgt) not in fresh_beads
        )
        kept = next(
            k
            for k, b in enumerate(doc.beads)
            if b.is_pair and (b.src, b.tgt) in fresh_beads and abs(k - changed) > 1
        )
        doc = apply(memory, 1, Approve(changed), expected_version=doc.version)
        doc = apply(memory, 1, Reject(kept), expected_version=doc.version)
        decided = {
            (doc.beads[k].src, doc.beads[k].tgt): s
            for k, s in ((changed, "approved"), (kept, "rejected"))
        }
        texts = {_texts(doc, doc.beads[k]) for k in (changed, kept)}
    cmd = ["batch", str(release), "--tm", str(memory_path), "-q", "--set", "null_threshold=0.3"]
    assert main(cmd) == 0
    with TranslationMemory(memory_path) as memory:
        (stored,) = memory.documents()
        doc = load(memory, stored.id)
        check_partition(doc.state)
        assert {(b.src, b.tgt): b.status for b in doc.beads if b.status != "auto"} == decided
        assert {_texts(doc, b) for b in doc.beads if b.status != "auto"} == texts
        taken = {("src", i) for b in decided for i in b[0]} | {
            ("tgt", j) for b in decided for j in b[1]
        }
        for bead in doc.beads:
            touches = any(("src", i) in taken for i in bead.src) or any(
                ("tgt", j) in taken for j in bead.tgt
            )
            if bead.status == "auto" and bead.score is not None and not touches:
                assert (
                    bead.src,
                    bead.tgt,
                ) in fresh_beads  # the rest: as the new threshold aligns it
        pairs = {(u.src, u.tgt) for u in memory.units()}
        (rejected,) = (_texts(doc, b) for b in doc.beads if b.status == "rejected")
        assert rejected not in pairs
        assert {(u.src, u.tgt) for u in memory.units(approved_only=True)} == {
            _texts(doc, b) for b in doc.beads if b.status == "approved"
        }


def test_a_memory_opened_read_only_is_reviewed_read_only(memory_path: Path):
    from bitext.errors import OutputError

    before = memory_path.read_bytes()
    with TranslationMemory(memory_path, read_only=True) as memory:
        doc = load(memory, 1)
        assert documents(memory)[0].progress.to_review == len(doc.beads)
        with pytest.raises(OutputError, match="read-only"):
            apply(memory, 1, Approve(0), expected_version=doc.version)
    assert memory_path.read_bytes() == before


def test_a_tab_still_showing_the_alignment_a_rerun_replaced_gets_a_conflict(
    memory_path: Path, tmp_path: Path, sample_path: Path
):
    # The rerun's document may come back under the same id: its version goes on from the
    # old one's, so a tab holding the old beads cannot decide a bead it never saw.
    release = tmp_path / sample_path.name
    shutil.copy(sample_path, release)
    with TranslationMemory(memory_path) as memory:
        tab = load(memory, 1)
    assert main(["batch", str(release), "--tm", str(memory_path), "-q", "--set", "knn=6"]) == 0
    with TranslationMemory(memory_path) as memory:
        (stored,) = memory.documents()
        assert stored.id == tab.id  # the id came back: only the version tells them apart
        pair = next(k for k, b in enumerate(tab.beads) if b.is_pair)
        with pytest.raises(ReviewConflict):
            apply(memory, tab.id, Reject(pair), expected_version=tab.version)
        assert all(b.status == "auto" for b in load(memory, stored.id).beads)


def test_decisions_survive_a_rerun_in_another_chinese_script(
    memory_path: Path, tmp_path: Path, sample_path: Path
):
    release = tmp_path / sample_path.name
    shutil.copy(sample_path, release)
    with TranslationMemory(memory_path) as memory:
        doc = load(memory, 1)
        pairs = [k for k, b in enumerate(doc.beads) if b.is_pair]
        doc = apply(memory, 1, Approve(pairs[0]), expected_version=doc.version)
        doc = apply(memory, 1, Reject(pairs[1]), expected_version=doc.version)
        rejected_en = doc.tgt[doc.beads[pairs[1]].tgt[0]].text
    argv = ["batch", str(release), "--tm", str(memory_path), "-q", "--zh-script", "traditional"]
    assert main(argv) == 0
    with TranslationMemory(memory_path) as memory:
        (stored,) = memory.documents()
        doc = load(memory, stored.id)
        statuses = sorted(b.status for b in doc.beads if b.status != "auto")
        assert statuses == ["approved", "rejected"]
        # The rejected pair stays out of every export, in whatever script it is written now.
        assert all(u.tgt != rejected_en for u in memory.units(min_score=0))


def test_a_decision_on_a_repeated_sentence_stays_where_it_was():
    # Two identical source sentences (a dateline, a contact line): the decision on the
    # second is carried to the second, not to the first it happens to match too.
    from bitext.tm._carry import Decisions, impose
    from bitext.tm.records import ReviewBead, ReviewSentence

    def sentences(side: str, texts: list[str]) -> list[ReviewSentence]:
        return [ReviewSentence(side, k, t, 0) for k, t in enumerate(texts)]

    src = sentences("src", ["甲。", "联系：王。", "乙。", "联系：王。"])
    tgt = sentences("tgt", ["A.", "Contact: Wang.", "B.", "Contact: Wang."])
    beads = [ReviewBead((k,), (k,), 0.99, "", "auto") for k in range(4)]
    approved = ReviewBead((3,), (3,), 0.99, "", "approved")
    decisions = Decisions(
        beads=((("联系：王。",), ("Contact: Wang.",), approved),),
        edits=(("tgt", 3, "Contact: Wang.", "Contact: Mr Wang."),),
    )
    _, new_tgt, new_beads = impose(src, tgt, beads, decisions)
    assert [(b.src, b.tgt, b.status) for b in new_beads] == [
        ((0,), (0,), "auto"),
        ((1,), (1,), "auto"),
        ((2,), (2,), "auto"),
        ((3,), (3,), "approved"),
    ]
    assert [s.text for s in new_tgt] == ["A.", "Contact: Wang.", "B.", "Contact: Mr Wang."]
