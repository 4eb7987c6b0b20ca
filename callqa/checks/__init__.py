"""Checks (metrics) over a call, and their catalog: the built-in modules (each registers its checks on import;
see `registry`) plus the checks of other installed packages, found through the `callqa.checks` entry point
group (docs/adding-a-check.md)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from importlib.metadata import entry_points
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
    sentiment,
    speaking_rate,
    timing,
    transfer,
    voicemail,
    volume,
)
from callqa.checks.registry import CheckSpec, register_check, registered
from callqa.dataconf import ConfigWarning, build_dataclass

__all__ = [
    "CheckSpec",
    "all_checks",
    "build_params",
    "get_check",
    "load_plugins",
    "register_check",
    "text_checks",
]

PLUGIN_GROUP = "callqa.checks"  # entry points: name = "module" (importing it registers its checks)
_loaded_groups: set[str] = set()


def load_plugins(group: str = PLUGIN_GROUP) -> None:
    """Import every module the installed packages declare under `group`, once per process. A plugin that
    cannot be imported (or registers a name already taken) is a warning naming it; its checks are unknown."""
    if group in _loaded_groups:
        return
    _loaded_groups.add(group)
    for ep in entry_points(group=group):
        try:
            ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not take callqa down with it
            dist = getattr(ep, "dist", None)
            where = f" of {dist.name}" if dist is not None else ""
            warnings.warn(f"check plugin '{ep.name} = {ep.value}'{where} (entry point group {group}) not "
                          f"loaded: {type(exc).__name__}: {exc}", ConfigWarning, stacklevel=2)  # fmt: skip


def all_checks() -> dict[str, CheckSpec]:
    """Every registered check: the built-in ones and those of installed plugins."""
    load_plugins()
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
