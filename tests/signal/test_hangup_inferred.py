"""Hang-up party inferred from how the recording ends when there is no disconnect tone (issue 11)."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "checks"))
from language_calls import make_call  # noqa: E402

from callqa.checks.closing import ClosingParams, check_closing  # noqa: E402
from callqa.features import build_call  # noqa: E402
from callqa.signal.config import HangupConfig  # noqa: E402
from callqa.signal.hangup import detect_hangup_party  # noqa: E402
from callqa.types import (  # noqa: E402
    Call,
    CallMeta,
    CallTranscript,
    ChannelLevels,
    SignalEvent,
    SignalReport,
    SignalSummary,
)


def with_signal(call: Call, duration_s: float, events=(), channels=(), n_channels=1, **extras) -> Call:
    sig = SignalReport(8000, duration_s, n_channels, tuple(channels), tuple(events), SignalSummary(**extras))
    return build_call(call.meta, call.transcript, sig)


ROWS = [("agent", 0.0, 3.0, "Hello, Acme, Anna speaking."), ("customer", 3.5, 6.0, "Hi, my bill is wrong.")]


def test_recording_ends_right_after_the_agent_is_agent_inferred():
    call = with_signal(make_call("en", ROWS + [("agent", 6.5, 9.0, "Okay, bye.")]), 9.6)
    d = detect_hangup_party(call, config=HangupConfig())
    party, ev = d.party, d.evidence
    assert party == "agent" and d.source == "inferred"
    assert ev.start_s == 9.0 and ev.end_s == 9.6 and "inferred" in ev.note and ev.text == "Okay, bye."


def test_long_silence_after_the_agent_stays_unknown():
    call = with_signal(make_call("en", ROWS + [("agent", 6.5, 9.0, "Okay, bye.")]), 15.0)
    d = detect_hangup_party(call, config=HangupConfig())
    assert d.party == "unknown" and d.source == "none" and "6.0 s after the last words" in d.evidence.note


def test_recording_ending_in_the_customers_speech_stays_unknown():
    call = with_signal(make_call("en", ROWS + [("agent", 6.5, 8.0, "Okay."), ("customer", 7.5, 9.5, "Wait...")]),
                       9.6)  # fmt: skip
    assert detect_hangup_party(call, config=HangupConfig()).party == "unknown"


def test_untranscribed_sound_after_the_agent_stays_unknown():
    # the transcript ends with the agent, but the audio carries speech until 12.2 s (not transcribed)
    call = with_signal(make_call("en", ROWS + [("agent", 6.5, 9.0, "Okay, bye.")]), 12.5, last_speech_s=12.2)
    assert detect_hangup_party(call, config=HangupConfig()).party == "unknown"


def test_threshold_is_configurable_and_zero_turns_it_off():
    call = with_signal(make_call("en", ROWS + [("agent", 6.5, 9.0, "Okay, bye.")]), 10.5)
    assert detect_hangup_party(call, config=HangupConfig()).party == "unknown"
    assert detect_hangup_party(call, config=HangupConfig(agent_last_words_max_s=2.0)).party == "agent"
    near = with_signal(make_call("en", ROWS + [("agent", 6.5, 9.0, "Okay, bye.")]), 9.2)
    assert detect_hangup_party(near, config=HangupConfig(agent_last_words_max_s=0.0)).party == "unknown"


def test_busy_tone_still_wins_and_says_its_source():
    call = with_signal(make_call("en", ROWS + [("agent", 6.5, 9.0, "Okay, bye.")]), 12.0,
                       events=[SignalEvent("busy_tone", 9.5, 12.0, profile="na")])  # fmt: skip
    d = detect_hangup_party(call, config=HangupConfig())
    assert d.party == "customer" and d.source == "busy_tone"


def test_closing_reports_inferred_agent_hangup_as_a_failure_with_evidence():
    rows = ROWS + [("agent", 6.5, 12.0, "To summarize, the fee is refunded. Thank you for calling, goodbye.")]
    r = check_closing(with_signal(make_call("en", rows), 12.4), ClosingParams())
    assert r.values.hangup_party == "agent" and r.values.hangup_source == "inferred"
    assert r.status == "fail" and "agent hung up first" in r.reason
    assert any("inferred" in (e.note or "") for e in r.evidence)


def test_closing_reports_the_signal_party_with_an_empty_transcript():
    meta = CallMeta(call_id="t", audio_path=None, language="en", channel_layout="stereo_agent_left")
    empty = CallTranscript(language="en", duration_s=20.0, utterances=())
    hop = 0.02
    act = np.zeros(1000, dtype=bool)
    lv = [ChannelLevels(ch, hop, np.zeros(1000), np.zeros(1000), np.zeros(1000), act) for ch in (0, 1)]
    sig = SignalReport(8000, 20.0, 2, tuple(lv), (SignalEvent("dead_line", 15.0, 20.0, channel=1),))
    r = check_closing(build_call(meta, empty, sig), ClosingParams())
    assert (
        r.status == "na"
        and r.values["hangup_party"] == "customer"
        and r.values["hangup_source"] == "dead_line"
    )
    assert r.evidence and "dead" in r.evidence[0].note


def test_a_customer_checking_a_quiet_line_means_the_agent_hung_up():
    """No tone, no dead leg (mono): the agent's goodbye, then only "Hello? Are you there? Hello?"."""
    rows = ROWS + [
        ("agent", 6.5, 9.0, "Thank you for calling, goodbye."),
        ("customer", 10.5, 13.0, "Hello? Are you there? Hello?"),
    ]
    d = detect_hangup_party(with_signal(make_call("en", rows), 14.5), config=HangupConfig())
    assert d.party == "agent" and d.source == "inferred" and d.evidence is not None
    assert "checks the line" in (d.evidence.note or "")
    for lang, check in (("ru", "Алло? Алло? Вы меня слышите?"), ("zh", "喂？喂？您还在吗？")):
        rows_l = [
            ("agent", 0.0, 3.0, "..."),
            ("customer", 3.5, 6.0, "..."),
            ("agent", 6.5, 9.0, "..."),
            ("customer", 10.0, 12.0, check),
        ]
        assert (
            detect_hangup_party(with_signal(make_call(lang, rows_l), 13.0), config=HangupConfig()).party
            == "agent"
        )


def test_a_customer_who_says_more_than_hello_keeps_it_unknown():
    for last in ("Hello? I still have a question about my bill.", "Thanks, bye."):
        rows = ROWS + [("agent", 6.5, 9.0, "Goodbye."), ("customer", 10.0, 12.5, last)]
        assert (
            detect_hangup_party(with_signal(make_call("en", rows), 13.5), config=HangupConfig()).party
            == "unknown"
        )
