"""No bitext command removes or replaces a file it did not create.

Every option of every subcommand that takes a path is tried with a real
release (a copy of the bundled sample) sitting at that path, with and without
``--force`` where the command has it: the release must be byte-identical
afterwards, and a refusal must be one line ``bitext: error: ...``. The options
are read from the command line's own parsers, so a new path option that is
not listed here fails `test_every_option_is_classified` until it is.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bitext.cli import build_parser, main

# Not in the quick subset (-m "not slow"):
# every command against every kind of existing output, in subprocesses.
pytestmark = pytest.mark.slow

#: (command, dest) -> (name the release gets, the command line; "R" stands for its path).
#: The other files: IN a release to align, TMX a TMX bitext wrote, TM a memory, GOLD a gold file.
PATH_OPTIONS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("align", "inputs"): ("release.txt", ("align", "R", "-o", "new.tmx", "-q")),
    ("align", "output"): ("out.tmx", ("align", "IN", "-o", "R", "-q")),
    ("align", "srx"): ("rules.srx", ("align", "IN", "-o", "new.tmx", "--srx", "R", "-q")),
    ("align", "cache_file"): ("c.sqlite", ("align", "IN", "-o", "new.tmx", "--cache-file", "R")),
    ("align", "encoder"): ("model", ("align", "IN", "-o", "new.tmx", "--encoder", "sbert:R")),
    ("report", "input"): ("release.txt", ("report", "R", "-o", "new.html", "-q")),
    ("report", "output"): ("page.html", ("report", "IN", "-o", "R", "-q")),
    ("report", "srx"): ("rules.srx", ("report", "IN", "-o", "new.html", "--srx", "R", "-q")),
    ("report", "cache_file"): ("c.sqlite", ("report", "IN", "-o", "new.html", "--cache-file", "R")),
    ("report", "encoder"): ("model", ("report", "IN", "-o", "new.html", "--encoder", "sbert:R")),
    ("batch", "inputs"): ("release.txt", ("batch", "R", "--tm", "new.sqlite", "-q")),
    ("batch", "tm"): ("tm.sqlite", ("batch", "IN", "--tm", "R", "-q")),
    ("batch", "output"): ("out.tmx", ("batch", "IN", "-o", "R", "-q")),
    ("batch", "srx"): ("rules.srx", ("batch", "IN", "--tm", "new.sqlite", "--srx", "R", "-q")),
    ("batch", "cache_file"): ("c.sqlite", ("batch", "IN", "-o", "new.tmx", "--cache-file", "R")),
    ("batch", "encoder"): ("model", ("batch", "IN", "-o", "new.tmx", "--encoder", "sbert:R")),
    # review: each refusal comes before serving (a bad --port before any file is read).
    ("review", "inputs"): ("release.txt", ("review", "R", "--tm", "new.sqlite", "--port", "70000")),
    ("review", "tm"): ("tm.sqlite", ("review", "IN", "--tm", "R", "--no-browser")),
    ("review", "srx"): ("rules.srx", ("review", "IN", "--tm", "new.sqlite", "--srx", "R")),
    ("review", "cache_file"): (
        "c.sqlite",
        ("review", "IN", "--tm", "new.sqlite", "--cache-file", "R", "--no-browser"),
    ),
    ("review", "encoder"): (
        "model",
        ("review", "IN", "--tm", "new.sqlite", "--encoder", "sbert:R", "--no-browser"),
    ),
    ("eval", "gold"): ("gold.json", ("eval", "R")),
    ("eval", "predicted"): ("pred.tsv", ("eval", "GOLD", "--predicted", "R")),
    ("eval", "encoder"): ("model", ("eval", "GOLD", "--encoder", "sbert:R")),
    ("tmx merge", "inputs"): ("in.tmx", ("tmx", "merge", "TMX", "R", "-o", "new.tmx")),
    ("tmx merge", "output"): ("out.tmx", ("tmx", "merge", "TMX", "-o", "R")),
    ("tm merge", "inputs"): ("in.tmx", ("tm", "merge", "TMX", "R", "-o", "new.tmx")),
    ("tm merge", "output"): ("out.tmx", ("tm", "merge", "TMX", "-o", "R")),
    ("tm search", "tm"): ("tm.sqlite", ("tm", "search", "重庆", "--tm", "R")),
    ("tm search", "encoder"): (
        "model",
        ("tm", "search", "重庆", "--semantic", "--tm", "TM", "--encoder", "sbert:R"),
    ),
    ("tm import", "inputs"): ("in.tmx", ("tm", "import", "R", "--tm", "new.sqlite")),
    ("tm import", "tm"): ("tm.sqlite", ("tm", "import", "TMX", "--tm", "R")),
    ("tm export", "tm"): ("tm.sqlite", ("tm", "export", "--tm", "R", "-o", "new.tmx")),
    ("tm export", "output"): ("out.tmx", ("tm", "export", "--tm", "TM", "-o", "R")),
    ("tm info", "tm"): ("tm.sqlite", ("tm", "info", "--tm", "R")),
    ("srx", "output"): ("rules.srx", ("srx", "-o", "R")),
    ("validate", "files"): ("in.tmx", ("validate", "R")),
    ("terms extract", "inputs"): ("release.txt", ("terms", "extract", "R", "-o", "new.tsv", "-q")),
    ("terms extract", "output"): ("out.tsv", ("terms", "extract", "IN", "-o", "R", "-q")),
    ("terms extract", "tm"): ("tm.sqlite", ("terms", "extract", "--tm", "R", "-o", "new.tsv")),
    ("terms extract", "srx"): (
        "rules.srx",
        ("terms", "extract", "IN", "-o", "new.tsv", "--srx", "R", "-q"),
    ),
    ("terms extract", "cache_file"): (
        "c.sqlite",
        ("terms", "extract", "IN", "-o", "new.tsv", "--cache-file", "R", "-q"),
    ),
    ("terms extract", "encoder"): (
        "model",
        ("terms", "extract", "IN", "-o", "new.tsv", "--encoder", "sbert:R"),
    ),
    ("terms check", "tm"): ("tm.sqlite", ("terms", "check", "--tm", "R")),
    ("terms check", "glossary"): ("g.tsv", ("terms", "check", "--tm", "TM", "--glossary", "R")),
    ("terms check", "output"): ("report.html", ("terms", "check", "--tm", "TM", "-o", "R")),
}

#: Options that name no file: flags, numbers, languages, choices, text, globs, addresses.
NOT_PATHS = {
    "force", "quiet", "format", "min_score", "low_score", "title", "zh_script", "src_lang",
    "tgt_lang", "segmentation", "overrides", "cache", "jobs", "engine", "no_vectors", "json",
    "query", "concordance", "semantic", "limit", "min_match", "since", "until", "flag",
    "unflagged",
    "scheduler",  # a Dask scheduler's address (tcp://host:8786)
    "document",  # a glob matched against the names stored in the memory; opens no file
    "name",  # what outputs call the document (x-document); opens no file
    "max_chars",
    "held",  # tm export --held: a switch
    "approved_only",  # tm export --approved-only: a switch
    "host", "port", "no_browser",  # review: where to listen, whether to open a browser
    "user",  # review --user NAME: a name kept with each decision
    "min_count", "min_confidence", "types",  # terms extract: numbers and kinds of term
}  # fmt: skip


def options(parser: argparse.ArgumentParser, command: str = "") -> Iterator[tuple[str, str]]:
    """(command, dest) of every option and positional of every subcommand."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from options(sub, f"{command} {name}".strip())
        elif not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            yield command, action.dest


