"""Where the shipped YAML lives: `configs/` of a source checkout, or `callqa/configs/` inside an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def config_dir() -> Path:
    """The folder with default.yaml, phrases/ and scorecards/ (a wheel carries a copy: see setup.py)."""
    inside = _PACKAGE / "configs"
    return inside if (inside / "default.yaml").is_file() else _PACKAGE.parent / "configs"
