"""Registry of checks: pure functions over a `Call`, found by name, parameterised by a dataclass."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from callqa.dataconf import ConfigError, build_dataclass
from callqa.types import Call, CheckResult


@dataclass(frozen=True)
class CheckSpec:
    name: str
    func: Callable[[Call, Any], CheckResult]
    params: type  # a frozen dataclass of the check's parameters
    description: str
    uses_text: tuple[str, ...] = ()  # parties whose words it reads: gated on transcript confidence (trust.py)
    keep_when_untrusted: tuple[str, ...] = ()  # signal-based values kept when the text is not trusted


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
            name, func, params, doc[0] if doc else "", roles, tuple(keep_when_untrusted)
        )
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


def text_checks() -> set[str]:
    """Names of the checks that read the transcript's words (gated on transcript confidence)."""
    return {n for n, s in all_checks().items() if s.uses_text}


def run_checks(
    call: Call, checks: Mapping[str, Any], *, source: str = "<config>", trust: Any = None
) -> dict[str, CheckResult]:
    """Run every enabled check; a check that raises becomes `na` with the error, never a crash.

    `checks`: name -> params dataclass (resolved once: `config.resolved.enabled_params()`), or, as written
    in YAML, name -> mapping (then validated here, for every call: avoid in a loop).
    `trust` (a `TrustConfig`): text checks of a party whose transcript is unreliable become `na`.
    """
    from callqa.checks.trust import check_roles, gate

    results: dict[str, CheckResult] = {}
    for name in enabled_checks(checks):
        spec = get_check(name)
        raw = checks.get(name)
        params = raw if dataclasses.is_dataclass(raw) else build_params(name, raw, source=source)
        try:
            gated = None
            if trust is not None and spec.uses_text:
                gated = gate(call, name, check_roles(params, spec.uses_text), partial(spec.func, call, params),
                             trust, keep=spec.keep_when_untrusted)  # fmt: skip
            res = gated if gated is not None else spec.func(call, params)
        except Exception as exc:  # a bug in one check must not lose the call
            res = CheckResult(name=name, status="na", reason=f"check failed: {type(exc).__name__}: {exc}")
        if res is None:
            res = CheckResult(name=name, status="na", reason="does not apply to this call")
        results[name] = res
    return results


def default_params(cls: type) -> Any:
    return cls() if dataclasses.is_dataclass(cls) else None
