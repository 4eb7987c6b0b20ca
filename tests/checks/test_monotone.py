"""monotone on real audio: natural speech (en/zh/ru clips, real call legs) passes; the same speech re-voiced
at a flat pitch fails; the party's frames come from its stereo leg or its utterance times on mono."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from language_calls import make_call
from signal_calls import call_from_audio

from callqa.checks.monotone import MonotoneParams, check_monotone
from callqa.ingest.audio import load_audio, resample
from callqa.signal.config import PitchConfig
from callqa.signal.pitch import pitch_track, pitch_variation
from callqa.signal.resynth import revoice
from callqa.store.codec import check_to_dict

EXTERNAL = Path(__file__).resolve().parents[1] / "data" / "external"
SR = 8000
P = MonotoneParams()


def real(path: str, seconds: float | None = None) -> np.ndarray:
    a = load_audio(EXTERNAL / path)
    x = resample(a.mono(), a.sample_rate, SR)
    return x[: int(seconds * SR)] if seconds else x


FINE = PitchConfig(hop_s=0.01)  # re-voicing follows a 10-ms track (the check reads the default 20-ms one)


def flat(x: np.ndarray) -> np.ndarray:
    """The same speech re-voiced at its median pitch (LPC vocoder)."""
    tr = pitch_track(x, SR, config=FINE)
    return revoice(x, SR, tr, pitch_variation(tr.f0_hz, tr.hop_s).median_f0_hz)


def same(x: np.ndarray) -> np.ndarray:
    """The vocoder's control: re-voiced on its own contour."""
    tr = pitch_track(x, SR, config=FINE)
    return revoice(x, SR, tr, tr.f0_hz)


def agent_only(x, language="en", **params):
    call = call_from_audio([("agent", 0.0, len(x) / SR, "...")], x, language=language)
    return check_monotone(call, MonotoneParams(**params))


CLIPS = {
    "en": ["osr-joinly/OSR_us_000_0034_8k.wav"],
    "zh": ["azure-speech-sdk/zhcn_continuous_mode_sample.wav"],
    "ru": ["golos/001ce26c07c20eaa0d666b824c6c6924.wav", "pisets/test_sound_ru.wav"],  # 7 s: 1.5 s voiced
}


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
def test_natural_passes_flat_fails(language):
    x = np.concatenate([real(p) for p in CLIPS[language]])
    kw = {"min_voiced_s": 1.0} if language == "ru" else {}
    natural = agent_only(x, language, **kw)
    assert natural.status == "pass" and natural.values.sd_st > 2.0 and natural.values.source == "utterances"
    assert agent_only(same(x), language, **kw).status == "pass"
    mono = agent_only(flat(x), language, **kw)
    assert mono.status == "fail" and mono.values.sd_st < 0.5, mono.values
    assert check_to_dict(mono)["sd_st"] == mono.values.sd_st and "monotone" in mono.reason


def test_robust_to_line_noise_and_mulaw():
    """White noise at 10 dB SNR (over the speech) and a G.711 µ-law round trip: still apart."""
    from callqa.signal.synth import mulaw_roundtrip

    x = real("osr-joinly/OSR_us_000_0034_8k.wav")

    def line(y):
        rms = np.sqrt(np.mean(y[np.abs(y) > 0.01] ** 2))
        noise = np.random.default_rng(0).standard_normal(len(y)) * rms * 10 ** (-10 / 20)
        return mulaw_roundtrip((y + noise).astype(np.float32))

    assert agent_only(line(x)).status == "pass"
    assert agent_only(line(flat(x))).status == "fail"


def test_stereo_real_call_leg_and_customer_comparison():
    agent = real("aws-lca/Auto_Repairs_40_UTC_agent.wav", 60)
    caller = real("aws-lca/Auto_Repairs_40_UTC_caller.wav", 60)
    rows: list = []  # no transcript turns: the whole agent leg is the agent
    ok = check_monotone(call_from_audio(rows, agent, caller, channel_layout="stereo_agent_left"), P)
    assert ok.status == "pass" and ok.values.source == "channel" and ok.values.customer_sd_st > 2.0
    bad = check_monotone(call_from_audio(rows, caller, flat(agent), channel_layout="stereo_agent_right"), P)
    assert bad.status == "fail" and bad.values.customer_sd_st > 2.0


def test_mono_roles_by_utterance_times():
    a, c = (
        real("osr-joinly/OSR_us_000_0034_8k.wav", 15),
        real("aws-lca/Auto_Repairs_40_UTC_caller.wav", 60)[30 * SR : 45 * SR],
    )
    rows = [("agent", 0.0, 15.0, "..."), ("customer", 15.0, 30.0, "...")]
    bad = check_monotone(call_from_audio(rows, np.concatenate([flat(a), c])), P)
    assert bad.status == "fail" and bad.values.customer_sd_st > 2.0
    good = check_monotone(call_from_audio(rows, np.concatenate([a, flat(c)])), P)
    assert good.status == "pass" and good.values.customer_sd_st < 1.0


def test_na_without_audio_or_enough_voice():
    assert check_monotone(make_call("en", [("agent", 0.0, 9.0, "hello")]), P).status == "na"
    x = real("golos/001ce26c07c20eaa0d666b824c6c6924.wav")
    assert agent_only(x, "ru").status == "na"  # about 1 s voiced < 5 s


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_espeak_pitch_range_zero_fails_wide_range_passes(tmp_path):
    text = ("Thank you for calling Acme support. My name is Anna, how can I help you today? "
            "I can see that your order was shipped on Monday, and it should arrive tomorrow.")  # fmt: skip

    def say(rng):
        out = tmp_path / f"{rng}.wav"
        ssml = f'<speak><prosody range="{rng}">{text}</prosody></speak>'
        subprocess.run(["espeak-ng", "-m", "-w", str(out), ssml], check=True)
        return real(str(out))

    assert agent_only(say("0"), min_voiced_s=2.0).status == "fail"
    assert agent_only(say("x-high"), min_voiced_s=2.0).status == "pass"
