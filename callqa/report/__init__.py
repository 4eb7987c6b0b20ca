"""Reports for supervisors (static HTML, CSV/XLSX agent summary) and `load_results` for analysts."""

from __future__ import annotations

from typing import Any

__all__ = ["Results", "load_results"]


def __getattr__(name: str) -> Any:
    """`Results` and `load_results` import pandas: only on first use, so `callqa.report.anchors` stays light
    (`callqa search` reads it on every query)."""
    if name in __all__:
        from callqa.report import load

        return getattr(load, name)
    raise AttributeError(f"module 'callqa.report' has no attribute {name!r}")
