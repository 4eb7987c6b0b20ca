"""Registry of checks: pure functions over a `Call`, registered by name with a dataclass of parameters.

This module only records what `@register_check` declares; `callqa.checks` (the package) is the catalog that
imports the built-in checks and the plugins, and `callqa.checks.run` runs them over a call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from callqa.types import Call, CheckResult


@dataclass(frozen=True)
class CheckSpec:
    name: str
    func: Callable[[Call, Any], CheckResult]
    params: type  # a frozen dataclass of the check's parameters
    description: str
    uses_text: tuple[str, ...] = ()  # parties whose words it reads: gated on transcript confidence (trust.py)
    keep_when_untrusted: tuple[str, ...] = ()  # signal-based values kept when the text is not trusted
    module: str = ""  # where the check function lives (a plugin's package, or callqa.checks.*)


_REGISTRY: dict[str, CheckSpec] = {}


def register_check(
    name: str,
    *,
    params: type,
    uses_text: bool | tuple[str, ...] = False,
    keep_when_untrusted: tuple[str, ...] = (),
) -> Callable:
    """Decorator: `@register_check("holds", params=HoldParams)` on `def f(call, params) -> CheckResult`.

    `uses_text`: the check reads the transcript's words — True for the agent's, or a tuple of roles — so it
    is `na` when those words are not trusted (see callqa/checks/trust.py)."""
    roles = ("agent",) if uses_text is True else tuple(uses_text or ())

    def wrap(func: Callable[[Call, Any], CheckResult]) -> Callable[[Call, Any], CheckResult]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"check {name!r} registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        _REGISTRY[name] = CheckSpec(
            name, func, params, doc[0] if doc else "", roles, tuple(keep_when_untrusted), func.__module__
        )
        return func

    return wrap


def registered() -> dict[str, CheckSpec]:
    """The checks registered so far (the catalog, `callqa.checks.all_checks`, loads them all first)."""
    return dict(_REGISTRY)


def enabled_checks(checks: Mapping[str, Any]) -> list[str]:
    """Checks listed in the config and not disabled, in the order of the config."""
    return [n for n, raw in checks.items() if not (isinstance(raw, Mapping) and raw.get("enabled") is False)]
