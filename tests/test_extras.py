"""The notebooks extra: one install gives an analyst JupyterLab, a kernel, and every
library the shipped notebooks import."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


def notebook_imports() -> set[str]:
    """Top-level modules the notebooks in notebooks/ import."""
    found = set()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            for line in "".join(cell["source"]).splitlines():
                match = re.match(r"\s*(?:import|from)\s+([A-Za-z_]\w*)", line)
                if match:
                    found.add(match.group(1))
    return found


def test_the_notebooks_extra_gives_jupyter_and_what_the_notebooks_import():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = requirement_names(project["optional-dependencies"]["notebooks"])
    assert {"jupyterlab", "ipykernel"} <= extra
    installed = requirement_names(project["dependencies"]) | extra | {"bitext"}
    # Module names as distributions are named (IPython is the ipython package).
    third_party = {m.lower() for m in notebook_imports() - set(sys.stdlib_module_names)}
    assert third_party, "no notebook imports found"
    assert third_party <= installed, third_party - installed
