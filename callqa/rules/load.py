"""Rule files (YAML) into a typed `RuleSet`, strictly: every error names the file, the rule and the key."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callqa.dataconf import ConfigError, read_yaml
from callqa.rules.config import RulesConfig, rule_file_path
from callqa.rules.pattern import PatternError, compile_exact, compile_pattern, has_syntax
from callqa.rules.spec import (
    OPPOSITE,
    OPS,
    Category,
    Condition,
    FeatureCondition,
    Group,
    PhraseCondition,
    RuleSet,
    TimeWindow,
    walk,
)
from callqa.types import LANGUAGES

if TYPE_CHECKING:
    from callqa.scoring.scorecard import Scorecard

ID_RE = re.compile(r"[a-z][a-z0-9_]*")
FILE_KEYS = ("categories", "description", "language")
CATEGORY_KEYS = ("id", "description", "language", "when_matched", "when_unmatched", "match", "only_if")
SAID_KEYS = ("said", "role", "mode", "window", "negate", "min_count", "min_similarity")
CHECK_KEYS = ("check", "value", "op", "than", "negate")
MEASURE_KEYS = ("measure", "op", "than", "window", "negate")
GROUP_KEYS = ("all", "any", "negate")
# built-in measures of the call (callqa/rules/measures.py); numbers, so only numeric comparisons
MEASURES = (
    "duration_s",
    "agent_talk_s",
    "customer_talk_s",
    "talk_ratio",
    "overtalk_s",
    "nontalk_longest_s",
    "hold_count",
    "hold_s",
)
NUMERIC_OPS = ("<", "<=", ">", ">=")


class RuleError(ConfigError):
    """A bad rule file. The message names the file, the rule (category id) and the key."""


@dataclass
class _Where:
    file: str
    rule: str | None = None

    def error(self, key: str, problem: str) -> RuleError:
        rule = f"rule '{self.rule}': " if self.rule else ""
        return RuleError(f"{self.file}: {rule}key '{key}': {problem}")


def _keys(node: Mapping[str, Any], allowed: Sequence[str], key: str, at: _Where) -> None:
    for k in node:
        if k not in allowed:
            where = f"{key}.{k}" if key else str(k)
            raise at.error(where, f"unknown key (known here: {', '.join(allowed)})")


def _bool(node: Mapping[str, Any], name: str, key: str, at: _Where) -> bool:
    v = node.get(name, False)
    if not isinstance(v, bool):
        raise at.error(f"{key}.{name}", f"must be true or false, got {v!r}")
    return v


def _number(v: Any, key: str, at: _Where, *, lo: float = 0.0, hi: float | None = None) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v < lo or (hi is not None and v > hi):
        rng = f"{lo:g}..{hi:g}" if hi is not None else f">= {lo:g}"
        raise at.error(key, f"must be a number {rng}, got {v!r}")
    return float(v)


def parse_window(raw: Any, key: str, at: _Where) -> TimeWindow:
    if not isinstance(raw, Mapping) or not raw:
        raise at.error(
            key, "must be a mapping such as {first_s: 30}, {last_pct: 20} or {from_s: 10, to_s: 60}"
        )
    known = [f.name for f in fields(TimeWindow)]
    _keys(raw, known, key, at)
    vals = {k: _number(v, f"{key}.{k}", at, hi=100.0 if k.endswith("_pct") else None) for k, v in raw.items()}
    families = [
        ("first_s",),
        ("last_s",),
        ("from_s", "to_s"),
        ("first_pct",),
        ("last_pct",),
        ("from_pct", "to_pct"),
    ]
    used = [fam for fam in families if any(k in vals for k in fam)]
    if len(used) != 1:
        raise at.error(key, "give one of first_s, last_s, from_s/to_s, first_pct, last_pct, from_pct/to_pct")
    lo, hi = (
        (vals.get("from_s"), vals.get("to_s"))
        if "from_s" in used[0]
        else (vals.get("from_pct"), vals.get("to_pct"))
    )
    if lo is not None and hi is not None and hi <= lo:
        raise at.error(key, f"the window ends ({hi:g}) before it starts ({lo:g})")
    return TimeWindow(**vals)


def _phrase_lists(raw: Any, key: str, default_language: str | None, at: _Where) -> dict[str, tuple[str, ...]]:
    """`said:` as a list (for the category's `language`) or per language {en: [...], zh: [...], any: [...]}."""

    def str_list(v: Any, k: str, *, empty_ok: bool = False) -> tuple[str, ...]:
        if isinstance(v, str):
            v = [v]
        if (
            not isinstance(v, list)
            or not (v or empty_ok)
            or not all(isinstance(p, str) and p.strip() for p in v)
        ):
            raise at.error(k, "must be a list of phrases" + ("" if empty_ok else " (not empty)"))
        return tuple(v)

    if isinstance(raw, Mapping):
        out = {}
        for lang, v in raw.items():
            if lang not in (*LANGUAGES, "any"):
                raise at.error(f"{key}.{lang}", f"unknown language (known: {', '.join(LANGUAGES)}, any)")
            # an empty list says "nothing to look for in this language": never said there (not unknown)
            out[str(lang)] = str_list(v, f"{key}.{lang}", empty_ok=True)
        if not out:
            raise at.error(key, "no phrases")
        return out
    if default_language is None:
        raise at.error(
            key,
            "a plain list needs the language it is in: set `language:` (file or rule) or write {en: [...]}",
        )
    return {default_language: str_list(raw, key)}


def parse_said(node: Mapping[str, Any], key: str, language: str | None, at: _Where) -> PhraseCondition:
    _keys(node, SAID_KEYS, key, at)
    phrases = _phrase_lists(node["said"], f"{key}.said", language, at)
    mode = node.get("mode", "exact")
    if mode not in ("exact", "pattern", "fuzzy"):
        raise at.error(f"{key}.mode", f"must be exact, pattern or fuzzy, got {mode!r}")
    role = node.get("role", "any")
    if role not in ("agent", "customer", "any"):
        raise at.error(f"{key}.role", f"must be agent, customer or any, got {role!r}")
    compiled: dict[str, tuple] = {}
    for lang, plist in phrases.items():
        for target in LANGUAGES if lang == "any" else (lang,):
            pats = []
            for phrase in plist:
                try:
                    if mode == "pattern":
                        pats.append(compile_pattern(phrase, language=target))
                    elif mode == "exact":
                        pats.append(compile_exact(phrase, language=target))
                    elif has_syntax(phrase):
                        raise PatternError(
                            f"fuzzy phrase {phrase!r} uses pattern syntax: give it with mode: pattern"
                        )
                except PatternError as exc:
                    raise at.error(f"{key}.said.{lang}" if isinstance(node["said"], Mapping) else f"{key}.said",
                                   str(exc)) from None  # fmt: skip
            compiled[target] = compiled.get(target, ()) + tuple(pats)
    min_count = node.get("min_count", 1)
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise at.error(f"{key}.min_count", f"must be a whole number >= 1, got {min_count!r}")
    min_sim = node.get("min_similarity")
    if min_sim is not None:
        if mode != "fuzzy":
            raise at.error(f"{key}.min_similarity", "only for mode: fuzzy")
        min_sim = _number(min_sim, f"{key}.min_similarity", at, lo=0.5, hi=1.0)
    window = parse_window(node["window"], f"{key}.window", at) if "window" in node else None
    expanded: dict[str, tuple[str, ...]] = {}
    for lang, plist in phrases.items():
        for target in LANGUAGES if lang == "any" else (lang,):
            expanded[target] = expanded.get(target, ()) + plist
    return PhraseCondition(
        phrases=expanded,
        compiled=compiled if mode != "fuzzy" else {},
        mode=mode,
        role=role,
        window=window,
        negate=_bool(node, "negate", key, at),
        min_count=min_count,
        min_similarity=min_sim,
        where=key,
    )


def _op_than(node: Mapping[str, Any], key: str, at: _Where, *, numeric_only: bool) -> tuple[str, Any]:
    for k in ("op", "than"):
        if k not in node:
            raise at.error(f"{key}.{k}", "missing")
    op, than = node["op"], node["than"]
    allowed = (*NUMERIC_OPS, "==", "!=") if numeric_only else OPS
    if op not in allowed:
        raise at.error(f"{key}.op", f"must be one of {', '.join(allowed)}, got {op!r}")
    if op in NUMERIC_OPS or numeric_only:
        if isinstance(than, bool) or not isinstance(than, (int, float)):
            raise at.error(f"{key}.than", f"op {op} needs a number, got {than!r}")
        than = float(than)
    elif op in ("in", "not in"):
        if not isinstance(than, list) or not than:
            raise at.error(f"{key}.than", f"op {op} needs a non-empty list, got {than!r}")
    elif isinstance(than, (list, dict)):
        raise at.error(f"{key}.than", f"op {op} needs one value, got {than!r}")
    return op, than


def parse_check(node: Mapping[str, Any], key: str, at: _Where) -> FeatureCondition:
    _keys(node, CHECK_KEYS, key, at)
    name = node["check"]
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise at.error(
            f"{key}.check", f"must be a check's name (holds, nontalk, sentiment ...), got {name!r}"
        )
    value = node.get("value")
    if not isinstance(value, str) or not value:
        raise at.error(
            f"{key}.value", "missing: the published value to compare (e.g. customer_end) or status"
        )
    op, than = _op_than(node, key, at, numeric_only=False)
    return FeatureCondition(
        op, than, check=name, value=value, negate=_bool(node, "negate", key, at), where=key
    )


def parse_measure(node: Mapping[str, Any], key: str, at: _Where) -> FeatureCondition:
    _keys(node, MEASURE_KEYS, key, at)
    name = node["measure"]
    if name not in MEASURES:
        raise at.error(f"{key}.measure", f"unknown measure {name!r} (known: {', '.join(MEASURES)})")
    op, than = _op_than(node, key, at, numeric_only=True)
    window = parse_window(node["window"], f"{key}.window", at) if "window" in node else None
    if window is not None and name == "duration_s":
        raise at.error(f"{key}.window", "duration_s is the whole call")
    return FeatureCondition(
        op, than, measure=name, window=window, negate=_bool(node, "negate", key, at), where=key
    )


def parse_condition(raw: Any, key: str, language: str | None, at: _Where) -> Condition:
    """One condition node: `said:`, `check:`, `measure:`, or a group `all:` / `any:` of nodes."""
    if not isinstance(raw, Mapping):
        raise at.error(
            key, f"must be a mapping (said:, check:, measure:, all: or any:), got {type(raw).__name__}"
        )
    kinds = [k for k in ("said", "check", "measure", "all", "any") if k in raw]
    if len(kinds) != 1:
        found = f" (has {', '.join(kinds)})" if kinds else ""
        raise at.error(key, f"needs exactly one of said, check, measure, all, any{found}")
    kind = kinds[0]
    if kind == "said":
        return parse_said(raw, key, language, at)
    if kind == "check":
        return parse_check(raw, key, at)
    if kind == "measure":
        return parse_measure(raw, key, at)
    _keys(raw, GROUP_KEYS, key, at)
    items = raw[kind]
    if not isinstance(items, list) or not items:
        raise at.error(f"{key}.{kind}", "must be a non-empty list of conditions")
    parsed = tuple(parse_condition(c, f"{key}.{kind}[{i}]", language, at) for i, c in enumerate(items))
    return Group("all" if kind == "all" else "any", parsed, negate=_bool(raw, "negate", key, at), where=key)


def parse_category(raw: Any, index: int, file_language: str | None, at: _Where) -> Category:
    if not isinstance(raw, Mapping):
        raise at.error(f"categories[{index}]", "must be a mapping with id, when_matched and match")
    rid = raw.get("id")
    if not isinstance(rid, str) or not ID_RE.fullmatch(rid):
        raise at.error(
            f"categories[{index}].id",
            f"must be lower-case letters, digits and _ (e.g. recording_disclosure), got {rid!r}",
        )
    at = _Where(at.file, rid)
    _keys(raw, CATEGORY_KEYS, "", at)
    language = raw.get("language", file_language)
    if language is not None and language not in LANGUAGES:
        raise at.error("language", f"must be one of {', '.join(LANGUAGES)}, got {language!r}")
    when = raw.get("when_matched")
    if when not in ("pass", "fail", "flag"):
        raise at.error("when_matched", f"must be pass, fail or flag (what a match means), got {when!r}")
    unmatched = raw.get("when_unmatched", OPPOSITE[when])
    if unmatched not in ("pass", "fail", "na"):
        raise at.error("when_unmatched", f"must be pass, fail or na, got {unmatched!r}")
    if when == "flag" and unmatched != "na":
        raise at.error("when_unmatched", "a flag category is informational: unmatched is na")
    if "match" not in raw:
        raise at.error("match", "missing: the condition of the category")
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise at.error("description", "must be text")
    return Category(
        id=rid,
        when_matched=when,
        when_unmatched=unmatched,
        match=parse_condition(raw["match"], "match", language, at),
        only_if=parse_condition(raw["only_if"], "only_if", language, at) if "only_if" in raw else None,
        description=description.strip(),
        file=at.file,
    )


def parse_rule_file(data: Mapping[str, Any], *, source: str) -> list[Category]:
    at = _Where(source)
    _keys(data, FILE_KEYS, "", at)
    language = data.get("language")
    if language is not None and language not in LANGUAGES:
        raise at.error("language", f"must be one of {', '.join(LANGUAGES)}, got {language!r}")
    cats = data.get("categories")
    if not isinstance(cats, list) or not cats:
        raise at.error("categories", "must be a non-empty list of categories")
    out = [parse_category(c, i, language, at) for i, c in enumerate(cats)]
    seen: set[str] = set()
    for c in out:
        if c.id in seen:
            raise _Where(source, c.id).error("id", "defined twice in this file")
        seen.add(c.id)
    return out


def load_rule_files(paths: Sequence[str | Path]) -> RuleSet:
    """The categories of `paths` (names of shipped sets or file paths), checked across files."""
    cats: list[Category] = []
    files: list[str] = []
    digest = hashlib.sha256()
    for p in paths:
        path = rule_file_path(str(p))
        try:
            blob = path.read_bytes()
        except OSError:
            raise RuleError(f"{path}: rule file not found") from None
        data = read_yaml(path)  # a YAML error names the file
        for c in parse_rule_file(data, source=str(path)):
            other = next((o for o in cats if o.id == c.id), None)
            if other is not None:
                raise RuleError(f"{path}: rule '{c.id}': key 'id': already defined in {other.file}")
            cats.append(c)
        files.append(str(path))
        digest.update(str(path.name).encode() + b"\0" + blob + b"\0")
    return RuleSet(tuple(cats), tuple(files), digest.hexdigest()[:24] if files else None)


def load_rules(config: RulesConfig, *, source: str = "<config>") -> RuleSet:
    """The rule set the config enables (empty when `rules.enabled` is false)."""
    if not config.enabled:
        return RuleSet()
    if not config.files:
        raise ConfigError(f"{source}: 'rules.enabled' is true but 'rules.files' lists no rule file")
    return load_rule_files(config.files)


def check_references(
    rules: RuleSet,
    *,
    registered: Collection[str],
    enabled: Collection[str],
    scorecard: Scorecard,
    source: str,
) -> None:
    """Every check a rule reads is registered and enabled; every `rule.<id>` a scorecard counts exists.

    A rule reading a check that never runs would be `na` on every call: a config mistake, said now."""
    for cat in rules.categories:
        at = _Where(cat.file, cat.id)
        for root in (cat.match, cat.only_if):
            for cond in walk(root) if root is not None else ():
                if not isinstance(cond, FeatureCondition) or cond.check is None:
                    continue
                if cond.check not in registered:
                    raise at.error(f"{cond.where}.check",
                                   f"unknown check {cond.check!r} (known: {', '.join(sorted(registered))})")  # fmt: skip
                if cond.check not in enabled:
                    raise at.error(f"{cond.where}.check",
                                   f"check {cond.check!r} is not enabled in the config (checks.{cond.check})")  # fmt: skip
    for item in scorecard.items:
        if not item.startswith("rule."):
            continue
        scored = rules.get(item)
        where = f"{source}: scorecard '{scorecard.name}' item 'checks.{item}'"
        if scored is None:
            if not rules.files:
                raise ConfigError(f"{where}: rules are not enabled (set rules.enabled: true and rules.files)")
            raise ConfigError(
                f"{where}: no category '{item[5:]}' in the rule files ({', '.join(rules.files)})"
            )
        if scored.when_matched == "flag":
            raise ConfigError(
                f"{where}: '{scored.id}' is a flag category (informational, always na): not scored"
            )
