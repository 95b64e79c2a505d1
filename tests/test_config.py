"""Issue 18 item 2: one frozen `PipelineConfig` carries every setting from the command line
to the worker, and a batch's identity stays what earlier versions stored."""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import bitext
from bitext.align import AlignConfig
from bitext.cli import build_parser, main
from bitext.cli._common import pipeline_config
from bitext.config import PipelineConfig
from bitext.segment.srx import srx_bytes
from bitext.tm import BatchSettings, TranslationMemory, batch_align, iter_batch
from bitext.tm._sql import fingerprint

SRC = Path(__file__).resolve().parent.parent / "src" / "bitext"


def old_identity(**changes: object) -> dict[str, object]:
    """What `BatchSettings.identity()` returned before PipelineConfig, read off its code:
    the script identity, then segmentation, encoder ("usem3" for None), tgt_lang, and every
    AlignConfig field as `check_options` coerced it."""
    return {
        "zh_script": "simplified",
        "src_lang": "zh-CN",
        "segmentation": "bitext",
        "encoder": "usem3",
        "tgt_lang": "en-US",
        "aligner": dataclasses.asdict(AlignConfig()),
        **changes,
    }


def test_the_config_is_frozen_hashable_and_public():
    config = PipelineConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.zh_script = "keep"  # type: ignore[misc]
    assert hash(config) == hash(PipelineConfig())
    assert {config, PipelineConfig(), PipelineConfig(zh_script="keep")} == {
        config,
        PipelineConfig(zh_script="keep"),
    }
    assert "PipelineConfig" in bitext.__all__ and bitext.PipelineConfig is PipelineConfig
    # An SRX file is named by its path, so a config that uses one is hashable too.
    assert hash(PipelineConfig(segmentation="rules.srx")) == hash(
        PipelineConfig(segmentation="rules.srx")
    )


def test_an_srx_file_named_for_every_document_is_parsed_once_per_version(tmp_path: Path):
    from bitext.segment import resolve_rules

    path = tmp_path / "rules.srx"
    path.write_bytes(srx_bytes())
    first = resolve_rules(str(path))
    assert resolve_rules(str(path)) is first
    path.write_bytes(srx_bytes().replace(b"<header", b"<header ", 1) + b"\n")  # edited
    again = resolve_rules(str(path))
    assert again is not first and again == first


def test_overrides_reach_either_level_and_are_checked_as_the_aligner_checks_them():
    config = PipelineConfig().with_overrides(zh_script="keep", knn=4.0, trim_gain=None)
    assert (config.zh_script, config.align.knn, config.align.trim_gain) == ("keep", 4, None)
    assert isinstance(config.align.knn, int)  # 4.0 is knn=4: the same identity
    assert PipelineConfig.from_options({"knn": 4.0}) == PipelineConfig()
    assert PipelineConfig(align=AlignConfig(knn=4.0)) == PipelineConfig()  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^unknown alignment option\(s\): colour$"):
        PipelineConfig.from_options({"colour": "blue"})
    with pytest.raises(ValueError, match="knn must be at least 1"):
        PipelineConfig().with_overrides(knn=0)
    with pytest.raises(ValueError, match="knn must be at least 1"):
        PipelineConfig(align=AlignConfig(knn=0))


def test_settings_travel_in_the_config_only():
    def keywords(function: object) -> set[str]:
        params = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
        assert not any(p.kind is p.VAR_KEYWORD for p in params), function
        return {p.name for p in params if p.kind is p.KEYWORD_ONLY}

    # Besides the config only resources (the encoder, the cache's memo) and the output's name.
    assert keywords(bitext.align_document) == {"config", "encoder", "name", "memo"}
    assert keywords(bitext.align_text) == {"source", "config", "encoder", "name", "memo"}
    keywords(batch_align)
    keywords(iter_batch)
    # The batch's settings hold one PipelineConfig and redeclare none of its defaults.
    assert {f.name for f in dataclasses.fields(BatchSettings)} == {"pipeline", "vectors", "cache"}
    assert BatchSettings().pipeline == PipelineConfig()


