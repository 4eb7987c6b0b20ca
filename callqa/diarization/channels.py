"""Stereo diarization: each leg is one speaker; its turns are the leg's speech stretches.

A leg's speech is where the signal layer found it active, with ringback, busy tone and music masked out,
kept where the leg's ASR heard words; without a signal report, the spans of the leg's utterances.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from callqa.align.words import group_utterances
from callqa.intervals import Interval, mask_runs, merge_intervals, without_events
from callqa.types import SignalReport, SpeakerTurn, Word

JOIN_GAP_S = 0.3  # pauses shorter than this inside a leg's speech do not end its turn
MIN_TURN_S = 0.25  # shorter activity bursts (clicks, breaths) are not turns


class ChannelDiarizer:
    """Turns of a stereo call, one speaker per channel (`ch0`, `ch1`): a `Diarizer` over the legs.

    It reads the legs' activity from the signal layer (measured on the original audio), so `diarize`
    does not use its samples argument.
    """

    name = "channels"

    def __init__(
        self,
        *,
        signal: SignalReport | None,
        words_by_channel: Sequence[Sequence[Word]],
        language: str,
        speakers: Sequence[str] = ("ch0", "ch1"),
    ):
        self.signal = signal
        self.words_by_channel = words_by_channel
        self.language = language
        self.speakers = tuple(speakers)

    def diarize(
        self, samples_16k: np.ndarray | None = None, *, regions: list[tuple[float, float]] | None = None
    ) -> list[SpeakerTurn]:
        turns: list[SpeakerTurn] = []
        for ch, words in enumerate(self.words_by_channel):
            if not words:
                continue
            spk = self.speakers[ch]
            utts = group_utterances([(spk, w) for w in words], language=self.language, channel=ch)
            spans = leg_speech(self.signal, ch, [(u.start_s, u.end_s) for u in utts])
            turns += [SpeakerTurn(spk, round(a, 3), round(b, 3)) for a, b in spans]
        return sorted(turns, key=lambda t: t.start_s)


def leg_speech(signal: SignalReport | None, channel: int, heard: Sequence[Interval]) -> list[Interval]:
    """Speech stretches of one leg: signal activity minus tones/music, where words were heard; else `heard`."""
    spans: list[Interval] = []
    if signal is not None and channel < len(signal.channels):
        ch = signal.channels[channel]
        active = without_events(ch.active, signal.events, channel=channel, hop_s=ch.frame_hop_s)
        spans = [
            s
            for s in merge_intervals(mask_runs(active, hop_s=ch.frame_hop_s), gap_s=JOIN_GAP_S)
            if s[1] - s[0] >= MIN_TURN_S
        ]
        # keep only stretches that carry words: tones and music the detectors missed are activity too
        spans = [s for s in spans if any(a < s[1] and b > s[0] for a, b in heard)]
    if not spans:
        spans = merge_intervals(heard, gap_s=JOIN_GAP_S)
    return spans
