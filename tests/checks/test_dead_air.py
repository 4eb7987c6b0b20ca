"""dead_air: long silences (not holds) without the agent saying what they do; transcript and signal paths."""

import numpy as np
from language_calls import make_call
from signal_calls import call_from_audio, call_with, events_report

from callqa.checks.dead_air import DeadAirParams, check_dead_air
from callqa.features import CallSettings, HoldDetection, build_call
from callqa.signal.synth import speechlike
from callqa.types import SignalEvent

P = DeadAirParams()


def test_unexplained_silence_fails_explained_passes_en():
    rows = [("agent", 0.0, 3.0, "How can I help?"), ("customer", 3.5, 6.0, "My order is late."),
            ("agent", 7.0, 8.0, "Okay."), ("agent", 21.0, 24.0, "It ships tomorrow.")]  # fmt: skip
    r = check_dead_air(make_call("en", rows), P)
    assert r.status == "fail" and r.values.items == ({"start_s": 8.0, "end_s": 21.0, "duration_s": 13.0,
                                                      "explained": False, "by": None},)  # fmt: skip
    rows[2] = ("agent", 7.0, 8.0, "Let me check that for you.")
    r = check_dead_air(make_call("en", rows), P)
    assert r.status == "pass" and r.values.count == 1 and r.values.items[0]["by"] == "agent"
    assert check_dead_air(make_call("en", rows[:2]), P).values.count == 0  # no long silence


def test_limit_is_configurable_and_customer_narration_counts():
    rows = [("agent", 0.0, 3.0, "Can you read me the card number?"),
            ("customer", 3.5, 5.0, "One moment, I'm looking."), ("customer", 17.0, 20.0, "Four two one one.")]  # fmt: skip
    assert check_dead_air(make_call("en", rows), P).status == "pass"
    short = [("agent", 0.0, 3.0, "Okay."), ("agent", 9.0, 10.0, "Done.")]
    assert check_dead_air(make_call("en", short), P).status == "pass"
    assert check_dead_air(make_call("en", short), DeadAirParams(max_silence_s=5.0)).status == "fail"


def test_zh_and_ru_narration():
    zh = [("agent", 0.0, 3.0, "好的，我帮您查一下"), ("agent", 16.0, 18.0, "查到了")]
    assert check_dead_air(make_call("zh", zh), P).status == "pass"
    assert check_dead_air(make_call("zh", [("agent", 0.0, 3.0, "好的"), zh[1]]), P).status == "fail"
    ru = [("agent", 0.0, 3.0, "Сейчас проверю, одну минуту."), ("agent", 16.0, 18.0, "Нашла.")]
    assert check_dead_air(make_call("ru", ru), P).status == "pass"
    assert check_dead_air(make_call("ru", [("agent", 0.0, 3.0, "Так."), ru[1]]), P).status == "fail"


def test_holds_are_not_dead_air():
    rows = [("agent", 0.0, 3.0, "Okay."), ("agent", 50.0, 52.0, "I'm back.")]
    sig = events_report([SignalEvent("music", 3.5, 49.5, 0)], duration_s=60)
    r = check_dead_air(call_with(rows, signal=sig), P)
    # the 46 s of music is a hold; only the 0.5 s edges are left: no dead air
    assert r.status == "pass" and r.values.count == 0
    # with holds found only from music of 60 s or more... a silence-only hold needs min_silent_hold_s
    sig = events_report([SignalEvent("silence", 3.0, 50.0)], duration_s=60)
    assert (
        check_dead_air(call_with(rows, signal=sig), P).status == "pass"
    )  # a 47 s silence is a hold (>= 20 s)
    strict = CallSettings(holds=HoldDetection(min_silent_hold_s=60.0))  # checks.holds, as configured
    base = call_with(rows, signal=sig)
    assert check_dead_air(build_call(base.meta, base.transcript, base.signal, strict), P).status == "fail"


def test_silence_measured_from_the_audio():
    sr = 8000
    a = np.concatenate([speechlike(6.0, seed=1), np.zeros(12 * sr), speechlike(6.0, seed=2)])
    a = (a + 10 ** (-65 / 20) * np.random.default_rng(0).standard_normal(len(a))).astype(np.float32)
    # the transcript ends the first utterance early (a missed word): the audio still shows the speech
    rows = [("agent", 0.0, 4.0, "Okay."), ("agent", 18.0, 24.0, "Done.")]
    r = check_dead_air(call_from_audio(rows, a), P)
    [item] = r.values.items
    assert r.status == "fail" and 11.5 < item["duration_s"] <= 12.6 and 5.3 < item["start_s"] < 6.1
    rows[0] = ("agent", 0.0, 4.0, "One moment, let me check.")
    assert check_dead_air(call_from_audio(rows, a), P).status == "pass"
