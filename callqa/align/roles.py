"""Give speakers roles: agent / customer, from the channel layout (stereo) or from the opening (mono)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from callqa.types import Role, SpeakerTurn, Utterance, layout_roles

# Phrases only an agent says in an opening; a customer's typical openers count against.
AGENT_OPENERS = {
    "en": [
        "thank you for calling",
        "thanks for calling",
        "how can i help",
        "how may i help",
        "how can i assist",
        "my name is",
        "this is",
        "speaking",
        "welcome to",
        "good morning",
        "good afternoon",
        "good evening",
        "customer service",
        "support",
    ],
    "zh": [
        "感谢您的来电",
        "欢迎致电",
        "您好",
        "有什么可以帮您",
        "请问有什么",
        "很高兴为您服务",
        "我是",
        "工号",
    ],
    "ru": [
        "спасибо за звонок",
        "чем могу помочь",
        "меня зовут",
        "здравствуйте",
        "добрый день",
        "компания",
        "слушаю вас",
        "служба поддержки",
    ],
}
CUSTOMER_OPENERS = {
    "en": [
        "i'm calling about",
        "i am calling about",
        "i'm calling because",
        "i have a problem",
        "i need help",
        "i'd like to",
        "i want to",
        "my account",
        "my car",
        "my order",
    ],
    "zh": ["我想问", "我想咨询", "我要", "我的订单", "我有个问题"],
    "ru": ["я звоню", "у меня проблема", "я хотел", "я хотела", "мой заказ", "мне нужно"],
}

# Said anywhere in a call: the agent's service language / the customer's own matter. They decide a mono window
# that starts mid-conversation (a recording cut from a longer call), where nobody says an opener and the first
# speaker is whoever spoke first after the cut (eval real-02 / real-04: roles swapped, accuracy 0.0).
AGENT_SERVICE = {
    "en": [
        "let me", "one moment", "one second", "bear with me", "i can see", "i see in", "in our system",
        "our system", "on file", "can i have your", "may i have your", "could i have your", "could you spell",
        "can you spell", "what is your", "what's your", "your account", "your vehicle", "your appointment",
        "your order", "your last name", "your phone number", "anything else", "taken care of", "go ahead and",
        "i apologize", "sorry to hear", "thank you for that", "thank you for holding", "thank you for waiting",
        "sir", "ma'am", "for you",
    ],
    "zh": ["请问您", "您的", "稍等", "帮您", "为您", "我们这边", "系统", "请您", "还有其他", "让您久等"],
    "ru": [
        "ваш", "вашего", "вашу", "подождите", "минуточку", "одну секунду", "я проверю", "могу я", "подскажите",
        "в системе", "ещё вопросы", "для вас",
    ],
}  # fmt: skip
CUSTOMER_OWN = {
    "en": [
        "my car", "my account", "my order", "my bill", "my phone", "my internet", "my card", "i need",
        "i bought", "i brought", "i called", "i'm calling", "i was wondering", "how much", "how long", "i'd like",
        "i want", "my way",
    ],
    "zh": ["我的", "我想", "我要", "我买", "多少钱", "多久"],
    "ru": ["мой", "моя", "мою", "моего", "я хочу", "я хотел", "мне нужно", "сколько стоит", "я звоню"],
}  # fmt: skip
SERVICE_WEIGHT = 1.0  # per net phrase over the whole call, as much as an opener ...
MAX_SERVICE_SCORE = 2.5  # ... capped: it can overturn the first speaker + one opener, not + two


@dataclass(frozen=True)
class RoleDecision:
    roles: dict[str, Role]
    method: str  # channel_layout | opening
    scores: dict[str, float]
    evidence: tuple[str, ...] = ()


def roles_from_layout(layout: str, speakers: Sequence[str] = ("ch0", "ch1")) -> RoleDecision:
    """Stereo: speaker = channel; the layout says which channel is the agent."""
    by_channel = layout_roles(layout)
    if not by_channel:
        raise ValueError(f"not a stereo channel layout: {layout!r}")
    roles: dict[str, Role] = {speakers[ch]: role for ch, role in by_channel.items()}
    return RoleDecision(roles, "channel_layout", {}, (f"channel_layout={layout}",))


def _norm(text: str) -> str:
    return re.sub(r"[^\w\s']", " ", text.lower())


def _count_phrases(text: str, phrases: Sequence[str]) -> list[str]:
    t = " " + _norm(text) + " "
    return [p for p in phrases if (p in t if not p.isascii() else f" {p} " in t or f" {p}" in t)]


def _count_phrases_all(text: str, phrases: Sequence[str]) -> int:
    """How many times the phrases occur (whole words for the alphabetic languages)."""
    t = " " + _norm(text) + " "
    return sum(t.count(p) if not p.isascii() else t.count(f" {p} ") for p in phrases)


def assign_roles(
    utterances: Sequence[Utterance],
    turns: Sequence[SpeakerTurn],
    *,
    language: str,
    answer_s: float = 0.0,
    agent_name: str | None = None,
    company: str | None = None,
    opening_window_s: float = 20.0,
    first_speaker_is_agent: bool = True,
    extra_agent_phrases: Mapping[str, Sequence[str]] | None = None,
) -> RoleDecision:
    """Mono: the first speaker after answer is presumed the agent; opening phrases and names confirm or overturn.

    Each speaker's score: +1.0 for speaking first (min 0.3 s turn), +1.0 per agent opener, agent name or
    company heard in their first `opening_window_s` of speech, -1.0 per customer opener, and +1.0 per
    service phrase / -0.5 per own-matter phrase said anywhere (net, at most ±2.5). The highest score is
    the agent; every other speaker is a customer.
    """
    speakers = sorted({t.speaker for t in turns} | {u.speaker for u in utterances})
    if not speakers:
        return RoleDecision({}, "opening", {})
    scores = {s: 0.0 for s in speakers}
    evidence: list[str] = []
    first = next(
        (
            t
            for t in sorted(turns, key=lambda t: t.start_s)
            if t.end_s > answer_s and t.end_s - t.start_s >= 0.3
        ),
        None,
    )
    if first is None and utterances:
        first = SpeakerTurn(utterances[0].speaker, utterances[0].start_s, utterances[0].end_s)
    if first is not None and first_speaker_is_agent:
        scores[first.speaker] += 1.0
        evidence.append(f"{first.speaker} speaks first at {first.start_s:.1f}s")
    agent_phrases = list(AGENT_OPENERS.get(language, [])) + list(
        (extra_agent_phrases or {}).get(language, [])
    )
    names = [n.lower() for n in (agent_name, company) if n]
    for spk in speakers:
        own = [u for u in utterances if u.speaker == spk]
        if not own:
            continue
        t0 = own[0].start_s
        opening = " ".join(u.text for u in own if u.start_s <= t0 + opening_window_s)
        hits = _count_phrases(opening, agent_phrases)
        hits += [n for n in names if n in opening.lower()]
        misses = _count_phrases(opening, CUSTOMER_OPENERS.get(language, []))
        scores[spk] += len(hits) - len(misses)
        if hits:
            evidence.append(f"{spk} opening has {hits}")
        if misses:
            evidence.append(f"{spk} opening has customer phrases {misses}")
    for spk in speakers:
        said = " ".join(u.text for u in utterances if u.speaker == spk)
        service = _count_phrases_all(said, AGENT_SERVICE.get(language, []))
        matters = _count_phrases_all(said, CUSTOMER_OWN.get(language, []))
        if service or matters:
            net = SERVICE_WEIGHT * (service - matters)
            scores[spk] += max(-MAX_SERVICE_SCORE, min(MAX_SERVICE_SCORE, net))
            evidence.append(f"{spk} says {service} service / {matters} own-matter phrases")
    agent = max(speakers, key=lambda s: (scores[s], -speakers.index(s)))
    roles: dict[str, Role] = {s: ("agent" if s == agent else "customer") for s in speakers}
    return RoleDecision(roles, "opening", scores, tuple(evidence))
