"""Faults with real processes and real signals: kill -9, two writers at once, a full disk.

What must hold whatever happens: an existing output file is replaced whole or
not at all; the translation memory opens, passes SQLite's integrity check and
holds every document it finished, each with all of its pairs; errors are one
line naming the file. The serial kill-and-rerun case is in test_batch.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bitext import tmx
from bitext.export import write_tmx
from bitext.model import Alignment, Bead, Sentence
from bitext.tm import TranslationMemory
from bitext.tm.records import DocumentRecord, StoredPair
from cli_helpers import start_cli
from tm_helpers import stored_documents

# Not in the quick subset (-m "not slow"):
# parallel batches killed, terminated, on a full disk (4-17 s each).
pytestmark = pytest.mark.slow

# --- helpers (stored_documents and bitext_cli as in test_batch.py) -------------------------


def bitext_cli(*args: str | Path, cwd: Path, **options: object) -> subprocess.Popen:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # a size limit must not hit .pyc files
    return start_cli(*args, cwd=cwd, env=env, **options)


def small_archive(shared_dir: Path, folder: Path, count: int) -> list[Path]:
    """`count` short bilingual releases (4 Chinese then 4 English paragraphs of real
    news) in folders f0, f1, f2: small, so a batch over them takes seconds."""
    files: list[Path] = []
    for gold in sorted((shared_dir / "eval" / "wmt22-news" / "docs").glob("*.json")):
        doc = json.loads(gold.read_text(encoding="utf-8"))
        for k in range(0, min(len(doc["zh"]), len(doc["en"])) - 3, 4):
            if len(files) == count:
                return files
            path = folder / f"f{len(files) % 3}" / f"release{len(files):02d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(doc["zh"][k : k + 4] + doc["en"][k : k + 4]) + "\n", "utf-8")
            files.append(path)
    return files


def assert_memory_whole(tm_path: Path) -> list[tuple[str, int, int]]:
    """The memory passes SQLite's own check and every stored document is complete."""
    con = sqlite3.connect(tm_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        # No unit without an occurrence: a half-stored document would leave some.
        orphans = "SELECT COUNT(*) FROM units u WHERE NOT EXISTS (SELECT 1 FROM occurrences o"
        assert con.execute(orphans + " WHERE o.unit_id = u.id)").fetchone() == (0,)
    finally:
        con.close()
    documents = stored_documents(tm_path)
    assert all(pairs == stored and pairs > 0 for _, pairs, stored in documents), documents
    return documents


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def session_processes(session: int) -> list[int]:
    """Live processes of a session (a child started with start_new_session=True)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path("/proc", entry, "stat").read_text()
                if os.getsid(int(entry)) == session and ") Z" not in stat:
                    found.append(int(entry))
            except (OSError, ProcessLookupError):
                continue
    return found


def cmdline(pid: int) -> str:
    try:
        return Path("/proc", str(pid), "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def big_alignment(n: int) -> Alignment:
    src = tuple(Sentence(f"第{i}句：重庆日报报业集团发布新闻。", "zh", i, 0, 1) for i in range(n))
    tgt = tuple(Sentence(f"Sentence {i}: Chongqing Daily news.", "en", i, 0, 1) for i in range(n))
    beads = tuple(Bead((i,), (i,), 0.9) for i in range(n))
    return Alignment(src, tgt, beads, source="big.txt")


# --- kill -9 ------------------------------------------------------------------------------


def test_tmx_write_killed_midway_leaves_the_old_file_byte_identical(tmp_path: Path):
    out = tmp_path / "memory.tmx"
    write_tmx([big_alignment(2)], out)
    old = out.read_bytes()
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from test_faults import big_alignment;"
        "from bitext.export import write_tmx;"
        "write_tmx([big_alignment(40000)], sys.argv[2], force=True)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(Path(__file__).parent), str(out)])
    deadline, partial = time.monotonic() + 60, None
    while partial is None and proc.poll() is None and time.monotonic() < deadline:
        # Kill once the temporary file has content: the TMX is being written out.
        partial = next((p for p in tmp_path.glob(".memory.tmx.*.tmp") if _size(p) > 0), None)
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert partial is not None and proc.returncode == -signal.SIGKILL, "not killed mid-write"
    assert out.read_bytes() == old
    assert tmx.read(out).units  # still the complete old memory
    # kill -9 gives no chance to clean up: the partial temporary file stays, hidden
    # (atomic.py says so) and named so that nothing takes it for a TMX.
    assert list(tmp_path.glob(".memory.tmx.*.tmp")) == [partial]
    assert not partial.read_bytes().rstrip().endswith(b"</tmx>")
    assert list(tmp_path.glob("*.tmx")) == [out]
    # The next run writes over the old file as usual.
    assert write_tmx([big_alignment(3)], out, force=True) == 3


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:  # renamed into place or removed meanwhile
        return 0


def start_parallel_batch(tm_path: Path, folder: Path) -> subprocess.Popen:
    """`bitext batch archive -j 2` in a session of its own (so its workers can be found)."""
    return bitext_cli(
        "batch", "archive", "--tm", tm_path, "-j", "2", "-q", cwd=folder, start_new_session=True
    )


def assert_session_ends(proc: subprocess.Popen) -> None:
    """Every process of `proc`'s session is gone within 20 s (no orphaned worker)."""
    deadline = time.monotonic() + 20
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(proc.pid) == []


def wait_until_stored(proc: subprocess.Popen, tm_path: Path, count: int) -> None:
    """Until `count` documents are stored; the batch must still be running then."""
    deadline, seen = time.monotonic() + 120, []
    while len(seen) < count and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
        seen = stored_documents(tm_path) if tm_path.exists() else []
    assert proc.poll() is None, "the batch finished before it could be stopped"


def test_parallel_batch_killed_keeps_finished_documents_and_its_workers_exit(
    shared_dir: Path, tmp_path: Path
):
    files, tm_path = small_archive(shared_dir, tmp_path / "archive", 12), tmp_path / "office.sqlite"
    proc = start_parallel_batch(tm_path, tmp_path)
    try:
        wait_until_stored(proc, tm_path, 3)
        workers = [p for p in session_processes(proc.pid) if p != proc.pid]
        assert len(workers) >= 2  # two workers (and multiprocessing's resource tracker)
        proc.send_signal(signal.SIGKILL)  # the parent, the only writer
        proc.wait(timeout=30)
        # Orphaned workers would wait for work forever, each holding a model in memory.
        assert_session_ends(proc)
    finally:
        for pid in session_processes(proc.pid):
            os.kill(pid, signal.SIGKILL)
    documents = assert_memory_whole(tm_path)
    assert 3 <= len(documents) < len(files)
    with TranslationMemory(tm_path) as memory:
        assert {d.content_hash for d in memory.documents()} <= {sha256(f) for f in files}
        assert memory.stats()["with_vectors"] == len(memory)


# --- two writers ----------------------------------------------------------------------------

_OPEN_WHEN_TOLD = (
    "import pathlib, sys, time\n"
    "from bitext.tm import TranslationMemory\n"
    "folder = pathlib.Path(sys.argv[1])\n"
    "(folder / f'ready{sys.argv[2]}').touch()\n"
    "while not (folder / 'go').exists(): time.sleep(0.001)\n"
    "TranslationMemory(folder / 'new.sqlite').close()\n"
)


def test_processes_creating_one_new_memory_at_once_all_succeed(tmp_path: Path):
    # Two batches started together on a new memory race to create its tables.
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_WHEN_TOLD, str(tmp_path), str(k)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready*"))) < len(procs) and time.monotonic() < deadline:
        time.sleep(0.01)
    (tmp_path / "go").touch()
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), errors
    with TranslationMemory(tmp_path / "new.sqlite") as memory:
        assert memory.stats()["documents"] == 0


