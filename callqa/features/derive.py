"""Derived features of a call, computed once with the configured parameters; the checks read them.

`call.features` (a `CallFeatures`) holds the holds, the hang-up decision, the answer time and the speech of
each party. The pipeline's `features` step derives them (`build_call`) with the config's `CallSettings`
(resolved by `load_config`); a call built for a test without settings gets the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from callqa.features.holds import HoldDetection, find_holds
from callqa.features.timing import TimingParams, summarize_speech
from callqa.intervals import mask_runs, merge_intervals, without_events
from callqa.signal.config import SignalConfig
from callqa.signal.hangup import detect_hangup_party
from callqa.text.phrases import match_list, phrasebook_for, role_tokens
from callqa.types import Call, CallFeatures, CallMeta, CallTranscript, Hold, Interval, Role, SignalReport

ROLES: tuple[Role, ...] = ("agent", "customer", "unknown")


@dataclass(frozen=True, eq=False)
class CallSettings:
    """What derived features and checks need from the config, resolved once (see `Config.resolved`)."""

    holds: HoldDetection = field(default_factory=HoldDetection)
    signal: SignalConfig = field(default_factory=SignalConfig)
    timing: TimingParams = field(default_factory=TimingParams)


@lru_cache(maxsize=1)
def default_settings() -> CallSettings:
    return CallSettings()


def party_speech(call: Call, role: Role) -> list[Interval]:
    """Where `role` speaks: diarization/channel turns when present, else utterance spans."""
    roles = call.transcript.roles
    turns = [(t.start_s, t.end_s) for t in call.transcript.turns if roles.get(t.speaker, "unknown") == role]
    if not turns:
        turns = [(u.start_s, u.end_s) for u in call.utterances if u.role == role]
    return merge_intervals(turns)


def signal_speech(call: Call, speech: Mapping[Role, tuple[Interval, ...]]) -> list[Interval]:
    """Where any channel is active and not ringing, busy or playing music (transcript turns if no signal)."""
    sig = call.signal
    if sig is None:
        return merge_intervals(list(speech.get("agent", ())) + list(speech.get("customer", ())))
    out: list[Interval] = []
    for lv in sig.channels:
        act = without_events(lv.active, sig.events, channel=lv.channel, hop_s=lv.frame_hop_s)
        out += mask_runs(act, hop_s=lv.frame_hop_s)
    return merge_intervals(out, gap_s=0.2)


def _answer_s(call: Call) -> float | None:
    """The end of the last ring in the audio, else the signal's first speech, else an `answer` event.
    (Whisper may place the first word a few hundred ms before the signal onset: the end of ringback is the
    safer boundary.)"""
    if call.signal is None:
        return None
    summary = call.signal.extras
    for answer in (summary.last_ring_end_s, summary.answer_s):
        if answer is not None:
            return float(answer)
    events = call.events("answer")
    return float(events[0].start_s) if events else None


def _holds(
    call: Call, settings: CallSettings, speech: Mapping[Role, tuple[Interval, ...]]
) -> tuple[Hold, ...]:
    if call.signal is None:
        return ()
    marked, music, silences = call.events("hold"), call.events("music"), call.events("silence")
    if not (marked or music or silences):
        return ()  # no candidate: skip the phrase matching
    book = phrasebook_for(call, path=settings.holds.phrases_path)
    tokens = role_tokens(call, "agent", book=book)
    return find_holds(
        marked=marked,
        music=music,
        silences=silences,
        customer_speech=speech.get("customer", ()),
        requests=match_list(tokens, book, "hold_request"),
        thanks=match_list(tokens, book, "hold_thanks"),
        params=settings.holds,
    )


def derive_features(call: Call, settings: CallSettings) -> CallFeatures:
    """Everything several checks need, computed once with the configured parameters."""
    speech = {r: tuple(party_speech(call, r)) for r in ROLES}
    answer = call.signal.extras.answer_s if call.signal is not None else None
    return CallFeatures(
        holds=_holds(call, settings, speech),
        hangup=detect_hangup_party(call, config=settings.signal.hangup),
        answer_s=_answer_s(call),
        signal_answer_s=None if answer is None else float(answer),
        speech=speech,
        signal_speech=tuple(signal_speech(call, speech)),
        ring_periods_s={name: p.period_s() for name, p in settings.signal.rings.profiles.items()},
        hold_phrase_window_s=settings.holds.phrase_window_s,
        timing=summarize_speech(speech, settings.timing),
    )


def build_call(
    meta: CallMeta,
    transcript: CallTranscript,
    signal: SignalReport | None = None,
    settings: CallSettings | None = None,
) -> Call:
    """The call the checks read, with its features derived now (`settings`: the config's; else defaults)."""
    call = Call(meta, transcript, signal)
    return call.with_features(derive_features(call, settings or default_settings()))
