"""The `voicemail` check: the agent's message on a mailbox: short, with name, company, callback number and time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from callqa.checks.language import match_list, phrasebook_for
from callqa.checks.registry import register_check
from callqa.text.match import find_name
from callqa.text.normalize import normalize_text
from callqa.text.tokens import tokens_of_utterance
from callqa.types import Call, CheckResult, Evidence, na

DIGIT_WORDS = {
    "en": {
        "zero",
        "oh",
        "o",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "double",
    },
    "ru": {
        "ноль",
        "нуль",
        "один",
        "одна",
        "два",
        "две",
        "три",
        "четыре",
        "пять",
        "шесть",
        "семь",
        "восемь",
        "девять",
    },
    "zh": set("零〇一二三四五六七八九幺两"),
}
CLOCK = {  # a clock time said with digits ("at 5 pm", "до 18", "5点")
    "en": r"\b\d{1,2}( ?\d{2})? ?(a ?m|p ?m|o'clock)\b",
    "ru": r"\b(с|до|после|в) \d{1,2}( \d{2})?\b|\b\d{1,2} (час|утра|вечера)",
    "zh": r"(\d{1,2}|[二三四五六七八九十两]|十[一二])点",
}


@dataclass(frozen=True)
class VoicemailParams:
    max_message_s: float = 30.0  # the agent's message is at most this long
    greeting_max_s: float = 60.0  # the mailbox greeting is looked for this long from the start
    min_digits: int = 7  # a callback number: this many digits in a row (digits or digit words), or [PHONE]
    require_name: bool = True  # the agent's name (manifest) or, when unknown, a self-introduction
    require_company: bool = True  # only when the company is known
    require_callback_number: bool = True
    require_callback_time: bool = True
    phrases_path: str | None = None


@dataclass(frozen=True)
class VoicemailValues:
    greeting_end_s: float  # the mailbox greeting (excluded from the message) ends here
    message_start_s: float | None
    message_s: float  # length of the agent's message
    agent_name: bool | None
    company: bool | None  # None: company not known
    callback_number: bool
    callback_time: bool
    missing: tuple[str, ...]


def mailbox_greeting(call: Call, book, *, greeting_max_s: float = 60.0) -> list:
    """Matches of a mailbox greeting (an invitation to leave a message) in anyone's speech, early in the call."""
    toks = [tokens_of_utterance(u, language=book.language, index=i, pause_s=book.pause_s)
            for i, u in enumerate(call.utterances)]  # fmt: skip
    return [m for m in match_list(toks, book, "voicemail_greeting") if m.start_s <= greeting_max_s]


def _longest_digit_run(tokens, language: str) -> int:
    best = run = 0
    for t in tokens:
        n = len(t.text) if t.text.isdigit() else 1 if t.text in DIGIT_WORDS.get(language, ()) else 0
        run = run + n if n else 0
        best = max(best, run)
    return best


@register_check("voicemail", params=VoicemailParams, uses_text=True)
def check_voicemail(call: Call, params: VoicemailParams) -> CheckResult:
    """A message left on a mailbox: ≤ 30 s, agent's name, company, callback number and time (greeting excluded)."""
    if (call.meta.direction or "").lower() in ("inbound", "in"):
        return na("voicemail", "inbound call")
    book = phrasebook_for(call, path=params.phrases_path)
    lang = book.language
    toks = [
        tokens_of_utterance(u, language=lang, index=i, pause_s=book.pause_s)
        for i, u in enumerate(call.utterances)
    ]
    greet = mailbox_greeting(call, book, greeting_max_s=params.greeting_max_s)
    if not greet:
        return na("voicemail", "no mailbox reached (no voicemail greeting heard)")
    g_utts = {m.utterance for m in greet}
    g_end = max(call.utterances[i].end_s for i in g_utts)
    g_speakers = {call.utterances[i].speaker for i in g_utts}
    after = [i for i, u in enumerate(call.utterances) if u.start_s >= g_end - 0.2 and i not in g_utts]
    msg = ([i for i in after if call.utterances[i].role == "agent" and call.utterances[i].speaker not in g_speakers]
           or [i for i in after if call.utterances[i].speaker not in g_speakers] or after)  # fmt: skip
    mtoks = [toks[i] for i in msg if toks[i]]
    flat = [t for ts in mtoks for t in ts]
    start = min((call.utterances[i].start_s for i in msg), default=None)
    length = max((call.utterances[i].end_s for i in msg), default=g_end) - (
        start if start is not None else g_end
    )

    def named(name: str | None) -> bool | None:
        if not name:
            return None
        return bool(find_name(mtoks, name, language=lang, min_similarity=book.matching.name_min_similarity,
                              min_fuzzy_chars=book.matching.name_min_fuzzy_chars))  # fmt: skip

    agent_name = named(call.meta.agent_name)
    if agent_name is None:
        agent_name = bool(match_list(mtoks, book, "self_intro"))
    company = named(call.meta.company)
    text = " ".join(call.utterances[i].text for i in msg)
    number = "[PHONE]" in text.upper() or _longest_digit_run(flat, lang) >= params.min_digits
    norm = normalize_text(text, language=lang)
    when = bool(match_list(mtoks, book, "callback_time")) or bool(re.search(CLOCK.get(lang, "$^"), norm))
    missing = tuple(k for k, ok, req in (
        ("message_length", length <= params.max_message_s, True),
        ("agent_name", agent_name, params.require_name),
        ("company", company, params.require_company),
        ("callback_number", number, params.require_callback_number),
        ("callback_time", when, params.require_callback_time),
    ) if req and ok is False)  # fmt: skip
    values = VoicemailValues(round(g_end, 3), None if start is None else round(start, 3), round(max(length, 0.0), 3),
                             agent_name, company, number, when, missing)  # fmt: skip
    g_start = min(call.utterances[i].start_s for i in g_utts)
    evidence = [Evidence(round(g_start, 3), round(g_end, 3), note="mailbox greeting (excluded)")]
    if start is not None:
        evidence.append(
            Evidence(
                round(start, 3),
                round(start + length, 3),
                "agent",
                text,
                f"message {length:.0f} s" + (f"; missing: {', '.join(missing)}" if missing else ""),
            )
        )
    reason = "message lacks: " + ", ".join(missing) if missing else None
    return CheckResult("voicemail", "fail" if missing else "pass", reason, values, tuple(evidence))
