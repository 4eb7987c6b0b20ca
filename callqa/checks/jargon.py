"""The `jargon` check: internal or technical terms (a per-company list) used by the agent without explanation."""

from __future__ import annotations

from dataclasses import dataclass, field

from callqa.checks.language import match_evidence, phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.text.match import find_phrases
from callqa.types import Call, CheckResult, na


@dataclass(frozen=True)
class JargonParams:
    terms: list[str] = field(
        default_factory=list
    )  # the company's internal terms (added to the phrase book's)
    use_phrasebook: bool = True  # also the generic `jargon` list of configs/phrases/<lang>.yaml
    explain_window_s: float = (
        10.0  # an explanation ("which means", 也就是说, то есть) this soon after the term
    )
    explain_before_s: float = 3.0  # ... or just before it ("that's our engineering team on the back end")
    customer_first_ok: bool = True  # a term the customer used first is not jargon to them
    max_unexplained: int = 0  # fail when more terms than this go unexplained
    phrases_path: str | None = None


@dataclass(frozen=True)
class JargonValues:
    count: int  # agent uses of listed terms
    unexplained: int
    terms: tuple[str, ...]  # distinct unexplained terms
    items: tuple[dict, ...]  # term, text, start_s, explained


@register_check("jargon", params=JargonParams, uses_text=True)
def check_jargon(call: Call, params: JargonParams) -> CheckResult:
    """Internal/technical terms from a configurable list, said by the agent without an explanation."""
    book = phrasebook_for(call, path=params.phrases_path)
    terms = list(params.terms) + (list(book.get("jargon")) if params.use_phrasebook else [])
    if not terms:
        return na("jargon", "no jargon terms configured (checks.jargon.terms, phrase list 'jargon')")
    if not call.utterances_of("agent"):
        return na("jargon", "no agent speech")
    m = book.matching

    def find(role, phrases):
        return find_phrases(role_tokens(call, role, book=book), phrases, language=book.language,
                            min_similarity=m.min_similarity, min_fuzzy_chars=m.min_fuzzy_chars,
                            min_word_similarity=m.min_word_similarity)  # fmt: skip

    used = find("agent", terms)
    explains = find("agent", book.get("jargon_explain"))
    customer_first = {h.phrase: h.start_s for h in reversed(find("customer", terms))}
    explained_terms: set[str] = set()
    items, evidence = [], []
    for h in used:
        ok = any(
            h.end_s - 0.5 <= x.start_s <= h.end_s + params.explain_window_s  # right after the term
            or (x.utterance == h.utterance and h.start_s - params.explain_before_s <= x.start_s < h.start_s)
            for x in explains
        )
        if ok:
            explained_terms.add(h.phrase)
        why = "explained" if ok else None
        if not ok and h.phrase in explained_terms:
            ok, why = True, "explained earlier"
        if not ok and params.customer_first_ok and customer_first.get(h.phrase, float("inf")) < h.start_s:
            ok, why = True, "the customer used it first"
        items.append({"term": h.phrase, "text": h.text, "start_s": round(h.start_s, 3), "explained": ok})
        evidence.append(
            match_evidence(h, role="agent", note=f"jargon, {why}" if why else "jargon, unexplained")
        )
    bad = [i for i in items if not i["explained"]]
    ok = len(bad) <= params.max_unexplained
    values = JargonValues(len(items), len(bad), tuple(dict.fromkeys(i["term"] for i in bad)), tuple(items))
    reason = None if ok else f"{len(bad)} unexplained terms: " + ", ".join(values.terms)
    return CheckResult("jargon", "pass" if ok else "fail", reason, values, tuple(evidence))
