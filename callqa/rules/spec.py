"""Typed rule sets: categories made of phrase and feature conditions combined with all/any (docs/rules.md).

Built from YAML by `callqa.rules.load`; evaluated on a call by `callqa.rules.evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from callqa.rules.pattern import Pattern

RoleFilter = Literal["agent", "customer", "any"]
MatchMode = Literal["exact", "pattern", "fuzzy"]
WhenMatched = Literal["pass", "fail", "flag"]
WhenUnmatched = Literal["pass", "fail", "na"]
OPPOSITE: Mapping[str, str] = {"pass": "fail", "fail": "pass", "flag": "na"}
OPS = ("<", "<=", ">", ">=", "==", "!=", "in", "not in")


def mmss(s: float) -> str:
    m, sec = divmod(max(0.0, s), 60.0)
    return f"{int(m):02d}:{sec:04.1f}"


@dataclass(frozen=True)
class TimeWindow:
    """Where in the call a condition looks, from the answer (end of ringback, else 0 s) to the end.

    Exactly one family is set: absolute seconds (`first_s` | `last_s` | `from_s` + `to_s`) or shares
    of the call in percent (`first_pct` | `last_pct` | `from_pct` + `to_pct`)."""

    first_s: float | None = None
    last_s: float | None = None
    from_s: float | None = None
    to_s: float | None = None
    first_pct: float | None = None
    last_pct: float | None = None
    from_pct: float | None = None
    to_pct: float | None = None

    def bounds(self, start_s: float, end_s: float) -> tuple[float, float]:
        """The window as [a, b) seconds of the recording, for a call spanning `start_s`..`end_s`."""
        length = max(0.0, end_s - start_s)
        if self.first_s is not None:
            return start_s, start_s + self.first_s
        if self.last_s is not None:
            return max(start_s, end_s - self.last_s), end_s
        if self.from_s is not None or self.to_s is not None:
            return start_s + (self.from_s or 0.0), start_s + (self.to_s if self.to_s is not None else length)
        if self.first_pct is not None:
            return start_s, start_s + length * self.first_pct / 100.0
        if self.last_pct is not None:
            return end_s - length * self.last_pct / 100.0, end_s
        lo = 0.0 if self.from_pct is None else self.from_pct
        hi = 100.0 if self.to_pct is None else self.to_pct
        return start_s + length * lo / 100.0, start_s + length * hi / 100.0

    def describe(self, start_s: float, end_s: float) -> str:
        a, b = self.bounds(start_s, end_s)
        if self.first_s is not None:
            what = f"the first {self.first_s:g} s"
        elif self.last_s is not None:
            what = f"the last {self.last_s:g} s"
        elif self.first_pct is not None:
            what = f"the first {self.first_pct:g} % of the call"
        elif self.last_pct is not None:
            what = f"the last {self.last_pct:g} % of the call"
        else:
            what = "the window"
        return f"{what} ({mmss(a)}-{mmss(b)})"


@dataclass(frozen=True)
class PhraseCondition:
    """`said:` — one of the phrases, said by `role` (inside `window`), at least `min_count` times."""

    phrases: Mapping[str, tuple[str, ...]]  # language (en/zh/ru) -> phrases as written
    compiled: Mapping[str, tuple[Pattern, ...]]  # exact/pattern modes: per language; fuzzy: empty
    mode: MatchMode = "exact"
    role: RoleFilter = "any"
    window: TimeWindow | None = None
    negate: bool = False
    min_count: int = 1
    min_similarity: float | None = None  # fuzzy: overrides the phrase book's `matching.min_similarity`
    where: str = ""  # the key path in the rule file (for messages)


@dataclass(frozen=True)
class FeatureCondition:
    """`check:` (a published value of another check) or `measure:` (a built-in measure of the call)."""

    op: str
    than: Any
    check: str | None = None
    value: str = ""  # dotted path into the check's values ("talk_s.agent"), or "status"
    measure: str | None = None
    window: TimeWindow | None = None  # measures only
    negate: bool = False
    where: str = ""


@dataclass(frozen=True)
class Group:
    """`all:` (every part true) or `any:` (one part true), three-valued (docs/rules.md "Unknown")."""

    kind: Literal["all", "any"]
    items: tuple[Condition, ...]
    negate: bool = False
    where: str = ""


Condition = PhraseCondition | FeatureCondition | Group


@dataclass(frozen=True)
class Category:
    """One category: what it means when its condition holds, and on which calls it applies."""

    id: str
    when_matched: WhenMatched
    when_unmatched: WhenUnmatched
    match: Condition
    only_if: Condition | None = None  # false: the category does not apply to the call (na)
    description: str = ""
    file: str = ""

    @property
    def check_name(self) -> str:
        return f"rule.{self.id}"


@dataclass(frozen=True)
class RuleSet:
    """The categories of every enabled rule file, in file order; `fingerprint` hashes the files' bytes."""

    categories: tuple[Category, ...] = ()
    files: tuple[str, ...] = ()
    fingerprint: str | None = None

    def names(self) -> tuple[str, ...]:
        return tuple(c.check_name for c in self.categories)

    def get(self, check_name: str) -> Category | None:
        return next((c for c in self.categories if c.check_name == check_name), None)


def walk(cond: Condition) -> list[Condition]:
    """`cond` and every condition inside it."""
    out: list[Condition] = [cond]
    if isinstance(cond, Group):
        for item in cond.items:
            out += walk(item)
    return out
