"""Frictions of issue 16, item 13: each settled, each with a test.

`-o -` writes to standard output, `.tmx.gz` is read (a gzip bomb refused), an
empty result is an error rather than an empty file, a giant line is refused at
once, a file name with a newline keeps errors on one line, the same input
named twice is aligned once, and units longer than Trados Cloud takes are
counted in a warning (or left out with --max-chars).
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from lxml import etree

from bitext.cli import main
from bitext.errors import InputError
from bitext.pipeline import align_document, align_text
from bitext.read import read_text
from bitext.tmx import MAX_BYTES, read_tmx
from cli_helpers import command, run_cli


def _run_bytes(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    """`bitext ARGS` with stdout kept as bytes: what a pipe receives."""
    return subprocess.run(command(*args), cwd=cwd, capture_output=True, timeout=300)


def _valid(data: bytes, dtd: Path) -> etree._Element:
    root = etree.fromstring(data)
    checker = etree.DTD(str(dtd))
    assert checker.validate(root), checker.error_log
    return root


def _units(path_or_data: Path | bytes) -> int:
    data = path_or_data if isinstance(path_or_data, bytes) else path_or_data.read_bytes()
    return len(etree.fromstring(data).findall("body/tu"))


@pytest.fixture(scope="module")
def sample_tmx(tmp_path_factory, sample_path: Path) -> Path:
    """The sample aligned by the real command: a TMX as bitext writes it."""
    folder = tmp_path_factory.mktemp("tmx")
    out = folder / "sample.tmx"
    assert main(["align", str(sample_path), "-o", str(out), "-q"]) == 0
    return out


# -- `-o -` --------------------------------------------------------------------------------


@pytest.mark.slow
def test_align_to_standard_output_writes_exactly_the_tmx(
    sample_path: Path, sample_tmx: Path, tmp_path: Path, tmx_dtd: Path
):
    done = _run_bytes("align", sample_path, "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    root = _valid(done.stdout, tmx_dtd)  # nothing but the TMX on stdout
    assert len(root.findall("body/tu")) == _units(sample_tmx)
    assert b"wrote standard output: " in done.stderr  # the summary stays on stderr
    assert not (tmp_path / "-").exists()  # the old behaviour: a file named "-"


@pytest.mark.slow
def test_tsv_and_report_to_standard_output(sample_path: Path, tmp_path: Path):
    tsv = run_cli("align", sample_path, "-o", "-", "--format", "tsv", "-q", cwd=tmp_path)
    assert tsv.returncode == 0, tsv.stderr
    assert tsv.stdout.splitlines()[0].split("\t")[0] == "src"
    report = run_cli("report", sample_path, "-o", "-", "-q", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith("<!DOCTYPE html>")
    assert report.stderr == ""
    assert not (tmp_path / "-").exists()


@pytest.mark.slow
def test_every_output_option_takes_a_dash(sample_tmx: Path, tmp_path: Path, tmx_dtd: Path):
    merged = _run_bytes("tm", "merge", sample_tmx, "-o", "-", cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert len(_valid(merged.stdout, tmx_dtd).findall("body/tu")) == _units(sample_tmx)
    srx = _run_bytes("srx", "-o", "-", cwd=tmp_path)
    assert srx.returncode == 0 and etree.fromstring(srx.stdout).tag.endswith("srx")
    tm = tmp_path / "tm.sqlite"
    assert run_cli("tm", "import", sample_tmx, "--tm", tm, cwd=tmp_path).returncode == 0
    export = _run_bytes("tm", "export", "--tm", tm, "-o", "-", cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    assert len(_valid(export.stdout, tmx_dtd).findall("body/tu")) == _units(sample_tmx)
    assert not (tmp_path / "-").exists()


# -- .tmx.gz -------------------------------------------------------------------------------


def test_gzipped_tmx_is_read_by_import_merge_and_validate(sample_tmx: Path, tmp_path: Path, capsys):
    gz = tmp_path / "sample.tmx.gz"
    gz.write_bytes(gzip.compress(sample_tmx.read_bytes()))
    # Known by its bytes, not its name: a gzip file not called .gz is read too.
    renamed = tmp_path / "compressed.memory"
    shutil.copy(gz, renamed)
    assert len(read_tmx(renamed).units) == _units(sample_tmx)
    assert main(["validate", str(gz)]) == 0
    out = tmp_path / "merged.tmx"
    assert main(["tm", "merge", str(gz), str(sample_tmx), "-o", str(out)]) == 0
    assert _units(out) == _units(sample_tmx)
    tm = tmp_path / "tm.sqlite"
    assert main(["tm", "import", str(gz), "--tm", str(tm)]) == 0
    capsys.readouterr()
    # The TMX inside is the document: the plain file is the same one, already imported.
    assert main(["tm", "import", str(sample_tmx), "--tm", str(tm)]) == 0
    assert "already imported" in capsys.readouterr().err


def _bomb(path: Path, size: int) -> None:
    """A real gzip bomb: `size` bytes of XML whitespace, a few hundred KB compressed."""
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(b'<?xml version="1.0"?>\n<tmx version="1.4"><header/><body>')
        block = b" " * (1 << 20)
        for _ in range(size // len(block) + 1):
            handle.write(block)
        handle.write(b"</body></tmx>")


@pytest.mark.slow
def test_a_gzip_bomb_is_refused_in_one_line(tmp_path: Path, capsys):
    bomb = tmp_path / "bomb.tmx.gz"
    _bomb(bomb, MAX_BYTES)
    assert bomb.stat().st_size < MAX_BYTES // 100
    for argv in (
        ["validate", str(bomb)],
        ["tm", "merge", str(bomb), "-o", str(tmp_path / "m.tmx")],
        ["tm", "import", str(bomb), "--tm", str(tmp_path / "tm.sqlite")],
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "decompresses to over" in err, err
    assert not (tmp_path / "m.tmx").exists()


def test_damaged_gzip_is_one_line(sample_tmx: Path):
    data = gzip.compress(sample_tmx.read_bytes())
    with pytest.raises(InputError, match="cut short"):
        read_tmx(data[: len(data) // 2], name="half.tmx.gz")
    # zlib, not gzip, framing after the magic bytes: damaged, not a traceback.
    with pytest.raises(InputError, match="damaged gzip"):
        read_tmx(b"\x1f\x8b" + zlib.compress(b"<tmx/>"), name="odd.tmx.gz")


# -- empty results -------------------------------------------------------------------------


def test_min_score_leaving_nothing_writes_nothing_and_says_so(
    sample_path: Path, tmp_path: Path, capsys
):
    out = tmp_path / "out.tmx"
    assert main(["align", str(sample_path), "-o", str(out), "--min-score", "1"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("bitext: error: ") and "--min-score 1" in err[-1]
    assert not out.exists()


def test_importing_or_merging_a_tmx_without_the_languages(tmp_path: Path, capsys):
    other = tmp_path / "de_fr.tmx"
    other.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="de" '
        'datatype="plaintext"/><body><tu><tuv xml:lang="de"><seg>Guten Tag.</seg></tuv>'
        '<tuv xml:lang="fr"><seg>Bonjour.</seg></tuv></tu></body></tmx>\n',
        "utf-8",
    )
    tm = tmp_path / "tm.sqlite"
    assert main(["tm", "import", str(other), "--tm", str(tm)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "languages in it: de, fr" in err and "nothing imported" in err
    empty = tmp_path / "empty.tmx"
    empty.write_text(other.read_text("utf-8").split("<body>")[0] + "<body/></tmx>\n", "utf-8")
    out = tmp_path / "merged.tmx"
    assert main(["tm", "merge", str(empty), "-o", str(out)]) == 2
    assert "no translation unit" in capsys.readouterr().err
    assert not out.exists()


# -- one giant line ------------------------------------------------------------------------


def _giant_line(sample_path: Path, size: int) -> str:
    """The sample's Chinese as one line of `size` characters, then its English lines."""
    lines = [line for line in sample_path.read_text("utf-8").splitlines() if line.strip()]
    zh = "".join(lines[:11])
    return (zh * (size // len(zh) + 1))[:size] + "\n\n" + "\n".join(lines[11:]) + "\n"


def test_a_five_megabyte_line_is_refused_before_any_work(sample_path: Path, use_encoder):
    doc = read_text(_giant_line(sample_path, 5_000_000), source="one-line.txt")
    with pytest.raises(InputError) as caught:
        align_document(doc, encoder=use_encoder)
    message = str(caught.value)
    assert message.startswith("one-line.txt: line 1 has 5,000,000 characters")
    assert "split it into paragraphs" in message and "\n" not in message


def test_the_giant_line_cli_error(sample_path: Path, tmp_path: Path, capsys):
    from bitext.pipeline import MAX_PARAGRAPH_CHARS

    source = tmp_path / "one-line.txt"
    source.write_text(_giant_line(sample_path, MAX_PARAGRAPH_CHARS + 1), "utf-8")
    assert main(["align", str(source), "-o", str(tmp_path / "o.tmx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{MAX_PARAGRAPH_CHARS + 1:,} characters" in err


# -- a newline in a file name --------------------------------------------------------------


def test_a_newline_in_a_file_name_keeps_each_message_on_one_line(
    sample_path: Path, tmp_path: Path, capsys
):
    missing = tmp_path / "no\nsuch.txt"
    assert main(["align", str(missing), "-o", str(tmp_path / "a.tmx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no\\nsuch.txt" in err
    english = tmp_path / "english\nonly.txt"
    english.write_text("The meeting was held in Chongqing.\n", "utf-8")
    good = tmp_path / "press\nrelease.txt"
    shutil.copy(sample_path, good)
    out = tmp_path / "b.tmx"
    assert main(["align", str(english), str(good), "-o", str(out)]) == 1
    lines = capsys.readouterr().err.splitlines()
    # One error, one summary, one "wrote": three lines, each naming its file whole.
    assert len(lines) == 3, lines
    assert lines[0].startswith("bitext: error: ") and "english\\nonly.txt" in lines[0]
    assert lines[1].startswith(f"{tmp_path}/press\\nrelease.txt: ")  # as typed, escaped
    tmx_names = {
        p.text for p in etree.parse(str(out)).iter("prop") if p.get("type") == "x-document"
    }
    assert tmx_names == {"press\\nrelease.txt"}


def test_a_newline_in_a_batch_file_name(sample_path: Path, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad\nname.txt").write_text("English only, no Chinese at all.\n", "utf-8")
    done = run_cli("batch", folder, "--tm", tmp_path / "tm.sqlite", cwd=tmp_path)
    assert done.returncode == 2
    failed = [line for line in done.stderr.splitlines() if "failed" in line]
    assert len(failed) == 2 and "bad\\nname.txt" in failed[0], done.stderr  # reason, summary


# -- the same input twice ------------------------------------------------------------------


def test_the_same_file_named_three_ways_is_aligned_once(
    sample_path: Path, sample_tmx: Path, tmp_path: Path, capsys
):
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(sample_path, work / "a.txt")
    (work / "link.txt").symlink_to(work / "a.txt")
    out = tmp_path / "twice.tmx"
    cwd = os.getcwd()
    os.chdir(work)
    try:
        argv = ["align", "a.txt", "./a.txt", str(work / "a.txt"), "link.txt", "-o", str(out)]
        assert main(argv) == 0
    finally:
        os.chdir(cwd)
    err = capsys.readouterr().err
    assert "from 1 file(s)" in err and err.count("aligned once") == 3
    root = etree.parse(str(out)).getroot()
    # Counted once: no unit claims to occur more often than in one alignment of the file.
    assert len(root.findall("body/tu")) == _units(sample_tmx)
    counts = [p.text for p in root.iter("prop") if p.get("type") == "x-count"]
    single = [
        p.text for p in etree.parse(str(sample_tmx)).iter("prop") if p.get("type") == "x-count"
    ]
    assert counts == single


@pytest.mark.slow
def test_batch_counts_a_file_given_twice_once(sample_path: Path, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / "a.txt")
    done = run_cli(
        "batch", folder, "in/a.txt", folder / "a.txt", "--tm", tmp_path / "tm.sqlite", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "1 documents added, 0 skipped" in done.stderr


# -- units over 2,000 characters -----------------------------------------------------------


def _long_sentences(sample_path: Path) -> str:
    """The sample with its sentences run together by commas: one long sentence a side."""
    lines = [line for line in sample_path.read_text("utf-8").splitlines() if line.strip()]
    zh = "".join(lines[1:11]).replace("。", "，").rstrip("，") + "。"
    en = " ".join(lines[12:]).replace(". ", ", ").rstrip(".") + "."
    return f"{lines[0]}\n{zh * 2}\n\n{lines[11]}\n{en * 2}\n"


def test_units_over_two_thousand_characters_are_counted_and_can_be_left_out(
    sample_path: Path, tmp_path: Path, capsys, use_encoder
):
    from bitext.export import TMXExporter, long_units

    source = tmp_path / "long.txt"
    source.write_text(_long_sentences(sample_path), "utf-8")
    alignment = align_text(source.read_text("utf-8"), source="long.txt", encoder=use_encoder)
    longest = max(max(len(p.src), len(p.tgt)) for p in alignment.pairs())
    assert longest > 2000  # the input does what it is for
    long = long_units([alignment])
    assert long >= 1
    kept = TMXExporter(max_chars=2000)
    assert kept.count([alignment]) == TMXExporter().count([alignment]) - long
    out = tmp_path / "long.tmx"
    # Every pair, held back or not: this is about the length limit (--min-score 0).
    assert main(["align", str(source), "-o", str(out), "--min-score", "0"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {long} translation unit" in err and "--max-chars 2000" in err
    cut = tmp_path / "cut.tmx"
    assert (
        main(["align", str(source), "-o", str(cut), "--max-chars", "2000", "--min-score", "0"]) == 0
    )
    assert "warning" not in capsys.readouterr().err
    segs = [s.text for s in etree.parse(str(cut)).iter("seg")]
    assert segs and max(len(s) for s in segs) <= 2000
    assert _units(cut) == _units(out) - long


def test_a_name_that_is_not_utf8_is_escaped_like_a_newline(
    sample_path: Path, tmp_path: Path, use_encoder
):
    # Python hands such a name over with a lone surrogate; XML and UTF-8 take none.
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/bad\xffname.txt"))
    shutil.copy(sample_path, path)
    assert align_document(path, encoder=use_encoder).source == "bad\\xffname.txt"


def test_a_giant_html_paragraph_is_named_by_its_number(use_encoder):
    from bitext.read import read_bytes

    html = "<html><body><p>重庆。</p><p>" + "重庆市政府外办。" * 30_000 + "</p><p>Chongqing.</p>"
    doc = read_bytes(html.encode("utf-8"), source="page.html", format="html")
    with pytest.raises(InputError, match=r"^page\.html: paragraph 2 has 240,000 characters"):
        align_document(doc, encoder=use_encoder)
