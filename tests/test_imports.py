"""The import graph of callqa/ has no circle, and the config helpers are a leaf.

The graph is built statically (ast) from every `import` in every module — at the top, inside functions and
under `TYPE_CHECKING` alike: a lazy import hides a circle from Python, not from the design. A package's
`__init__` importing its own modules (the check catalog) is the package, not a circle, so the implicit
import of a parent package is not an edge.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules(root: Path) -> dict[str, Path]:
    mods = {}
    for path in (root / "callqa").rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the callqa modules it imports (`from pkg import mod` counts as importing `pkg.mod`)."""
    mods = _modules(root)

    def known(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for mod, path in mods.items():
        package = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
        edges: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges |= {known(a.name) for a in node.names if a.name.split(".")[0] == "callqa"}
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                name = ".".join([*base, *([node.module] if node.module else [])])
                if name.split(".")[0] != "callqa":
                    continue
                for alias in node.names:
                    full = f"{name}.{alias.name}"
                    edges.add(full if full in mods else known(name))
        graph[mod] = {e for e in edges if e is not None and e != mod}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    pkg = tmp_path / "callqa"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from . import b\n")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from callqa.sub.b import X\n"
    )
    (pkg / "sub" / "b.py").write_text("def f():\n    import callqa.sub.c\n")
    (pkg / "sub" / "c.py").write_text("from ..a import Y\n")
    graph = import_graph(tmp_path)
    assert graph["callqa.a"] == {"callqa.sub.b"} and graph["callqa.sub.b"] == {"callqa.sub.c"}
    assert graph["callqa.sub.c"] == {"callqa.a"} and graph["callqa.sub"] == {"callqa.sub.b"}
    assert import_cycles(graph) == [["callqa.a", "callqa.sub.b", "callqa.sub.c"]]


def test_callqa_has_no_import_cycle() -> None:
    cycles = import_cycles(import_graph())
    assert not cycles, "import circles (move the shared piece down): " + "; ".join(
        " <-> ".join(c) for c in cycles
    )


def _loaded_after(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(m for m in sys.modules if m.startswith('callqa')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_dataconf_is_a_leaf() -> None:
    assert _loaded_after("callqa.dataconf") == {"callqa", "callqa.version", "callqa.dataconf"}


@pytest.mark.parametrize(
    "module", ["callqa.signal.config", "callqa.checks.registry", "callqa.scoring.scorecard"]
)
def test_config_layers_do_not_import_the_config_module(module: str) -> None:
    assert "callqa.config" not in _loaded_after(module)
