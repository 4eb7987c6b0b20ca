"""Hand-built calls and rule sets for the rules tests: rows of (role, start_s, end_s, text) to a `Call`."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from callqa.config import load_config
from callqa.features import build_call
from callqa.rules import RuleSet, load_rule_files, parse_rule_file
from callqa.rules.evaluate import evaluate_category
from callqa.types import (
    Call,
    CallMeta,
    CallTranscript,
    CheckResult,
    SignalEvent,
    SignalReport,
    SignalSummary,
    Utterance,
    Word,
)

TRUST = load_config().trust  # the default trust thresholds (mean word probability 0.7)


def make_call(
    language: str,
    rows: Sequence[tuple[str, float, float, str]],
    *,
    probability: float | None = None,
    words: bool = True,
    duration_s: float | None = None,
    answer_s: float | None = None,
    events: Sequence[tuple[str, float, float]] = (),
) -> Call:
    """`rows`: (role, start_s, end_s, text). Words get even times over the span (zh: one per character
    when `words`, else none: the tokenizer spreads the text); `answer_s` makes a signal whose ringback
    ends there; `events` (kind, start_s, end_s) go into that signal too."""
    utts = []
    for role, start, end, text in rows:
        ws: tuple[Word, ...] = ()
        if words:
            parts = list(text.replace(" ", "")) if language == "zh" else text.split()
            step = (end - start) / len(parts)
            ws = tuple(
                Word(p, start + i * step, start + (i + 1) * step, probability) for i, p in enumerate(parts)
            )
        utts.append(Utterance(role, role, start, end, text, ws))  # type: ignore[arg-type]
    dur = duration_s if duration_s is not None else max((r[2] for r in rows), default=0.0) + 1.0
    transcript = CallTranscript(language, dur, tuple(utts), roles={r: r for r, *_ in rows})  # type: ignore[misc]
    signal = None
    if answer_s is not None or events:
        summary = SignalSummary(last_ring_end_s=answer_s)
        evs = tuple(SignalEvent(kind, s, e) for kind, s, e in events)
        signal = SignalReport(8000, dur, 1, (), evs, summary)
    return build_call(CallMeta("t", None, language=language), transcript, signal)


def rules_from_yaml(text: str, *, source: str = "test-rules.yaml") -> RuleSet:
    cats = parse_rule_file(yaml.safe_load(textwrap.dedent(text)), source=source)
    return RuleSet(tuple(cats), (source,))


def shipped(name: str) -> RuleSet:
    return load_rule_files([name])


def run_one(
    rules: RuleSet,
    call: Call,
    checks: Mapping[str, CheckResult] | None = None,
    *,
    category: str | None = None,
) -> CheckResult:
    cat = rules.categories[0] if category is None else next(c for c in rules.categories if c.id == category)
    return evaluate_category(cat, call, checks or {}, trust=TRUST)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
