"""The export policy on the memory side (issue 17, item 3).

A batch stores every pair, but what the aligner is not confident of (below
`EXPORT_MIN_SCORE`) is held back: `tm export` and `batch -o` leave it out and
say how many they held back, `tm export --held` lists it for review with the
reason, `tm search` marks it, `tm info` counts it; a CAT tool's approved
memory (imported, without a score) is exported. The documents are real: the
bundled sample with an editor's note and "About"/media-contact lines on
either side (as tests/test_evidence.py builds it; the aligner leaves those
without counterpart), and a chapter of a mac-dev novel, whose loose literary
translation gets pairs held back.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from bitext import tmx
from bitext.cli import main
from bitext.model import EXPORT_MIN_SCORE
from bitext.pipeline import align_document
from bitext.tm import TranslationMemory, export_tmx
from bitext.tm._sql import SCHEMA_VERSION
from release_helpers import literary_chapter, release_with_untranslated_ends


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _documents(sample_path: Path, shared_dir: Path, folder: Path) -> list[Path]:
    """The release with untranslated ends, the plain sample and a literary chapter, in `folder`.

    The release's additions are left without counterpart; the chapter's loose translation
    is what gets pairs held back.
    """
    release = release_with_untranslated_ends(sample_path, folder)
    (folder / "sample.txt").write_bytes(sample_path.read_bytes())
    return [release, folder / "sample.txt", literary_chapter(shared_dir, folder)]


@pytest.fixture(scope="module")
def batch(sample_path: Path, shared_dir: Path, tmp_path_factory) -> dict:
    """One batch over a folder holding the release, the plain sample and a chapter, with -o."""
    root = tmp_path_factory.mktemp("policy")
    folder = root / "releases"
    documents = _documents(sample_path, shared_dir, folder)
    memory, out = root / "tm.sqlite", root / "batch.tmx"
    code, _, err = _run(["batch", str(folder), "--tm", str(memory), "-o", str(out), "-q"])
    assert code == 0, err
    # The same counts from the library, file by file, as `bitext align` states them.
    expected = dict.fromkeys(("pairs", "held", "zh", "en"), 0)
    held_pairs = []
    for path in documents:
        alignment = align_document(path)
        pairs = list(alignment.pairs())
        expected["pairs"] += len(pairs)
        expected["held"] += sum(p.score < EXPORT_MIN_SCORE for p in pairs)
        expected["zh"] += sum(len(b.src) for b in alignment.beads if not b.tgt)
        expected["en"] += sum(len(b.tgt) for b in alignment.beads if not b.src)
        held_pairs += [p for p in pairs if p.score < EXPORT_MIN_SCORE]
    held = {(p.src, p.tgt) for p in held_pairs}
    assert held, "the chapter's loose pairs are no longer held back: rebuild the test"
    return {"root": root, "memory": memory, "out": out, "held": held, "expected": expected}


def _pairs(path: Path) -> set[tuple[str, str]]:
    return {
        (u.variant("zh").text, u.variant("en").text)
        for u in tmx.read(path).units
        if u.variant("zh") and u.variant("en")
    }


def test_batch_output_and_tm_export_leave_held_pairs_out_and_say_so(batch, tmp_path: Path):
    exported = _pairs(batch["out"])
    assert exported and not exported & batch["held"]
    out = tmp_path / "default.tmx"
    code, _, err = _run(["tm", "export", "--tm", str(batch["memory"]), "-o", str(out)])
    assert code == 0, err
    assert _pairs(out) == exported
    held = len(batch["held"])
    assert f"{held} held back (confidence < {EXPORT_MIN_SCORE:g})" in err
    assert "--held" in err  # where to find them
    # --min-score 0: everything, the held pairs included.
    everything = tmp_path / "all.tmx"
    assert (
        _run(
            [
                "tm",
                "export",
                "--tm",
                str(batch["memory"]),
                "-o",
                str(everything),
                "--min-score",
                "0",
            ]
        )[0]
        == 0
    )
    assert batch["held"] <= _pairs(everything)
    assert _pairs(everything) == exported | batch["held"]


def test_held_units_are_listed_for_review_with_why(batch, tmp_path: Path):
    review = tmp_path / "review.tmx"
    code, _, err = _run(["tm", "export", "--tm", str(batch["memory"]), "--held", "-o", str(review)])
    assert code == 0, err
    assert _pairs(review) == batch["held"]
    for unit in tmx.read(review).units:
        assert any("Held back by default (confidence" in note for note in unit.notes), unit
    # A stricter threshold: more units listed, each note naming that threshold.
    strict = tmp_path / "strict.tmx"
    argv = ["tm", "export", "--tm", str(batch["memory"]), "--held", "--min-score", "0.99"]
    assert _run([*argv, "-o", str(strict)])[0] == 0
    with TranslationMemory(batch["memory"], read_only=True) as memory:
        below = {(u.src, u.tgt) for u in memory.units(held=True, min_score=0.99)}
    assert _pairs(strict) == below and below > batch["held"]
    for unit in tmx.read(strict).units:
        assert any("< 0.99)" in note for note in unit.notes), unit
    with TranslationMemory(batch["memory"], read_only=True) as memory:
        held = memory.units(held=True)
        assert {(u.src, u.tgt) for u in held} == batch["held"]
        assert all(u.status == "held" for u in held)
        # The reason the aligner gave is kept with the unit (schema 3).
        assert any(u.doubt for u in held)
    code, out, _ = _run(["tm", "info", "--tm", str(batch["memory"])])
    assert f"held: {len(batch['held'])}" in out


def test_search_marks_a_held_unit(batch):
    src, _ = next(iter(batch["held"]))
    code, out, err = _run(["tm", "search", src, "--tm", str(batch["memory"]), "--min-match", "99"])
    assert code == 0, err
    first = out.split("\n\n")[0]
    assert src in first and f"held back (confidence < {EXPORT_MIN_SCORE:g})" in first
    code, out, _ = _run(
        ["tm", "search", src, "--tm", str(batch["memory"]), "--json", "--min-match", "99"]
    )
    assert json.loads(out)[0]["status"] == "held"


def test_batch_summary_counts_held_pairs_and_sentences_without_counterpart(
    sample_path: Path, shared_dir: Path, tmp_path: Path, batch
):
    folder = tmp_path / "in"
    _documents(sample_path, shared_dir, folder)
    code, _, err = _run(["batch", str(folder), "--tm", str(tmp_path / "tm.sqlite")])
    assert code == 0, err
    e = batch["expected"]
    summary = next(line for line in err.splitlines() if "documents added" in line)
    assert (
        f"{e['pairs']} pairs, {e['held']} held back (confidence < {EXPORT_MIN_SCORE:g})" in summary
    )
    assert f"{e['zh']} zh and {e['en']} en without counterpart" in summary


CAT_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="OmegaT" creationtoolversion="6" segtype="sentence"
 o-tmf="OmegaT TMX" adminlang="EN-US" srclang="zh-CN" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="zh-CN"><seg>{src}</seg></tuv><tuv xml:lang="en-US"><seg>{tgt}</seg></tuv></tu>
</body></tmx>
"""


