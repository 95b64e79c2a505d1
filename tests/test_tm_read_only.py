"""Using a translation memory without changing it: read-only folders, no memory made by
reading, no empty memory left by a failed import, a closed pipe ends the output quietly."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bitext import tmx
from bitext.cli import main
from bitext.tm import TranslationMemory
from cli_helpers import command, run_cli, skip_if_setpriv_failed, unprivileged


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, sample_path: Path) -> Path:
    """A folder with the sample aligned (made.tmx) and imported into a memory (tm.sqlite)."""
    folder = tmp_path_factory.mktemp("made")
    assert main(["align", str(sample_path), "-o", str(folder / "made.tmx"), "-q"]) == 0
    assert main(["tm", "import", str(folder / "made.tmx"), "--tm", str(folder / "tm.sqlite")]) == 0
    assert sorted(os.listdir(folder)) == ["made.tmx", "tm.sqlite"]  # WAL merged in at close
    return folder


def locked_copy(made: Path, tmp_path: Path) -> Path:
    locked = tmp_path / "shared"
    locked.mkdir()
    shutil.copy(made / "tm.sqlite", locked / "tm.sqlite")
    return locked


def test_a_memory_in_a_read_only_folder_can_be_searched_exported_and_counted(
    made: Path, tmp_path: Path
):
    locked = locked_copy(made, tmp_path)
    before = (locked / "tm.sqlite").read_bytes()
    prefix = unprivileged()
    memory = "shared/tm.sqlite"
    runs = {}
    locked.chmod(0o555)
    try:
        for name, args in {
            "search": ("tm", "search", "--concordance", "重庆", "--tm", memory, "--json"),
            "export": ("tm", "export", "--tm", memory, "-o", "out.tmx"),
            "info": ("tm", "info", "--tm", memory),
        }.items():
            runs[name] = subprocess.run(
                [*prefix, *command(*args)], cwd=tmp_path, capture_output=True, text=True
            )
    finally:
        locked.chmod(0o755)
    skip_if_setpriv_failed(prefix, runs["info"].stderr)
    for name, run in runs.items():
        assert run.returncode == 0, (name, run.stderr)
    with TranslationMemory(made / "tm.sqlite", read_only=True) as memory_:
        expected = memory_.stats()
        holding = memory_.concordance_count("重庆")
    assert holding > 0 and runs["search"].stdout.count('"src"') == holding
    assert f"units: {expected['units']}," in runs["info"].stdout
    assert len(tmx.read(tmp_path / "out.tmx").units) == expected["units"]
    assert os.listdir(locked) == ["tm.sqlite"]  # no -wal, no -shm: nothing written there
    assert (locked / "tm.sqlite").read_bytes() == before


def test_a_read_only_memory_file_is_read_and_not_touched(made: Path, tmp_path: Path):
    # A read-only file in a writable folder: SQLite may add its -shm, the file is unchanged.
    memory = tmp_path / "tm.sqlite"
    shutil.copy(made / "tm.sqlite", memory)
    memory.chmod(0o444)
    before = memory.read_bytes()
    prefix = unprivileged()
    run = subprocess.run(
        [*prefix, *command("tm", "info", "--tm", memory)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    skip_if_setpriv_failed(prefix, run.stderr)
    assert run.returncode == 0, run.stderr
    assert memory.read_bytes() == before


@pytest.mark.parametrize("content", [None, b""], ids=["missing", "zero_bytes"])
@pytest.mark.parametrize(
    "args",
    [("tm", "search", "重庆"), ("tm", "export", "-o", "out.tmx"), ("tm", "info")],
    ids=["search", "export", "info"],
)
def test_reading_never_makes_a_memory(tmp_path: Path, args: tuple[str, ...], content):
    memory = tmp_path / "tm.sqlite"
    if content is not None:
        memory.write_bytes(content)
    run = run_cli(*args, "--tm", "tm.sqlite", cwd=tmp_path)
    problem = "an empty file, not a translation memory" if content is not None else (
        "no such translation memory"
    )  # fmt: skip
    assert (run.returncode, run.stderr) == (2, f"bitext: error: tm.sqlite: {problem}\n")
    assert sorted(os.listdir(tmp_path)) == (["tm.sqlite"] if content is not None else [])
    if content is not None:
        assert memory.read_bytes() == content


def test_a_failed_import_leaves_no_new_memory_and_keeps_an_old_one(made: Path, tmp_path: Path):
    run = run_cli("tm", "import", "missing.tmx", "--tm", "new.sqlite", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (2, "bitext: error: missing.tmx: no such file\n")
    assert os.listdir(tmp_path) == []
    # An existing memory, even one with nothing in it yet, is the user's: it stays.
    shutil.copy(made / "tm.sqlite", tmp_path / "old.sqlite")
    TranslationMemory(tmp_path / "empty.sqlite").close()
    for name in ("old.sqlite", "empty.sqlite"):
        before = (tmp_path / name).read_bytes()
        run = run_cli("tm", "import", "missing.tmx", "--tm", name, cwd=tmp_path)
        assert run.returncode == 2
        assert (tmp_path / name).read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["empty.sqlite", "old.sqlite"]


@pytest.mark.parametrize(
    "args",
    [
        ("tm", "search", "--concordance", "重庆", "--limit", "0"),
        ("tm", "search", "--concordance", "重庆", "--json"),
        ("tm", "info"),
    ],
    ids=["search", "search_json", "info"],
)
def test_a_reader_that_stops_early_ends_the_output_quietly(
    made: Path, tmp_path: Path, args: tuple[str, ...]
):
    # `bitext tm search ... | head -n1`: the reader is gone before (or while) bitext writes.
    proc = subprocess.Popen(
        command(*args, "--tm", made / "tm.sqlite"),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert "bitext: error" not in err
    assert proc.returncode == 141  # as a tool killed by SIGPIPE: `set -o pipefail` sees it


def test_someone_elses_sqlite_file_as_memory_is_refused_unchanged(made: Path, tmp_path: Path):
    # Rollback-journal mode, as most SQLite files are: switching it to WAL would
    # rewrite its header before bitext found it is no memory.
    other = tmp_path / "notes.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (text TEXT)")
    con.execute("INSERT INTO notes VALUES ('mine')")
    con.commit()
    con.close()
    before = other.read_bytes()
    for args in (("tm", "import", made / "made.tmx"), ("batch", made / "made.tmx", "-q")):
        run = run_cli(*args, "--tm", other, cwd=tmp_path)
        assert (run.returncode, run.stderr) == (
            2,
            f"bitext: error: {other}: an SQLite file, but not a bitext translation memory\n",
        )
        assert other.read_bytes() == before
    assert os.listdir(tmp_path) == ["notes.sqlite"]


@pytest.mark.parametrize("with_shm", [True, False], ids=["wal_and_shm", "wal_only"])
def test_a_memory_with_a_write_ahead_log_in_a_read_only_folder(
    made: Path, tmp_path: Path, with_shm: bool
):
    # What a writer killed with -9 leaves: the last document only in tm.sqlite-wal.
    live = tmp_path / "live"
    live.mkdir()
    shutil.copy(made / "tm.sqlite", live / "tm.sqlite")
    writer = sqlite3.connect(live / "tm.sqlite")
    writer.execute("DELETE FROM occurrences")
    writer.execute("DELETE FROM units")
    writer.commit()
    locked = tmp_path / "shared"
    locked.mkdir()
    for suffix in ("", "-wal", "-shm") if with_shm else ("", "-wal"):
        shutil.copy(live / f"tm.sqlite{suffix}", locked / f"tm.sqlite{suffix}")
    writer.close()
    prefix = unprivileged()
    locked.chmod(0o555)
    try:
        run = subprocess.run(
            [*prefix, *command("tm", "info", "--tm", "shared/tm.sqlite")],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
    finally:
        locked.chmod(0o755)
    skip_if_setpriv_failed(prefix, run.stderr)
    if with_shm:  # read as it is, the log included: the units are gone
        assert (run.returncode, run.stderr) == (0, "")
        assert "units: 0," in run.stdout
    else:  # reading the file without its log would show a state that is not the memory's
        assert (run.returncode, run.stderr) == (
            2,
            "bitext: error: shared/tm.sqlite: cannot read it in a read-only folder while its "
            "log tm.sqlite-wal has no tm.sqlite-shm; open it once with write access\n",
        )
