"""The notebooks run top to bottom on a fresh kernel, and are committed already executed.

Each notebook is executed from an in-memory copy (the executed copy is written to
tmp_path), never in place: the committed file is what a reader sees on GitHub.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest

try:
    import nbformat
    from nbclient import NotebookClient
except ImportError:
    if os.environ.get("BITEXT_REQUIRE_NOTEBOOKS"):
        pytest.fail(
            "nbclient and nbformat are required (BITEXT_REQUIRE_NOTEBOOKS is set)", pytrace=False
        )
    pytest.skip("nbclient/nbformat not installed: pip install -e '.[dev]'", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "notebooks"
# Each is run from a different working directory: both must find the repository.
NOTEBOOKS = {
    "01_align_a_press_release.ipynb": FOLDER,
    "02_evaluate_on_gold.ipynb": ROOT,
    "03_term_base.ipynb": FOLDER,
}
CELL_TIMEOUT = 180

pytestmark = pytest.mark.slow


def _read(name: str) -> Any:
    return nbformat.read(FOLDER / name, as_version=4)


def _code_cells(notebook: Any) -> list[Any]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _errors(notebook: Any) -> list[str]:
    return [
        f"cell {i}: {out.ename}: {out.evalue}"
        for i, cell in enumerate(notebook.cells)
        for out in cell.get("outputs", [])
        if out.output_type == "error"
    ]


def _kinds(cell: Any) -> set[tuple[str, ...]]:
    """What a cell displayed: stream names and MIME types, not the (timing-dependent) values."""
    kinds = set()
    for out in cell.outputs:
        if out.output_type == "stream":
            kinds.add(("stream", out.name))
        elif "data" in out:
            kinds.add((out.output_type, *sorted(out.data)))
        else:
            kinds.add((out.output_type,))
    return kinds


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_holds_its_outputs(name: str):
    notebook = _read(name)
    cells = _code_cells(notebook)
    # Run once, top to bottom, on one kernel: counts 1, 2, 3... with no gap.
    assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1)), name
    assert not _errors(notebook)
    mimes = {mime for cell in cells for out in cell.outputs for mime in out.get("data", {})}
    assert {"image/png", "text/html"} <= mimes, f"{name}: figures and tables missing"
    text = (FOLDER / name).read_text(encoding="utf-8")
    assert str(ROOT) not in text, f"{name}: outputs show this machine's paths"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_executes_cleanly(
    name: str, shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    committed = _read(name)
    notebook = copy.deepcopy(committed)
    for cell in _code_cells(notebook):
        cell.outputs, cell.execution_count = [], None
    # The kernel inherits this environment: inline figures as in Jupyter, the shared
    # material where the fixture found it, and nothing that could reach a model hub.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.setenv("BITEXT_SHARED", str(shared_dir.resolve()))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS[name])}},
    )
    client.execute()
    nbformat.write(notebook, tmp_path / name)
    assert not _errors(notebook)
    for i, cell in enumerate(_code_cells(notebook)):
        assert not any("Traceback" in out.get("text", "") for out in cell.outputs), (name, i)
    # The committed outputs are those of the current code, as far as their shape goes.
    fresh = [_kinds(cell) for cell in _code_cells(notebook)]
    assert fresh == [_kinds(cell) for cell in _code_cells(committed)], name
