"""Who hung up first: manifest, then busy/reorder tone after the last speech, then the stereo leg that died first,
then (no tone, no dead leg) the agent when the recording ends right after the agent's last words, or when the
customer only says "hello? are you there?" after them (inferred)."""

from __future__ import annotations

import re

import numpy as np

from callqa.signal.config import HangupConfig
from callqa.types import Call, Evidence, HangupDecision, Role, SignalEvent, layout_roles


def dead_from_s(
    level_dbfs: np.ndarray, active: np.ndarray, *, hop_s: float, config: HangupConfig
) -> float | None:
    """Start of the trailing stretch where a leg that carried sound goes digitally dead, or None."""
    alive = np.nonzero(level_dbfs >= config.dead_level_dbfs)[0]
    if len(alive) == 0 or not active[: alive[-1] + 1].any():
        return None
    start = int(alive[-1]) + 1
    if (len(level_dbfs) - start) * hop_s < config.min_dead_s:
        return None
    return start * hop_s


def hangup_from_events(
    events: tuple[SignalEvent, ...] | list[SignalEvent],
    *,
    roles: dict[int, Role],
    last_speech_s: float | None,
    end_s: float,
    config: HangupConfig,
) -> HangupDecision:
    """Busy/reorder tone after the last speech → customer; else the stereo leg that died first."""
    for ev in events:
        if ev.kind == "busy_tone" and (
            last_speech_s is None or ev.start_s >= last_speech_s - config.busy_after_speech_s
        ):
            note = f"busy/reorder tone ({ev.profile}) after the last speech: the customer hung up"
            return HangupDecision("customer", Evidence(ev.start_s, ev.end_s, note=note), "busy_tone")
    dead = sorted(
        (ev.start_s, roles.get(ev.channel or 0, "unknown")) for ev in events if ev.kind == "dead_line"
    )
    dead = [(t, r) for t, r in dead if r != "unknown"]
    if not dead:
        return HangupDecision("unknown")
    if len(dead) > 1 and dead[1][0] - dead[0][0] < config.min_lead_s:
        return HangupDecision("unknown", Evidence(dead[0][0], note="both legs went dead at the same time"))
    t, role = dead[0]
    return HangupDecision(
        role, Evidence(t, end_s, role=role, note=f"the {role} leg went dead first"), "dead_line"
    )


def _last_speech_by_role(call: Call) -> tuple[dict[str, float], dict[str, str]]:
    """End of each role's last speech (transcript; else the stereo legs' activity) and its last words."""
    ends: dict[str, float] = {}
    words: dict[str, str] = {}
    for u in call.utterances:
        if u.role in ("agent", "customer") and u.end_s >= ends.get(u.role, -1.0):
            ends[u.role] = float(u.end_s)
            words[u.role] = u.text
    if not ends and call.signal is not None:
        roles = layout_roles(call.meta.channel_layout, call.signal.n_channels)
        for lv in call.signal.channels:
            role = roles.get(lv.channel)
            idx = np.nonzero(np.asarray(lv.active))[0]
            if role and len(idx):
                ends[role] = float((idx[-1] + 1) * lv.frame_hop_s)
    return ends, words


# What a caller says into a line that went quiet: only these after the agent's last words (and no tone) mean the
# agent hung up (eval en-05 / en-14: "Hello? Are you there? Hello?" after the agent's goodbye was "unknown")
LINE_CHECKS = {
    "en": ("hello", "are you there", "can you hear me", "is anyone there", "anybody there", "you there"),
    "zh": ("喂", "你还在吗", "您还在吗", "还在吗", "听得到吗", "能听到吗", "在吗"),
    "ru": ("алло", "вы меня слышите", "вы здесь", "вы тут", "слышите", "вы слышите"),
}
LINE_CHECK_END_S = 5.0  # ... and the recording ends within this of the caller's last "hello?"
MAX_LINE_CHECK_S = 8.0  # a caller who talks longer is not checking the line


