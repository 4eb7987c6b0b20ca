"""Non-talk presets (Contact Lens, NICE, Google) on signal activity, and interruptions by who interrupted."""

from __future__ import annotations

import numpy as np
import pytest
from signal_calls import call_with, events_report

from callqa.checks.interruptions import InterruptionParams, check_interruptions
from callqa.checks.nontalk import NonTalkParams, check_nontalk
from callqa.types import ChannelLevels, SignalEvent, SignalReport


def _report(active_spans, events=(), duration_s=60.0) -> SignalReport:
    base = events_report(list(events), duration_s=duration_s)
    act = np.zeros(int(duration_s / 0.02), bool)
    for s, e in active_spans:
        act[int(round(s / 0.02)) : int(round(e / 0.02))] = True
    lv = base.channels[0]
    return SignalReport(
        8000,
        duration_s,
        1,
        (ChannelLevels(0, 0.02, lv.level_dbfs, lv.peak_dbfs, lv.clipped, act),),
        base.events,
    )


# speech 0-10, gap of exactly 3 s, speech 13-20, gap 5 s, 25-30, music hold 30-55 (active), speech 55-60
SPANS = [(0, 10), (13, 20), (25, 30), (30, 55), (55, 60)]
MUSIC = [SignalEvent("music", 30, 55, 0)]


@pytest.mark.parametrize(
    "preset,nontalk_s,count",
    [
        ("contact_lens", 30.0, 2),  # > 3 s with hold: the 5-s gap and the 25-s music
        ("nice", 8.0, 2),  # >= 3 s without hold: 3-s and 5-s gaps
        ("google", 25.0, 1),  # > 5 s with hold: only the music
    ],
)
def test_presets(preset, nontalk_s, count):
    res = check_nontalk(
        call_with([], signal=_report(SPANS, MUSIC)), NonTalkParams(preset=preset, max_nontalk_share=1)
    )
    assert (res.values.nontalk_s, res.values.count) == (pytest.approx(nontalk_s), count)
    assert res.values.hold_s == pytest.approx(25.0)


def test_custom_and_share_threshold():
    call = call_with([], signal=_report(SPANS, MUSIC))
    res = check_nontalk(call, NonTalkParams(preset="custom", min_silence_s=4.0, include_hold=False))
    assert res.values.nontalk_s == pytest.approx(5.0) and res.status == "pass"
    assert check_nontalk(call, NonTalkParams(preset="contact_lens", max_nontalk_share=0.4)).status == "fail"


def test_no_speech_is_na():
    assert check_nontalk(call_with([], signal=_report([])), NonTalkParams()).status == "na"


def test_interruptions_by_who():
    rows = [
        ("customer", 0, 5, "so my car makes a noise"),
        ("agent", 3, 8, "right, that is the belt"),  # agent, 2 s
        ("customer", 10, 14, "ok"),
        ("agent", 13.8, 16, "mm"),  # 0.2 s overlap: backchannel
        ("agent", 20, 25, "we can book"),
        ("customer", 22, 26, "wait, how much"),
    ]  # customer, 3 s
    res = check_interruptions(call_with(rows, signal=None), InterruptionParams())
    assert (res.values.by_agent, res.values.by_customer) == (1, 1)
    assert res.values.overtalk_by_agent_s == pytest.approx(2.0)
    assert res.values.overtalk_by_customer_s == pytest.approx(3.0)
    assert res.status == "pass"
    assert (
        check_interruptions(
            call_with(rows, signal=None), InterruptionParams(max_agent_interruptions=0)
        ).status
        == "fail"
    )


def test_interruptions_need_both_parties():
    res = check_interruptions(call_with([("agent", 0, 3, "hi")], signal=None), InterruptionParams())
    assert res.status == "na"
