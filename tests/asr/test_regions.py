"""ASR on speech only: which stretches are skipped, and timestamps mapped back to the recording."""

from __future__ import annotations

import numpy as np
import pytest

from callqa.asr.regions import RegionMap, cut_regions, speech_regions, transcribe_regions
from callqa.asr.whisper import AsrSegment
from callqa.types import ChannelLevels, SignalEvent, SignalReport, Word

HOP_S = 0.02


def report(active: np.ndarray, events=(), duration_s: float | None = None) -> SignalReport:
    n = len(active)
    lv = ChannelLevels(
        0, HOP_S, np.zeros(n), np.zeros(n), np.zeros(n, dtype=int), np.asarray(active, dtype=bool)
    )
    return SignalReport(8000, duration_s or n * HOP_S, 1, (lv,), tuple(events))


def test_rings_music_and_long_pauses_are_skipped_short_pauses_kept():
    active = np.ones(3000, dtype=bool)  # 60 s
    active[500:550] = False  # 1 s pause: kept (a breath between sentences)
    active[1000:1500] = False  # 10 s silence: skipped
    events = [
        SignalEvent("ring", 0.0, 2.0, 0),
        SignalEvent("ring", 6.0, 8.0, 0),
        SignalEvent("music", 40.0, 55.0, None),
    ]
    regions = speech_regions(report(active, events))
    assert regions == [(1.7, 6.3), (7.7, 20.3), (29.7, 40.3), (54.7, 60.0)]  # no padding before the start


def test_other_channels_events_do_not_skip_this_channel():
    rep = report(np.ones(1000, dtype=bool), [SignalEvent("music", 5.0, 15.0, 1)])
    assert speech_regions(rep, channel=0) == [(0.0, 20.0)]


def test_all_silent_channel_has_no_regions():
    assert speech_regions(report(np.zeros(1000, dtype=bool))) == []


def test_region_map_round_trip():
    regions = [(1.0, 2.5), (4.0, 4.5), (10.0, 12.0)]
    rmap = RegionMap(regions)
    assert rmap.to_recording(0.0) == 1.0
    assert rmap.to_recording(1.5) == 4.0  # the join: a start belongs to the later region
    assert rmap.to_recording(1.5, is_end=True) == 2.5  # an end to the earlier one
    assert rmap.to_recording(1.75) == 4.25
    assert rmap.to_recording(3.0) == 11.0
    x = np.arange(16000 * 13, dtype=np.float32)
    joined = cut_regions(x, regions)
    assert len(joined) == 16000 * 4
    for t in (
        0.0,
        0.7,
        1.5,
        1.9,
        2.0,
        3.5,
    ):  # the joined sample at t is the recording's sample at to_recording(t)
        assert joined[int(t * 16000)] == round(rmap.to_recording(t) * 16000)


class EchoTranscriber:
    """Fake ASR: one word per 1-s block of non-zero joined audio, stamped in joined time."""

    name = "echo"

    def __init__(self):
        self.seen: list[int] = []

    def transcribe(self, samples_16k, *, language):
        self.seen.append(len(samples_16k))
        words = []
        for k in range(len(samples_16k) // 16000):
            block = samples_16k[k * 16000 : (k + 1) * 16000]
            if np.any(block != 0):
                words.append(Word(f"w{int(block[0])}", k + 0.1, k + 0.9, 0.9))
        return (
            [AsrSegment(words[0].start_s, words[-1].end_s, " ".join(w.text for w in words), tuple(words))]
            if words
            else []
        )


def test_transcribe_regions_maps_words_back_to_recording_time():
    sr = 16000
    x = np.zeros(sr * 20, dtype=np.float32)
    for sec in (3, 4, 12):  # speech in seconds 3-5 and 12-13, tagged with the second it starts in
        x[sec * sr : (sec + 1) * sr] = sec
    asr = EchoTranscriber()
    segs = transcribe_regions(asr, x, language="en", regions=[(3.0, 5.0), (12.0, 13.0)])
    assert asr.seen == [3 * sr]  # one call, only the 3 s of regions
    words = [(w.text, w.start_s, w.end_s) for s in segs for w in s.words]
    assert words == [("w3", 3.1, 3.9), ("w4", 4.1, 4.9), ("w12", 12.1, 12.9)]
    assert segs[0].start_s == 3.1 and segs[0].end_s == 12.9
    assert transcribe_regions(asr, x, language="en", regions=[]) == []
    whole = transcribe_regions(asr, x, language="en", regions=None)
    assert [w.start_s for w in whole[0].words] == [3.1, 4.1, 12.1]


@pytest.mark.parametrize("pad_s", [0.0, 0.5])
def test_padding_gives_back_the_edges_of_skipped_stretches(pad_s):
    active = np.ones(1000, dtype=bool)
    active[200:600] = False
    regions = speech_regions(report(active), pad_s=pad_s)
    assert regions == [(0.0, 4.0 + pad_s), (12.0 - pad_s, 20.0)]


class ScriptedDiarizer:
    name = "scripted"

    def __init__(self, turns):
        self.turns, self.seen = turns, []

    def diarize(self, samples_16k):
        self.seen.append(len(samples_16k))
        return self.turns


def test_diarize_regions_maps_turns_back_and_cuts_them_at_joins():
    from callqa.asr.regions import diarize_regions
    from callqa.types import SpeakerTurn

    regions = [(2.0, 5.0), (20.0, 22.0)]  # joined: 0-3 s is 2-5 s, 3-5 s is 20-22 s
    d = ScriptedDiarizer([SpeakerTurn("A", 0.5, 2.0), SpeakerTurn("B", 2.5, 4.0)])
    turns = diarize_regions(d, np.zeros(16000 * 30, dtype=np.float32), regions=regions)
    assert d.seen == [16000 * 5]
    assert [(t.speaker, t.start_s, t.end_s) for t in turns] == [
        ("A", 2.5, 4.0),
        ("B", 4.5, 5.0),
        ("B", 20.0, 21.0),
    ]
    assert diarize_regions(d, np.zeros(16000), regions=[]) == []


class StraddleTranscriber:
    """Fake ASR that stamps one word across the join of two regions, as Whisper does at a region edge."""

    name = "straddle"

    def transcribe(self, samples_16k, *, language):
        words = (Word("go", 0.2, 0.6, 0.9), Word("ahead.", 0.7, 1.1, 0.9), Word("Thanks", 0.9, 2.3, 0.9))
        return [AsrSegment(0.2, 2.3, "go ahead. Thanks", words)]


def test_a_word_across_a_join_stays_inside_one_region():
    """Issue 17: a word stamped across the join spanned the 40-s hold between the regions."""
    x = np.zeros(16000 * 60, dtype=np.float32)
    segs = transcribe_regions(StraddleTranscriber(), x, language="en", regions=[(10.0, 11.0), (51.0, 53.0)])
    words = [(w.text, w.start_s, w.end_s) for w in segs[0].words]
    # "ahead." has its middle (0.9) in the first region: clamped to its end; "Thanks" (middle 1.6) in the second
    assert words == [("go", 10.2, 10.6), ("ahead.", 10.7, 11.0), ("Thanks", 51.0, 52.3)]
    assert all(e - s < 2.0 for _, s, e in words)
