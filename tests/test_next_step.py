"""Errors that say what to do next, in the words of the caller: a PDF or a legacy .doc is
to be saved as .docx/.txt/.html, a folder given to `align` is for `bitext batch`, text given
to `align_document` is for `align_text`; library errors name Python arguments
(``force=True``), the command line its flags (``--force``)."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

import bitext
from bitext.errors import InputError, OutputError
from bitext.tm import BatchSettings
from cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "press_release_chongqing.txt"
PDF = ROOT / "tests" / "bad_inputs" / "document.pdf"
# The compound-file signature every Word 97-2003 .doc starts with, then a release's text.
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def one_error_line(done) -> str:
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_pdf_named_as_text_says_to_name_it_pdf(tmp_path: Path):
    # A .pdf (or a file without a telling suffix) is read as a PDF; named .txt it is
    # taken at its word, and the message says what bitext would have done.
    (tmp_path / "release.txt").write_bytes(PDF.read_bytes())
    with pytest.raises(InputError, match=r"PDF document.*named \.pdf"):
        bitext.read(tmp_path / "release.txt")
    done = run_cli("align", "release.txt", "-o", "out.tmx", cwd=tmp_path)
    assert done.returncode == 2
    assert one_error_line(done).endswith(
        "bitext reads a PDF's text layer when the file is named .pdf"
    )
    assert not (tmp_path / "out.tmx").exists()


def test_a_legacy_doc_says_to_save_it_as_docx(tmp_path: Path):
    doc = tmp_path / "release.doc"
    doc.write_bytes(OLE + bytes(504) + SAMPLE.read_bytes())
    with pytest.raises(InputError, match=r"legacy Office document.*save it as \.docx"):
        bitext.read(doc)
    done = run_cli("align", doc.name, "-o", "out.tmx", cwd=tmp_path)
    assert done.returncode == 2
    assert "save it as .docx (Word: File > Save As)" in one_error_line(done)


def test_a_folder_given_to_align_points_to_batch(tmp_path: Path):
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SAMPLE.read_bytes())
    done = run_cli("align", "releases", "-o", "out.tmx", cwd=tmp_path)
    assert done.returncode == 2
    line = one_error_line(done)
    assert line.startswith("bitext: error: releases: is a directory")
    assert "bitext batch releases --tm" in line
    assert not (tmp_path / "out.tmx").exists()


def test_text_given_to_align_document_points_to_align_text():
    text = SAMPLE.read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"align_text\(text\)") as info:
        bitext.align_document(text)
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match="align_text"):
        bitext.align_document("双方签署了合作协议。")
    # A missing file is still just that.
    with pytest.raises(InputError) as info:
        bitext.align_document("新闻稿.txt")
    assert str(info.value) == "新闻稿.txt: no such file"


def test_an_existing_output_speaks_python_in_the_library_and_flags_in_the_cli(tmp_path: Path):
    alignment = bitext.align_text(SAMPLE.read_text(encoding="utf-8"), source="sample.txt")
    out = tmp_path / "out.tmx"
    out.write_bytes(b"")
    with pytest.raises(OutputError) as info:
        bitext.write_tmx([alignment], out)
    assert str(info.value) == f"{out} exists; pass force=True to overwrite"
    assert "--" not in str(info.value)
    # Across processes (a batch's workers) the command line's words come along.
    assert pickle.loads(pickle.dumps(info.value)).cli_message() == info.value.cli_message()
    (tmp_path / "sample.txt").write_bytes(SAMPLE.read_bytes())
    done = run_cli("align", "sample.txt", "-o", "out.tmx", cwd=tmp_path)
    assert done.returncode == 3
    assert one_error_line(done) == "bitext: error: out.tmx exists; use --force to overwrite"


def test_contradicting_script_and_tag_speak_python_in_the_library(tmp_path: Path):
    with pytest.raises(InputError) as info:
        bitext.align_document(
            SAMPLE, config=bitext.PipelineConfig(zh_script="simplified", src_lang="zh-TW")
        )
    assert "zh_script='simplified'" in str(info.value) and "src_lang='zh-TW'" in str(info.value)
    assert "--" not in str(info.value)
    with pytest.raises(ValueError, match="src_lang='zh-CN'") as info:
        BatchSettings(bitext.PipelineConfig(zh_script="traditional", src_lang="zh-CN")).identity()
    assert "--" not in str(info.value)
    (tmp_path / "sample.txt").write_bytes(SAMPLE.read_bytes())
    done = run_cli(
        "align",
        "sample.txt",
        "-o",
        "o.tmx",
        "--zh-script",
        "simplified",
        "--src-lang",
        "zh-TW",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert one_error_line(done).startswith(
        "bitext: error: --zh-script simplified writes Simplified Chinese, but --src-lang zh-TW"
    )


def raised_messages(path: Path) -> list[tuple[int, str]]:
    """The literal text of every message a module passes to an exception it raises
    (positional arguments only: ``cli=`` is the command line's own wording)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
            continue
        for arg in node.exc.args:
            for part in ast.walk(arg):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append((node.lineno, part.value))
    return found


def test_no_library_error_names_a_command_line_flag():
    library = [
        p for p in (ROOT / "src" / "bitext").rglob("*.py") if "cli" not in p.relative_to(ROOT).parts
    ]
    flags = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in library
        for line, text in raised_messages(path)
        if re.search(r"(^|\s)--[a-z]", text)
    ]
    assert not flags
