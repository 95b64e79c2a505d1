"""Running the real `bitext` command in a child process (not a test module: no test_ prefix).

Tests that check exit codes, stderr lines and what lands on disk run the
command line as a user does, through ``python -m bitext.cli``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "bitext.cli", *map(str, args)]


def run_cli(
    *args: str | Path, cwd: Path, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run `bitext ARGS` to the end; its output captured as text."""
    return subprocess.run(
        command(*args), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def start_cli(*args: str | Path, cwd: Path, **options: Any) -> subprocess.Popen:
    """Start `bitext ARGS` without waiting (to interrupt or kill it); stdout/stderr piped."""
    return subprocess.Popen(
        command(*args),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )
