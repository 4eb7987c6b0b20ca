"""The `formal_address` check: the agent says 您 not 你 (zh), Вы not ты (ru); English has no such forms (na)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from callqa.checks.language import phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.text.tokens import Token, tokenize_text
from callqa.types import Call, CheckResult, Evidence, na

# Quoted speech ("he said «ты ...»", 他说“你...”) is reported speech, not the agent addressing the customer.
_QUOTED = re.compile(r"“([^”]*)”|«([^»]*)»|\"([^\"]*)\"|「([^」]*)」|『([^』]*)』|„([^“”]*)[“”]")
_ZH_GREETING_LEAD = {"喂", "哎", "诶", "嗯", "啊"}  # 喂你好 is still a greeting


@dataclass(frozen=True)
class FormalAddressParams:
    max_informal: int = 0  # fail when the agent uses more informal forms than this
    count_ni_hao_greeting: bool = False  # zh: count an utterance-initial 你好 greeting as informal
    phrases_path: str | None = None


@dataclass(frozen=True)
class FormalAddressValues:
    informal_count: int
    formal_count: int  # 您 / вы, вас, вам ... (context for the reader)
    ni_hao_greetings: int  # zh: utterance-initial 你好 greetings, not counted unless configured
    items: tuple[dict, ...]  # each informal form: word, start_s, end_s


def _occurrences(toks: Sequence[Token], seqs: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """(first, last) token indices of every occurrence of any token sequence."""
    texts = [t.text for t in toks]
    out = []
    for seq in seqs:
        n = len(seq)
        out += [(i, i + n - 1) for i in range(len(texts) - n + 1) if n and texts[i : i + n] == list(seq)]
    return out


def _quoted_positions(toks: Sequence[Token], text: str, language: str) -> set[int]:
    quoted = [tokenize_text(next(g for g in m.groups() if g is not None), language=language)
              for m in _QUOTED.finditer(text)]  # fmt: skip
    return {k for a, b in _occurrences(toks, [q for q in quoted if q]) for k in range(a, b + 1)}


@register_check("formal_address", params=FormalAddressParams, uses_text=True)
def check_formal_address(call: Call, params: FormalAddressParams) -> CheckResult:
    """The agent addresses the customer formally: 您 not 你 (zh), вы/вас/вам not ты/тебя/тебе (ru)."""
    book = phrasebook_for(call, path=params.phrases_path)
    lang = book.language
    if lang == "en":
        return na("formal_address", "English has no formal/informal forms of 'you'")
    tokens = role_tokens(call, "agent", book=book)
    if not tokens:
        return na("formal_address", "no agent speech")

    def seqs(name: str) -> list[list[str]]:
        return [t for t in (tokenize_text(p, language=lang) for p in book.get(name)) if t]

    informal, formal, excepted = (
        seqs("informal_address"),
        seqs("formal_address"),
        seqs("informal_address_except"),
    )
    patterns = [re.compile(p) for p in book.get("informal_address_patterns")]
    items, evidence, n_formal, ni_hao = [], [], 0, 0
    for toks in tokens:
        utt = call.utterances[toks[0].utterance]
        skip = _quoted_positions(toks, utt.text, lang)
        skip |= {k for a, b in _occurrences(toks, excepted) for k in range(a, b + 1)}
        n_formal += sum(1 for a, _ in _occurrences(toks, formal) if a not in skip)
        hits = [(a, b) for a, b in _occurrences(toks, informal)]
        hits += [(i, i) for i, t in enumerate(toks) if any(p.fullmatch(t.text) for p in patterns)]
        for a, b in sorted(set(hits)):
            if a in skip:
                continue
            word = ("" if lang == "zh" else " ").join(t.text for t in toks[a : b + 1])
            if lang == "zh" and word == "你" and b + 1 < len(toks) and toks[b + 1].text == "好":
                if all(t.text in _ZH_GREETING_LEAD for t in toks[:a]) and not params.count_ni_hao_greeting:
                    ni_hao += 1
                    continue
            s, e = round(toks[a].start_s, 3), round(toks[b].end_s, 3)
            items.append({"word": word, "start_s": s, "end_s": e})
            evidence.append(Evidence(s, e, "agent", utt.text, f"informal address '{word}'"))
    ok = len(items) <= params.max_informal
    return CheckResult(
        "formal_address",
        "pass" if ok else "fail",
        reason=None if ok else f"{len(items)} informal forms of address (> {params.max_informal})",
        values=FormalAddressValues(len(items), n_formal, ni_hao, tuple(items)),
        evidence=tuple(evidence),
    )
