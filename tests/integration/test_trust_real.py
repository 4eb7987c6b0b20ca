"""Transcript confidence on real speech with the real Whisper base (issue 11): a transcript that came out
right is trusted, one the recognizer garbled is not, and the text checks follow."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from callqa.asr.whisper import WhisperTranscriber
from callqa.checks.run import run_checks
from callqa.config import load_config
from callqa.features import build_call
from callqa.ingest.audio import load_audio, resample
from callqa.ingest.transcript import parse_transcript
from callqa.types import CallMeta

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parent.parent / "data" / "external"


@pytest.fixture(scope="module")
def harvard():
    audio = load_audio(DATA / "osr-joinly" / "OSR_us_000_0034_8k.wav")
    return resample(audio.mono(), audio.sample_rate, 16000)  # ten Harvard sentences, 8 kHz telephone source


def as_call(segs, language):
    utts = [{"speaker": "A", "role": "agent", "start_s": s.start_s, "end_s": s.end_s, "text": s.text,
             "words": [{"text": w.text, "start_s": w.start_s, "end_s": w.end_s, "probability": w.probability}
                       for w in s.words]} for s in segs if s.words]  # fmt: skip
    tr = parse_transcript({"language": language, "utterances": utts, "duration_s": 36.0})
    return build_call(CallMeta(call_id="h", audio_path=None, language=language), tr, None)


def mean_prob(segs):
    return float(np.mean([w.probability for s in segs for w in s.words]))


def test_right_transcript_trusted_garbled_one_not(harvard):
    cfg = load_config()
    asr = WhisperTranscriber(cfg.asr)
    right = asr.transcribe(harvard, language="en")
    text = " ".join(s.text for s in right).lower()
    assert "gold ring" in text and "journey home" in text
    assert mean_prob(right) >= 0.85  # measured 0.96 (benchmarks/measure_asr_trust.py)
    # the same English audio decoded as Russian (a wrong manifest language): Whisper writes garbled Russian,
    # unsure of it (measured 0.64 on the whole clip; 0.74 on its first 12 s — the threshold is not a wall)
    # Greedy decoding only: with the default temperature fallback the wrong-language run samples, and one run gave
    # 0.91 ("Голдерин, please, most any girl.") where the greedy decode gives 0.64 — a limit of the gate, in the notes.
    greedy = WhisperTranscriber(dataclasses.replace(cfg.asr, temperature=[0.0]))
    wrong = greedy.transcribe(harvard, language="ru")
    assert mean_prob(wrong) < cfg.trust.min_mean_word_probability
    checks = {"greeting": {}, "positive_language": {}}
    ok = run_checks(as_call(right, "en"), checks, trust=cfg.trust)
    bad = run_checks(as_call(wrong, "ru"), checks, trust=cfg.trust)
    assert all("unreliable" not in (r.reason or "") for r in ok.values())
    assert all(r.status == "na" and r.reason.startswith("transcript unreliable") for r in bad.values())
