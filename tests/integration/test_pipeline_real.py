"""The real models (Whisper base, pyannote segmentation-3.0 + CAM++) on real calls: roles, words, DER."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callqa.config import load_config
from callqa.models.holder import Models
from callqa.pipeline import analyze_call
from callqa.types import CallMeta

pytestmark = pytest.mark.integration

EXT = Path(__file__).resolve().parent.parent / "data" / "external"
CLIP_S = 60.0  # first minute of each call keeps the suite within CI's budget


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def models(config):
    return Models(config)


def _legs(call: str) -> tuple[np.ndarray, np.ndarray, int]:
    agent, sr = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_agent.wav", dtype="float32")
    caller, _ = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_caller.wav", dtype="float32")
    n = int(CLIP_S * sr)
    return agent[:n], caller[:n], sr


def _leg_rms(x: np.ndarray, sr: int, start_s: float, end_s: float) -> float:
    seg = x[int(start_s * sr) : int(end_s * sr)]
    return float(np.sqrt(np.mean(seg.astype(np.float64) ** 2))) if seg.size else 0.0


@pytest.mark.parametrize("call", ["40", "49"])
def test_mono_mix_roles_match_the_real_legs(call, tmp_path, config, models):
    """Mixed to mono, diarized and role-labelled: each role's speech must come from that role's leg."""
    agent, caller, sr = _legs(call)
    path = tmp_path / f"mono{call}.wav"
    sf.write(path, 0.5 * (agent + caller), sr, subtype="PCM_16")
    meta = CallMeta(call_id=f"lca{call}", audio_path=str(path), language="en", channel_layout="mono")
    result = analyze_call(meta, config, models=models)
    utts = result.call.utterances
    assert {u.role for u in utts} == {"agent", "customer"}
    correct = total = 0.0
    for u in utts:
        dur = u.end_s - u.start_s
        a, c = _leg_rms(agent, sr, u.start_s, u.end_s), _leg_rms(caller, sr, u.start_s, u.end_s)
        truth = "agent" if a > c else "customer"
        correct += dur * (truth == u.role)
        total += dur
    # measured: 1.00 on both first minutes (0.989 and 1.00 on the whole calls)
    assert correct / total >= 0.95, f"only {correct / total:.0%} of speech time has the right role"
    # both agents offer help in their first sentence (call 49's greeting itself is garbled by the ASR)
    opening = " ".join(u.text for u in utts if u.role == "agent")[:120].lower()
    assert "how can i help" in opening


def test_stereo_legs_transcribed_separately_with_layout_roles(tmp_path, config, models):
    agent, caller, sr = _legs("40")
    path = tmp_path / "stereo40.wav"
    sf.write(path, np.stack([caller, agent], axis=1), sr, subtype="PCM_16")  # agent on the RIGHT
    meta = CallMeta(call_id="st40", audio_path=str(path), language="en", channel_layout="stereo_agent_right")
    result = analyze_call(meta, config, models=models)
    agent_text = " ".join(u.text for u in result.call.utterances if u.role == "agent").lower()
    customer_text = " ".join(u.text for u in result.call.utterances if u.role == "customer").lower()
    assert all(u.channel == (1 if u.role == "agent" else 0) for u in result.call.utterances)
    # what the agent leg says in its first minute (listened to): greeting, dealership name, apology
    for phrase in ("thank you for calling", "platinum motors", "sorry"):
        assert phrase in agent_text, phrase
    for phrase in ("two weeks ago", "service light", "last name"):
        assert phrase in customer_text, phrase
    assert result.timing.talk_s["agent"] > 5 and result.timing.talk_s["customer"] > 20


def test_diarization_der_on_pyannote_sample(config, models):
    """DER of segmentation-3.0 + CAM++ (2 speakers) against pyannote's own RTTM."""
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from callqa.ingest.audio import for_model, load_audio

    audio = load_audio(EXT / "pyannote-audio" / "sample.wav")
    turns = models.diarization().diarize(for_model(audio.mono(), audio.sample_rate))
    hyp, ref = Annotation(), Annotation()
    for t in turns:
        hyp[Segment(t.start_s, t.end_s)] = t.speaker
    for line in (EXT / "pyannote-audio" / "sample.rttm").read_text().splitlines():
        p = line.split()
        ref[Segment(float(p[3]), float(p[3]) + float(p[4]))] = p[7]
    der = DiarizationErrorRate()(ref, hyp)
    assert len({t.speaker for t in turns}) == 2
    assert der < 0.08, f"DER {der:.3f} (measured 0.052)"


def test_english_words_on_8khz_read_speech(config, models):
    """WER of Whisper base int8 on the Open Speech Repository 8 kHz Harvard sentences."""
    import json
    import re

    from callqa.ingest.audio import for_model, load_audio

    audio = load_audio(EXT / "osr-joinly" / "OSR_us_000_0034_8k.wav")
    segs = models.asr().transcribe(for_model(audio.mono(), audio.sample_rate), language="en")
    hyp = re.sub(r"[^a-z' ]", " ", " ".join(s.text for s in segs).lower()).split()
    ref_text = json.loads((EXT / "osr-joinly" / "test_samples.json").read_text())[0]["transcription"]
    ref = re.sub(r"[^a-z' ]", " ", ref_text.lower()).split()
    wer = _wer(ref, hyp)
    assert wer < 0.10, f"WER {wer:.3f} on 10 Harvard sentences"


def _wer(ref: list[str], hyp: list[str]) -> float:
    d = np.arange(len(hyp) + 1)
    for i, r in enumerate(ref, 1):
        prev, d[0] = d.copy(), i
        for j, h in enumerate(hyp, 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (r != h))
    return d[len(hyp)] / max(len(ref), 1)
