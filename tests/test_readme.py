"""The README's examples print what the README says they print: its `$ bitext ...`
sessions are run and their output compared line by line, and its Python lines that
show a result in a comment below them are evaluated and compared with it (at the
precision the README prints). A changed score or summary fails here until the README
shows the new one."""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import bitext

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, re.S | re.M)


def sessions() -> list[tuple[str, list[str]]]:
    """Each `$ command` of a text block, with the output lines shown below it."""
    found = []
    for block in blocks("text"):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
            if chunk.startswith("$ "):
                command, *output = chunk.rstrip("\n").splitlines()
                found.append((command[2:], output))
    return found


def shown_results() -> list[tuple[str, str]]:
    """`name = expression` lines of Python blocks followed by a `# result` comment line."""
    found = []
    for block in blocks("python"):
        lines = block.splitlines()
        for line, below in itertools.pairwise(lines):
            statement = re.fullmatch(r"\w+ = (bitext\..+)", line.strip())
            if statement and below.startswith("# ["):
                found.append((statement.group(1), below[2:].strip()))
    return found


def test_the_readme_has_examples_with_output():
    assert any(command.startswith("bitext align ") for command, _ in sessions())
    assert any("align_sentences" in expression for expression, _ in shown_results())


@pytest.mark.parametrize(("command", "output"), sessions(), ids=lambda v: str(v)[:40])
@pytest.mark.slow
def test_a_readme_session_prints_what_the_readme_shows(command, output, tmp_path: Path):
    # In a scratch copy of what the command names, so the checkout gets no output file.
    for word in shlex.split(command):
        if (ROOT / word).is_file():
            (tmp_path / word).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / word, tmp_path / word)
    program, *args = shlex.split(command)
    assert program == "bitext"
    done = subprocess.run(
        [sys.executable, "-m", "bitext.cli", *args], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (done.stderr + done.stdout).splitlines() == output


@pytest.mark.parametrize(("expression", "shown"), shown_results(), ids=lambda v: str(v)[:40])
def test_a_readme_python_result_is_what_the_readme_shows(expression, shown):
    result = eval(expression, {"bitext": bitext})  # the README's own line
    assert repr(result) == shown