def line_checks_after(call: Call, after_s: float) -> str | None:
    """The customer's words after `after_s` when they are only line checks ("hello? are you there?"), else None."""
    said = [u for u in call.utterances if u.role == "customer" and u.end_s > after_s]
    if not said or sum(u.end_s - max(u.start_s, after_s) for u in said) > MAX_LINE_CHECK_S:
        return None
    phrases = LINE_CHECKS.get(call.meta.language, ())
    text = " ".join(u.text for u in said)
    rest = re.sub(r"[^\w\s]", " ", text.lower())
    for ph in sorted(phrases, key=len, reverse=True):
        rest = rest.replace(ph, " ")
    return text if phrases and not rest.strip() else None


def infer_from_last_words(call: Call, *, config: HangupConfig) -> HangupDecision:
    """No disconnect tone: `agent` when the recording ends within `agent_last_words_max_s` of the agent's
    last words and the customer did not speak after them (nor does the signal carry speech after them);
    else `unknown` with the reason."""
    ends, words = _last_speech_by_role(call)
    agent_end = ends.get("agent")
    if agent_end is None or config.agent_last_words_max_s <= 0:
        return HangupDecision("unknown")
    end_s = call.duration_s
    cust_end = ends.get("customer")
    if cust_end is not None and cust_end > agent_end:
        checks = line_checks_after(call, agent_end)
        if checks is not None and end_s - cust_end <= LINE_CHECK_END_S:
            note = ("no disconnect tone; after the agent's last words the customer only checks the line "
                    f"({checks!r}): the agent ended the call (inferred)")  # fmt: skip
            return HangupDecision(
                "agent", Evidence(round(agent_end, 3), round(end_s, 3), "customer", checks, note), "inferred"
            )
        return HangupDecision("unknown", Evidence(round(cust_end, 3), round(end_s, 3), "customer",
                              note="recording ends after the customer's speech: hang-up party unknown"))  # fmt: skip
    sig_last = call.signal.extras.last_speech_s if call.signal is not None else None
    if isinstance(sig_last, (int, float)) and sig_last > agent_end + config.agent_last_words_max_s:
        return HangupDecision("unknown", Evidence(round(agent_end, 3), round(float(sig_last), 3),
                              note="sound after the agent's last words: hang-up party unknown"))  # fmt: skip
    gap = end_s - agent_end
    if gap > config.agent_last_words_max_s:
        return HangupDecision("unknown", Evidence(round(agent_end, 3), round(end_s, 3),
                              note=f"recording ends {gap:.1f} s after the last words, no disconnect tone: "
                                   "hang-up party unknown"))  # fmt: skip
    note = (
        f"no disconnect tone; the recording ends {max(gap, 0.0):.1f} s after the agent's last words "
        f"(<= {config.agent_last_words_max_s:g} s): the agent ended the call (inferred)"
    )
    return HangupDecision(
        "agent", Evidence(round(agent_end, 3), round(end_s, 3), "agent", words.get("agent"), note), "inferred"
    )


def detect_hangup_party(call: Call, *, config: HangupConfig) -> HangupDecision:
    """agent | customer | unknown, how it was decided, and the evidence; the manifest's `hangup_party`
    overrides the audio. The last speech is the end of the last utterance when there is a transcript, else
    the signal's. Checks read the decision from `call.features.hangup` (made with the configured
    `signal.hangup`).
    """
    if call.meta.hangup_party is not None:
        return HangupDecision(
            call.meta.hangup_party, Evidence(note="hangup_party from the manifest"), "manifest"
        )
    if call.signal is None:
        return HangupDecision("unknown")
    ends = [u.end_s for u in call.utterances]
    found = hangup_from_events(
        call.signal.events,
        roles=layout_roles(call.meta.channel_layout, call.signal.n_channels),
        last_speech_s=max(ends) if ends else call.signal.extras.last_speech_s,
        end_s=call.duration_s,
        config=config,
    )
    if found.party != "unknown":
        return found
    inferred = infer_from_last_words(call, config=config)
    if inferred.party != "unknown":
        return inferred
    return HangupDecision("unknown", found.evidence or inferred.evidence, "none")
