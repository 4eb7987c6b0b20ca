"""Registry of checks: pure functions over a `Call`, registered by name with a dataclass of parameters.

This module only records what `@register_check` declares; `callqa.checks` (the package) is the catalog that
imports the built-in checks and the plugins, and `callqa.checks.run` runs them over a call.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

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
    needs: tuple[Need, ...] = ()  # what it reads that the pipeline computes only on demand


Need = Literal["pitch"]  # pitch: `signal.extras.pitch`, the F0 track per channel (signal.pitch.enabled)
NEEDS: tuple[str, ...] = typing.get_args(Need)


_REGISTRY: dict[str, CheckSpec] = {}


def register_check(
    name: str,
    *,
    params: type,
    uses_text: bool | tuple[str, ...] = False,
    keep_when_untrusted: tuple[str, ...] = (),
    needs: tuple[Need, ...] = (),
) -> Callable:
    """Decorator: `@register_check("holds", params=HoldParams)` on `def f(call, params) -> CheckResult`.

    `uses_text`: the check reads the transcript's words — True for the agent's, or a tuple of roles — so it
    is `na` when those words are not trusted (see callqa/checks/trust.py). `needs`: what else it reads that is
    computed only when a configured check needs it (`("pitch",)`: the pitch track)."""
    roles = ("agent",) if uses_text is True else tuple(uses_text or ())
    unknown = [n for n in needs if n not in NEEDS]
    if unknown:
        raise ValueError(f"check {name!r}: unknown need {unknown[0]!r} (known: {', '.join(NEEDS)})")

    def wrap(func: Callable[[Call, Any], CheckResult]) -> Callable[[Call, Any], CheckResult]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"check {name!r} registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        _REGISTRY[name] = CheckSpec(
            name, func, params, doc[0] if doc else "", roles, tuple(keep_when_untrusted), func.__module__,
            tuple(needs),
        )  # fmt: skip
        return func

    return wrap


def registered() -> dict[str, CheckSpec]:
    """The checks registered so far (the catalog, `callqa.checks.all_checks`, loads them all first)."""
    return dict(_REGISTRY)


def enabled_checks(checks: Mapping[str, Any]) -> list[str]:
    """Checks listed in the config and not disabled, in the order of the config."""
    return [n for n, raw in checks.items() if not (isinstance(raw, Mapping) and raw.get("enabled") is False)]
