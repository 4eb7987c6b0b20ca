"""The `speaking_rate` check (placeholder until its issue lands: always `na`)."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.types import Call, CheckResult, na


@dataclass(frozen=True)
class SpeakingRateParams:
    pass


@register_check("speaking_rate", params=SpeakingRateParams)
def check_speaking_rate(call: Call, params: SpeakingRateParams) -> CheckResult:
    """Not implemented yet."""
    return na("speaking_rate", "not implemented yet")
