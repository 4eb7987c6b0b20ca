"""The `speaking_rate` check: agent vs customer articulation rate (own speech time, pauses excluded)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from callqa.checks.language import call_language, phrasebook_for
from callqa.checks.registry import register_check
from callqa.intervals import (
    NON_SPEECH_EVENTS,
    intersect_intervals,
    mask_runs,
    merge_intervals,
    total_s,
    without_events,
)
from callqa.text.normalize import is_han
from callqa.text.syllables import count_syllables
from callqa.text.tokens import tokens_of_utterance
from callqa.types import Call, CheckResult, CheckValues, Evidence, Role, SignalEvent, na

UNITS = {"en": "wpm", "ru": "wpm", "zh": "chars_per_min"}


@dataclass(frozen=True)
class SpeakingRateParams:
    min_ratio: float = 0.8  # pass when min_ratio <= agent_rate / customer_rate <= max_ratio
    max_ratio: float = 1.25
    min_pause_s: float = 0.25  # gaps between words at least this long are pauses, not speech time
    min_speech_s: float = 5.0  # each party needs this much speech for a rate
    min_third_speech_s: float = 2.0  # ... and this much within a third for the evolution
    adapt_tolerance: float = 0.05  # ratio must move >5 % closer to 1 to count as converging


@dataclass(frozen=True)
class RoleSpeech:
    """Speech of one role: speech intervals (pauses cut out) and (time, units, syllables) per token."""

    intervals: list[tuple[float, float]]
    tokens: list[tuple[float, int, int]]


def role_speech(call: Call, role: Role, *, min_pause_s: float, pad_s: float = 0.3) -> RoleSpeech:
    """Speech intervals and counted tokens of `role`.

    Speech time comes from the signal when there is one: the sounding frames (signal activity, rings/music
    masked, pauses shorter than `min_pause_s` bridged) of the party's leg within its utterances (± `pad_s`,
    stereo), or of the mix within its diarization turns (mono). Whisper's word times stretch over some voices
    and shrink on others (eval, 14 TTS calls with a measured rate truth: 7 ratios within 15 % from word times,
    13 from the signal), and never span a pause the signal can see. Without levels for the party's leg (no
    signal, or a signal report without channel levels): word times when present, else utterance spans, pauses
    of `min_pause_s` cut out.
    """
    lang = call_language(call)
    spans: dict[int | None, list[tuple[float, float]]] = {}  # word times (utterance spans without words)
    by_channel: dict[int | None, list[tuple[float, float]]] = {}
    toks: list[tuple[float, int, int]] = []
    for i, u in enumerate(call.utterances):
        if u.role != role:
            continue
        if u.words:
            spans.setdefault(u.channel, []).extend((w.start_s, w.end_s) for w in u.words)
        else:
            spans.setdefault(u.channel, []).append((u.start_s, u.end_s))
        by_channel.setdefault(u.channel, []).append((u.start_s - pad_s, u.end_s + pad_s))
        for t in tokens_of_utterance(u, language=lang, index=i):
            units = 1 if (lang != "zh" or is_han(t.text) or t.text.isalnum()) else 0
            toks.append(((t.start_s + t.end_s) / 2, units, count_syllables(t.text, language=lang)))
    heard: list[tuple[float, float]] = []
    for channel, around in by_channel.items():
        leg = 0 if channel is None else channel
        if call.signal is None or leg >= len(call.signal.channels):
            # no levels for this party's leg (no signal, or a SignalReport without channel levels, e.g. an
            # imported transcript scored without its audio): its word times, pauses cut out - never 0 s
            # of speech for a party that spoke
            heard += merge_intervals(spans.get(channel, []), gap_s=min_pause_s)
            continue
        if channel is None:  # mono: the party's diarization turns (its utterance spans if there are none)
            where = call.features.speech_of(role) or merge_intervals(around)
        else:
            where = merge_intervals(around)
        heard += intersect_intervals(sounding(call, leg, min_pause_s=min_pause_s), where)
        # where the leg's frames are masked (music, a tone) the signal cannot tell speech from it; words said
        # there (a check-in over the hold music of an imported transcript) count their word time, or their
        # tokens would be counted over no speech time at all
        masked = [(e.start_s, e.end_s) for e in call.signal.events if _masks(e, leg)]
        words = merge_intervals(spans.get(channel, []), gap_s=min_pause_s)
        heard += intersect_intervals(words, merge_intervals(masked))
    return RoleSpeech(merge_intervals(heard), toks)


def _masks(event: SignalEvent, channel: int) -> bool:
    return event.kind in NON_SPEECH_EVENTS and event.channel in (None, channel)


def sounding(call: Call, channel: int, *, min_pause_s: float) -> list[tuple[float, float]]:
    """Where a channel is active and not ringing, busy or playing music, pauses < `min_pause_s` bridged."""
    assert call.signal is not None
    if channel >= len(call.signal.channels):
        return []
    lv = call.signal.channels[channel]
    active = without_events(lv.active, call.signal.events, channel=lv.channel, hop_s=lv.frame_hop_s)
    return merge_intervals(mask_runs(active, hop_s=lv.frame_hop_s), gap_s=min_pause_s)


def rates(speech: RoleSpeech, *, lo: float = -math.inf, hi: float = math.inf) -> tuple[float, float, float]:
    """(speech seconds, units per minute, syllables per second) within [lo, hi)."""
    window = [(max(lo, -1e12), min(hi, 1e12))]
    secs = total_s(intersect_intervals(speech.intervals, window))
    units = sum(u for t, u, _ in speech.tokens if lo <= t < hi)
    syl = sum(s for t, _, s in speech.tokens if lo <= t < hi)
    if secs <= 0:
        return 0.0, 0.0, 0.0
    return secs, 60.0 * units / secs, syl / secs


@dataclass(frozen=True)
class SpeakingRateValues(CheckValues):
    agent_rate: float
    customer_rate: float
    unit: str  # wpm | cpm (zh characters) | ...
    ratio: float
    agent_syllables_per_s: float
    customer_syllables_per_s: float
    syllable_ratio: float | None
    agent_speech_s: float
    customer_speech_s: float
    ratio_first_third: float | None
    ratio_last_third: float | None
    evolution: str | None  # converged | diverged | stable
    adapted: bool | None
    band: list[float]


@register_check("speaking_rate", params=SpeakingRateParams, uses_text=("agent", "customer"))
def check_speaking_rate(call: Call, params: SpeakingRateParams) -> CheckResult:
    """Agent/customer articulation-rate ratio within a band, and whether it converged over the call."""
    lang = call_language(call)
    phrasebook_for(call)  # the language must be supported
    agent = role_speech(call, "agent", min_pause_s=params.min_pause_s)
    customer = role_speech(call, "customer", min_pause_s=params.min_pause_s)
    a_s, a_rate, a_syl = rates(agent)
    c_s, c_rate, c_syl = rates(customer)
    if a_s < params.min_speech_s or c_s < params.min_speech_s or c_rate <= 0:
        return na(
            "speaking_rate",
            f"needs {params.min_speech_s:g} s of speech from each party (agent {a_s:.1f} s, customer {c_s:.1f} s)",
        )
    ratio = a_rate / c_rate
    band_ok = params.min_ratio <= ratio <= params.max_ratio
    all_iv = agent.intervals + customer.intervals
    start, end = min(s for s, _ in all_iv), max(e for _, e in all_iv)
    third = (end - start) / 3
    thirds = {"first": (start, start + third), "last": (end - third, end + 1e-9)}
    ratio_third: dict[str, float | None] = {}
    for name, (lo, hi) in thirds.items():
        sa, ra, _ = rates(agent, lo=lo, hi=hi)
        sc, rc, _ = rates(customer, lo=lo, hi=hi)
        ok = sa >= params.min_third_speech_s and sc >= params.min_third_speech_s and rc > 0
        ratio_third[name] = round(ra / rc, 3) if ok else None
    first, last = ratio_third["first"], ratio_third["last"]
    evolution = adapted = None
    if first is not None and last is not None:
        tol = math.log1p(params.adapt_tolerance)
        d_first, d_last = abs(math.log(first)), abs(math.log(last))
        evolution = (
            "converged" if d_last < d_first - tol else "diverged" if d_last > d_first + tol else "stable"
        )
        if params.min_ratio <= first <= params.max_ratio:
            adapted = params.min_ratio <= last <= params.max_ratio  # kept the match
        else:
            adapted = evolution == "converged"
    unit = UNITS.get(lang, "wpm")
    evidence = [
        Evidence(
            round(start, 3),
            round(end, 3),
            note=f"agent {a_rate:.0f} vs customer {c_rate:.0f} {unit}, ratio {ratio:.2f}",
        ),
    ]
    for name, (lo, hi) in thirds.items():
        r = ratio_third[name]
        evidence.append(
            Evidence(
                round(lo, 3),
                round(min(hi, end), 3),
                note=f"{name} third ratio {r if r is not None else 'n/a'}",
            )
        )
    return CheckResult(
        "speaking_rate",
        "pass" if band_ok else "fail",
        reason=None if band_ok else f"ratio {ratio:.2f} outside {params.min_ratio:g}-{params.max_ratio:g}",
        values=SpeakingRateValues(
            agent_rate=round(a_rate, 1),
            customer_rate=round(c_rate, 1),
            unit=unit,
            ratio=round(ratio, 3),
            agent_syllables_per_s=round(a_syl, 2),
            customer_syllables_per_s=round(c_syl, 2),
            syllable_ratio=round(a_syl / c_syl, 3) if c_syl > 0 else None,
            agent_speech_s=round(a_s, 2),
            customer_speech_s=round(c_s, 2),
            ratio_first_third=first,
            ratio_last_third=last,
            evolution=evolution,
            adapted=adapted,
            band=[params.min_ratio, params.max_ratio],
        ),
        evidence=tuple(evidence),
    )
