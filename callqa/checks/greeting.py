"""The `greeting` check: greeting, company name, agent's name and help offer in the agent's opening."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from callqa.checks.language import (
    answer_time_s,
    clip_tokens,
    match_evidence,
    match_list,
    phrasebook_for,
    role_tokens,
)
from callqa.checks.registry import register_check
from callqa.text.match import PhraseMatch, find_name
from callqa.text.tokens import tokenize_text
from callqa.types import Call, CheckResult, CheckValues, Evidence, na


@dataclass(frozen=True)
class GreetingParams:
    window_s: float = 15.0  # the opening: this much agent speech time after answer
    require_company: bool = True  # only when the company is known (manifest/defaults)
    require_agent_name: bool = True  # only when the agent's name is known (manifest/roster)
    require_help_offer: bool = False  # the help offer is always reported; counts only if true
    max_wall_s: float = 60.0  # the opening also ends this long after answer, however little was said
    phrases_path: str | None = None  # a phrase book instead of configs/phrases/<lang>.yaml
    # greetings that are not a proper greeting, per language: "алло" / "喂" never count; an entry ending
    # in "?" ("hello?") does not count when asked (written with "?") or when it is all the utterance says
    not_counting: dict[str, list[str]] = field(
        default_factory=lambda: {"en": ["hello?"], "zh": ["喂"], "ru": ["алло"]}
    )


def not_counting_reason(call: Call, m: PhraseMatch, entries: list[str], language: str) -> str | None:
    """Why greeting match `m` does not count (an entry of `not_counting`), or None when it counts."""
    for entry in entries:
        asked_only = entry.rstrip().endswith(("?", "？"))
        phrase = entry.strip().rstrip("?？").strip()
        ptoks = tokenize_text(phrase, language=language)
        if not ptoks or ptoks != tokenize_text(m.phrase, language=language):
            continue
        if not asked_only:
            return f"'{m.text}' is not a proper greeting (checks.greeting.not_counting)"
        text = call.utterances[m.utterance].text if 0 <= m.utterance < len(call.utterances) else ""
        alone = set(tokenize_text(text, language=language)) <= set(ptoks)
        asked = re.search(re.escape(phrase) + r"[\s,]*[?？]", text, flags=re.IGNORECASE) is not None
        if alone or asked:
            how = "alone" if alone else "asked as a question"
            return f"'{m.text}' {how} is not a proper greeting (checks.greeting.not_counting)"
    return None


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
    not_counted: list[str]  # greetings heard that do not count alone (greeting.not_counting)
    window_s: float
    window_end_s: float


@register_check("greeting", params=GreetingParams, uses_text=True)
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
    greet = []
    not_counted = []
    entries = list(params.not_counting.get(book.language, []))
    for m in match_list(tokens, book, "greeting"):
        why = not_counting_reason(call, m, entries, book.language)
        if why is None:
            greet.append(m)
        else:
            not_counted.append((m, why))
    help_offer = match_list(tokens, book, "help_offer")
    evidence += [match_evidence(m, role="agent", note="greeting") for m in greet[:1]]
    if not greet:
        evidence += [Evidence(round(m.start_s, 3), round(m.end_s, 3), "agent", m.text, why)
                     for m, why in not_counted[:3]]  # fmt: skip
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
        if not greet and not_counted:
            reason += f" ({not_counted[0][1]})"
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
            not_counted=[m.text for m, _ in not_counted],
            window_s=params.window_s,
            window_end_s=round(end_s, 3),
        ),
        evidence=tuple(evidence),
    )
