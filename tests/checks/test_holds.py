"""The holds check: music and silence holds, check-ins, unattended time, asked and thanked in en/zh/ru."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from signal_calls import call_from_audio, call_with, events_report

from callqa.checks.holds import HoldsParams, check_holds
from callqa.ingest.audio import load_audio, resample
from callqa.signal.synth import speechlike
from callqa.types import SignalEvent

MOH = Path(__file__).resolve().parents[1] / "data" / "external" / "qmoh" / "qMOH-friends_inline.wav"


def _music(*spans):
    return [SignalEvent("music", s, e, 0) for s, e in spans]


def test_music_hold_with_checkin_passes_and_counts_the_longest_gap():
    rows = [
        ("agent", 5, 9, "May I put you on hold for a moment?"),
        ("customer", 9, 10, "sure"),
        ("agent", 35, 38, "still checking, thanks for waiting"),
        ("agent", 62, 66, "Thank you for holding."),
    ]
    call = call_with(rows, signal=events_report(_music((10, 35), (38, 61)), duration_s=70))
    res = check_holds(call, HoldsParams())
    assert res.status == "pass"
    [h] = res.values.holds
    assert (h.start_s, h.end_s, h.music, h.checkins) == (10, 61, True, 1)
    assert h.longest_unattended_s == 25.0 and h.violation is False
    assert h.asked_permission is True and h.thanked is True


def test_hold_longer_than_max_unattended_fails():
    rows = [("agent", 0, 4, "please hold"), ("agent", 50, 52, "sorry for the wait")]
    res = check_holds(call_with(rows, signal=events_report(_music((5, 49)), duration_s=60)), HoldsParams())
    assert res.status == "fail"
    assert res.values.holds[0].longest_unattended_s == 44.0 and res.values.violations == 1
    assert (
        check_holds(
            call_with(rows, signal=events_report(_music((5, 49)), duration_s=60)),
            HoldsParams(max_unattended_s=60),
        ).status
        == "pass"
    )


@pytest.mark.parametrize(
    "language,ask,thanks",
    [
        ("zh", "请稍等，我帮您查一下", "让您久等了"),
        ("ru", "Оставайтесь на линии, пожалуйста", "Спасибо за ожидание!"),
        ("en", "Bear with me one moment please", "Thanks for holding"),
    ],
)
def test_silence_hold_after_a_request_in_every_language(language, ask, thanks):
    rows = [("agent", 0, 3, ask), ("agent", 12, 14, thanks)]
    sig = events_report([SignalEvent("silence", 3.5, 11.5)], duration_s=20)
    res = check_holds(call_with(rows, signal=sig, language=language), HoldsParams())
    [h] = res.values.holds
    assert (h.start_s, h.end_s, h.music, h.asked_permission, h.thanked) == (
        3.5,
        11.5,
        False,
        True,
        True,
    )


def test_short_silence_without_request_is_no_hold_and_long_one_is():
    rows = [("agent", 0, 3, "let me look"), ("agent", 40, 42, "ok here it is")]
    short = call_with(rows, signal=events_report([SignalEvent("silence", 3, 12)], duration_s=45))
    assert check_holds(short, HoldsParams()).status == "na"
    long = call_with(rows, signal=events_report([SignalEvent("silence", 3, 39)], duration_s=45))
    res = check_holds(long, HoldsParams(require_permission=True))
    assert res.status == "fail" and res.values.holds[0].asked_permission is False


def test_customer_conversation_between_music_splits_holds():
    rows = [("agent", 31, 33, "one question"), ("customer", 33, 40, "yes my account number is one two three")]
    res = check_holds(
        call_with(rows, signal=events_report(_music((5, 30), (41, 60)), duration_s=70)), HoldsParams()
    )
    assert res.values.count == 2


def test_real_music_on_hold_end_to_end():
    a = load_audio(MOH)
    moh = resample(a.mono(), a.sample_rate, 8000)
    x = np.concatenate([speechlike(8.0), 0.5 * moh, 0.5 * moh, speechlike(6.0, seed=1)])
    end = 8.0 + 2 * len(moh) / 8000
    rows = [
        ("agent", 0, 7.9, "can I put you on hold"),
        ("agent", end, end + 5, "thank you for your patience"),
    ]
    res = check_holds(call_from_audio(rows, x), HoldsParams())
    [h] = res.values.holds
    assert h.music is True and h.violation is True and res.status == "fail"
    assert h.start_s == pytest.approx(8.0, abs=1.6)
    # the track fades out over its last 2 s (under -45 dBFS in this mix, measured): the music, and so the hold,
    # ends there at the earliest, and never after the agent is back
    assert end - 2.5 <= h.end_s <= end + 0.5
    assert h.asked_permission and h.thanked


def test_no_hold_is_na():
    res = check_holds(
        call_with([("agent", 0, 3, "hi")], signal=events_report([], duration_s=5)), HoldsParams()
    )
    assert res.status == "na"
