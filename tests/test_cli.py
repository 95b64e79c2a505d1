"""The command line: the README's command, bad input, and never losing an existing output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from bitext.cli import main
from bitext.export import validate_tmx
from cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.mark.slow
def test_readme_command_writes_a_valid_tmx(tmp_path: Path, tmx_dtd: Path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    result = run_cli(
        "align", "data/samples/press_release_chongqing.txt", "-o", "sample.tmx", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    tree = etree.parse(str(tmp_path / "sample.tmx"))
    assert etree.DTD(str(tmx_dtd)).validate(tree)
    assert len(tree.findall(".//tu")) == 13
    assert "13 pairs" in result.stderr
    assert "wrote sample.tmx: 13 translation units from 1 file(s)" in result.stderr
    listing = sorted(p.name for p in tmp_path.iterdir())
    assert listing == ["data", "sample.tmx"]  # no temporary file left behind


@pytest.fixture()
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty.txt": b"",
        "blank.txt": b"  \n\t\n",
        "image.txt": PNG,
        "undecodable.txt": bytes(range(128, 256)) * 4,
        "zh_only.txt": "双方签署合作协议。\n座谈会上，管洪表示欢迎。\n".encode(),
        "en_only.txt": b"The two parties signed an agreement.\nHe said it was a good day.\n",
        "not_a_zip.docx": b"this is not a word file",
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    paths["missing.txt"] = tmp_path / "missing.txt"
    return paths


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("missing.txt", "no such file"),
        ("empty.txt", "empty"),
        ("blank.txt", "empty"),
        ("image.txt", "binary file (PNG"),
        ("undecodable.txt", "cannot decode"),
        ("zh_only.txt", "no English"),
        ("en_only.txt", "no Chinese"),
        ("not_a_zip.docx", "not a valid .docx"),
    ],
)
def test_bad_input_one_line_error_and_no_output(bad_inputs, tmp_path, capsys, name, problem):
    out = tmp_path / "out.tmx"
    code = main(["align", str(bad_inputs[name]), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("bitext: error: ")
    assert problem in err and name in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        n for n in bad_inputs if n != "missing.txt"
    )


def test_existing_output_is_kept_without_force(sample_path: Path, tmp_path: Path, capsys):
    out = tmp_path / "out.tmx"
    precious = '<?xml version="1.0"?>\n<tmx version="1.4"><!-- precious --></tmx>\n'
    out.write_text(precious, encoding="utf-8")  # --force replaces an old TMX, nothing else
    assert main(["align", str(sample_path), "-o", str(out), "-q"]) == 3
    assert "exists; use --force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == precious
    assert main(["align", str(sample_path), "-o", str(out), "-q", "--force"]) == 0
    validate_tmx(out)


def test_missing_output_directory(sample_path: Path, tmp_path: Path, capsys):
    out = tmp_path / "nowhere" / "out.tmx"
    assert main(["align", str(sample_path), "-o", str(out), "-q"]) == 3
    assert "does not exist" in capsys.readouterr().err
    assert not out.parent.exists()


def test_one_bad_file_does_not_lose_the_others(sample_path, bad_inputs, tmp_path, capsys):
    out = tmp_path / "batch.tsv"
    code = main(["align", str(bad_inputs["empty.txt"]), str(sample_path), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert "empty.txt" in err
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 13  # header + the sample's pairs
    assert rows[1].split("\t")[1].startswith("In order to thoroughly")


def test_min_score_and_language_tags(sample_path: Path, tmp_path: Path):
    out = tmp_path / "filtered.tmx"
    code = main(
        ["align", str(sample_path), "-o", str(out), "-q", "--min-score", "0.99",
         "--src-lang", "zh_cn", "--tgt-lang", "en-gb"]
    )  # fmt: skip
    assert code == 0
    tree = etree.parse(str(out))
    scores = [float(x) for x in tree.xpath("//prop[@type='x-score']/text()")]
    assert scores and min(scores) >= 0.99 and len(scores) < 13
    assert set(tree.xpath("//tuv/@xml:lang")) == {"zh-CN", "en-GB"}


@pytest.mark.parametrize(
    "option",
    [
        ["--src-lang", "!!"],
        ["--src-lang", "en-US"],  # the Chinese side cannot be tagged English
        ["--tgt-lang", "zh-CN"],
        ["--min-score", "nan"],
        ["--min-score", "7"],
        ["--min-score", "high"],
    ],
)
def test_bad_options_are_usage_errors(sample_path: Path, tmp_path: Path, capsys, option):
    out = tmp_path / "x.tmx"
    with pytest.raises(SystemExit) as exit_info:
        main(["align", str(sample_path), "-o", str(out), "-q", *option])
    assert exit_info.value.code == 2
    assert option[0] in capsys.readouterr().err
    assert not out.exists()


def test_unit_count_is_what_the_file_holds(sample_path: Path, tmp_path: Path, capsys):
    out = tmp_path / "twice.tmx"
    copy = tmp_path / "copy.txt"  # the same text in another file (one file named twice is
    copy.write_bytes(sample_path.read_bytes())  # aligned once: test_frictions.py)
    assert main(["align", str(sample_path), str(copy), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert len(etree.parse(str(out)).findall(".//tu")) == 13  # duplicates merged
    assert "wrote " in err and ": 13 translation units from 2 file(s)" in err


def test_output_problems_are_found_before_any_work(sample_path: Path, tmp_path: Path, capsys):
    # The sample takes seconds to align; these must fail at once, before loading anything.
    folder = tmp_path / "folder.tmx"
    folder.mkdir()
    link = tmp_path / "link.tmx"
    link.symlink_to(tmp_path / "elsewhere.tmx")
    for target in (folder, link):
        code = main(["align", str(sample_path), "-o", str(target), "-q", "--force"])
        assert code == 3
        assert capsys.readouterr().err.startswith(f"bitext: error: {target}")
    assert folder.is_dir() and link.is_symlink() and not (tmp_path / "elsewhere.tmx").exists()


def test_validate_command(tmp_path: Path, capsys, sample_path: Path):
    good = tmp_path / "good.tmx"
    assert main(["align", str(sample_path), "-o", str(good), "-q"]) == 0
    bad = tmp_path / "bad.tmx"
    bad.write_text('<tmx version="1.4"><body/></tmx>', encoding="utf-8")
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(bad), str(tmp_path / "none.tmx"), str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3
    assert (
        err[0].startswith(f"bitext: error: {bad}: ")
        and str(bad) not in err[0][20 + len(str(bad)) :]
    )
    assert err[1] == f"bitext: error: {tmp_path / 'none.tmx'}: No such file or directory"
    assert err[2] == f"bitext: error: {tmp_path}: Is a directory"


def test_unknown_encoder_is_a_clear_error(sample_path: Path, tmp_path: Path, capsys):
    code = main(["align", str(sample_path), "-o", str(tmp_path / "x.tmx"), "--encoder", "nope"])
    assert code == 4
    assert capsys.readouterr().err.startswith("bitext: error: ")


TMX_A = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence"
 o-tmf="x" adminlang="en-US" srclang="zh-CN" datatype="plaintext"/><body>
<tu tuid="a1" changedate="20200101T000000Z"><prop type="x-document">old.txt</prop>
<tuv xml:lang="zh-CN"><seg>双方签署合作协议。</seg></tuv>
<tuv xml:lang="en-US"><seg>The two parties signed a cooperation agreement.</seg></tuv></tu>
<tu tuid="a2"><tuv xml:lang="zh-CN"><seg>座谈会上，管洪表示欢迎。</seg></tuv>
<tuv xml:lang="en-US"><seg>At the meeting, Guan Hong welcomed them.</seg></tuv></tu>
</body></tmx>
"""
TMX_B = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.1"><header creationtool="y" creationtoolversion="2" segtype="sentence"
 o-tmf="y" adminlang="EN-US" srclang="ZH_CN" datatype="plaintext"/><body>