def test_two_batches_into_one_memory_at_once_store_every_document_once(
    shared_dir: Path, tmp_path: Path
):
    files = small_archive(shared_dir, tmp_path / "archive", 6)
    one = bitext_cli("batch", "archive/f0", "archive/f1", "--tm", "tm.sqlite", cwd=tmp_path)
    two = bitext_cli("batch", "archive/f1", "archive/f2", "--tm", "tm.sqlite", cwd=tmp_path)
    results = [p.communicate(timeout=300) for p in (one, two)]
    assert (one.returncode, two.returncode) == (0, 0), results
    for _, err in results:
        assert "0 failed" in err and "Traceback" not in err
    documents = assert_memory_whole(tmp_path / "tm.sqlite")
    # Named from the folder given (archive/f0 -> f0/...), not by the path as typed.
    expected = sorted(str(f.relative_to(tmp_path / "archive")) for f in files)
    assert sorted(p for p, _, _ in documents) == expected
    with TranslationMemory(tmp_path / "tm.sqlite") as memory:
        assert sorted(d.content_hash for d in memory.documents()) == sorted(map(sha256, files))
        assert memory.stats()["with_vectors"] == len(memory)


# --- a full disk ------------------------------------------------------------------------------


def _fsize_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        # Ignored, SIGXFSZ no longer kills: writes past the limit fail with EFBIG instead.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


class SmallDisk:
    """A folder where a child process may write only about `room` more bytes.

    ``file-size-limit`` caps every file the child writes (RLIMIT_FSIZE, so
    writes fail with EFBIG); ``tmpfs`` is a real small file system filled up to
    `room` free bytes (ENOSPC), which needs the right to mount (root).
    """

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind, self.folder = kind, folder

    def child(self, room: int) -> dict[str, object]:
        """Popen options for a child that may write `room` bytes more."""
        if self.kind == "file-size-limit":
            return {"preexec_fn": _fsize_limit(room)}
        info = os.statvfs(self.folder)
        (self.folder / "filler").write_bytes(bytes(max(info.f_bavail * info.f_frsize - room, 0)))
        return {}