def test_an_approved_cat_tool_memory_is_exported_held_pairs_are_not(batch, tmp_path: Path):
    memory_path = tmp_path / "tm.sqlite"
    memory_path.write_bytes(batch["memory"].read_bytes())
    # A translator approved one of the held pairs in a CAT tool: its memory has no score.
    approved, *others = sorted(batch["held"])
    cat = tmp_path / "approved.tmx"
    from xml.sax.saxutils import escape

    cat.write_text(CAT_TMX.format(src=escape(approved[0]), tgt=escape(approved[1])), "utf-8")
    assert _run(["tm", "import", str(cat), "--tm", str(memory_path)])[0] == 0
    with TranslationMemory(memory_path) as memory:
        out = tmp_path / "out.tmx"
        written = export_tmx(memory, out)
        pairs = _pairs(out)
        assert approved in pairs and written == len(pairs)
        assert not pairs & set(others)
        unit = next(u for u in memory.units() if (u.src, u.tgt) == approved)
        assert unit.status == "approved" and not unit.held


def _downgrade(path: Path) -> None:
    """Make `path` what a bitext of schema 2 wrote: occurrences without the doubt column."""
    con = sqlite3.connect(path)
    if "doubt" in _schema(path)[1]:
        con.execute("ALTER TABLE occurrences DROP COLUMN doubt")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    con.commit()
    con.close()


def _schema(path: Path) -> tuple[str, set[str]]:
    con = sqlite3.connect(path)
    version = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
    columns = {row[1] for row in con.execute("PRAGMA table_info(occurrences)")}
    con.close()
    return version, columns


def test_a_memory_of_schema_2_is_read_as_it_is_and_migrated(batch, tmp_path: Path):
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(batch["memory"]) as src, sqlite3.connect(old) as dst:
        src.backup(dst)
    _downgrade(old)
    before = old.read_bytes()
    # Opened to read (search, export): used as it is, nothing written to the file.
    review = tmp_path / "review.tmx"
    code, _, err = _run(["tm", "export", "--tm", str(old), "--held", "-o", str(review)])
    assert code == 0, err
    assert _pairs(review) == batch["held"]
    assert old.read_bytes() == before and _schema(old)[0] == "2"
    # Opened to write: migrated; the held units are still held (their scores say so).
    with TranslationMemory(old) as memory:
        assert {(u.src, u.tgt) for u in memory.units(held=True)} == batch["held"]
        assert memory.stats()["held"] == len(batch["held"])
    version, columns = _schema(old)
    assert version == str(SCHEMA_VERSION) and "doubt" in columns
    out = tmp_path / "out.tmx"
    assert _run(["tm", "export", "--tm", str(old), "-o", str(out)])[0] == 0
    assert _pairs(out) == _pairs(batch["out"])


def test_an_old_memory_locked_while_opened_is_read_and_refuses_to_store(
    batch, tmp_path: Path, monkeypatch
):
    import bitext.tm._open as opening
    from bitext.errors import OutputError
    from bitext.tm import DocumentRecord, StoredPair

    old = tmp_path / "old.sqlite"
    with sqlite3.connect(batch["memory"]) as src, sqlite3.connect(old) as dst:
        src.backup(dst)
    _downgrade(old)
    monkeypatch.setattr(opening, "TIMEOUT", 0.2)  # another writer holds the lock throughout
    writer = sqlite3.connect(old, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with TranslationMemory(old) as memory:
            assert {(u.src, u.tgt) for u in memory.units(held=True)} == batch["held"]
            record = DocumentRecord(
                "new.txt", "new", {"s": 1}, (StoredPair("甲。", "A.", "1-1", 1.0),)
            )
            with pytest.raises(OutputError, match="not upgraded"):
                memory.add(record)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with TranslationMemory(old) as memory:  # the lock gone: upgraded, and stores
        assert memory.add(record).units_added == 1
    assert _schema(old)[0] == str(SCHEMA_VERSION)