<tu tuid="b1" changedate="20240101T000000Z"><note>checked</note>
<tuv lang="zh_CN"><seg>双方签署合作协议。</seg></tuv>
<tuv lang="EN-US"><seg>The two parties signed a cooperation agreement.</seg></tuv></tu>
</body></tmx>
"""


@pytest.mark.parametrize("command", [["tmx", "merge"], ["tm", "merge"]], ids=" ".join)
def test_tm_merge_command(command: list[str], tmp_path: Path, tmx_dtd: Path, capsys):
    a, b, out = tmp_path / "a.tmx", tmp_path / "b.tmx", tmp_path / "all.tmx"
    a.write_text(TMX_A, encoding="utf-8")
    b.write_text(TMX_B, encoding="utf-8")
    assert main([*command, str(a), str(b), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{a}: 2 read, 2 kept, 0 merged" in err
    assert f"{b}: 1 read, 0 kept, 1 merged" in err
    tree = etree.parse(str(out))
    assert etree.DTD(str(tmx_dtd)).validate(tree)
    units = tree.findall(".//tu")
    assert len(units) == 2
    merged = units[0]
    assert merged.get("tuid") == "b1"  # the newer copy wins
    assert merged.findtext("note") == "checked"
    assert merged.xpath("prop[@type='x-count']/text()") == ["2"]
    assert set(tree.xpath("//tuv/@xml:lang")) == {"zh-CN", "en-US"}
    # Never over an existing file without --force; a hostile input writes nothing.
    assert main([*command, str(a), "-o", str(out)]) == 3
    evil = tmp_path / "evil.tmx"
    evil.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>&x;</seg></tuv></tu>'
        "</body></tmx>",
        encoding="utf-8",
    )
    fresh = tmp_path / "fresh.tmx"
    assert main([*command, str(a), str(evil), "-o", str(fresh)]) == 2
    assert "refused for safety" in capsys.readouterr().err
    assert not fresh.exists()


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ("knn=0", "knn must be at least 1"),
        ("foo=1", "unknown alignment option(s): foo"),
        ("skip", "expected KEY=VALUE"),
        ("skip=high", "is not a number or literal"),
    ],
)
def test_bad_aligner_settings_fail_before_any_work(
    sample_path: Path, tmp_path: Path, capsys, setting: str, problem: str
):
    out = tmp_path / "x.tmx"
    commands = [
        ["align", str(sample_path), "-o", str(out)],
        ["report", str(sample_path), "-o", str(tmp_path / "x.html")],
        ["batch", str(sample_path.parent), "-o", str(out)],
    ]
    for command in commands:
        assert main([*command, "-q", "--set", setting]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and problem in err, command
    assert not out.exists() and not (tmp_path / "x.html").exists()


def test_aligner_settings_reach_the_aligner(sample_path: Path, tmp_path: Path):
    def kinds(path: Path) -> list[str]:
        return [line.split("\t")[3] for line in path.read_text("utf-8").splitlines()[1:]]

    plain, only = tmp_path / "plain.tsv", tmp_path / "one_to_one.tsv"
    common = [str(sample_path), "--format", "tsv", "-q"]
    assert main(["align", *common, "-o", str(plain)]) == 0
    assert main(["align", *common, "-o", str(only), "--set", "bead_types=((1, 1),)"]) == 0
    assert set(kinds(only)) == {"1-1"}
    assert kinds(plain) != kinds(only)


def test_batch_realigns_when_the_aligner_settings_change(sample_path: Path, tmp_path: Path):
    from bitext.tm import TranslationMemory

    tm = tmp_path / "tm.sqlite"
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / "release.txt")
    batch = ["batch", str(folder), "--tm", str(tm), "-q"]
    assert main(batch) == 0
    with TranslationMemory(tm) as memory:
        (first,) = memory.documents()
    assert main(batch) == 0  # the same settings: skipped, the stored record untouched
    # knn=4.0 is the default knn=4: the same settings too.
    assert main([*batch, "--set", "knn=4.0"]) == 0
    with TranslationMemory(tm) as memory:
        assert memory.documents() == [first]
    assert main([*batch, "--set", "refine_weight=0"]) == 0
    with TranslationMemory(tm) as memory:
        (again,) = memory.documents()
    assert again.settings_hash != first.settings_hash
