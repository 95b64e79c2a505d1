"""Atomic output writing: whole file or nothing, never clobbering without --force."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bitext.atomic import atomic_open, atomic_write
from bitext.errors import OutputError

TMX_LIKE = '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">重慶</tmx>\n'.encode()


def test_writes_exact_bytes_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "out.tmx"
    returned = atomic_write(target, TMX_LIKE)
    assert returned == target
    assert target.read_bytes() == TMX_LIKE
    assert os.listdir(tmp_path) == ["out.tmx"]


def test_accepts_str_path_in_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    atomic_write("plain.tsv", b"a\tb\n")
    assert (tmp_path / "plain.tsv").read_bytes() == b"a\tb\n"


def test_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "memory.tmx"
    target.write_bytes(b"curated by hand")
    with pytest.raises(OutputError) as info:
        atomic_write(target, TMX_LIKE)
    assert str(info.value) == f"{target} exists; use --force to overwrite"
    assert target.read_bytes() == b"curated by hand"
    assert os.listdir(tmp_path) == ["memory.tmx"]


def test_force_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "memory.tmx"
    target.write_bytes(b"old")
    atomic_write(target, TMX_LIKE, force=True)
    assert target.read_bytes() == TMX_LIKE
    assert os.listdir(tmp_path) == ["memory.tmx"]


def test_dangling_symlink_counts_as_existing(tmp_path: Path) -> None:
    target = tmp_path / "link.tmx"
    target.symlink_to(tmp_path / "nowhere.tmx")
    with pytest.raises(OutputError, match="exists"):
        atomic_write(target, TMX_LIKE)
    assert target.is_symlink()
    assert not (tmp_path / "nowhere.tmx").exists()


def test_missing_directory(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.tmx"
    with pytest.raises(OutputError) as info:
        atomic_write(target, TMX_LIKE)
    message = str(info.value)
    assert message == f"{target}: directory {target.parent} does not exist"
    assert "\n" not in message
    assert os.listdir(tmp_path) == []


def test_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text("not a directory")
    with pytest.raises(OutputError, match="not a directory"):
        atomic_write(tmp_path / "report.txt" / "out.tmx", TMX_LIKE)
    assert (tmp_path / "report.txt").read_text() == "not a directory"


def test_target_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "out.tmx").mkdir()
    for force in (False, True):
        with pytest.raises(OutputError, match="is a directory"):
            atomic_write(tmp_path / "out.tmx", TMX_LIKE, force=force)
    assert (tmp_path / "out.tmx").is_dir()
    assert os.listdir(tmp_path) == ["out.tmx"]


def test_read_only_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("permissions are not enforced for this user (root?)")
        with pytest.raises(OutputError) as info:
            atomic_write(locked / "out.tmx", TMX_LIKE)
        assert str(locked / "out.tmx") in str(info.value)
        assert os.listdir(locked) == []
    finally:
        locked.chmod(0o755)


def test_error_inside_block_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.tmx"
    with pytest.raises(RuntimeError, match="aligner crashed"), atomic_open(target) as handle:
        handle.write(TMX_LIKE[:20])
        raise RuntimeError("aligner crashed")
    assert os.listdir(tmp_path) == []


def test_error_inside_block_keeps_old_file_even_with_force(tmp_path: Path) -> None:
    target = tmp_path / "out.tmx"
    target.write_bytes(b"previous run")
    with pytest.raises(KeyboardInterrupt), atomic_open(target, force=True) as handle:
        handle.write(b"<tmx")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"previous run"
    assert os.listdir(tmp_path) == ["out.tmx"]


def test_file_created_meanwhile_is_not_clobbered(tmp_path: Path) -> None:
    # Another process writes the same output while we are still generating ours.
    target = tmp_path / "out.tmx"
    with pytest.raises(OutputError, match="exists"), atomic_open(target) as handle:
        handle.write(TMX_LIKE)
        target.write_bytes(b"the other run")
    assert target.read_bytes() == b"the other run"
    assert os.listdir(tmp_path) == ["out.tmx"]


def test_new_file_gets_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "out.tmx", TMX_LIKE)
    finally:
        os.umask(old)
    assert (tmp_path / "out.tmx").stat().st_mode & 0o777 == 0o644


def test_refuses_text_instead_of_bytes(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        atomic_write(tmp_path / "out.tmx", TMX_LIKE.decode())  # type: ignore[arg-type]
    assert os.listdir(tmp_path) == []
