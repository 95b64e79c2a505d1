"""Batch alignment into a memory: resumable after a kill, failures reported, parallel."""

from __future__ import annotations

import hashlib
import json
import signal
import time
from pathlib import Path

import pytest

from bitext import tmx
from bitext.config import PipelineConfig
from bitext.errors import InputError
from bitext.tm import BatchSettings, TranslationMemory, batch_align, find_inputs
from cli_helpers import start_cli
from tm_helpers import stored_documents, write_archive

# Not in the quick subset (-m "not slow"):
# parallel batches over archives, one killed midway (4-10 s each).
pytestmark = pytest.mark.slow


def test_batch_killed_midway_and_rerun_has_every_document_exactly_once(
    shared_dir: Path, tmp_path: Path
):
    files = write_archive(shared_dir, tmp_path / "archive", 22)
    tm_path = tmp_path / "office.sqlite"
    proc = start_cli("batch", "archive", "--tm", tm_path, "-q", cwd=tmp_path)
    deadline = time.monotonic() + 240
    seen: list[tuple[str, int, int]] = []
    # Read while the batch writes (WAL: a reader never waits for the writer).
    while len(seen) < 4 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
        seen = stored_documents(tm_path) if tm_path.exists() else []
    assert proc.poll() is None, "the batch finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    after_kill = stored_documents(tm_path)
    assert 4 <= len(after_kill) < len(files)
    # Every document that made it in is complete: all its pairs are there.
    assert all(pairs == stored and pairs > 0 for _, pairs, stored in after_kill)

    rerun = start_cli("batch", "archive", "--tm", tm_path, cwd=tmp_path)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    final = stored_documents(tm_path)
    assert sorted(p for p, _, _ in final) == sorted(str(f.relative_to(tmp_path)) for f in files)
    assert all(pairs == stored for _, pairs, stored in final)
    assert f"{len(files) - len(after_kill)} documents added, {len(after_kill)} skipped" in err
    with TranslationMemory(tm_path) as memory:
        assert {d.content_hash for d in memory.documents()} == {
            hashlib.sha256(f.read_bytes()).hexdigest() for f in files
        }
        assert memory.stats()["with_vectors"] == len(memory)


def test_batch_reports_bad_files_and_finishes_the_good_ones(
    shared_dir: Path, sample_path: Path, tmp_path: Path
):
    archive = tmp_path / "archive"
    good = write_archive(shared_dir, archive, 1)
    (archive / "sample.txt").write_bytes(sample_path.read_bytes())
    (archive / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    (archive / "empty.txt").write_bytes(b"")
    (archive / "chinese_only.txt").write_text("这份新闻稿只有中文。没有英文译文。\n", "utf-8")
    (archive / ".hidden.txt").write_text("editor backup, never read", "utf-8")
    out = tmp_path / "archive.tmx"
    proc = start_cli("batch", "archive", "--tm", "tm.sqlite", "-o", out, cwd=tmp_path)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1  # some inputs failed
    failed = sorted(line for line in err.splitlines() if line.startswith("bitext: failed:"))
    assert len(failed) == 3
    assert "corrupt.docx: not a valid .docx" in failed[1]
    assert "empty.txt: file is empty" in failed[2]
    assert "chinese_only.txt: no English text" in failed[0]
    assert "2 documents added, 0 skipped (already in the memory), 3 failed" in err
    done = {p for p, _, _ in stored_documents(tmp_path / "tm.sqlite")}
    assert done == {"archive/sample.txt", str(good[0].relative_to(tmp_path))}
    units = tmx.read(out).units
    assert any("Chongqing" in u.variant("en").text for u in units)


def test_parallel_workers_store_what_one_process_stores(shared_dir: Path, tmp_path: Path):
    files = write_archive(shared_dir, tmp_path / "archive", 3)
    serial = batch_align(files, tmp_path / "one.sqlite")
    parallel = batch_align(files, tmp_path / "two.sqlite", jobs=2)
    assert serial.count("added") == parallel.count("added") == 3
    with (
        TranslationMemory(tmp_path / "one.sqlite") as one,
        TranslationMemory(tmp_path / "two.sqlite") as two,
    ):
        assert {(u.src, u.tgt, u.count) for u in one.units()} == {
            (u.src, u.tgt, u.count) for u in two.units()
        }
    # Different settings realign (and replace) rather than skip.
    again = batch_align(
        files[:1], tmp_path / "one.sqlite", BatchSettings(PipelineConfig(zh_script="keep"))
    )
    assert again.count("added") == 1
    with TranslationMemory(tmp_path / "one.sqlite") as one:
        assert len(one.documents()) == 3


def test_find_inputs_walks_folders_for_known_formats(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/x.txt", "a/b/y.DOCX", "a/b/z.htm", "a/notes.pdf", "a/.git/c.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = find_inputs([tmp_path / "a"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/b/y.DOCX",
        "a/b/z.htm",
        "a/notes.pdf",
        "a/x.txt",
    ]
    with pytest.raises(InputError, match="no such file or folder"):
        find_inputs([tmp_path / "missing"])


def test_batch_command_checks_its_arguments_before_any_work(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("x")
    (tmp_path / "out.tmx").write_text("precious")
    cases = [
        (("batch", "in"), 2, "give --tm FILE, -o FILE.tmx, or both"),
        (("batch", "in", "-o", "out.tmx"), 3, "out.tmx exists; use --force"),
        (("batch", "nowhere", "--tm", "t.sqlite"), 2, "nowhere: no such file or folder"),
        (("tm", "search", "x", "--tm", "missing.sqlite"), 2, "no such translation memory"),
    ]
    for args, code, message in cases:
        proc = start_cli(*args, cwd=tmp_path)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == code, (args, err)
        assert err.count("\n") == 1 and message in err
    assert (tmp_path / "out.tmx").read_text() == "precious"
    assert not (tmp_path / "t.sqlite").exists()  # nothing created for a refused batch


def test_search_command_prints_matches_with_their_origin(sample_path: Path, tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "sample.txt").write_bytes(sample_path.read_bytes())
    batch_align([tmp_path / "in"], tmp_path / "tm.sqlite")
    with TranslationMemory(tmp_path / "tm.sqlite") as memory:
        unit = memory.units()[0]
    proc = start_cli("tm", "search", unit.src, "--tm", "tm.sqlite", "--json", cwd=tmp_path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    top = json.loads(out)[0]
    assert (top["percent"], top["src"], top["tgt"]) == (100.0, unit.src, unit.tgt)
    assert top["origins"][0]["path"].endswith("sample.txt")
    proc = start_cli("tm", "search", "--concordance", "重庆", "--tm", "tm.sqlite", cwd=tmp_path)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0 and "100.0%  concordance" in out and "重庆" in out
