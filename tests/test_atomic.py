"""Atomic output writing: whole file or nothing, never clobbering without --force."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bitext.atomic import REPORT_MARK, atomic_open, atomic_write, check_target, file_kind
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
    assert str(info.value) == f"{target} exists; pass force=True to overwrite"
    assert target.read_bytes() == b"curated by hand"
    assert os.listdir(tmp_path) == ["memory.tmx"]


def test_force_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "memory.tmx"
    target.write_bytes(b'\xef\xbb\xbf<?xml version="1.0"?>\n<tmx version="1.4"><body/></tmx>')
    atomic_write(target, TMX_LIKE, force=True)
    assert target.read_bytes() == TMX_LIKE
    (tmp_path / "empty.tmx").touch()  # nothing in it to lose
    atomic_write(tmp_path / "empty.tmx", TMX_LIKE, force=True)
    assert (tmp_path / "empty.tmx").read_bytes() == TMX_LIKE
    assert sorted(os.listdir(tmp_path)) == ["empty.tmx", "memory.tmx"]


def test_force_never_replaces_a_file_of_another_kind(sample_path: Path, tmp_path: Path) -> None:
    # --force is for an old output; a release named as -o by mistake is someone's work.
    release = sample_path.read_bytes()
    cases = [("out.tmx", release, TMX_LIKE, "TMX"), ("out.tsv", release, b"a\tb\n", "TSV"),
             ("page.html", TMX_LIKE, b"<!DOCTYPE html>\n<html></html>", "HTML"),
             # A release saved as HTML is no old review page, though both are HTML.
             ("page.html", b"<!DOCTYPE html>\n<html><p>\xe5\x8f\x91\xe5\xb8\x83</p></html>",
              f"<html><head>{REPORT_MARK}</head></html>".encode(), "bitext report"),
             ("out.tmx", b"a\tb\n", TMX_LIKE, "TMX")]  # fmt: skip
    for name, old, new, label in cases:
        target = tmp_path / name
        target.write_bytes(old)
        for kind in (file_kind(new), None):  # checked early (kind given) and at the move
            with pytest.raises(OutputError) as info:
                if kind:
                    check_target(target, force=True, kind=kind)
                else:
                    atomic_write(target, new, force=True)
            assert str(info.value) == f"{target} is not a {label} file; refusing to replace it"
            assert target.read_bytes() == old
    assert sorted(os.listdir(tmp_path)) == ["out.tmx", "out.tsv", "page.html"]


def test_a_review_page_replaces_an_old_one_with_force(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text(f"<!DOCTYPE html>\n<html><head>{REPORT_MARK}</head></html>")
    check_target(target, force=True, kind="report")
    atomic_write(
        target, f"<html><head>{REPORT_MARK}<title>new</title></head></html>".encode(), force=True
    )
    assert "new" in target.read_text()


def test_dangling_symlink_is_refused_even_with_force(tmp_path: Path) -> None:
    target = tmp_path / "link.tmx"
    target.symlink_to(tmp_path / "nowhere.tmx")
    for force in (False, True):
        with pytest.raises(OutputError) as info:
            atomic_write(target, TMX_LIKE, force=force)
        assert str(info.value) == f"{target} is a symbolic link; refusing to replace it"
    assert target.is_symlink()
    assert not (tmp_path / "nowhere.tmx").exists()
    assert sorted(os.listdir(tmp_path)) == ["link.tmx"]


def test_symlink_to_a_file_is_refused_with_force(tmp_path: Path) -> None:
    # Replacing the link would cut it from the curated memory it points at.
    curated = tmp_path / "curated.tmx"
    curated.write_bytes(b"curated by hand")
    link = tmp_path / "out.tmx"
    link.symlink_to(curated)
    with pytest.raises(OutputError) as info:
        atomic_write(link, TMX_LIKE, force=True)
    assert str(info.value) == f"{link} is a symbolic link; refusing to replace it"
    assert link.is_symlink() and os.readlink(link) == str(curated)
    assert curated.read_bytes() == b"curated by hand"
    assert sorted(os.listdir(tmp_path)) == ["curated.tmx", "out.tmx"]


def test_fifo_is_refused_even_with_force(tmp_path: Path) -> None:
    fifo = tmp_path / "out.tmx"
    os.mkfifo(fifo)
    for force in (False, True):
        with pytest.raises(OutputError) as info:
            atomic_write(fifo, TMX_LIKE, force=force)
        assert str(info.value) == f"{fifo} is not a regular file; refusing to replace it"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["out.tmx"]


def test_empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Path("") is "."; the user must hear that the path is empty, not that "." is a directory.
    monkeypatch.chdir(tmp_path)
    for call in (lambda: check_target(""), lambda: atomic_write("", TMX_LIKE, force=True)):
        with pytest.raises(OutputError) as info:
            call()
        assert str(info.value) == "output path is empty"
    assert os.listdir(tmp_path) == []


def test_check_target_accepts_and_refuses_without_writing(tmp_path: Path) -> None:
    fresh = tmp_path / "new.tmx"
    assert check_target(str(fresh)) == fresh
    assert not fresh.exists()
    old = tmp_path / "old.tmx"
    old.write_bytes(b"previous run")
    with pytest.raises(OutputError) as info:
        check_target(old)
    assert str(info.value) == f"{old} exists; pass force=True to overwrite"
    assert check_target(old, force=True) == old
    assert old.read_bytes() == b"previous run"
    assert sorted(os.listdir(tmp_path)) == ["old.tmx"]


def test_missing_directory(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.tmx"
    with pytest.raises(OutputError) as info:
        atomic_write(target, TMX_LIKE)
    message = str(info.value)
    assert message == f"{target}: directory {target.parent} does not exist"
    assert "\n" not in message
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("below", [(), ("sub",), ("sub", "deeper")])
def test_parent_is_a_file(tmp_path: Path, below: tuple[str, ...]) -> None:
    # However deep the target, the file in the way is named, not a "missing" directory.
    report = tmp_path / "report.txt"
    report.write_text("not a directory")
    target = report.joinpath(*below, "out.tmx")
    for force in (False, True):
        with pytest.raises(OutputError) as info:
            atomic_write(target, TMX_LIKE, force=force)
        assert str(info.value) == f"{target}: {report} is not a directory"
    assert report.read_text() == "not a directory"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_target_is_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "out.tmx"
    target.mkdir()
    for force in (False, True):
        with pytest.raises(OutputError) as info:
            atomic_write(target, TMX_LIKE, force=force)
        assert str(info.value) == f"{target} is a directory; refusing to replace it"
    assert target.is_dir()
    assert os.listdir(tmp_path) == ["out.tmx"]


def test_unwritable_directory_is_refused_up_front(tmp_path: Path) -> None:
    # Root passes every permission check; run as root without the capabilities
    # that bypass them, so the check is exercised whoever runs the tests.
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    target = locked / "out.tmx"
    code = (
        "import sys\n"
        "from bitext.atomic import check_target\n"
        "from bitext.errors import OutputError\n"
        "try:\n"
        f"    check_target({str(target)!r})\n"
        "except OutputError as exc:\n"
        "    print(exc)\n"
        "else:\n"
        "    sys.exit('accepted')\n"
    )
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv is not available to drop privileges")
        drop = "-dac_override,-dac_read_search"
        command = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        locked.chmod(0o755)
    if os.geteuid() == 0 and "setpriv" in done.stderr:
        pytest.skip(f"cannot drop privileges here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{target}: cannot write in {locked}\n"
    assert os.listdir(locked) == []


def test_read_only_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("permissions are not enforced for this user (root?)")
        with pytest.raises(OutputError) as info:
            atomic_write(locked / "out.tmx", TMX_LIKE)
        assert str(info.value) == f"{locked / 'out.tmx'}: cannot write in {locked}"
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
