"""The `holds` check (placeholder until its issue lands: always `na`)."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.types import Call, CheckResult, na


@dataclass(frozen=True)
class HoldsParams:
    pass


@register_check("holds", params=HoldsParams)
def check_holds(call: Call, params: HoldsParams) -> CheckResult:
    """Not implemented yet."""
    return na("holds", "not implemented yet")
