"""CI executes every notebook in notebooks/ (nbclient, a real Jupyter kernel) on a generated multi-night
results folder, so none rots: a cell that raises fails the test."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert {p.name for p in NOTEBOOKS} >= {"explore_results.ipynb", "trends.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path: Path, nights: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_RESULTS", str(nights))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code")  # every cell ran
    if path.stem == "trends":
        text = "".join(o.get("text", "") for o in outputs)
        assert "12 calls, 4 agents, nights 2025-03-03 .. 2025-03-05" in text
        figures = [o for o in outputs if "image/png" in o.get("data", {})]
        assert len(figures) >= 5  # score, pass-rate heat map, rate matching, holds, fillers
        tables = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
        assert "A102" in tables and "slipping_since" in tables
