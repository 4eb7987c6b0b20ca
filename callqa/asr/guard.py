"""No speech lost: every stretch ASR would skip (ring, busy tone, music, silence) is checked for speech first.

The signal layer finds hold music from the spectrum alone, and real dialogue can look like music to it (speech
over a music bed, a steady line: issue 17, a 46.5-s "hold" over 22 s of dialogue whose words were never
transcribed). `guard_speech` runs Silero VAD (the ONNX model shipped inside faster-whisper) on exactly the
stretches `speech_regions` would drop and returns the signal report with

* a `speech` event (`SPEECH_EVENT`) on the channel for every speech run found there, which ASR always
  hears (`speech_regions` never skips it), and
* the music and silence events cut where that speech is: a hold with dialogue in it is not a hold, so hold
  detection, non-talk and levels see the speech as speech. Pieces shorter than the detectors' own minimum
  (`signal.music.min_music_s`, `signal.silence_min_s`) are dropped.

Ring and busy-tone events are kept as they are (they are counted; speech over them is only given to ASR).
Measured (scripts in docs/trust.md): Silero's speech probability on the two qMOH hold-music tracks never
stays >= 0.5 for 0.25 s (maximum 0.34 / 0.50), while 29-33 % of the aws-lca legs' frames are >= 0.5; with
qMOH mixed 20, 10 and 6 dB under real aws-lca dialogue the signal layer called 40-50 s of the 60 s music, and
91-95 % of the speech inside it is found again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from callqa.asr.regions import SPEECH_EVENT, speech_regions
from callqa.ingest.audio import Audio, resample
from callqa.intervals import Interval, gaps, merge_intervals
from callqa.types import SignalEvent, SignalReport

VAD_RATE = 16000
VAD_FRAME = 512  # Silero's window at 16 kHz: 32 ms
BRIDGE_S = 0.3  # speech runs closer than this are one run (a plosive's closure, a short breath)


@dataclass(frozen=True)
class SureSpeech:
    """When a speech run is sure enough to end hold music or a silence (every run is heard by ASR anyway).

    Measured at 8 kHz: the telephone-band qMOH cable_company track has one 0.5-s run two seconds in (mean
    probability 0.48-0.52, in 5 of the eval set's holds); short real answers ("yes", "okay") in aws-lca
    dialogue under music: 0.5-0.7 s, mean 0.65-0.92.
    """

    min_s: float = 1.0
    min_mean_probability: float = 0.65
    # music or silence left between sure speech must be this long to stay: a conversation over a music bed
    # pauses 4-7 s (aws-lca call 40 under qMOH), hold music runs on
    min_piece_s: float = 8.0


def speech_probabilities(samples_16k: np.ndarray) -> np.ndarray:
    """Silero VAD speech probability of each 32-ms frame of 16-kHz audio."""
    from faster_whisper.vad import get_vad_model

    x = np.ascontiguousarray(samples_16k, dtype=np.float32)
    if len(x) < VAD_FRAME:
        return np.zeros(0, dtype=np.float32)
    x = np.pad(x, (0, (-len(x)) % VAD_FRAME))
    return np.asarray(get_vad_model()(x), dtype=np.float32).ravel()


def speech_runs(
    probs: np.ndarray, *, threshold: float, min_speech_s: float, offset_s: float = 0.0
) -> list[Interval]:
    """Runs of frames with probability >= `threshold`, joined across gaps < `BRIDGE_S`, at least
    `min_speech_s` long, in seconds from `offset_s`.

    >>> p = np.r_[0, [0.9] * 8, 0, 0.9, [0] * 12, 0.9]   # 8 frames, a 1-frame gap, 1 frame; a lone frame
    >>> speech_runs(p, threshold=0.5, min_speech_s=0.25, offset_s=10.0)
    [(10.032, 10.352)]
    """
    hop_s = VAD_FRAME / VAD_RATE
    on = np.concatenate([[0], (np.asarray(probs) >= threshold).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(on))
    runs = [
        (offset_s + a * hop_s, offset_s + b * hop_s) for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]
    return [
        (round(float(a), 3), round(float(b), 3))
        for a, b in merge_intervals(runs, gap_s=BRIDGE_S)
        if b - a >= min_speech_s
    ]


def skipped_stretches(signal: SignalReport, channel: int) -> list[Interval]:
    """What `speech_regions` would leave out of ASR on `channel` (no padding)."""
    kept = speech_regions(signal, channel=channel, pad_s=0.0)
    return gaps(kept, 0.0, signal.duration_s)


def find_skipped_speech(
    audio: Audio, signal: SignalReport, *, threshold: float, min_speech_s: float, sure: SureSpeech
) -> tuple[list[SignalEvent], list[SignalEvent]]:
    """(`speech` events, the sure ones among them): Silero speech runs inside the stretches ASR would skip,
    per channel; sure = at least `sure.min_s` long or of mean probability >= `sure.min_mean_probability`."""
    heard: list[SignalEvent] = []
    sure_runs: list[SignalEvent] = []
    sr = audio.sample_rate
    hop_s = VAD_FRAME / VAD_RATE
    for ch in range(min(audio.n_channels, len(signal.channels))):
        x = audio.channel(ch)
        for a, b in skipped_stretches(signal, ch):
            if b - a < min_speech_s:
                continue
            piece = resample(x[int(a * sr) : int(np.ceil(b * sr))], sr, VAD_RATE)
            probs = speech_probabilities(piece)
            for s, e in speech_runs(probs, threshold=threshold, min_speech_s=min_speech_s, offset_s=a):
                ev = SignalEvent(SPEECH_EVENT, s, min(e, b), ch)
                heard.append(ev)
                mean_p = float(
                    np.mean(probs[int((s - a) / hop_s) : max(int((s - a) / hop_s) + 1, int((e - a) / hop_s))])
                )
                if e - s >= sure.min_s or mean_p >= sure.min_mean_probability:
                    sure_runs.append(ev)
    return heard, sure_runs


def cut_at_speech(
    events: tuple[SignalEvent, ...],
    speech: list[SignalEvent],
    *,
    min_s: dict[str, float],
    min_piece_s: float = 0.0,
) -> list[SignalEvent]:
    """Events of the kinds in `min_s` with the speech taken out; pieces shorter than the kind's minimum go,
    and so do pieces next to a cut shorter than `min_piece_s` (music playing through the pauses of a
    conversation is a music bed, not a hold).

    A channel's speech cuts that channel's events; an all-channel event (`channel=None`, e.g. silence) is cut
    by speech on any channel.

    >>> ev = (SignalEvent("music", 10.0, 60.0, 0), SignalEvent("ring", 0.0, 2.0, 0))
    >>> sp = [SignalEvent("speech", 30.0, 33.0, 0), SignalEvent("speech", 55.0, 56.0, 0)]
    >>> [(e.kind, e.start_s, e.end_s) for e in cut_at_speech(ev, sp, min_s={"music": 4.0}, min_piece_s=8.0)]
    [('music', 10.0, 30.0), ('music', 33.0, 55.0), ('ring', 0.0, 2.0)]
    """
    out: list[SignalEvent] = []
    for ev in events:
        if ev.kind not in min_s:
            out.append(ev)
            continue
        cuts = merge_intervals(
            (sp.start_s, sp.end_s) for sp in speech if ev.channel is None or sp.channel == ev.channel
        )
        cuts = [(a, b) for a, b in cuts if b > ev.start_s and a < ev.end_s]
        for a, b in gaps(cuts, ev.start_s, ev.end_s):
            cut = a > ev.start_s or b < ev.end_s
            if b - a >= max(min_s[ev.kind], min_piece_s if cut else 0.0):
                out.append(replace(ev, start_s=round(a, 3), end_s=round(b, 3)))
    return out


def guard_speech(
    audio: Audio,
    signal: SignalReport,
    *,
    threshold: float,
    min_speech_s: float,
    sure: SureSpeech,
    min_music_s: float,
    min_silence_s: float,
) -> SignalReport:
    """The signal report with the speech found in skipped stretches as `speech` events and music/silence
    events cut there (see the module docstring). Every run of `min_speech_s` is heard; only the runs Silero
    is sure of (`SureSpeech`) cut an event (dialogue, a check-in).
    `min_music_s` / `min_silence_s`: the signal layer's own minimums (`signal.music.min_music_s`,
    `signal.silence_min_s`)."""
    speech, cuts = find_skipped_speech(
        audio, signal, threshold=threshold, min_speech_s=min_speech_s, sure=sure
    )
    if not speech:
        return signal
    events = cut_at_speech(
        signal.events,
        cuts,
        min_s={"music": min_music_s, "silence": min_silence_s},
        min_piece_s=sure.min_piece_s,
    )
    events += speech
    events.sort(key=lambda ev: (ev.start_s, ev.kind))
    return replace(signal, events=tuple(events))
