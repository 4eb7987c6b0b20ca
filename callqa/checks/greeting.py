"""The `greeting` check (placeholder until its issue lands: always `na`)."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.types import Call, CheckResult, na


@dataclass(frozen=True)
class GreetingParams:
    pass


@register_check("greeting", params=GreetingParams)
def check_greeting(call: Call, params: GreetingParams) -> CheckResult:
    """Not implemented yet."""
    return na("greeting", "not implemented yet")
