"""Legacy Word (.doc) input (issue 21, item 3), read with Debian's antiword.

The two Word 97-2003 files in tests/data were written by LibreOffice 7.4 (Debian
bookworm, libreoffice-writer-nogui) from real text:

- ``word97_sample.doc``: the bundled sample, ``soffice --headless --infilter="Text
  (encoded):UTF8,LF,,," --convert-to doc:"MS Word 97" press_release_chongqing.txt``;
- ``word97_table.doc``: the Hong Kong release 20251113_itc_industry_fund_managers as a
  two-column table, one row per paragraph pair, Chinese left, English right
  (``--infilter="HTML (StarWriter)"`` from an HTML table).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

import bitext
from bitext.errors import InputError
from cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"
DATA = ROOT / "tests" / "data"
TABLE_DOC = "20251113_itc_industry_fund_managers"
SAVE_AS = "save it as .docx (Word: File > Save As) and align that"


@pytest.fixture(scope="module")
def antiword() -> str:
    exe = shutil.which("antiword")
    if exe is None:
        if os.environ.get("BITEXT_REQUIRE_ANTIWORD") == "1":
            pytest.fail("antiword is required (BITEXT_REQUIRE_ANTIWORD=1)")
        pytest.skip("antiword is not installed")
    return exe


def paragraphs(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_a_word97_file_reads_as_its_text_does(antiword: str):
    document = bitext.read(DATA / "word97_sample.doc")
    assert document.format == "doc"
    assert [p.text for p in document.paragraphs] == paragraphs(SAMPLE.read_text("utf-8"))


def test_a_word97_file_aligns_to_the_texts_units(antiword: str, tmp_path: Path):
    shutil.copy(DATA / "word97_sample.doc", tmp_path / "release.doc")
    shutil.copy(SAMPLE, tmp_path / "release.txt")
    segments = []
    for name in ("release.doc", "release.txt"):
        done = run_cli("align", name, "-o", f"{name}.tmx", "-q", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        text = (tmp_path / f"{name}.tmx").read_text(encoding="utf-8")
        segments.append(re.findall(r"<seg>(.*?)</seg>", text, re.S))
    assert segments[0] == segments[1] and len(segments[0]) == 2 * 13


def test_a_word97_table_reads_column_by_column(antiword: str, shared_dir: Path):
    docs = shared_dir / "eval" / "hk-releases" / "docs"
    zh = paragraphs((docs / f"{TABLE_DOC}.zh.txt").read_text("utf-8"))
    en = paragraphs((docs / f"{TABLE_DOC}.en.txt").read_text("utf-8"))
    got = [p.text for p in bitext.read(DATA / "word97_table.doc").paragraphs]
    assert len(got) == len(zh + en)
    for read, text in zip(got, zh + en, strict=True):
        if re.search(r"www\.|https?:|@", text):
            # antiword cuts a URL longer than its cell; the pieces come back spaced.
            assert read.replace(" ", "") == text.replace(" ", "")
        else:
            assert read == text


def test_without_antiword_the_error_says_what_to_do(tmp_path: Path):
    shutil.copy(DATA / "word97_sample.doc", tmp_path / "release.doc")
    empty = tmp_path / "bin"
    empty.mkdir()
    done = run_cli(
        "align",
        "release.doc",
        "-o",
        "out.tmx",
        cwd=tmp_path,
        env={**os.environ, "PATH": str(empty)},
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "bitext: error: release.doc: binary file (legacy Office document (.doc/.xls)), not text; "
        f"bitext reads .doc with antiword, which is not installed (apt-get install antiword); "
        f"or {SAVE_AS}"
    ]
    assert not (tmp_path / "out.tmx").exists()


def test_an_office_file_antiword_cannot_read_is_one_line(antiword: str, tmp_path: Path):
    # The compound-file signature, then not a Word document: what an .xls named .doc is.
    doc = tmp_path / "release.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + SAMPLE.read_bytes())
    with pytest.raises(InputError, match=f"antiword cannot read .*{re.escape(SAVE_AS)}"):
        bitext.read(doc)
