"""Registry of checks: pure functions over a `Call`, found by name, parameterised by a dataclass."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from callqa.dataconf import ConfigError, build_dataclass
from callqa.types import Call, CheckResult


@dataclass(frozen=True)
class CheckSpec:
    name: str
    func: Callable[[Call, Any], CheckResult]
    params: type  # a frozen dataclass of the check's parameters
    description: str


_REGISTRY: dict[str, CheckSpec] = {}


def register_check(name: str, *, params: type) -> Callable:
    """Decorator: `@register_check("holds", params=HoldParams)` on `def f(call, params) -> CheckResult`."""

    def wrap(func: Callable[[Call, Any], CheckResult]) -> Callable[[Call, Any], CheckResult]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"check {name!r} registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        _REGISTRY[name] = CheckSpec(name, func, params, doc[0] if doc else "")
        return func

    return wrap


def all_checks() -> dict[str, CheckSpec]:
    _load_builtin_checks()
    return dict(_REGISTRY)


def get_check(name: str) -> CheckSpec:
    checks = all_checks()
    if name not in checks:
        raise KeyError(f"unknown check {name!r} (known: {', '.join(sorted(checks))})")
    return checks[name]


def _load_builtin_checks() -> None:
    import callqa.checks  # noqa: F401  (modules register themselves on import)


def build_params(name: str, raw: Mapping[str, Any] | None, *, source: str = "<config>") -> Any:
    spec = get_check(name)
    raw = dict(raw or {})
    raw.pop("enabled", None)
    return build_dataclass(spec.params, raw, source=source, where=f"checks.{name}")


def validate_check_params(checks: Mapping[str, Any], *, source: str) -> None:
    known = all_checks()
    for name, raw in checks.items():
        if name not in known:
            raise ConfigError(f"{source}: unknown check 'checks.{name}' (known: {', '.join(sorted(known))})")
        if raw is not None and not isinstance(raw, Mapping):
            raise ConfigError(f"{source}: 'checks.{name}' must be a mapping")
        build_params(name, raw, source=source)


def enabled_checks(checks: Mapping[str, Any]) -> list[str]:
    """Checks listed in the config and not disabled, in registry order of the config."""
    return [n for n, raw in checks.items() if not (isinstance(raw, Mapping) and raw.get("enabled") is False)]


def run_checks(call: Call, checks: Mapping[str, Any], *, source: str = "<config>") -> dict[str, CheckResult]:
    """Run every enabled check; a check that raises becomes `na` with the error, never a crash.

    `checks`: name -> params dataclass (resolved once: `config.resolved.enabled_params()`), or, as written
    in YAML, name -> mapping (then validated here, for every call: avoid in a loop).
    """
    results: dict[str, CheckResult] = {}
    for name in enabled_checks(checks):
        spec = get_check(name)
        raw = checks.get(name)
        params = raw if dataclasses.is_dataclass(raw) else build_params(name, raw, source=source)
        try:
            res = spec.func(call, params)
        except Exception as exc:  # a bug in one check must not lose the call
            res = CheckResult(name=name, status="na", reason=f"check failed: {type(exc).__name__}: {exc}")
        if res is None:
            res = CheckResult(name=name, status="na", reason="does not apply to this call")
        results[name] = res
    return results


def default_params(cls: type) -> Any:
    return cls() if dataclasses.is_dataclass(cls) else None
