"""Timing metrics on hand-built calls: talk time, talk ratio, silence > 3 s, overtalk."""

from __future__ import annotations

import pytest

from callqa.checks.timing import (
    OvertalkParams,
    SilenceParams,
    TalkTimeParams,
    check_overtalk,
    check_silence,
    check_talk_time,
    intersect_intervals,
    merge_intervals,
    summarize_timing,
)
from callqa.config import load_config
from callqa.features import CallSettings, build_call
from callqa.features.timing import TimingParams
from callqa.types import Call, CallMeta, CallTranscript, SpeakerTurn, TimingFigures, Utterance

ROLES = {"A": "agent", "C": "customer"}


def call_from_turns(turns: list[tuple[str, float, float]], *, duration_s: float = 15.0, roles=ROLES) -> Call:
    tr = CallTranscript(
        language="en",
        duration_s=duration_s,
        utterances=(),
        turns=tuple(SpeakerTurn(s, a, b) for s, a, b in turns),
        roles=dict(roles),
    )
    return build_call(meta=CallMeta("t", None), transcript=tr)


# agent 0-4 and 11.5-13; customer 3-6 and 6.5-8: overtalk 3-4, silence 8-11.5 (3.5 s), a 0.5 s gap 6-6.5
HAND_CALL = [("A", 0.0, 4.0), ("C", 3.0, 6.0), ("C", 6.5, 8.0), ("A", 11.5, 13.0)]


def test_summary_numbers_by_hand() -> None:
    t = summarize_timing(call_from_turns(HAND_CALL))
    assert t.talk_s == {"agent": 5.5, "customer": 4.5}
    assert t.talk_ratio == pytest.approx(5.5 / 10.0)
    assert t.overtalks == ((3.0, 4.0),) and t.overtalk_s == 1.0
    assert t.silences == ((8.0, 11.5),) and t.silence_s == 3.5
    assert t.figures() == TimingFigures({"agent": 5.5, "customer": 4.5}, 0.55, 3.5, 1.0)


def test_overlapping_turns_of_one_role_are_not_double_counted() -> None:
    t = summarize_timing(call_from_turns([("A", 0.0, 4.0), ("A", 2.0, 5.0), ("C", 5.0, 6.0)]))
    assert t.talk_s == {"agent": 5.0, "customer": 1.0}
    assert t.overtalk_s == 0.0  # touching at 5.0 is not overtalk


def test_silence_threshold_and_edges() -> None:
    # leading 2 s and trailing 4 s of the recording are outside first..last speech: not silence
    t = summarize_timing(
        call_from_turns([("A", 2.0, 3.0), ("C", 5.9, 7.0), ("A", 10.0, 11.0)], duration_s=15.0)
    )
    assert t.silences == ((7.0, 10.0),)  # 2.9 s gap 3.0-5.9 is below 3 s; 7.0-10.0 reaches it
    assert t.silence_s == pytest.approx(3.0)
    assert summarize_timing(call_from_turns(HAND_CALL), min_silence_s=4.0).silence_s == 0.0


def test_overtalk_spanning_several_turns_and_min_length() -> None:
    call = call_from_turns([("A", 0.0, 10.0), ("C", 1.0, 2.0), ("C", 3.0, 3.2), ("C", 9.5, 12.0)])
    t = summarize_timing(call, min_overtalk_s=0.0)
    assert t.overtalks == ((1.0, 2.0), (3.0, 3.2), (9.5, 10.0))
    assert t.overtalk_s == pytest.approx(1.7)
    t = summarize_timing(call)  # the overtalk check's 0.3 s, as the features step measured it
    assert t is call.features.timing
    assert t.overtalks == ((1.0, 2.0), (9.5, 10.0)) and t.overtalk_s == pytest.approx(1.5)


