"""The config helpers are a leaf: no import cycle between config, checks, scorecards and the signal layer."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded_after(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(m for m in sys.modules if m.startswith('callqa')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_dataconf_is_a_leaf() -> None:
    assert _loaded_after("callqa.dataconf") == {"callqa", "callqa.dataconf"}


@pytest.mark.parametrize(
    "module", ["callqa.signal.config", "callqa.checks.registry", "callqa.scoring.scorecard"]
)
def test_config_layers_do_not_import_the_config_module(module: str) -> None:
    assert "callqa.config" not in _loaded_after(module)