@pytest.fixture(params=["file-size-limit", "tmpfs"])
def small_disk(request, tmp_path: Path) -> Iterator[SmallDisk]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if request.param == "file-size-limit":
        yield SmallDisk(request.param, folder)
        return
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip()}")
    try:
        yield SmallDisk(request.param, folder)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_align_onto_a_full_disk_fails_in_one_line_and_keeps_the_old_file(
    small_disk: SmallDisk, shared_dir: Path, tmp_path: Path
):
    disk = small_disk.folder
    (release,) = small_archive(shared_dir, tmp_path / "archive", 1)
    out = disk / "release.tmx"
    write_tmx([big_alignment(2)], out)
    old = out.read_bytes()
    # Its TMX takes about 4 KB: 1 KB does not hold it.
    options = small_disk.child(1024)
    proc = bitext_cli("align", release, "-o", out, "--force", "-q", cwd=tmp_path, **options)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 3, err
    assert err.count("\n") == 1 and err.startswith(f"bitext: error: {out}: cannot write: "), err
    assert "File too large" in err or "No space left on device" in err
    assert out.read_bytes() == old
    assert sorted(p.name for p in disk.iterdir()) in (["release.tmx"], ["filler", "release.tmx"])


def _existing_memory(tm_path: Path, documents: int) -> None:
    """A memory holding `documents` documents of 20 pairs each, stored directly."""
    with TranslationMemory(tm_path) as memory:
        for d in range(documents):
            pairs = tuple(
                StoredPair(f"旧文件{d}第{i}句。", f"Old document {d}, sentence {i}.", "1-1", 0.9)
                for i in range(20)
            )
            memory.add(DocumentRecord(f"old/{d}.txt", f"hash{d}", {"old": True}, pairs))


def test_batch_onto_a_full_disk_keeps_every_stored_document(
    small_disk: SmallDisk, shared_dir: Path, tmp_path: Path
):
    disk = small_disk.folder
    files = small_archive(shared_dir, tmp_path / "archive", 8)
    tm_path = disk / "tm.sqlite"
    _existing_memory(tm_path, 5)
    before = stored_documents(tm_path)
    with TranslationMemory(tm_path) as memory:
        old_units = {(u.src, u.tgt, u.count) for u in memory.units()}
    # Room for a document or two more: a size limit counts per file (the memory, its
    # write-ahead log); free space is shared, with SQLite's 32 KB -shm file besides.
    if small_disk.kind == "file-size-limit":
        options = small_disk.child(tm_path.stat().st_size + 48 * 1024)
    else:
        options = small_disk.child(96 * 1024)
    proc = bitext_cli("batch", "archive", "--tm", tm_path, "-q", cwd=tmp_path, **options)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 3, err
    assert err.count("\n") == 1 and err.startswith(f"bitext: error: {tm_path}: cannot write ("), err
    assert "was not stored" in err and "Traceback" not in err
    (disk / "filler").unlink(missing_ok=True)  # room again, as after cleaning up a full disk
    documents = assert_memory_whole(tm_path)
    assert set(before) <= set(documents)
    new = [path for path, _, _ in documents if not path.startswith("old/")]
    assert len(new) < len(files) and not any(path in err for path in new)
    with TranslationMemory(tm_path) as memory:
        assert {(u.src, u.tgt, u.count) for u in memory.units(document="old/*")} == old_units
        assert memory.stats()["documents"] == len(documents)


# --- SIGTERM ---------------------------------------------------------------------------------


@pytest.mark.parametrize("to_group", [False, True], ids=["parent", "process_group"])
def test_parallel_batch_terminated_stops_cleanly_and_resumes(
    shared_dir: Path, tmp_path: Path, to_group: bool
):
    # `kill PID` (the parent alone) and systemd / `timeout` / a terminal (the whole group).
    files, tm_path = small_archive(shared_dir, tmp_path / "archive", 12), tmp_path / "office.sqlite"
    proc = start_parallel_batch(tm_path, tmp_path)
    try:
        wait_until_stored(proc, tm_path, 2)
        workers = [
            p
            for p in session_processes(proc.pid)
            if p != proc.pid and "resource_tracker" not in cmdline(p)
        ]
        assert len(workers) == 2
        if to_group:
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
        # The pool was shut down before the parent exited: no worker outlives it.
        # (multiprocessing's resource tracker ends by itself once its pipe closes.)
        assert set(workers).isdisjoint(session_processes(proc.pid))
        assert_session_ends(proc)
    finally:
        for pid in session_processes(proc.pid):
            os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 143
    assert err.startswith("bitext: error: terminated; stored so far: ") and err.count("\n") == 1, (
        err
    )
    assert "leaked semaphore" not in err
    stored = assert_memory_whole(tm_path)
    assert 2 <= len(stored) < len(files)
    rerun = bitext_cli("batch", "archive", "--tm", tm_path, "-j", "2", cwd=tmp_path)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"{len(files) - len(stored)} documents added, {len(stored)} skipped" in err
    assert len(assert_memory_whole(tm_path)) == len(files)
