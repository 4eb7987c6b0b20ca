"""The `closing` check (placeholder until its issue lands: always `na`)."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.types import Call, CheckResult, na


@dataclass(frozen=True)
class ClosingParams:
    pass


@register_check("closing", params=ClosingParams)
def check_closing(call: Call, params: ClosingParams) -> CheckResult:
    """Not implemented yet."""
    return na("closing", "not implemented yet")
