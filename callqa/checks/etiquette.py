"""Optional etiquette checks: permission before hold and thanks after, customer's name, positive language."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.language import match_evidence, match_list, phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.text.match import find_name
from callqa.types import Call, CheckResult, CheckValues, Evidence, RecordMapping, na


@dataclass(frozen=True)
class HoldEtiquetteParams:
    """Holds, their request and their thanks come from `call.features.holds` (`checks.holds`: the window
    `phrase_window_s` and the phrase book); these parameters apply to calls without a detected hold."""

    phrases_path: str | None = None  # phrase book for holds inferred from the transcript alone


@dataclass(frozen=True)
class HoldEtiquetteItem(RecordMapping):
    start_s: float
    end_s: float
    permission: bool
    thanked: bool


@dataclass(frozen=True)
class HoldEtiquetteValues(CheckValues):
    holds: int
    permission_asked: int
    thanked_after: int
    items: tuple[HoldEtiquetteItem, ...]
    source: str  # signal (holds found in the audio) | transcript (hold phrases only)


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
    items: list[HoldEtiquetteItem] = []
    evidence = []
    if holds:
        source = "signal"
        for hold in holds:
            start, end = hold.start_s, hold.end_s
            items.append(
                HoldEtiquetteItem(round(start, 3), round(end, 3), hold.request is not None, hold.thanks is not None)
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
            end_s = (thank[0][1] if thank else ask).end_s
            items.append(HoldEtiquetteItem(round(ask.start_s, 3), round(end_s, 3), True, bool(thank)))
            evidence.append(match_evidence(ask, role="agent", note="hold permission"))
            if thank:
                evidence.append(match_evidence(thank[0][1], role="agent", note="thanks after hold"))
        for j, m in enumerate(thanks):
            if j not in used:
                items.append(HoldEtiquetteItem(round(m.start_s, 3), round(m.end_s, 3), False, True))
                evidence.append(match_evidence(m, role="agent", note="thanks after a hold nobody asked for"))
    bad = [it for it in items if not (it.permission and it.thanked)]
    return CheckResult(
        "hold_etiquette",
        "fail" if bad else "pass",
        reason=f"{len(bad)} of {len(items)} holds without permission or thanks" if bad else None,
        values=HoldEtiquetteValues(
            holds=len(items),
            permission_asked=sum(it.permission for it in items),
            thanked_after=sum(it.thanked for it in items),
            items=tuple(sorted(items, key=lambda it: it.start_s)),
            source=source,
        ),
        evidence=tuple(evidence),
    )


@dataclass(frozen=True)
class CustomerNameParams:
    min_mentions: int = 1  # the agent says the customer's name at least this often
    phrases_path: str | None = None


@dataclass(frozen=True)
class CustomerNameValues(CheckValues):
    addressed: bool
    mentions: int
    first_s: float | None


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
        values=CustomerNameValues(bool(hits), len(hits), round(hits[0].start_s, 3) if hits else None),
        evidence=tuple(match_evidence(m, role="agent", note="customer name") for m in hits),
    )


@dataclass(frozen=True)
class PositiveLanguageParams:
    max_count: int = 0  # fail when the agent uses more negative phrases than this
    phrases_path: str | None = None


@dataclass(frozen=True)
class NegativePhrase(RecordMapping):
    phrase: str
    text: str
    start_s: float


@dataclass(frozen=True)
class PositiveLanguageValues(CheckValues):
    count: int
    items: tuple[NegativePhrase, ...]


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
        values=PositiveLanguageValues(
            len(hits), tuple(NegativePhrase(m.phrase, m.text, round(m.start_s, 3)) for m in hits)
        ),
        evidence=tuple(match_evidence(m, role="agent", note="negative phrase") for m in hits),
    )
