"""Categories evaluated on one call: each becomes a `rule.<id>` CheckResult with the evidence that decided it.

Conditions are three-valued: true, false, or unknown (None) when the call cannot say — no transcript, no
speech of that party, an unreliable transcript, no phrases for the call's language, a referenced check
that did not run or is `na`. `all` is false as soon as one part is false, `any` true as soon as one part
is true; otherwise an unknown part makes the group unknown, and an unknown category is `na` with the
reason: a rule never fails a call on something it could not see.

Pure: reads the call and the results of the checks that ran before (`checks`), no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from callqa.checks.trust import TrustConfig, untrusted_reason
from callqa.rules.measures import measure
from callqa.rules.pattern import find_pattern
from callqa.rules.spec import Category, Condition, FeatureCondition, Group, PhraseCondition, RuleSet, mmss
from callqa.text.lexicon import PhraseBook
from callqa.text.match import PhraseMatch, find_phrases
from callqa.text.phrases import call_language, phrasebook_for
from callqa.text.tokens import Token, tokens_of_utterance
from callqa.types import Call, CheckResult, CheckValues, Evidence

MAX_EVIDENCE = 20  # per category: the first ones in time order; the reason says how many there were
MAX_OUTSIDE = 3  # phrases said outside the window, shown when the window does not contain one
WHO = {"agent": "the agent", "customer": "the customer", "any": "anyone"}


@dataclass(frozen=True)
class RuleValues(CheckValues):
    matched: bool | None  # the category's condition held (None: could not be judged)
    when_matched: str  # pass | fail | flag: what a match means


@dataclass(frozen=True)
class Outcome:
    """A condition's value on the call, a sentence saying why, and the spans that show it."""

    value: bool | None
    why: str
    evidence: tuple[Evidence, ...] = ()


@dataclass
class _Context:
    call: Call
    checks: Mapping[str, CheckResult]
    trust: TrustConfig | None
    language: str
    start_s: float
    end_s: float
    book: PhraseBook
    tokens: dict[str, list[list[Token]]] = field(default_factory=dict)

    def role_tokens(self, role: str) -> list[list[Token]]:
        if role not in self.tokens:
            self.tokens[role] = [
                toks
                for i, u in enumerate(self.call.utterances)
                if role == "any" or u.role == role
                if (
                    toks := tokens_of_utterance(u, language=self.language, index=i, pause_s=self.book.pause_s)
                )
            ]
        return self.tokens[role]


def run_rules(
    call: Call, checks: Mapping[str, CheckResult], rules: RuleSet, *, trust: TrustConfig | None = None
) -> dict[str, CheckResult]:
    """Every category of `rules` on `call`, after the checks (whose results a rule may read)."""
    return {c.check_name: evaluate_category(c, call, checks, trust=trust) for c in rules.categories}


def evaluate_category(
    category: Category, call: Call, checks: Mapping[str, CheckResult], *, trust: TrustConfig | None = None
) -> CheckResult:
    """One category on one call; a rule that raises becomes `na` with the error, never a crash."""
    name = category.check_name
    try:
        ctx = _context(call, checks, trust)
        pre = evaluate(category.only_if, ctx) if category.only_if is not None else None
        if pre is not None and pre.value is not True:
            head = "does not apply" if pre.value is False else "cannot tell whether it applies"
            return CheckResult(name, "na", f"{head}: {pre.why}", RuleValues(None, category.when_matched),
                               _cap(pre.evidence))  # fmt: skip
        out = evaluate(category.match, ctx)
        evidence = _cap(out.evidence + (pre.evidence if pre is not None else ()))
        values = RuleValues(out.value, category.when_matched)
        if out.value is None:
            return CheckResult(name, "na", f"cannot be judged: {out.why}", values, evidence)
        status = category.when_matched if out.value else category.when_unmatched
        head = "matched" if out.value else "not matched"
        if status == "flag":
            status, head = "na", "flag: matched"  # informational: never counts for or against the call
        return CheckResult(name, status, f"{head}: {out.why}", values, evidence)  # type: ignore[arg-type]
    except Exception as exc:  # a bug in one rule (or a value it cannot read) must not lose the call
        return CheckResult(name, "na", f"rule failed: {type(exc).__name__}: {exc}",
                           RuleValues(None, category.when_matched))  # fmt: skip


def _context(call: Call, checks: Mapping[str, CheckResult], trust: TrustConfig | None) -> _Context:
    answer = call.features.answer_s
    start = 0.0 if answer is None else float(answer)
    return _Context(call, checks, trust, call_language(call), start, max(start, call.duration_s),
                    phrasebook_for(call))  # fmt: skip


