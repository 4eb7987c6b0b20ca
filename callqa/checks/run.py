"""Run the configured checks over one call: each with its params, gated on transcript trust, never a crash."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import partial
from typing import Any

from callqa.checks import build_params, get_check
from callqa.checks.registry import enabled_checks
from callqa.checks.trust import TrustConfig, check_roles, gate
from callqa.types import Call, CheckResult


def run_checks(
    call: Call, checks: Mapping[str, Any], *, source: str = "<config>", trust: TrustConfig | None = None
) -> dict[str, CheckResult]:
    """Run every enabled check; a check that raises becomes `na` with the error, never a crash.

    `checks`: name -> params dataclass (resolved once: `config.resolved.enabled_params()`), or, as written
    in YAML, name -> mapping (then validated here, for every call: avoid in a loop).
    `trust`: text checks of a party whose transcript is unreliable become `na`.
    """
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
