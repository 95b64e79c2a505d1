"""Names that explain themselves (issue 18, item 6): one module per basename, no generic
`Report`, no search entry point without a caller, and `bitext tmx merge` for TMX files
(with `bitext tm merge`, its former spelling, still working)."""

from __future__ import annotations

import ast
import importlib
from collections import Counter
from pathlib import Path

import pytest

import bitext
from bitext import tmx
from bitext.cli import build_parser, main

SRC = Path(__file__).resolve().parents[1] / "src" / "bitext"

#: Names that said too little beside a neighbour: `lexicon` next to `lexical`,
#: `scoring` next to `gains` (both scored beads), `neighbours` held the margins.
VAGUE = {"lexicon", "scoring", "gains", "neighbours"}


def _modules() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if p.stem not in ("__init__", "__main__")]


def test_no_two_modules_share_a_basename():
    # The command line's modules are named after their commands (cli/align.py is
    # `bitext align`), so they may repeat a stage's name; nothing else may.
    stems = Counter(p.stem.lstrip("_") for p in _modules() if "cli" not in p.parts)
    assert [stem for stem, count in stems.items() if count > 1] == []
    assert not VAGUE & set(stems)


def test_no_class_is_called_just_a_report():
    # Four "reports" meant four things; each class now says what it holds.
    names = {
        node.name
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    }
    assert {"Evaluation", "BatchRun", "MergeCounts"} <= names
    assert not {name for name in names if name.endswith("Report")}


def test_former_names_still_resolve_to_the_renamed_classes():
    evaluate = importlib.import_module("bitext.evaluate")
    tm = importlib.import_module("bitext.tm")
    assert bitext.Report is evaluate.Evaluation is bitext.Evaluation
    assert tm.BatchReport is tm.BatchRun
    assert tmx.MergeReport is tmx.MergeCounts


def test_search_entry_points_without_a_caller_are_gone():
    align = importlib.import_module("bitext.align")
    dp = importlib.import_module("bitext.align.dp")
    windows = importlib.import_module("bitext.align.windows")
    side = importlib.import_module("bitext.align.side")
    assert not hasattr(align, "align_windows") and "align_windows" not in align.__all__
    assert not hasattr(dp, "search")
    assert not hasattr(windows, "embed_windows") and not hasattr(windows, "Windows")
    assert not hasattr(side.Side, "from_windows")


def _help(*argv: str) -> str:
    parser = build_parser()
    for name in argv:
        (action,) = (a for a in parser._actions if a.dest.endswith("command"))
        parser = action.choices[name]
    return parser.format_help()


def test_tmx_merge_is_listed_under_tmx_and_not_under_tm():
    assert "merge" in _help("tmx")
    assert "merge" not in _help("tm").split("positional arguments:")[1]
    assert "former spelling of `bitext tmx merge`" in _help("tm", "merge")


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory, sample_path: Path, shared_dir: Path):
    """Two TMX files bitext wrote from real releases: the sample and a Hong Kong one."""
    folder = tmp_path_factory.mktemp("released")
    hk = shared_dir / "eval" / "hk-releases" / "mixed" / "20251113_cedd_chai_wan_barging_point.txt"
    made = []
    for source in (sample_path, hk):
        out = folder / f"{source.stem}.tmx"
        assert main(["align", str(source), "-o", str(out), "-q"]) == 0
        made.append(out)
    return made


@pytest.mark.parametrize("command", [["tmx", "merge"], ["tm", "merge"]], ids=" ".join)
def test_both_spellings_merge_real_tmx_files(command, released, tmp_path, capsys):
    out = tmp_path / "all.tmx"
    assert main([*command, *map(str, released), str(released[0]), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    pairs = [set(tmx.read(path).pairs("zh", "en")) for path in released]
    # The sample read again: every unit of it is a repeat.
    assert f"{released[0]}: {len(pairs[0])} read, 0 kept, {len(pairs[0])} merged" in err
    assert set(tmx.read(out).pairs("zh", "en")) == pairs[0] | pairs[1]
    assert len(tmx.read(out).units) == len(pairs[0] | pairs[1])
    assert main([*command, str(released[1]), "-o", str(out)]) == 3  # never over a file
