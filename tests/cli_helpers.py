"""Running the real `bitext` command in a child process (not a test module: no test_ prefix).

Tests that check exit codes, stderr lines and what lands on disk run the
command line as a user does, through ``python -m bitext.cli``.
"""

from __future__ import annotations

import os
import shutil
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


def unprivileged() -> tuple[str, ...]:
    """A command prefix under which file permissions hold even for root.

    Root writes anywhere: `setpriv` drops the capabilities that allow it
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). Empty for other users; skips the
    test when running as root without setpriv. A run whose stderr mentions
    setpriv could not drop them either: see `skip_if_setpriv_failed`.
    """
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        import pytest

        pytest.skip("running as root and setpriv is not available to drop privileges")
    drop = "-dac_override,-dac_read_search"
    return (setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}")


def skip_if_setpriv_failed(prefix: tuple[str, ...], stderr: str) -> None:
    if prefix and "setpriv" in stderr:
        import pytest

        pytest.skip(f"cannot drop privileges here: {stderr.strip()}")
