"""Optional etiquette checks: permission before hold and thanks after (with reason and duration), customer's
name, positive language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from callqa.checks.language import match_evidence, match_list, phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.text.match import PhraseMatch, find_name
from callqa.text.normalize import normalize_text
from callqa.types import Call, CheckResult, CheckValues, Evidence, na

# "for how long" said with a number: any number (digits or words) and a unit of time, per language
_DURATION_RE = {
    "en": re.compile(
        r"\b(\d+|a|an|one|two|three|four|five|ten|fifteen|twenty|thirty|few|couple(?: of)?)\s+"
        r"(?:more\s+)?(seconds?|secs?|minutes?|mins?)\b"
    ),
    "zh": re.compile(r"(\d+|[一二两三四五六七八九十几半]+)\s*(分钟|秒钟|秒)"),
    "ru": re.compile(
        r"(\d+|одну|одна|две|два|три|четыре|пять|десять|пару|пара|несколько|пол)\s*"
        r"(минут\w*|секунд\w*)"
    ),
}


@dataclass(frozen=True)
class HoldEtiquetteParams:
    """Holds, their request and their thanks come from `call.features.holds` (`checks.holds`: the window
    `phrase_window_s` and the phrase book); `phrases_path` applies to calls without a detected hold."""

    phrases_path: str | None = None  # phrase book for holds inferred from the transcript alone
    # the course also asks the agent to say why and for how long before the hold: always reported
    # per hold (`explained_reason`, `said_duration`); a hold without them fails only when required
    require_reason: bool = False
    require_duration: bool = False


@dataclass(frozen=True)
class HoldEtiquetteItem:
    start_s: float
    end_s: float
    permission: bool
    thanked: bool
    explained_reason: bool = False
    said_duration: bool = False


@dataclass(frozen=True)
class HoldEtiquetteValues(CheckValues):
    holds: int
    permission_asked: int
    thanked_after: int
    explained_reason: int
    said_duration: int
    items: tuple[HoldEtiquetteItem, ...]
    source: str  # signal (holds found in the audio) | transcript (hold phrases only)


def duration_mentions(call: Call, tokens, book) -> list[PhraseMatch]:
    """'for how long' phrases (list `hold_duration`) plus any number + time unit in the agent's words."""
    found = match_list(tokens, book, "hold_duration")
    rx = _DURATION_RE.get(book.language)
    if rx is None:
        return found
    for i, u in enumerate(call.utterances):
        if u.role != "agent":
            continue
        text = normalize_text(u.text, language=book.language)
        for m in rx.finditer(text):
            if any(f.utterance == i for f in found):
                continue  # already found by the phrase list in this utterance
            n = max(1, len(text))
            span = u.end_s - u.start_s  # place the mention by its position in the utterance's text
            start = u.start_s + span * m.start() / n
            found.append(PhraseMatch("<number + unit>", m.group(0), start, u.start_s + span * m.end() / n,
                                     1.0, i, -1, -1))  # fmt: skip
    return sorted(found, key=lambda m: m.start_s)


