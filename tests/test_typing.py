"""The type checker finds nothing in `src/` (issue 18): the annotations users of the
shipped `py.typed` rely on agree with the code.

mypy runs with the project's own settings (`[tool.mypy]` in pyproject.toml), as
`.ci/run` runs it. Without mypy the test skips, unless ``BITEXT_REQUIRE_MYPY=1``
(set in CI), where a missing checker must fail rather than pass unseen.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _require_mypy() -> None:
    try:
        import mypy  # noqa: F401
    except ImportError:
        if os.environ.get("BITEXT_REQUIRE_MYPY") == "1":
            pytest.fail("BITEXT_REQUIRE_MYPY=1 but mypy cannot be imported", pytrace=False)
        pytest.skip("mypy is not installed (pip install -e '.[dev]')")


@pytest.mark.slow
def test_mypy_reports_no_error_in_src() -> None:
    _require_mypy()
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # A configuration that checked nothing would also exit 0: every module must be read.
    checked = re.search(r"no issues found in (\d+) source files", run.stdout)
    assert checked, run.stdout
    assert int(checked.group(1)) == len(list((ROOT / "src" / "bitext").rglob("*.py")))