def test_the_published_timing_uses_the_configured_thresholds() -> None:
    call = call_from_turns([("A", 0.0, 10.0), ("C", 1.0, 2.0), ("C", 3.0, 3.2), ("C", 9.5, 12.0)])
    slow = build_call(call.meta, call.transcript, None, CallSettings(timing=TimingParams(min_overtalk_s=0.0)))
    assert slow.features.timing.overtalk_s == pytest.approx(1.7)
    assert call.features.timing.overtalk_s == pytest.approx(1.5)  # default: the overtalk check's 0.3 s
    strict = load_config(None, ["checks.overtalk.min_overtalk_s=0.8", "checks.silence.min_silence_s=4"])
    assert strict.resolved.settings.timing == TimingParams(min_silence_s=4.0, min_overtalk_s=0.8)


def test_unknown_speakers_and_utterance_fallback() -> None:
    t = summarize_timing(call_from_turns([("A", 0.0, 2.0), ("X", 2.0, 3.0)]))
    assert t.talk_s == {"agent": 2.0, "customer": 0.0, "unknown": 1.0}
    assert t.talk_ratio == 1.0
    # no turns: utterance spans by role
    utts = (Utterance("A", "agent", 0.0, 2.0, "hi"), Utterance("C", "customer", 1.5, 4.0, "hello"))
    call = build_call(CallMeta("t", None), CallTranscript("en", 10.0, utts, roles=ROLES))
    t = summarize_timing(call)
    assert t.talk_s == {"agent": 2.0, "customer": 2.5} and t.overtalk_s == pytest.approx(0.5)


def test_no_speech() -> None:
    call = call_from_turns([])
    t = summarize_timing(call)
    assert t.talk_ratio is None and t.silence_s == 0.0 and t.overtalk_s == 0.0
    assert check_talk_time(call, TalkTimeParams()).status == "na"
    assert check_silence(call, SilenceParams()).status == "na"
    assert check_overtalk(call, OvertalkParams()).status == "na"


def test_checks_judge_the_hand_call() -> None:
    call = call_from_turns(HAND_CALL)  # 15 s call
    assert check_talk_time(call, TalkTimeParams()).status == "pass"  # 55 % in 10-80 %
    assert check_talk_time(call, TalkTimeParams(max_agent_share=0.5)).status == "fail"
    assert check_talk_time(call, TalkTimeParams(min_agent_share=0.6)).status == "fail"
    silence = check_silence(call, SilenceParams())
    assert silence.status == "pass"  # 3.5 / 15 = 23 % <= 25 %
    assert silence.values.share == pytest.approx(3.5 / 15, abs=1e-4) and silence.values.count == 1
    assert [(e.start_s, e.end_s) for e in silence.evidence] == [(8.0, 11.5)]
    assert check_silence(call, SilenceParams(max_silence_share=0.2)).status == "fail"
    over = check_overtalk(call, OvertalkParams())
    assert over.status == "pass"  # 1.0 / 10.0 = 10 % <= 10 %
    assert over.values.overtalk_s == 1.0
    assert [(e.start_s, e.end_s) for e in over.evidence] == [(3.0, 4.0)]
    assert check_overtalk(call, OvertalkParams(max_overtalk_share=0.05)).status == "fail"
    agent_only = call_from_turns([("A", 0.0, 5.0)])
    assert check_overtalk(agent_only, OvertalkParams()).status == "na"
    assert check_talk_time(agent_only, TalkTimeParams()).status == "fail"  # 100 % agent monologue


def test_interval_helpers() -> None:
    assert merge_intervals([(5, 6), (0, 1), (1, 2), (2.5, 3), (4, 4)]) == [(0, 2), (2.5, 3), (5, 6)]
    assert merge_intervals([(0, 1), (1.2, 2)], gap_s=0.3) == [(0, 2)]
    assert intersect_intervals([(0, 5), (6, 9)], [(4, 7), (8, 10)]) == [(4, 5), (6, 7), (8, 9)]
    assert intersect_intervals([], [(0, 1)]) == []
