"""`asr.batch_size` > 0 sends each block to faster-whisper's batched pipeline with the same options."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from callqa.asr.whisper import WhisperTranscriber
from callqa.config import load_config


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def transcribe(self, audio, **kwargs):
        self.calls.append({"n": len(audio), **kwargs})
        word = SimpleNamespace(word=" hello", start=0.1, end=0.4, probability=0.9)
        seg = SimpleNamespace(
            start=0.0, end=0.5, text=" hello", words=[word], avg_logprob=-0.1, no_speech_prob=0.0
        )
        return iter([seg]), None


def _transcriber(*overrides: str) -> tuple[WhisperTranscriber, _Recorder, _Recorder]:
    asr = WhisperTranscriber(load_config(None, overrides).asr, threads=1)
    sequential, batched = _Recorder(), _Recorder()
    asr._model, asr._batched = sequential, batched
    return asr, sequential, batched


def test_sequential_by_default() -> None:
    asr, sequential, batched = _transcriber()
    segs = asr.transcribe(np.zeros(16000 * 5, np.float32), language="en")
    assert [w.text for s in segs for w in s.words] == ["hello"]
    assert len(sequential.calls) == 1 and not batched.calls
    assert "batch_size" not in sequential.calls[0]
    assert sequential.calls[0]["temperature"] == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_batch_size_uses_the_batched_pipeline_with_the_same_options() -> None:
    asr, sequential, batched = _transcriber("asr.batch_size=8")
    asr.transcribe(np.zeros(16000 * 5, np.float32), language="ru")
    assert not sequential.calls and len(batched.calls) == 1
    call = batched.calls[0]
    assert call["batch_size"] == 8 and call["language"] == "ru" and call["word_timestamps"] is True
    assert call["vad_filter"] is True and "clip_timestamps" not in call


def test_batched_without_vad_gives_the_pipeline_30_s_chunks() -> None:
    asr, _, batched = _transcriber("asr.batch_size=4", "asr.vad_filter=false")
    asr.transcribe(np.zeros(16000 * 70, np.float32), language="en")
    assert batched.calls[0]["clip_timestamps"] == [
        {"start": 0.0, "end": 30.0},
        {"start": 30.0, "end": 60.0},
        {"start": 60.0, "end": 70.0},
    ]
