"""The `greeting` check: greeting, company name, agent's name and help offer in the agent's opening."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.language import (
    answer_time_s,
    clip_tokens,
    match_evidence,
    match_list,
    phrasebook_for,
    role_tokens,
)
from callqa.checks.registry import register_check
from callqa.text.match import find_name
from callqa.types import Call, CheckResult, CheckValues, Evidence, na


@dataclass(frozen=True)
class GreetingParams:
    window_s: float = 15.0  # the opening: this much agent speech time after answer
    require_company: bool = True  # only when the company is known (manifest/defaults)
    require_agent_name: bool = True  # only when the agent's name is known (manifest/roster)
    require_help_offer: bool = False  # the help offer is always reported; counts only if true
    max_wall_s: float = 60.0  # the opening also ends this long after answer, however little was said
    phrases_path: str | None = None  # a phrase book instead of configs/phrases/<lang>.yaml


def opening_end_s(call: Call, *, window_s: float) -> float | None:
    """Wall-clock time at which the agent has spoken `window_s` seconds since answer (pauses excluded).

    If the agent speaks less than that in total, the end of the agent's last utterance.
    None when the agent does not speak after answer.
    """
    answer_s = answer_time_s(call)
    spoken = 0.0
    last = None
    for u in sorted(call.utterances_of("agent"), key=lambda u: u.start_s):
        start = max(u.start_s, answer_s)
        if u.end_s <= start:
            continue
        dur = u.end_s - start
        if spoken + dur >= window_s:
            return start + (window_s - spoken)
        spoken += dur
        last = u.end_s
    return last


@dataclass(frozen=True)
class GreetingValues(CheckValues):
    greeting: bool
    company: bool | None  # None: the company is not known (manifest/defaults)
    agent_name: bool | None  # None: the agent's name is not known
    help_offer: bool
    window_s: float
    window_end_s: float


@register_check("greeting", params=GreetingParams)
def check_greeting(call: Call, params: GreetingParams) -> CheckResult:
    """Greeting, company name and agent name (fuzzy) within the agent's first seconds of speech."""
    end_s = opening_end_s(call, window_s=params.window_s)
    if end_s is None:
        return na("greeting", "no agent speech after answer")
    end_s = min(end_s, answer_time_s(call) + params.max_wall_s)
    book = phrasebook_for(call, path=params.phrases_path)
    start_s = answer_time_s(call)
    tokens = clip_tokens(role_tokens(call, "agent", book=book, after_s=start_s), start_s=start_s, end_s=end_s)
    evidence: list[Evidence] = []
    greet = match_list(tokens, book, "greeting")
    help_offer = match_list(tokens, book, "help_offer")
    evidence += [match_evidence(m, role="agent", note="greeting") for m in greet[:1]]
    evidence += [match_evidence(m, role="agent", note="help offer") for m in help_offer[:1]]

    def name_found(name: str | None, what: str) -> bool | None:
        if not name:
            return None
        hits = find_name(
            tokens,
            name,
            language=book.language,
            min_similarity=book.matching.name_min_similarity,
            min_fuzzy_chars=book.matching.name_min_fuzzy_chars,
        )
        if hits:
            evidence.append(match_evidence(hits[0], role="agent", note=what))
        else:
            evidence.append(Evidence(start_s, round(end_s, 3), "agent", note=f"{what} '{name}' not heard"))
        return bool(hits)

    company = name_found(call.meta.company, "company")
    agent_name = name_found(call.meta.agent_name, "agent name")
    if not greet:
        evidence.append(Evidence(start_s, round(end_s, 3), "agent", note="no greeting in the opening"))
    missing = [k for k, ok, req in (
        ("greeting", bool(greet), True),
        ("company", company, params.require_company),
        ("agent_name", agent_name, params.require_agent_name),
        ("help_offer", bool(help_offer), params.require_help_offer),
    ) if req and ok is False]  # fmt: skip
    unknown = [k for k, v in (("company", company), ("agent_name", agent_name)) if v is None]
    reason = None
    if missing:
        reason = "missing in the opening: " + ", ".join(missing)
    elif unknown:
        reason = "not checked (not in manifest): " + ", ".join(unknown)
    return CheckResult(
        "greeting",
        "fail" if missing else "pass",
        reason=reason,
        values=GreetingValues(
            greeting=bool(greet),
            company=company,
            agent_name=agent_name,
            help_offer=bool(help_offer),
            window_s=params.window_s,
            window_end_s=round(end_s, 3),
        ),
        evidence=tuple(evidence),
    )
