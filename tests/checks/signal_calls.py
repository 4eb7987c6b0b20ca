"""Calls for the signal-check tests: utterance rows plus a signal report (analysed audio or given events)."""

from __future__ import annotations

import numpy as np

from callqa.features import build_call
from callqa.ingest.audio import Audio
from callqa.signal.analyze import analyze_signal
from callqa.signal.config import SignalConfig
from callqa.types import Call, CallMeta, CallTranscript, ChannelLevels, SignalEvent, SignalReport, Utterance


def utterances(rows) -> tuple[Utterance, ...]:
    """rows: (role, start_s, end_s, text)."""
    return tuple(Utterance(role, role, s, e, text) for role, s, e, text in rows)


def call_with(rows, *, signal: SignalReport | None, language: str = "en", **meta) -> Call:
    utts = utterances(rows)
    duration = signal.duration_s if signal is not None else max((u.end_s for u in utts), default=0.0)
    transcript = CallTranscript(language=language, duration_s=duration, utterances=utts)
    return build_call(CallMeta("t", None, language=language, **meta), transcript, signal)


def call_from_audio(rows, *channels: np.ndarray, language: str = "en", **meta) -> Call:
    n = min(len(c) for c in channels)
    audio = Audio(np.stack([c[:n] for c in channels]).astype(np.float32), 8000)
    m = CallMeta("t", None, language=language, **meta)
    return call_with(
        rows, signal=analyze_signal(audio, config=SignalConfig(), meta=m), language=language, **meta
    )


def events_report(events: list[SignalEvent], *, duration_s: float, n_channels: int = 1) -> SignalReport:
    """A report with quiet, inactive channels and the given events."""
    n = int(duration_s / 0.02)
    lv = ChannelLevels(0, 0.02, np.full(n, -70.0), np.full(n, -60.0), np.zeros(n, int), np.zeros(n, bool))
    chans = tuple(
        ChannelLevels(c, 0.02, lv.level_dbfs, lv.peak_dbfs, lv.clipped, lv.active) for c in range(n_channels)
    )
    return SignalReport(8000, duration_s, n_channels, chans, tuple(events))
