"""Checks (metrics) over a call, and their catalog: the built-in modules (each registers its checks on import;
see `registry`) plus the checks other installed packages declare (`plugins`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
    speaking_rate,
    timing,
    transfer,
    voicemail,
    volume,
)
from callqa.checks.registry import CheckSpec, register_check, registered
from callqa.dataconf import build_dataclass

__all__ = ["CheckSpec", "all_checks", "build_params", "get_check", "register_check", "text_checks"]


def all_checks() -> dict[str, CheckSpec]:
    """Every registered check: the built-in ones and those of installed plugins."""
    return registered()


def get_check(name: str) -> CheckSpec:
    checks = all_checks()
    if name not in checks:
        raise KeyError(f"unknown check {name!r} (known: {', '.join(sorted(checks))})")
    return checks[name]


def build_params(name: str, raw: Mapping[str, Any] | None, *, source: str = "<config>") -> Any:
    """The check's params dataclass from its config mapping (`enabled` aside); strict: an unknown key is an
    error naming `source` and `checks.<name>.<key>`."""
    spec = get_check(name)
    raw = dict(raw or {})
    raw.pop("enabled", None)
    return build_dataclass(spec.params, raw, source=source, where=f"checks.{name}")


def text_checks() -> set[str]:
    """Names of the checks that read the transcript's words (gated on transcript confidence)."""
    return {n for n, s in all_checks().items() if s.uses_text}
