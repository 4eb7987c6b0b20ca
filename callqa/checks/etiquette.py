"""Optional etiquette checks: permission before hold and thanks after, customer's name, positive language."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.language import match_evidence, match_list, phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.text.match import find_name
from callqa.types import Call, CheckResult, Evidence, na


@dataclass(frozen=True)
class HoldEtiquetteParams:
    """Holds, their request and their thanks come from `call.features.holds` (`checks.holds`: the window
    `phrase_window_s` and the phrase book); these parameters apply to calls without a detected hold."""

    phrases_path: str | None = None  # phrase book for holds inferred from the transcript alone


@register_check("hold_etiquette", params=HoldEtiquetteParams)
def check_hold_etiquette(call: Call, params: HoldEtiquetteParams) -> CheckResult:
    """Each hold: the agent asked permission before it and thanked the customer after it."""
    if not call.utterances_of("agent"):
        return na("hold_etiquette", "no agent speech")
    book = phrasebook_for(call, path=params.phrases_path)
    tokens = role_tokens(call, "agent", book=book)
    asks = match_list(tokens, book, "hold_request")
    thanks = match_list(tokens, book, "hold_thanks")
    holds = call.features.holds  # the holds the `holds` check reports, with their request and thanks
    items = []
    evidence = []
    if holds:
        source = "signal"
        for hold in holds:
            start, end = hold.start_s, hold.end_s
            items.append(
                {
                    "start_s": round(start, 3),
                    "end_s": round(end, 3),
                    "permission": hold.request is not None,
                    "thanked": hold.thanks is not None,
                }
            )
            evidence.append(Evidence(round(start, 3), round(end, 3), note="hold"))
            if hold.request is not None:
                evidence.append(match_evidence(hold.request, role="agent", note="hold permission"))
            if hold.thanks is not None:
                evidence.append(match_evidence(hold.thanks, role="agent", note="thanks after hold"))
    else:
        source = "transcript"
        if not asks and not thanks:
            return na("hold_etiquette", "no hold (no hold events, no hold phrases)")
        # pair each request with the first thanks after it; a thanks with no request = hold without permission
        used: set[int] = set()
        for k, ask in enumerate(asks):
            nxt = asks[k + 1].start_s if k + 1 < len(asks) else float("inf")
            thank = [(j, m) for j, m in enumerate(thanks) if ask.end_s <= m.start_s < nxt and j not in used]
            if thank:
                used.add(thank[0][0])
            items.append({"start_s": round(ask.start_s, 3), "end_s": round((thank[0][1] if thank else ask).end_s, 3),
                          "permission": True, "thanked": bool(thank)})  # fmt: skip
            evidence.append(match_evidence(ask, role="agent", note="hold permission"))
            if thank:
                evidence.append(match_evidence(thank[0][1], role="agent", note="thanks after hold"))
        for j, m in enumerate(thanks):
            if j not in used:
                items.append(
                    {
                        "start_s": round(m.start_s, 3),
                        "end_s": round(m.end_s, 3),
                        "permission": False,
                        "thanked": True,
                    }
                )
                evidence.append(match_evidence(m, role="agent", note="thanks after a hold nobody asked for"))
    bad = [it for it in items if not (it["permission"] and it["thanked"])]
    return CheckResult(
        "hold_etiquette",
        "fail" if bad else "pass",
        reason=f"{len(bad)} of {len(items)} holds without permission or thanks" if bad else None,
        values={
            "holds": len(items),
            "permission_asked": sum(it["permission"] for it in items),
            "thanked_after": sum(it["thanked"] for it in items),
            "items": sorted(items, key=lambda it: it["start_s"]),
            "source": source,
        },
        evidence=tuple(evidence),
    )


@dataclass(frozen=True)
class CustomerNameParams:
    min_mentions: int = 1  # the agent says the customer's name at least this often
    phrases_path: str | None = None


@register_check("customer_name", params=CustomerNameParams)
def check_customer_name(call: Call, params: CustomerNameParams) -> CheckResult:
    """The agent addresses the customer by name (fuzzy, as for the agent's name)."""
    name = call.meta.customer_name
    if not name:
        return na("customer_name", "customer name not in manifest")
    if not call.utterances_of("agent"):
        return na("customer_name", "no agent speech")
    book = phrasebook_for(call, path=params.phrases_path)
    hits = find_name(
        role_tokens(call, "agent", book=book),
        name,
        language=book.language,
        min_similarity=book.matching.name_min_similarity,
        min_fuzzy_chars=book.matching.name_min_fuzzy_chars,
    )
    ok = len(hits) >= params.min_mentions
    return CheckResult(
        "customer_name",
        "pass" if ok else "fail",
        reason=None if ok else f"customer's name '{name}' said {len(hits)} times (< {params.min_mentions})",
        values={
            "addressed": bool(hits),
            "mentions": len(hits),
            "first_s": round(hits[0].start_s, 3) if hits else None,
        },
        evidence=tuple(match_evidence(m, role="agent", note="customer name") for m in hits),
    )


@dataclass(frozen=True)
class PositiveLanguageParams:
    max_count: int = 0  # fail when the agent uses more negative phrases than this
    phrases_path: str | None = None


@register_check("positive_language", params=PositiveLanguageParams)
def check_positive_language(call: Call, params: PositiveLanguageParams) -> CheckResult:
    """No negative phrases ("I don't know", "我不知道", "я не знаю" ...) from the agent."""
    if not call.utterances_of("agent"):
        return na("positive_language", "no agent speech")
    book = phrasebook_for(call, path=params.phrases_path)
    hits = match_list(role_tokens(call, "agent", book=book), book, "negative")
    ok = len(hits) <= params.max_count
    return CheckResult(
        "positive_language",
        "pass" if ok else "fail",
        reason=None if ok else f"{len(hits)} negative phrases",
        values={
            "count": len(hits),
            "items": [{"phrase": m.phrase, "text": m.text, "start_s": round(m.start_s, 3)} for m in hits],
        },
        evidence=tuple(match_evidence(m, role="agent", note="negative phrase") for m in hits),
    )
