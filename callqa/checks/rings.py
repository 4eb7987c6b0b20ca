"""The `rings` check (placeholder until its issue lands: always `na`)."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.types import Call, CheckResult, na


@dataclass(frozen=True)
class RingsParams:
    pass


@register_check("rings", params=RingsParams)
def check_rings(call: Call, params: RingsParams) -> CheckResult:
    """Not implemented yet."""
    return na("rings", "not implemented yet")
