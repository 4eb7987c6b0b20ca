"""`call.features`: derived once, with the settings the call carries (the configured ones in the pipeline)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checks"))

from signal_calls import call_with, events_report  # noqa: E402

from callqa.checks.holds import hold_detection  # noqa: E402
from callqa.config import load_config  # noqa: E402
from callqa.features import CallSettings, HoldDetection, build_call  # noqa: E402
from callqa.signal.config import HangupConfig, SignalConfig  # noqa: E402
from callqa.types import SignalEvent  # noqa: E402

ROWS = [
    ("agent", 0.0, 3.0, "thank you for calling, please hold"),
    ("agent", 30.0, 33.0, "thank you for holding"),
    ("customer", 33.5, 35.0, "okay"),
]


def _call(settings: CallSettings | None = None, events=()):
    signal = events_report([SignalEvent("silence", 3.0, 29.5), *events], duration_s=40)
    call = call_with(ROWS, signal=signal)
    return build_call(call.meta, call.transcript, call.signal, settings)


def test_holds_follow_the_settings_and_carry_request_and_thanks() -> None:
    [hold] = _call().features.holds  # defaults: 26.5 s of silence >= 20 s
    assert (hold.start_s, hold.end_s, hold.music) == (3.0, 29.5, False)
    assert hold.request is not None and hold.thanks is not None
    strict = CallSettings(holds=HoldDetection(min_silent_hold_s=60.0, min_silent_hold_after_request_s=60.0))
    assert _call(strict).features.holds == ()


def test_features_are_computed_once_per_call() -> None:
    call = _call()
    assert call.features is call.features


def test_hangup_uses_the_settings_signal_config() -> None:
    dead = [SignalEvent("dead_line", 36.0, 40.0, 0), SignalEvent("dead_line", 36.5, 40.0, 1)]
    call = call_with(
        ROWS, signal=events_report(dead, duration_s=40, n_channels=2), channel_layout="stereo_agent_left"
    )
    assert call.features.hangup.party == "agent"
    slow = CallSettings(signal=dataclasses.replace(SignalConfig(), hangup=HangupConfig(min_lead_s=1.0)))
    assert build_call(call.meta, call.transcript, call.signal, slow).features.hangup.party == "unknown"


def test_resolved_config_carries_the_configured_settings() -> None:
    cfg = load_config(None, ["checks.holds.phrase_window_s=10", "signal.hangup.min_lead_s=2"])
    assert cfg.resolved.settings.holds.phrase_window_s == 10.0
    assert cfg.resolved.settings.signal.hangup.min_lead_s == 2.0
    # the detection part of the configured checks.holds, the rules left to the `holds` check
    assert cfg.resolved.settings.holds == hold_detection(cfg.resolved.params("holds"))
    assert not hasattr(cfg.resolved.settings.holds, "max_unattended_s")
