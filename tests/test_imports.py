"""The module graph of `bitext` has no import cycle, and the layers point one way.

Issue 18 item 5: the data model imports nothing above it, and issue 18 item 1:
the TMX format (`bitext.tmx`) owns itself and never reaches into the export
stage that builds on it. The graph is read from the source with `ast`, so
an import added anywhere at module level is seen without running anything.

An edge A -> B means: A imports B at module level (a class body counts, a
function body does not: it runs later, once every module is loaded, so a lazy
import is how a lower layer reaches a higher one for one method). Imports under
`if TYPE_CHECKING:` count too: they never run, but a type that has to be named
from above is the same upside-down dependency (issue 18 names `AlignConfig`'s).
`from P import name` is an edge to the submodule P.name when there is one,
else to P itself (its namespace is read while P may still be loading).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "bitext"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _module_level(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module is imported."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):  # `if TYPE_CHECKING:` included, see above
            yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level(block)
            for handler in node.handlers:
                yield from _module_level(handler.body)
        elif isinstance(node, ast.With | ast.ClassDef):
            yield from _module_level(node.body)


def _base(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    parts = module.split(".")
    anchor = parts if is_package else parts[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def _imports(module: str) -> set[str]:
    """The `bitext` modules `module` imports at module level."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    targets: set[str] = set()
    for node in _module_level(tree.body):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = _base(module, node)
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            targets.add(sub if sub in MODULES else base)
    return {t for t in targets if t in MODULES and t != module}


GRAPH = {module: _imports(module) for module in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component that has one (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_the_graph_sees_the_packages_modules_and_their_imports():
    # Guards the walk itself: an empty graph would have no cycle either.
    assert len(MODULES) > 50
    assert "bitext.tmx._reader" in GRAPH["bitext.tmx"]
    assert "bitext.lang" in GRAPH["bitext.model"]
    # A function-level import is not an edge: Alignment.plot imports bitext.plot lazily.
    assert "bitext.plot" not in GRAPH["bitext.model"]


def test_no_import_cycle_in_src():
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles in src/bitext: " + "; ".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("bitext.tmx")))
def test_tmx_imports_nothing_from_export(module: str):
    assert not {t for t in GRAPH[module] if t.startswith("bitext.export")}


def test_tmx_imports_nothing_from_export_even_inside_functions():
    for module in (m for m in MODULES if m.startswith("bitext.tmx")):
        for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("bitext.export"), module
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("bitext.export") for a in node.names), module


def test_the_data_model_imports_only_the_language_module():
    assert GRAPH["bitext.model"] <= {"bitext.lang"}


def test_the_batch_worker_does_not_import_the_batch_runner():
    # Issue 18 item 4: the worker is below the runner that drives it, not beside it.
    assert "bitext.tm.batch" not in GRAPH["bitext.tm.worker"]
    assert "bitext.tm.worker" in GRAPH["bitext.tm.batch"]


def test_the_aligner_settings_sit_below_the_align_package():
    # Issue 18 item 5: `AlignConfig` has a module of its own that the search's
    # modules import; none of them imports the package that imports them.
    assert "bitext.align" not in GRAPH["bitext.align.align_config"]
    for module in ("bitext.align.passes", "bitext.align.band_scores", "bitext.align.guide"):
        assert "bitext.align.align_config" in GRAPH[module]
        assert "bitext.align" not in GRAPH[module], module
