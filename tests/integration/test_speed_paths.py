"""The faster paths on real audio: ASR on the signal layer's speech regions only, and the campplus diarizer."""

from __future__ import annotations

import json
import re
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
CLIP_S = 60.0


def _wer(ref: list[str], hyp: list[str]) -> float:
    d = np.arange(len(hyp) + 1)
    for i, r in enumerate(ref, 1):
        prev, d[0] = d.copy(), i
        for j, h in enumerate(hyp, 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (r != h))
    return d[len(hyp)] / max(len(ref), 1)


def test_speech_only_asr_keeps_the_words_of_read_speech(tmp_path):
    """Harvard sentences behind real ringback: the rings are skipped, every sentence still transcribed."""
    from callqa.asr.regions import speech_regions
    from callqa.ingest.audio import Audio, for_model, load_audio, resample
    from callqa.signal.analyze import analyze_signal

    config = load_config()
    speech = load_audio(EXT / "osr-joinly" / "OSR_us_000_0034_8k.wav")
    ring = load_audio(EXT / "baresip" / "ringback.wav")
    x = np.concatenate(
        [
            np.tile(resample(ring.mono(), ring.sample_rate, 8000), 2),
            resample(speech.mono(), speech.sample_rate, 8000),
        ]
    )
    audio = Audio(x[None].astype(np.float32), 8000)
    signal = analyze_signal(audio, config=config.signal, meta=CallMeta("osr", None, language="en"))
    regions = speech_regions(signal)
    assert (
        regions and regions[0][0] >= 10.0
    )  # two 6-s rings (2 s on) skipped: speech regions start after them
    asr = Models(config).asr()
    segs = asr.transcribe(for_model(x, 8000), language="en", regions=regions)
    hyp = re.sub(r"[^a-z' ]", " ", " ".join(s.text for s in segs).lower()).split()
    ref_text = json.loads((EXT / "osr-joinly" / "test_samples.json").read_text())[0]["transcription"]
    ref = re.sub(r"[^a-z' ]", " ", ref_text.lower()).split()
    assert _wer(ref, hyp) < 0.10
    words = [w for s in segs for w in s.words]
    assert words[0].start_s >= 12.0  # in recording time: after the rings
    assert all(any(a - 0.05 <= w.start_s and w.end_s <= b + 0.05 for a, b in regions) for w in words)


@pytest.fixture(scope="module")
def campplus_config():
    return load_config(None, ("diarization.backend=campplus",))


@pytest.fixture(scope="module")
def campplus_models(campplus_config):
    return Models(campplus_config)


def test_campplus_der_on_pyannote_sample(campplus_models):
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from callqa.ingest.audio import for_model, load_audio

    audio = load_audio(EXT / "pyannote-audio" / "sample.wav")
    turns = campplus_models.diarization().diarize(for_model(audio.mono(), audio.sample_rate))
    hyp, ref = Annotation(), Annotation()
    for t in turns:
        hyp[Segment(t.start_s, t.end_s)] = t.speaker
    for line in (EXT / "pyannote-audio" / "sample.rttm").read_text().splitlines():
        p = line.split()
        ref[Segment(float(p[3]), float(p[3]) + float(p[4]))] = p[7]
    der = DiarizationErrorRate()(ref, hyp)
    assert len({t.speaker for t in turns}) == 2
    assert der < 0.22, f"DER {der:.3f} (measured 0.185; pyannote backend 0.052)"


@pytest.mark.parametrize("call", ["40", "49"])
def test_campplus_mono_roles_match_the_real_legs(call, tmp_path, campplus_config, campplus_models):
    agent, sr = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_agent.wav", dtype="float32")
    caller, _ = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_caller.wav", dtype="float32")
    n = int(CLIP_S * sr)
    agent, caller = agent[:n], caller[:n]
    path = tmp_path / f"mono{call}.wav"
    sf.write(path, 0.5 * (agent + caller), sr, subtype="PCM_16")
    meta = CallMeta(call_id=f"lca{call}", audio_path=str(path), language="en", channel_layout="mono")
    result = analyze_call(meta, campplus_config, models=campplus_models)
    correct = total = 0.0
    for u in result.call.utterances:
        seg = slice(int(u.start_s * sr), int(u.end_s * sr))
        truth = (
            "agent" if np.sqrt(np.mean(agent[seg] ** 2)) > np.sqrt(np.mean(caller[seg] ** 2)) else "customer"
        )
        correct += (u.end_s - u.start_s) * (truth == u.role)
        total += u.end_s - u.start_s
    assert correct / total >= ROLE_BOUND[call], (
        f"only {correct / total:.1%} of speech time has the right role"
    )


ROLE_BOUND = {"40": 0.95, "49": 0.95}
