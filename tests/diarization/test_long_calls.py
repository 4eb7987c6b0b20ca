"""Long calls are diarized in bounded windows; speakers are linked across windows by their embeddings."""

from __future__ import annotations

import numpy as np

from callqa.diarization.long_calls import WindowSpeakers, diarize_in_windows, link_speakers
from callqa.types import SpeakerTurn

rng = np.random.default_rng(7)
AGENT, CUSTOMER = rng.standard_normal(192), rng.standard_normal(192)


def _near(v: np.ndarray, noise: float = 0.3) -> np.ndarray:
    return v + noise * np.linalg.norm(v) / np.sqrt(len(v)) * rng.standard_normal(len(v))


def _window(speakers: dict[str, tuple[np.ndarray, float]]) -> WindowSpeakers:
    turns, t = [], 0.0
    for label, (_, seconds) in speakers.items():
        turns.append(SpeakerTurn(label, t, t + seconds))
        t += seconds
    return WindowSpeakers(tuple(turns), {label: c for label, (c, _) in speakers.items()})


def test_labels_swapped_between_windows_are_linked_to_the_same_voice() -> None:
    windows = [
        _window({"SPEAKER_00": (_near(AGENT), 300.0), "SPEAKER_01": (_near(CUSTOMER), 200.0)}),
        _window({"SPEAKER_00": (_near(CUSTOMER), 250.0), "SPEAKER_01": (_near(AGENT), 260.0)}),  # swapped
        _window({"SPEAKER_00": (_near(AGENT), 100.0), "SPEAKER_01": (_near(CUSTOMER), 3.0)}),
    ]
    links = link_speakers(windows, 2)
    agent = links[0]["SPEAKER_00"]
    assert links[0]["SPEAKER_01"] != agent
    assert links[1] == {"SPEAKER_01": agent, "SPEAKER_00": 1 - agent}
    assert links[2] == {"SPEAKER_00": agent, "SPEAKER_01": 1 - agent}  # 3 s of speech still finds its voice


def test_one_voice_split_in_two_inside_a_window_is_joined_again() -> None:
    windows = [
        _window({"SPEAKER_00": (_near(AGENT), 300.0), "SPEAKER_01": (_near(CUSTOMER), 300.0)}),
        _window({"SPEAKER_00": (_near(AGENT), 200.0), "SPEAKER_01": (_near(AGENT), 150.0)}),  # agent alone
    ]
    links = link_speakers(windows, 2)
    assert links[1]["SPEAKER_00"] == links[1]["SPEAKER_01"] == links[0]["SPEAKER_00"]


def test_windows_are_cut_in_pauses_and_turns_shifted_to_call_time() -> None:
    sr = 16000
    x = np.full(sr * 250, 0.1, dtype=np.float32)
    x[int(95.0 * sr) : int(95.5 * sr)] = 0.0  # a pause before the 100-s limit
    x[int(190.0 * sr) : int(190.5 * sr)] = 0.0
    seen: list[int] = []

    def run(window: np.ndarray) -> WindowSpeakers:
        seen.append(len(window))
        d = len(window) / sr
        return _window({"SPEAKER_00": (_near(AGENT), d / 2), "SPEAKER_01": (_near(CUSTOMER), d / 2)})

    turns = diarize_in_windows(x, window_s=100.0, run=run, num_speakers=2)
    assert len(seen) == 3 and all(n <= 100 * sr for n in seen) and sum(seen) == len(x)
    assert 95.0 <= seen[0] / sr <= 95.5
    assert turns[0].start_s == 0.0 and abs(turns[-1].end_s - 250.0) < 1e-3
    names = {t.speaker for t in turns}
    assert names == {"SPEAKER_00", "SPEAKER_01"}
    # each window: first half agent, second half customer -> the same call label at the same place
    firsts = [
        t for t in turns if t.start_s in (0.0, round(seen[0] / sr, 3), round((seen[0] + seen[1]) / sr, 3))
    ]
    assert len({t.speaker for t in firsts}) == 1


def test_short_audio_is_one_window(monkeypatch) -> None:
    from callqa.config import DiarizationConfig
    from callqa.diarization.pyannote_diarizer import PyannoteDiarizer

    diarizer = PyannoteDiarizer(DiarizationConfig(max_window_s=60.0))
    calls: list[int] = []

    def fake_window(x: np.ndarray) -> WindowSpeakers:
        calls.append(len(x))
        return _window({"SPEAKER_00": (_near(AGENT), len(x) / 16000)})

    monkeypatch.setattr(diarizer, "diarize_window", fake_window)
    diarizer.diarize(np.zeros(16000 * 59, np.float32))
    assert calls == [16000 * 59]
    calls.clear()
    diarizer.diarize(np.zeros(16000 * 150, np.float32))
    assert len(calls) >= 3 and sum(calls) == 16000 * 150 and max(calls) <= 16000 * 60