def _cap(evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
    seen, out = set(), []
    for e in evidence:
        key = (e.start_s, e.end_s, e.role, e.text, e.note)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return tuple(out[:MAX_EVIDENCE])


def evaluate(cond: Condition, ctx: _Context) -> Outcome:
    if isinstance(cond, Group):
        out = _group(cond, ctx)
    elif isinstance(cond, PhraseCondition):
        out = _said(cond, ctx)
    else:
        out = _feature(cond, ctx)
    negate = cond.negate
    if negate and out.value is not None:
        return Outcome(not out.value, out.why, out.evidence)
    return out


def _group(g: Group, ctx: _Context) -> Outcome:
    parts = [evaluate(c, ctx) for c in g.items]
    decisive = False if g.kind == "all" else True
    chosen = [p for p in parts if p.value is decisive]
    if chosen:
        value: bool | None = decisive
    elif all(p.value is not None for p in parts):
        value, chosen = not decisive, parts
    else:
        value, chosen = None, [p for p in parts if p.value is None]
    why = "; ".join(p.why for p in chosen)
    return Outcome(
        value, f"({why})" if len(chosen) > 1 else why, tuple(e for p in chosen for e in p.evidence)
    )


# ------------------------------------------------------------------------------------------ said
def _phrases_text(phrases: Sequence[str]) -> str:
    more = f" (or {len(phrases) - 1} more)" if len(phrases) > 1 else ""
    return f"'{phrases[0]}'{more}"


def _matches(cond: PhraseCondition, tokens: list[list[Token]], ctx: _Context) -> list[PhraseMatch]:
    lang = ctx.language
    if cond.mode == "fuzzy":
        m = ctx.book.matching
        found = find_phrases(
            tokens,
            cond.phrases[lang],
            language=lang,
            min_similarity=cond.min_similarity if cond.min_similarity is not None else m.min_similarity,
            min_fuzzy_chars=m.min_fuzzy_chars,
            min_word_similarity=m.min_word_similarity,
        )
    else:
        found = [h for p in cond.compiled[lang] for h in find_pattern(tokens, p, language=lang)]
    # two phrases of one condition on the same words ("call is recorded" inside "this call is recorded"):
    # one occurrence, the closer/longer match
    chosen: list[PhraseMatch] = []
    for h in sorted(found, key=lambda h: (-h.similarity, -(h.last_token - h.first_token), h.start_s)):
        if not any(
            c.utterance == h.utterance and c.first_token <= h.last_token and h.first_token <= c.last_token
            for c in chosen
        ):
            chosen.append(h)
    return sorted(chosen, key=lambda h: (h.start_s, h.utterance))


def _hit_evidence(h: PhraseMatch, call: Call, note: str) -> Evidence:
    sim = "" if h.similarity >= 1.0 else f", similarity {h.similarity:.2f}"
    role = call.utterances[h.utterance].role if 0 <= h.utterance < len(call.utterances) else None
    return Evidence(round(h.start_s, 3), round(h.end_s, 3), role, h.text, f"{note} '{h.phrase}'{sim}")


def _said(cond: PhraseCondition, ctx: _Context) -> Outcome:
    call, lang, who = ctx.call, ctx.language, WHO[cond.role]
    phrases = cond.phrases.get(lang)
    if phrases is None:
        return Outcome(None, f"no phrases for {lang} calls at {cond.where}.said")
    if not phrases:  # an explicit empty list: nothing to say in this language
        return Outcome(False, f"no phrase to say in {lang} ({cond.where}.said.{lang} is empty)")
    if not call.utterances:
        return Outcome(None, "the call has no transcript")
    roles = ("agent", "customer") if cond.role == "any" else (cond.role,)
    if cond.role != "any" and not call.utterances_of(cond.role):  # type: ignore[arg-type]
        return Outcome(None, f"no {cond.role} speech in the transcript (roles unknown?)")
    if ctx.trust is not None:
        untrusted = untrusted_reason(call, roles, ctx.trust)
        if untrusted is not None:
            return Outcome(None, untrusted[0])
    hits = _matches(cond, ctx.role_tokens(cond.role), ctx)
    if cond.window is not None:
        a, b = cond.window.bounds(ctx.start_s, ctx.end_s)
        where = f" in {cond.window.describe(ctx.start_s, ctx.end_s)}"
    else:
        a, b, where = -math.inf, math.inf, ""
    inside = [h for h in hits if a <= h.start_s < b]
    said = len(inside) >= cond.min_count
    what = _phrases_text(phrases)
    evidence = [_hit_evidence(h, call, "said") for h in inside]
    if said:
        first = inside[0]
        times = "" if cond.min_count == 1 else f" {len(inside)} times (needs {cond.min_count})"
        why = f"{who} said '{first.phrase}'{times} at {mmss(first.start_s)}{where}"
    else:
        count = f" {cond.min_count} times (said {len(inside)})" if cond.min_count > 1 else ""
        why = f"{'nobody said' if cond.role == 'any' else who + ' did not say'} {what}{count}{where}"
        lo, hi = max(a, 0.0), min(b, ctx.end_s)
        evidence.append(Evidence(round(lo, 3), round(hi, 3), None if cond.role == "any" else cond.role,
                                 note=why))  # fmt: skip
        outside = [h for h in hits if not a <= h.start_s < b][:MAX_OUTSIDE]
        if outside:
            why += "; said at " + ", ".join(mmss(h.start_s) for h in outside) + ", outside it"
            evidence += [_hit_evidence(h, call, "said outside the window:") for h in outside]
    return Outcome(said, why, tuple(evidence))


# ------------------------------------------------------------------------------------------ features
def _lookup(values: Any, path: str) -> tuple[bool, Any]:
    """(found, value) at dotted `path` ("talk_s.agent", "quarters.3.customer") in a check's typed values:
    a field of a record, a key of a mapping (a plugin's values), an index of a tuple."""
    cur = values
    for part in path.split("."):
        if is_dataclass(cur) and not isinstance(cur, type) and part in {f.name for f in fields(cur)}:
            cur = getattr(cur, part)
        elif isinstance(cur, Mapping) and part in cur:
            cur = cur[part]
        elif (
            isinstance(cur, (list, tuple))
            and part.lstrip("-").isdigit()
            and -len(cur) <= int(part) < len(cur)
        ):
            cur = cur[int(part)]
        else:
            return False, None
    return True, cur


def _compare(actual: Any, op: str, than: Any) -> bool | None:
    """The comparison, or None when the value cannot be compared that way (a text with <)."""
    number = isinstance(actual, (int, float)) and not isinstance(actual, bool)
    if op in ("<", "<=", ">", ">="):
        if not number or math.isnan(actual):
            return None
        return {"<": actual < than, "<=": actual <= than, ">": actual > than, ">=": actual >= than}[op]
    if op in ("in", "not in"):
        return (actual in than) == (op == "in")
    same = actual == than
    return same if op == "==" else not same


def _show(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else repr(v) if isinstance(v, str) else str(v)


def _feature(cond: FeatureCondition, ctx: _Context) -> Outcome:
    rule = f"{cond.op} {_show(cond.than)}"
    span: tuple[float, float] | None = None
    if cond.measure is not None:
        label = cond.measure
        window = (ctx.start_s, ctx.end_s)
        if cond.window is not None:
            window = cond.window.bounds(ctx.start_s, ctx.end_s)
            label += f" in {cond.window.describe(ctx.start_s, ctx.end_s)}"
        got = measure(ctx.call, cond.measure, window)
        if got.value is None:
            return Outcome(None, f"{label}: {got.reason}")
        actual: Any = got.value
        span = got.span or (window if cond.window is not None else None)
    else:
        assert cond.check is not None
        label = f"{cond.check}.{cond.value}"
        res = ctx.checks.get(cond.check)
        if res is None:
            return Outcome(None, f"check '{cond.check}' did not run for this call")
        if res.status == "na":
            return Outcome(None, f"check '{cond.check}' is na ({res.reason or 'no reason given'})")
        if cond.value == "status":
            actual = res.status
        else:
            found, actual = _lookup(res.values, cond.value)
            if not found:
                return Outcome(None, f"check '{cond.check}' publishes no value '{cond.value}'")
            if actual is None:
                return Outcome(None, f"{label} is null for this call")
    value = _compare(actual, cond.op, cond.than)
    if value is None:
        return Outcome(None, f"{label} = {_show(actual)} cannot be compared with {rule}")
    why = f"{label} = {_show(actual)} ({'' if value else 'not '}{rule})"
    ev = Evidence(None if span is None else round(span[0], 3), None if span is None else round(span[1], 3),
                  note=why)  # fmt: skip
    return Outcome(value, why, (ev,))
