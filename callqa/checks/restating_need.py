"""The `restating_need` check: after the customer explains, the agent restates the need in their own words."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.language import answer_time_s, match_evidence, match_list, phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.checks.voicemail import mailbox_greeting
from callqa.types import Call, CheckResult, Evidence, na


@dataclass(frozen=True)
class RestatingNeedParams:
    min_explain_s: float = 3.0  # the customer's explanation: their first this-many seconds of speech
    max_delay_s: float = 120.0  # the restatement comes at most this long after the explanation ends
    phrases_path: str | None = None


@dataclass(frozen=True)
class RestatingNeedValues:
    restated: bool  # a restatement in time
    restated_at_s: float | None  # the first restatement after the customer began explaining
    phrase: str | None
    explanation_start_s: float | None
    explanation_end_s: float | None
    delay_s: float | None  # restatement start - explanation end (negative: while the customer explained)
    count: int  # restatements in the whole call


def explanation_span(call: Call, min_explain_s: float) -> tuple[float, float] | None:
    """Start of the customer's first speech after answer and when it has lasted `min_explain_s`."""
    answer = answer_time_s(call)
    spoken, start = 0.0, None
    for u in sorted(call.utterances_of("customer"), key=lambda u: u.start_s):
        if u.end_s <= answer:
            continue
        s = max(u.start_s, answer)
        start = s if start is None else start
        if spoken + (u.end_s - s) >= min_explain_s:
            return start, u.end_s
        spoken += u.end_s - s
    return None


@register_check("restating_need", params=RestatingNeedParams, uses_text=("agent", "customer"))
def check_restating_need(call: Call, params: RestatingNeedParams) -> CheckResult:
    """The agent restates the customer's need ("so you're saying", 您的意思是, правильно ли я понимаю)."""
    span = explanation_span(call, params.min_explain_s)
    if span is None:
        return na("restating_need", f"the customer does not explain (< {params.min_explain_s:g} s of speech)")
    if not call.utterances_of("agent"):
        return na("restating_need", "no agent speech")
    book = phrasebook_for(call, path=params.phrases_path)
    if mailbox_greeting(call, book):
        return na("restating_need", "the call reached a mailbox (no conversation)")
    hits = match_list(role_tokens(call, "agent", book=book), book, "restate")
    after = [m for m in hits if m.start_s >= span[0]]
    first = after[0] if after else None
    delay = round(first.start_s - span[1], 3) if first else None
    ok = first is not None and delay is not None and delay <= params.max_delay_s
    evidence = [Evidence(round(span[0], 3), round(span[1], 3), "customer", note="the customer's explanation")]
    if first:
        evidence.append(
            match_evidence(first, role="agent", note=f"restated the need {delay:+.0f} s after it")
        )
    reason = None
    if first is None:
        reason = "the agent never restated the customer's need"
    elif not ok:
        reason = f"restated only {delay:.0f} s after the explanation (> {params.max_delay_s:g} s)"
    values = RestatingNeedValues(
        restated=ok,
        restated_at_s=round(first.start_s, 3) if first else None,
        phrase=first.phrase if first else None,
        explanation_start_s=round(span[0], 3),
        explanation_end_s=round(span[1], 3),
        delay_s=delay,
        count=len(hits),
    )
    return CheckResult("restating_need", "pass" if ok else "fail", reason, values, tuple(evidence))
