"""Scorecards: which checks count, with what weight; the call score 0-100 from pass/fail (na excluded)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from callqa.checks import all_checks
from callqa.dataconf import ConfigError, build_dataclass, read_yaml
from callqa.records import Score
from callqa.resources import config_dir
from callqa.types import CheckResult

SCORECARD_DIR = config_dir() / "scorecards"


@dataclass(frozen=True)
class ScoreItem:
    weight: float = 1.0
    critical: bool = False  # a failed critical check caps the score at 0 ("auto-fail")


@dataclass(frozen=True)
class Scorecard:
    name: str
    description: str = ""
    pass_score: float = 80.0
    items: Mapping[str, ScoreItem] = field(default_factory=dict)


def list_scorecards() -> list[str]:
    """Names of the scorecards shipped in configs/scorecards/ (select one with `scorecard: NAME`)."""
    return sorted(p.stem for p in SCORECARD_DIR.glob("*.yaml"))


def load_scorecard(name_or_path: str, *, source: str = "<config>") -> Scorecard:
    """A scorecard by name (configs/scorecards/NAME.yaml) or by path to a YAML file."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SCORECARD_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        known = sorted(p.stem for p in SCORECARD_DIR.glob("*.yaml"))
        raise ConfigError(f"{source}: unknown scorecard '{name_or_path}' (known: {', '.join(known)})")
    data = read_yaml(path)
    unknown = set(data) - {"name", "description", "pass_score", "checks"}
    if unknown:
        raise ConfigError(f"{path}: unknown config key '{sorted(unknown)[0]}'")
    checks = data.get("checks") or {}
    if not isinstance(checks, Mapping):
        raise ConfigError(f"{path}: 'checks' must be a mapping of check name to {{weight, critical}}")
    known_checks = all_checks()
    items = {}
    for check, raw in checks.items():
        if check not in known_checks and not check.startswith("rule."):  # rule.<id>: checked with the rules
            raise ConfigError(
                f"{path}: unknown check 'checks.{check}' (known: {', '.join(sorted(known_checks))})"
            )
        items[check] = build_dataclass(ScoreItem, raw, source=str(path), where=f"checks.{check}")
    pass_score = data.get("pass_score", 80.0)
    if not isinstance(pass_score, (int, float)) or not 0 <= pass_score <= 100:
        raise ConfigError(f"{path}: 'pass_score' must be a number in 0..100")
    return Scorecard(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")),
        pass_score=float(pass_score),
        items=items,
    )


def score_call(results: Mapping[str, CheckResult], card: Scorecard) -> Score:
    """Weighted share of passed checks among the applicable ones, 0-100; None when nothing applied."""
    earned = possible = 0.0
    counted, excluded = [], []
    critical_failed = False
    for name, item in card.items.items():
        res = results.get(name)
        if res is None or res.status == "na" or item.weight <= 0:
            excluded.append(name)
            continue
        counted.append(name)
        possible += item.weight
        if res.status == "pass":
            earned += item.weight
        elif item.critical:
            critical_failed = True
    if possible == 0:
        return Score(None, None, tuple(counted), tuple(excluded), card.name)
    score = 0.0 if critical_failed else round(100.0 * earned / possible, 1)
    return Score(score, score >= card.pass_score, tuple(counted), tuple(excluded), card.name)