def test_the_batch_identity_is_what_earlier_versions_stored(tmp_path: Path):
    assert PipelineConfig().identity() == old_identity()
    assert BatchSettings().identity() == old_identity()
    assert PipelineConfig(zh_script="simplified", src_lang="zh-CN").identity() == old_identity()
    traditional = {"zh_script": "traditional", "src_lang": "from-text"}
    rule = {"zh_variant": "regional, author's forms"}
    assert PipelineConfig(zh_script="traditional").identity() == old_identity(**traditional, **rule)
    tagged = {"zh_script": "from-tag", "src_lang": "zh-TW", **rule}
    assert PipelineConfig(src_lang="zh-TW").identity() == old_identity(**tagged)
    keep = {"zh_script": "keep", "src_lang": "from-text", "zh_variant": "keep: tag from the text"}
    assert PipelineConfig(zh_script="keep").identity() == old_identity(**keep)
    rules = tmp_path / "rules.srx"
    rules.write_bytes(srx_bytes())
    by_content = "srx:" + hashlib.sha256(rules.read_bytes()).hexdigest()[:16]
    assert PipelineConfig(segmentation=str(rules)).identity() == old_identity(
        segmentation=by_content
    )
    aligner = {**dataclasses.asdict(AlignConfig()), "refine_weight": 0.0}
    assert PipelineConfig.from_options({"refine_weight": 0}).identity() == old_identity(
        aligner=aligner
    )


@pytest.mark.parametrize("command", ["align", "report", "batch"])
def test_the_command_line_defaults_are_the_config_s(command: str):
    argv = [command, "in.txt", "-o", "out.file"]
    args = build_parser().parse_args(argv)
    defaults = PipelineConfig()
    for name in ("zh_script", "src_lang", "tgt_lang", "segmentation", "encoder"):
        assert getattr(args, name) == getattr(defaults, name), name
    assert args.overrides == []
    assert pipeline_config(args) == defaults


def test_reading_the_defaults_loads_nothing_heavy():
    # The parser takes its defaults from PipelineConfig: the class must not pull the
    # aligner (numpy) or OpenCC into `bitext --help`.
    code = (
        "import sys, bitext.cli; bitext.cli.build_parser(); "
        "print([m for m in ('numpy', 'opencc', 'lxml') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_an_unknown_set_key_is_the_library_s_one_line_error(sample_path: Path, tmp_path, capsys):
    with pytest.raises(TypeError) as library:
        PipelineConfig.from_options({"colour": "blue"})
    out = tmp_path / "x.tmx"
    assert main(["align", str(sample_path), "-o", str(out), "-q", "--set", "colour=1"]) == 2
    assert capsys.readouterr().err == f"bitext: error: --set: {library.value}\n"
    assert not out.exists()


@pytest.mark.slow
def test_the_command_line_batch_stores_the_library_s_identity(sample_path: Path, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / "release.txt")
    tm = tmp_path / "tm.sqlite"
    flags = ["--zh-script", "keep", "--set", "knn=4.0", "--set", "refine_weight=0"]
    assert main(["batch", str(folder), "--tm", str(tm), "-q", "--no-vectors", *flags]) == 0
    config = PipelineConfig.from_options({"zh_script": "keep", "refine_weight": 0})
    with TranslationMemory(tm) as memory:
        (stored,) = memory.documents()
        assert stored.settings_hash == fingerprint(config.identity())
    # The library with the same settings finds the document stored: nothing realigned.
    report = batch_align([folder], tm, BatchSettings(config, vectors=False))
    assert (report.count("skipped"), report.count("added")) == (1, 0)


def _literals(path: Path) -> list[str]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def test_the_default_tags_and_script_are_spelled_once():
    spelled = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if {"zh-CN", "en-US", "simplified"} & set(_literals(path))
    }
    assert spelled == {"lang.py"}
    defined = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id == "ZH_SCRIPTS"
    }
    assert defined == {"lang.py"}


def test_a_batch_worker_cuts_every_document_by_the_rules_it_started_with(
    tmp_path: Path, sample_path: Path
):
    # The rules are parsed once: an SRX file deleted mid-run fails no later document
    # (and one edited mid-run cannot cut documents differently from the identity stored).
    from bitext.tm.worker import Aligned, Worker

    rules = tmp_path / "rules.srx"
    rules.write_bytes(srx_bytes())
    worker = Worker(BatchSettings(PipelineConfig(segmentation=str(rules)), cache=None))
    data = sample_path.read_bytes()
    first = worker.align("a.txt", data)
    rules.unlink()
    second = worker.align("b.txt", data)
    assert isinstance(first, Aligned) and isinstance(second, Aligned), second
    assert first.record.pairs == second.record.pairs


def test_a_batch_with_a_missing_srx_file_is_one_line_and_creates_no_memory(
    tmp_path: Path, sample_path: Path, capsys
):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / "release.txt")
    memory = tmp_path / "tm.sqlite"
    code = main(["batch", str(folder), "--tm", str(memory), "--srx", str(tmp_path / "no.srx")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "no.srx" in err[0], err
    assert not memory.exists()


def test_an_unreadable_srx_file_in_an_identity_is_an_input_error(tmp_path: Path):
    with pytest.raises(bitext.InputError, match=r"no\.srx"):
        PipelineConfig(segmentation=str(tmp_path / "no.srx")).identity()
