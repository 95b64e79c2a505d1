"""No output meant for others carries where the input sat on this machine (issue 16, item 2).

A TMX goes to vendors, a memory export to other teams, a review page to a
reviewer: ``/home/alice/clients/...`` in them says who and where, and means
nothing anywhere else. Outputs name a document by its file name (or, in a
batch, by its path from the folder given), or by the name the user chose.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from lxml import etree

from bitext.cli import main
from bitext.pipeline import align_document
from cli_helpers import run_cli

# Not in the quick subset (-m "not slow"): every output of every command on real releases (5-21 s).
pytestmark = pytest.mark.slow


def _documents(tmx: Path) -> set[str]:
    root = etree.parse(str(tmx))
    return {p.text for p in root.iter("prop") if p.get("type") == "x-document"}


@pytest.fixture()
def release(sample_path: Path, tmp_path: Path) -> Path:
    """The sample, two folders deep under a folder that stands for the user's home."""
    path = tmp_path / "home" / "alice" / "releases" / "2024" / "chongqing.txt"
    path.parent.mkdir(parents=True)
    shutil.copy(sample_path, path)
    return path


def test_no_absolute_input_path_in_any_output(release: Path, tmp_path: Path):
    """Acceptance: align (relative and absolute input), TSV, report, batch + memory export,
    TMX import + export: not one byte of any output holds the input's folders."""
    home = tmp_path / "home" / "alice"
    out = tmp_path / "out"
    out.mkdir()
    relative = os.path.relpath(release, home)  # releases/2024/chongqing.txt
    runs = [
        ("align", relative, "-o", out / "relative.tmx"),
        ("align", release, "-o", out / "absolute.tmx"),
        ("align", release, "-o", out / "absolute.tsv"),
        ("report", release, "-o", out / "report.html"),
        ("batch", home / "releases", "--tm", out / "tm.sqlite", "-o", out / "batch.tmx"),
        ("tm", "export", "--tm", out / "tm.sqlite", "-o", out / "export.tmx"),
        ("tm", "import", out / "absolute.tmx", "--tm", out / "imported.sqlite"),
        ("tm", "export", "--tm", out / "imported.sqlite", "-o", out / "imported.tmx"),
    ]
    for args in runs:
        done = run_cli(*args, cwd=home)
        assert done.returncode == 0, (args, done.stderr)
    written = sorted(p for p in out.iterdir() if p.is_file())
    assert len(written) >= 8
    for path in written:
        data = path.read_bytes()
        for secret in (str(tmp_path), str(tmp_path.resolve()), str(release.parent)):
            assert secret.encode() not in data, f"{path.name} holds {secret}"
    # What they say instead: the file name, or the path from the folder given to batch.
    for name in ("relative.tmx", "absolute.tmx"):
        assert _documents(out / name) == {release.name}
    assert _documents(out / "batch.tmx") == {"releases/2024/chongqing.txt"}
    assert _documents(out / "imported.tmx") == {"absolute.tmx"}
    assert f"\t{release.name}\n" in (out / "absolute.tsv").read_text("utf-8")


def test_library_names_the_document_by_file_name_or_as_told(release: Path, use_encoder):
    alignment = align_document(release, encoder=use_encoder)
    assert alignment.source == release.name
    assert alignment.document.source == str(release)  # where it was read stays known
    named = align_document(release, encoder=use_encoder, name="Chongqing MoU, 2024")
    assert named.source == "Chongqing MoU, 2024"


def test_align_name_option(release: Path, tmp_path: Path, capsys):
    out = tmp_path / "named.tmx"
    assert main(["align", str(release), "-o", str(out), "--name", "MoU 2024", "-q"]) == 0
    assert _documents(out) == {"MoU 2024"}
    # One name for two documents would be a lie: a one-line usage error, nothing written.
    code = main(["align", str(release), str(release), "-o", str(tmp_path / "x.tmx"), "--name", "n"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--name" in err
    assert not (tmp_path / "x.tmx").exists()


def test_a_memory_stored_with_absolute_paths_still_resumes(release: Path, tmp_path: Path):
    """Memories written before this change hold absolute paths; a rerun must still skip
    their documents (identity is content + settings, not the name)."""
    tm = tmp_path / "tm.sqlite"
    first = run_cli("batch", release.parent, "--tm", tm, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    with sqlite3.connect(tm) as con:  # what the old code stored
        con.execute("UPDATE documents SET path = ?", (str(release),))
    again = run_cli("batch", release.parent, "--tm", tm, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 documents added, 1 skipped" in again.stderr