@register_check("hold_etiquette", params=HoldEtiquetteParams, uses_text=True)
def check_hold_etiquette(call: Call, params: HoldEtiquetteParams) -> CheckResult:
    """Each hold: the agent asked permission before it (saying why and for how long) and thanked the customer
    after it."""
    if not call.utterances_of("agent"):
        return na("hold_etiquette", "no agent speech")
    book = phrasebook_for(call, path=params.phrases_path)
    tokens = role_tokens(call, "agent", book=book)
    reasons = match_list(tokens, book, "hold_reason")
    durations = duration_mentions(call, tokens, book)
    window_s = call.features.hold_phrase_window_s  # the window the `holds` check's holds were matched in
    evidence: list[Evidence] = []

    def explained(start: float, lo: float) -> tuple[list[PhraseMatch], list[PhraseMatch]]:
        """Reason and duration said between `lo` and just after the hold starts at `start`."""
        why = [m for m in reasons if lo <= m.start_s <= start + 2.0]
        how_long = [m for m in durations if lo <= m.start_s <= start + 2.0]
        evidence.extend(match_evidence(m, role="agent", note="reason for the hold") for m in why[-1:])
        evidence.extend(match_evidence(m, role="agent", note="hold duration said") for m in how_long[-1:])
        return why, how_long

    holds = call.features.holds  # the holds the `holds` check reports, their request and thanks matched once
    items: list[HoldEtiquetteItem] = []
    if holds:
        source = "signal"
        for hold in holds:
            start, end = hold.start_s, hold.end_s
            evidence.append(Evidence(round(start, 3), round(end, 3), note="hold"))
            why, how_long = explained(start, start - window_s)
            items.append(
                HoldEtiquetteItem(
                    round(start, 3),
                    round(end, 3),
                    hold.request is not None,
                    hold.thanks is not None,
                    bool(why),
                    bool(how_long),
                )  # fmt: skip
            )
            if hold.request is not None:
                evidence.append(match_evidence(hold.request, role="agent", note="hold permission"))
            if hold.thanks is not None:
                evidence.append(match_evidence(hold.thanks, role="agent", note="thanks after hold"))
    else:  # no hold in the signal: the holds are where the agent asked for one and thanked after it
        source = "transcript"
        asks = match_list(tokens, book, "hold_request")
        thanks = match_list(tokens, book, "hold_thanks", unless_exactly=("thanks",))
        if not asks and not thanks:
            return na("hold_etiquette", "no hold (no hold events, no hold phrases)")
        # pair each request with the first thanks after it; a thanks with no request = hold without permission
        used: set[int] = set()
        for k, ask in enumerate(asks):
            nxt = asks[k + 1].start_s if k + 1 < len(asks) else float("inf")
            thank = [(j, m) for j, m in enumerate(thanks) if ask.end_s <= m.start_s < nxt and j not in used]
            if thank:
                used.add(thank[0][0])
            evidence.append(match_evidence(ask, role="agent", note="hold permission"))
            prev_end = asks[k - 1].end_s if k else ask.start_s - window_s
            # the hold starts after the request: reason/duration said since the previous hold, up to the
            # request's end (+2 s: "May I put you on hold? It will take two minutes.")
            why, how_long = explained(ask.end_s + 3.0, max(prev_end, ask.start_s - window_s))
            end_s = (thank[0][1] if thank else ask).end_s
            items.append(HoldEtiquetteItem(round(ask.start_s, 3), round(end_s, 3), True, bool(thank), bool(why),
                                           bool(how_long)))  # fmt: skip
            if thank:
                evidence.append(match_evidence(thank[0][1], role="agent", note="thanks after hold"))
        for j, m in enumerate(thanks):
            if j not in used:
                items.append(HoldEtiquetteItem(round(m.start_s, 3), round(m.end_s, 3), False, True))
                evidence.append(match_evidence(m, role="agent", note="thanks after a hold nobody asked for"))

    def ok(it: HoldEtiquetteItem) -> bool:
        return (it.permission and it.thanked
                and (it.explained_reason or not params.require_reason)
                and (it.said_duration or not params.require_duration))  # fmt: skip

    bad = [it for it in items if not ok(it)]
    what = "permission or thanks" + (" or reason" if params.require_reason else "") + (
        " or duration" if params.require_duration else "")  # fmt: skip
    return CheckResult(
        "hold_etiquette",
        "fail" if bad else "pass",
        reason=f"{len(bad)} of {len(items)} holds without {what}" if bad else None,
        values=HoldEtiquetteValues(
            holds=len(items),
            permission_asked=sum(it.permission for it in items),
            thanked_after=sum(it.thanked for it in items),
            explained_reason=sum(it.explained_reason for it in items),
            said_duration=sum(it.said_duration for it in items),
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


@register_check("customer_name", params=CustomerNameParams, uses_text=True)
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
class NegativePhrase:
    phrase: str
    text: str
    start_s: float


@dataclass(frozen=True)
class PositiveLanguageValues(CheckValues):
    count: int
    items: tuple[NegativePhrase, ...]


@register_check("positive_language", params=PositiveLanguageParams, uses_text=True)
def check_positive_language(call: Call, params: PositiveLanguageParams) -> CheckResult:
    """No negative phrases ("I don't know", "我不知道", "я не знаю" ...) from the agent."""
    if not call.utterances_of("agent"):
        return na("positive_language", "no agent speech")
    book = phrasebook_for(call, path=params.phrases_path)
    hits = match_list(role_tokens(call, "agent", book=book), book, "negative", unless_exactly=("help_offer",))
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
