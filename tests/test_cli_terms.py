"""`bitext terms extract` and `bitext terms check`, run as a user runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bitext.export.tsv import unescape_field
from cli_helpers import run_cli
from hk_release_helpers import LCSD, LCSD_EN, LCSD_ZH, batch_memory, mixed_release

PLANTED = "Department of Leisure and Cultural Services"


def one_error(stderr: str, start: str) -> None:
    errors = [line for line in stderr.splitlines() if line.startswith("bitext: error:")]
    assert len(errors) == 1 and errors[0].startswith(f"bitext: error: {start}"), stderr
    assert "Traceback" not in stderr


def test_extract_refuses_bad_inputs_and_outputs_in_one_line(sample_path: Path, tmp_path: Path):
    done = run_cli("terms", "extract", "missing.txt", "-o", "t.tsv", cwd=tmp_path)
    assert done.returncode == 2
    one_error(done.stderr, "missing.txt: ")
    done = run_cli("terms", "extract", "-o", "t.tsv", cwd=tmp_path)
    assert done.returncode == 2
    one_error(done.stderr, "no input")
    done = run_cli("terms", "extract", sample_path, "-o", "nodir/t.tsv", cwd=tmp_path)
    assert done.returncode == 3
    one_error(done.stderr, "nodir/t.tsv: ")
    done = run_cli("terms", "extract", sample_path, "-o", "t.pdf", cwd=tmp_path)
    assert done.returncode == 3
    one_error(done.stderr, "t.pdf: ")
    done = run_cli(
        "terms", "extract", sample_path, "--tm", "no.sqlite", "-o", "t.tsv", cwd=tmp_path
    )
    assert done.returncode == 2
    one_error(done.stderr, "no.sqlite: no such translation memory")
    done = run_cli("terms", "extract", sample_path, "--set", "bogus=1", "-o", "t.tsv", cwd=tmp_path)
    assert done.returncode == 2
    one_error(done.stderr, "--set: ")
    assert not list(tmp_path.iterdir())  # nothing written, no temporary file left
    old = tmp_path / "old.tsv"
    old.write_text("zh\ten\n東\tEast\n", encoding="utf-8")
    done = run_cli("terms", "extract", sample_path, "-o", old, cwd=tmp_path)
    assert done.returncode == 3
    one_error(done.stderr, f"{old} exists")
    assert old.read_text(encoding="utf-8") == "zh\ten\n東\tEast\n"
    release = tmp_path / "release.txt"  # --force replaces an old glossary, never a release
    shutil.copy(sample_path, release)
    done = run_cli(
        "terms", "extract", sample_path, "-o", release, "--format", "tsv", "--force", cwd=tmp_path
    )
    assert done.returncode == 3
    assert release.read_bytes() == sample_path.read_bytes()


def test_check_refuses_bad_inputs_and_outputs_in_one_line(tmp_path: Path):
    done = run_cli("terms", "check", "--tm", "none.sqlite", cwd=tmp_path)
    assert done.returncode == 2
    one_error(done.stderr, "none.sqlite: ")
    assert not (tmp_path / "none.sqlite").exists()  # checking never makes a memory
    for output in ("nodir/r.html", "r.pdf"):
        done = run_cli("terms", "check", "--tm", "none.sqlite", "-o", output, cwd=tmp_path)
        assert done.returncode == 3
        one_error(done.stderr, f"{output}: ")
    old = tmp_path / "old.html"
    old.write_text("<html><body>notes</body></html>", encoding="utf-8")
    done = run_cli("terms", "check", "--tm", "none.sqlite", "-o", old, "--force", cwd=tmp_path)
    assert done.returncode == 3  # not a page bitext wrote: kept
    assert old.read_text(encoding="utf-8") == "<html><body>notes</body></html>"


# --- with the extractor and the glossary writers (bitext.terms.extract / .glossary) ------


def glossary_rows(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [[unescape_field(f) for f in line.split("\t")] for line in lines]


def test_extract_a_single_mixed_release_to_tsv(sample_path: Path, tmp_path: Path, use_encoder):
    from bitext.pipeline import align_document

    done = run_cli(
        "terms", "extract", sample_path, "-o", "terms.tsv", "--format", "tsv", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    rows = glossary_rows(tmp_path / "terms.tsv")
    assert rows[0][:2] == ["zh", "en"] and len(rows) > 1
    # Every term is Chinese of the aligned release and its rendering English of it.
    alignment = align_document(sample_path, encoder=use_encoder)
    zh = "".join(p.src for p in alignment.pairs())
    en = " ".join(p.tgt for p in alignment.pairs())
    assert all(row[0] in zh and row[1] in en for row in rows[1:])
    assert "wrote terms.tsv" in done.stderr


def test_extract_to_standard_output_and_the_confidence_floor(sample_path: Path, tmp_path: Path):
    # -o - prints the glossary (TSV unless --format says otherwise); no file named "-".
    done = run_cli("terms", "extract", sample_path, "-o", "-", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert rows[0][:2] == ["zh", "en"] and len(rows) > 1
    assert not (tmp_path / "-").exists()
    everything = run_cli(
        "terms", "extract", sample_path, "-o", "-", "-q", "--min-confidence", "0", cwd=tmp_path
    )
    confidences = [float(line.split("\t")[4]) for line in everything.stdout.splitlines()[1:]]
    # The default floor (0.5) leaves out exactly the terms below it.
    assert len(rows) - 1 == sum(c >= 0.5 for c in confidences) < len(confidences)
    bad = run_cli("terms", "extract", sample_path, "-o", "-", "--min-confidence", "2", cwd=tmp_path)
    assert bad.returncode == 2 and "--min-confidence" in bad.stderr


def test_extract_reads_the_pairs_above_min_score(shared_dir: Path, tmp_path: Path):
    # The board is named only in a long pair the TMX export holds back (confidence below
    # 0.96): a term needs its unit to hold the translation, not to be exactly right.
    release = mixed_release(shared_dir, "20260121_dh_blood_sample_importation", tmp_path)
    found = {}
    for floor in ("0.5", "0.96"):
        done = run_cli(
            "terms",
            "extract",
            release,
            "-o",
            "-",
            "--zh-script",
            "keep",
            "--min-score",
            floor,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        found[floor] = {row[0]: row[1] for row in (r.split("\t") for r in done.stdout.splitlines())}
    board = "醫務化驗師管理委員會"
    assert found["0.5"][board] == "Medical Laboratory Technologists Board"
    assert board not in found["0.96"]
    bad = run_cli("terms", "extract", release, "-o", "-", "--min-score", "1.5", cwd=tmp_path)
    assert bad.returncode == 2 and "--min-score" in bad.stderr


def test_a_bad_input_among_several_is_skipped_and_exit_1(sample_path: Path, tmp_path: Path):
    done = run_cli(
        "terms",
        "extract",
        "missing.txt",
        sample_path,
        "-o",
        "terms.tsv",
        "--format",
        "tsv",
        cwd=tmp_path,
    )
    assert done.returncode == 1
    one_error(done.stderr, "missing.txt: ")
    assert glossary_rows(tmp_path / "terms.tsv")[0][:2] == ["zh", "en"]


@pytest.fixture(scope="module")
def lcsd(shared_dir: Path, tmp_path_factory) -> tuple[Path, Path]:
    """The LCSD releases (one renaming the department in English) and their memory."""
    folder = tmp_path_factory.mktemp("cli_lcsd") / "releases"
    for doc in LCSD:
        mixed_release(shared_dir, doc, folder, (LCSD_EN, PLANTED) if doc == LCSD[2] else None)
    return folder, batch_memory(folder, folder.parent / "tm.sqlite", "--zh-script", "keep")


def test_extract_from_a_memory_releases_or_tmx_finds_the_department(lcsd, tmp_path: Path):
    folder, tm = lcsd
    exported = run_cli("tm", "export", "--tm", tm, "-o", "lcsd.tmx", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    for n, source in enumerate((["--tm", tm], sorted(folder.iterdir()), ["lcsd.tmx"])):
        out = tmp_path / f"terms{n}.tsv"
        done = run_cli(
            "terms",
            "extract",
            *source,
            "-o",
            out,
            "--zh-script",
            "keep",
            "--min-count",
            "2",
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        rows = glossary_rows(out)
        assert [r[1] for r in rows[1:] if r[0] == LCSD_ZH] == [LCSD_EN], rows


def test_check_reports_the_planted_rendering_side_by_side(lcsd, tmp_path: Path):
    _, tm = lcsd
    done = run_cli("terms", "check", "--tm", tm, "-o", "report.tsv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = glossary_rows(tmp_path / "report.tsv")
    assert rows[0] == [
        "kind",
        "zh",
        "expected",
        "rendering",
        "document",
        "unit",
        "zh_text",
        "en_text",
    ]
    mine = [r for r in rows[1:] if r[1] == LCSD_ZH]
    assert {r[0] for r in mine} == {"inconsistency"} and len(mine) == len(LCSD)
    planted = [r for r in mine if PLANTED in r[7]]
    assert [r[4] for r in planted] == [f"releases/{LCSD[2]}.txt"]
    assert not [r for r in rows[1:] if r[1] == "紅旗"]  # red flag / red flags: one rendering
    done = run_cli("terms", "check", "--tm", tm, "-o", "report.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f'<mark class="term">{PLANTED}</mark>' in page
    assert f'<mark class="term">{LCSD_ZH}</mark>' in page


def test_check_against_a_glossary_names_the_units_that_contradict_it(lcsd, tmp_path: Path):
    _, tm = lcsd
    glossary = tmp_path / "office.tsv"
    glossary.write_text(f"zh\ten\n{LCSD_ZH}\t{LCSD_EN}\n", encoding="utf-8")
    done = run_cli(
        "terms", "check", "--tm", tm, "--glossary", glossary, "-o", "report.tsv", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    rows = glossary_rows(tmp_path / "report.tsv")
    against = [r for r in rows[1:] if r[0] == "contradiction"]
    assert [(r[1], r[2], r[4]) for r in against] == [(LCSD_ZH, LCSD_EN, f"releases/{LCSD[2]}.txt")]
    assert PLANTED in against[0][7] and LCSD_ZH in against[0][6]
    assert "1 glossary term(s) contradicted" in done.stderr
