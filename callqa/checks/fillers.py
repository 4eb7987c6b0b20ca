"""The `fillers` check (placeholder until its issue lands: always `na`)."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.types import Call, CheckResult, na


@dataclass(frozen=True)
class FillersParams:
    pass


@register_check("fillers", params=FillersParams)
def check_fillers(call: Call, params: FillersParams) -> CheckResult:
    """Not implemented yet."""
    return na("fillers", "not implemented yet")
