"""The `Diarizer` protocol: mono backends found by `diarization.backend`, stereo turns by channel."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from callqa.config import load_config
from callqa.diarization import make_diarizer, register_diarizer
from callqa.diarization.channels import ChannelDiarizer
from callqa.models.holder import Models
from callqa.types import ChannelLevels, SignalEvent, SignalReport, SpeakerTurn, Word


class _Half:
    name = "half"

    def __init__(self, config) -> None:
        self.config = config

    def diarize(self, samples_16k: np.ndarray, *, regions=None) -> list[SpeakerTurn]:
        mid = len(samples_16k) / 32000
        return [SpeakerTurn("A", 0.0, mid), SpeakerTurn("B", mid, 2 * mid)]


register_diarizer("test-half")(_Half)


def test_backend_is_chosen_by_config_name() -> None:
    cfg = load_config(None, ["diarization.backend=test-half"])
    diarizer = Models(cfg).diarization()
    assert isinstance(diarizer, _Half) and diarizer.config is cfg.diarization
    assert [t.speaker for t in diarizer.diarize(np.zeros(32000))] == ["A", "B"]


def test_unknown_backend_names_the_known_ones() -> None:
    cfg = load_config()
    with pytest.raises(KeyError, match="pyannote"):
        make_diarizer(dataclasses.replace(cfg.diarization, backend="nope"))


def _report(active_by_channel: list[np.ndarray], events=()) -> SignalReport:
    n = len(active_by_channel[0])
    chans = tuple(
        ChannelLevels(c, 0.02, np.full(n, -20.0), np.full(n, -10.0), np.zeros(n, int), a)
        for c, a in enumerate(active_by_channel)
    )
    return SignalReport(8000, n * 0.02, len(chans), chans, tuple(events))


def test_channel_turns_come_from_leg_activity_without_music_and_need_words() -> None:
    n = 500  # 10 s
    left, right = np.zeros(n, bool), np.zeros(n, bool)
    left[25:100] = True  # 0.5-2.0 s: speech with words
    left[150:300] = True  # 3.0-6.0 s: music on the agent leg
    left[400:450] = True  # 8.0-9.0 s: activity without any word (a click, a tone): not a turn
    right[110:140] = True  # 2.2-2.8 s
    signal = _report([left, right], [SignalEvent("music", 3.0, 6.0, 0)])
    words = [
        [Word("hello", 0.6, 1.0), Word("there", 1.1, 1.8), Word("hold", 4.0, 4.5)],
        [Word("hi", 2.3, 2.6)],
    ]
    turns = ChannelDiarizer(signal=signal, words_by_channel=words, language="en").diarize()
    assert turns == [SpeakerTurn("ch0", 0.5, 2.0), SpeakerTurn("ch1", 2.2, 2.8)]


def test_channel_turns_without_signal_are_the_utterance_spans() -> None:
    words = [[Word("hello", 0.6, 1.0), Word("there", 1.1, 1.8)], [Word("hi", 2.3, 2.6)]]
    turns = ChannelDiarizer(signal=None, words_by_channel=words, language="en").diarize()
    assert turns == [SpeakerTurn("ch0", 0.6, 1.8), SpeakerTurn("ch1", 2.3, 2.6)]
