"""The `closing` check: summary, thanks and farewell at the end of the call, in order; who hung up."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.language import match_evidence, match_list, phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.types import Call, CheckResult, CheckValues, Evidence, HangupParty, na


@dataclass(frozen=True)
class ClosingParams:
    window_s: float = 60.0  # the closing: the last this-many seconds before the last speech ends
    require_summary: bool = True
    require_thanks: bool = True
    require_farewell: bool = True
    phrases_path: str | None = None  # a phrase book instead of configs/phrases/<lang>.yaml


@dataclass(frozen=True)
class ClosingValues(CheckValues):
    summary: bool
    thanks: bool
    farewell: bool
    hangup_party: HangupParty
    hangup_source: str  # manifest | busy_tone | dead_line | inferred | none
    hangup_ok: bool | None  # None: who hung up is unknown
    summary_before_thanks: bool | None
    order_ok: bool | None
    window_start_s: float


@register_check(
    "closing",
    params=ClosingParams,
    uses_text=True,
    keep_when_untrusted=("hangup_party", "hangup_source", "hangup_ok"),
)
def check_closing(call: Call, params: ClosingParams) -> CheckResult:
    """Summary before thanks, a farewell, and the customer (not the agent) hanging up first."""
    agent = call.utterances_of("agent")
    if not agent:  # the hang-up party still comes from the signal (a tone, a dead leg) without words
        decision = call.features.hangup
        party, hang_ev = decision.party, decision.evidence
        res = na("closing", "no agent speech", hangup_party=party, hangup_source=decision.source)
        return CheckResult(res.name, res.status, res.reason, res.values,
                           (hang_ev,) if hang_ev is not None else ())  # fmt: skip
    book = phrasebook_for(call, path=params.phrases_path)
    last_end = max(u.end_s for u in call.utterances)
    start_s = max(0.0, last_end - params.window_s)
    tokens = [
        [t for t in utt if t.start_s >= start_s]
        for utt in role_tokens(call, "agent", book=book, after_s=start_s)
    ]
    tokens = [t for t in tokens if t]
    summary = match_list(tokens, book, "summary")
    thanks = match_list(tokens, book, "thanks")
    farewell = match_list(tokens, book, "farewell")
    evidence = [match_evidence(m, role="agent", note="summary") for m in summary[:1]]
    evidence += [match_evidence(m, role="agent", note="thanks") for m in thanks[-1:]]
    evidence += [match_evidence(m, role="agent", note="farewell") for m in farewell[-1:]]
    decision = call.features.hangup  # configured signal.hangup
    party, hang_ev = decision.party, decision.evidence
    if hang_ev is not None:
        evidence.append(hang_ev)
    # the closing thanks is the last one; a recap must come before it
    summary_before_thanks = summary[0].start_s < thanks[-1].start_s if summary and thanks else None
    hangup_ok = None if party not in ("agent", "customer") else party == "customer"
    if summary_before_thanks is False or hangup_ok is False:
        order_ok: bool | None = False
    elif summary_before_thanks is None and hangup_ok is None:
        order_ok = None  # nothing to put in order
    else:
        order_ok = True
    problems = []
    for name, found, required in (
        ("summary", summary, params.require_summary),
        ("thanks", thanks, params.require_thanks),
        ("farewell", farewell, params.require_farewell),
    ):
        if required and not found:
            problems.append(f"no {name}")
            evidence.append(
                Evidence(round(start_s, 3), round(last_end, 3), "agent", note=f"no {name} in the closing")
            )
    if summary_before_thanks is False:
        problems.append("summary after thanks")
    if hangup_ok is False:
        problems.append("agent hung up first")
    notes = [] if hangup_ok is not None else ["hang-up party unknown: that part is na"]
    return CheckResult(
        "closing",
        "fail" if problems else "pass",
        reason="; ".join(problems + notes) or None,
        values=ClosingValues(
            summary=bool(summary),
            thanks=bool(thanks),
            farewell=bool(farewell),
            hangup_party=party,
            hangup_source=decision.source,
            hangup_ok=hangup_ok,
            summary_before_thanks=summary_before_thanks,
            order_ok=order_ok,
            window_start_s=round(start_s, 3),
        ),
        evidence=tuple(evidence),
    )
