"""The `volume` check (placeholder until its issue lands: always `na`)."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.types import Call, CheckResult, na


@dataclass(frozen=True)
class VolumeParams:
    pass


@register_check("volume", params=VolumeParams)
def check_volume(call: Call, params: VolumeParams) -> CheckResult:
    """Not implemented yet."""
    return na("volume", "not implemented yet")
