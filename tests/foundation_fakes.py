"""Fixtures for the pipeline foundation tests: synthetic calls on disk and Fake* model stand-ins.

FakeTranscriber and FakeDiarizer are scripted stand-ins for fast unit tests only; the real models
(Whisper, pyannote) are exercised by the integration tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callqa.asr.whisper import AsrSegment
from callqa.config import Config, load_config
from callqa.models.holder import Models
from callqa.types import SpeakerTurn, Word

SR = 8000
ENERGY_HOP_S = 0.02


def speechlike(duration_s: float, *, sr: int = SR, seed: int = 0, level: float = 0.3) -> np.ndarray:
    """Band-limited noise with a 4 Hz syllable envelope: loud, broadband, never a ringback tone."""
    rng = np.random.default_rng(seed)
    n = int(round(duration_s * sr))
    x = rng.standard_normal(n)
    # crude 300-3000 Hz band: difference of two moving averages
    k1, k2 = max(1, sr // 3000), max(2, sr // 300)
    lo = np.convolve(x, np.ones(k1) / k1, mode="same") - np.convolve(x, np.ones(k2) / k2, mode="same")
    t = np.arange(n) / sr
    env = 0.6 + 0.4 * np.sin(2 * np.pi * 4.0 * t)
    y = lo * env
    peak = float(np.max(np.abs(y))) or 1.0
    return (level * y / peak).astype(np.float32)


def build_signal(
    duration_s: float,
    spans: Sequence[tuple[float, float]],
    *,
    sr: int = SR,
    seed: int = 0,
    noise_dbfs: float = -60.0,
) -> np.ndarray:
    """A line noise floor (as every real recording has) with speech-like bursts over `spans` (seconds)."""
    n = int(round(duration_s * sr))
    x = (10 ** (noise_dbfs / 20) * np.random.default_rng(seed + 1000).standard_normal(n)).astype(np.float32)
    for i, (a, b) in enumerate(spans):
        i0, i1 = int(round(a * sr)), int(round(b * sr))
        x[i0:i1] = speechlike((i1 - i0) / sr, sr=sr, seed=seed + i)[: i1 - i0]
    return x


def write_wav(
    path: Path, channels: Sequence[np.ndarray] | np.ndarray, *, sr: int = SR, subtype: str = "PCM_16"
) -> Path:
    data = np.asarray(channels, dtype=np.float32)
    if data.ndim == 2:
        data = data.T  # (samples, channels)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), data, sr, subtype=subtype)
    return path


def energy_spans(
    x: np.ndarray, sr: int, *, hop_s: float = ENERGY_HOP_S, floor: float = 0.01
) -> list[tuple[float, float]]:
    """Stretches where the frame RMS is above `floor` (merged across gaps < 0.2 s)."""
    hop = int(hop_s * sr)
    n = len(x) // hop
    if n == 0:
        return []
    rms = np.sqrt(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1))
    active = rms > floor
    spans: list[list[float]] = []
    for i, on in enumerate(active):
        if not on:
            continue
        a, b = i * hop_s, (i + 1) * hop_s
        if spans and a - spans[-1][1] < 0.2:
            spans[-1][1] = b
        else:
            spans.append([a, b])
    return [(round(a, 3), round(b, 3)) for a, b in spans]


class FakeTranscriber:
    """Scripted ASR stand-in (unit tests only). Counts its calls.

    `script` is either a fixed list of words returned on every call, a list of lists returned one per
    call (stereo: one per leg), or None: then one word per 0.4 s of each energetic stretch of the
    16 kHz input, with text taken in turn from `vocabulary`.
    """

    name = "fake-asr"

    def __init__(
        self,
        script: Sequence[Word] | Sequence[Sequence[Word]] | None = None,
        vocabulary: Sequence[str] = ("hello", "there", "okay"),
    ):
        self.script = script
        self.vocabulary = list(vocabulary)
        self.calls = 0
        self.languages: list[str] = []

    def transcribe(self, samples_16k: np.ndarray, *, language: str, regions=None) -> list[AsrSegment]:
        self.calls += 1
        self.languages.append(language)
        words = self._words(samples_16k)
        if (
            regions is not None and self.script is None
        ):  # a script is what was said; energy words need hearing
            words = [w for w in words if any(a <= 0.5 * (w.start_s + w.end_s) < b for a, b in regions)]
        if not words:
            return []
        return [AsrSegment(words[0].start_s, words[-1].end_s, " ".join(w.text for w in words), tuple(words))]

    def _words(self, samples_16k: np.ndarray) -> list[Word]:
        if self.script is not None:
            if self.script and isinstance(self.script[0], (list, tuple)):
                return list(self.script[(self.calls - 1) % len(self.script)])  # type: ignore[arg-type]
            return list(self.script)  # type: ignore[arg-type]
        words: list[Word] = []
        for a, b in energy_spans(samples_16k, 16000):
            t = a
            while t + 0.2 <= b:
                end = min(t + 0.4, b)
                words.append(
                    Word(self.vocabulary[len(words) % len(self.vocabulary)], round(t, 3), round(end, 3), 0.9)
                )
                t = end
        return words


class FakeDiarizer:
    """Scripted diarization stand-in (unit tests only): fixed turns, or a function of the samples."""

    name = "fake-diarizer"

    def __init__(self, turns: Sequence[SpeakerTurn] | Callable[[np.ndarray], list[SpeakerTurn]] = ()):
        self.turns = turns
        self.calls = 0

    def diarize(self, samples_16k: np.ndarray, *, regions=None) -> list[SpeakerTurn]:
        self.calls += 1  # regions ignored: the fake's turns are in recording time
        if callable(self.turns):
            return self.turns(samples_16k)
        return list(self.turns)


def alternating_diarizer() -> FakeDiarizer:
    """Energy stretches alternate between SPEAKER_00 and SPEAKER_01."""
    return FakeDiarizer(
        lambda x: [SpeakerTurn(f"SPEAKER_0{i % 2}", a, b) for i, (a, b) in enumerate(energy_spans(x, 16000))]
    )


@pytest.fixture
def config() -> Config:
    return load_config()


@pytest.fixture
def fake_asr() -> FakeTranscriber:
    return FakeTranscriber()


@pytest.fixture
def fake_diarizer() -> FakeDiarizer:
    return alternating_diarizer()


@pytest.fixture
def fake_models(monkeypatch: pytest.MonkeyPatch, fake_asr: FakeTranscriber, fake_diarizer: FakeDiarizer):
    """Make every `Models` (also the ones the CLI creates) hand out the fakes instead of loading real models."""
    monkeypatch.setattr(Models, "asr", lambda self: fake_asr)
    monkeypatch.setattr(Models, "diarization", lambda self: fake_diarizer)
    return fake_asr, fake_diarizer


@pytest.fixture
def good_call(tmp_path: Path) -> Path:
    """A 10 s mono call: speech at 0.5-3.0 s, 3.5-6.0 s and 6.5-9.0 s."""
    return write_wav(tmp_path / "in" / "good.wav", build_signal(10.0, [(0.5, 3.0), (3.5, 6.0), (6.5, 9.0)]))
