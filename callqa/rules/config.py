"""The `rules:` section of the config: which rule files (categories) run on every call."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from callqa.resources import config_dir

RULES_DIR = config_dir() / "rules"


@dataclass(frozen=True)
class RulesConfig:
    """Rule files whose categories become `rule.<id>` checks (docs/rules.md).

    enabled : off by default — a shipped example (a recording disclosure) is not every company's script
    files : a name (`recording-disclosure` = configs/rules/recording-disclosure.yaml) or a path to a YAML
        file (relative to the working directory)
    """

    enabled: bool = False
    files: list[str] = field(default_factory=list)


def rule_file_path(name_or_path: str) -> Path:
    """configs/rules/NAME.yaml for a bare name, else the path as given."""
    path = Path(name_or_path)
    if not path.suffix and len(path.parts) == 1:
        return RULES_DIR / f"{name_or_path}.yaml"
    return path


def shipped_rule_sets() -> list[str]:
    """Names of the example rule sets in configs/rules/."""
    return sorted(p.stem for p in RULES_DIR.glob("*.yaml"))
