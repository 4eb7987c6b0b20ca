"""Checks (metrics) over a call. Each module registers its checks on import; see `registry`."""

from callqa.checks import (  # noqa: F401  (import registers)
    closing,
    dead_air,
    etiquette,
    fillers,
    formal_address,
    greeting,
    holds,
    interruptions,
    jargon,
    monotone,
    nontalk,
    restating_need,
    rings,
    sentiment,
    speaking_rate,
    timing,
    transfer,
    voicemail,
    volume,
)
from callqa.checks.registry import all_checks, get_check, register_check, run_checks

__all__ = ["all_checks", "get_check", "register_check", "run_checks"]