def has_force(command: str) -> bool:
    return (command, "force") in set(options(build_parser()))


def test_every_option_is_classified():
    found = set(options(build_parser()))
    unclassified = {o for o in found if o not in PATH_OPTIONS and o[1] not in NOT_PATHS}
    assert not unclassified, f"say whether these take a path: {sorted(unclassified)}"
    assert set(PATH_OPTIONS) <= found  # no stale entries


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, sample_path: Path) -> Path:
    """A TMX and a memory bitext made from the sample: real files for the other arguments."""
    folder = tmp_path_factory.mktemp("made")
    shutil.copy(sample_path, folder / "in.txt")
    assert main(["align", str(folder / "in.txt"), "-o", str(folder / "made.tmx"), "-q"]) == 0
    assert main(["tm", "import", str(folder / "made.tmx"), "--tm", str(folder / "tm.sqlite")]) == 0
    return folder


CASES = [
    pytest.param(key, force, id=f"{key[0]} {key[1]}{' --force' if force else ''}")
    for key in PATH_OPTIONS
    for force in (False, True)
    if not force or has_force(key[0])
]


@pytest.mark.parametrize(("key", "force"), CASES)
def test_a_release_at_any_path_option_is_kept(
    key: tuple[str, str],
    force: bool,
    made: Path,
    sample_path: Path,
    shared_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path / "cache"))
    name, line = PATH_OPTIONS[key]
    release = tmp_path / name
    release.write_bytes(sample_path.read_bytes())
    shutil.copy(sample_path, tmp_path / "in.txt")
    shutil.copy(made / "made.tmx", tmp_path / "made.tmx")
    shutil.copy(made / "tm.sqlite", tmp_path / "made.sqlite")
    gold = shared_dir / "eval" / "wmt22-news" / "docs" / "abcnews.53861.json"
    files = {"R": name, "sbert:R": f"sbert:{name}", "IN": "in.txt", "TMX": "made.tmx",
             "TM": "made.sqlite", "GOLD": str(gold)}  # fmt: skip
    argv = [files.get(arg, arg) for arg in line]
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    code = main([*argv, *(["--force"] if force else [])])
    err = capsys.readouterr().err
    assert release.read_bytes() == sample_path.read_bytes(), f"{argv}: the release changed"
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert {k: after.get(k) for k in before} == before  # nothing else lost either
    if code != 0:  # refused: in one line
        assert err.startswith("bitext: error: ") and err.count("\n") == 1, err
