"""YIN pitch track: exact on harmonic tones and glides, silent on noise, natural ranges on real speech,
and the LPC re-voicing used to make real speech monotone keeps the contour when asked to."""

from __future__ import annotations

import numpy as np
import pytest
from signal_audio import analyze, real

from callqa.signal.config import PitchConfig
from callqa.signal.pitch import pitch_track, pitch_variation
from callqa.signal.resynth import revoice

SR = 8000


def _harmonic(f0_hz, seconds=1.0, sr=SR):
    t = np.arange(int(seconds * sr)) / sr
    phase = 2 * np.pi * np.cumsum(np.broadcast_to(f0_hz, t.shape)) / sr
    return 0.3 * sum(np.sin(k * phase) / k for k in (1, 2, 3))


@pytest.mark.parametrize("f0", [70.0, 120.0, 220.0, 380.0])
def test_harmonic_tone_pitch_is_exact(f0):
    tr = pitch_track(_harmonic(f0), SR)
    v = tr.f0_hz[np.isfinite(tr.f0_hz)]
    assert len(v) > 0.9 * len(tr.f0_hz) and np.median(v) == pytest.approx(f0, rel=0.005)


def test_glide_is_followed_and_16k_input_is_handled():
    n = 2 * 16000
    f = 110 * 2 ** np.linspace(0, 1, n)  # one octave up in 2 s
    tr = pitch_track(_harmonic(f, 2.0, 16000), 16000)
    want = 110 * 2 ** (tr.times_s() / 2.0)
    ok = np.isfinite(tr.f0_hz)
    assert ok.mean() > 0.9
    assert np.median(np.abs(12 * np.log2(tr.f0_hz[ok] / want[ok]))) < 0.1  # semitones
    st = pitch_variation(tr.f0_hz, tr.hop_s)
    assert 2.5 < st.sd_st < 4.0  # a uniform octave glide: 12/sqrt(12) = 3.46 st


def test_noise_and_silence_are_unvoiced():
    rng = np.random.default_rng(0)
    assert np.isfinite(pitch_track(0.1 * rng.standard_normal(SR), SR).f0_hz).mean() < 0.02
    assert not np.isfinite(pitch_track(np.zeros(SR), SR).f0_hz).any()
    assert pitch_variation(np.full(100, np.nan), 0.01) is None


def test_octave_errors_are_folded_back():
    f = np.full(300, 150.0) * 2 ** (np.sin(np.linspace(0, 6, 300)) * 2 / 12)  # ±2 st
    clean = pitch_variation(f, 0.01)
    f2 = f.copy()
    f2[50:60] *= 2  # octave-up errors
    f2[200:205] /= 2
    broken = pitch_variation(f2, 0.01)
    assert broken.sd_st == pytest.approx(clean.sd_st, abs=0.05) and broken.octave_fixed_share > 0.04


@pytest.mark.parametrize("clip", ["osr-joinly/OSR_us_000_0034_8k.wav", "wenet/aishell-BAC009S0724W0121.wav",
                                  "golos/001ce26c07c20eaa0d666b824c6c6924.wav"])  # fmt: skip
def test_real_speech_varies_and_revoiced_flat_does_not(clip):
    x = real(clip)
    tr = pitch_track(x, SR, config=PitchConfig(hop_s=0.01))  # re-voicing follows a 10-ms track
    natural = pitch_variation(tr.f0_hz, tr.hop_s)
    assert 2.0 < natural.sd_st < 5.0 and 70 < natural.median_f0_hz < 300
    same = pitch_track(revoice(x, SR, tr, tr.f0_hz), SR)
    flat = pitch_track(revoice(x, SR, tr, natural.median_f0_hz), SR)
    assert pitch_variation(same.f0_hz, same.hop_s).sd_st == pytest.approx(natural.sd_st, rel=0.15)
    flat_st = pitch_variation(flat.f0_hz, flat.hop_s)
    assert flat_st.sd_st < 0.5 and flat_st.voiced_s > 0.6 * natural.voiced_s


def test_signal_layer_stores_a_track_per_channel(agent_leg, caller_leg):
    rep = analyze(agent_leg[: 30 * SR], caller_leg[: 30 * SR], layout="stereo_agent_left")
    tracks = rep.extras["pitch"]
    assert [t.channel for t in tracks] == [0, 1] and len(tracks[0].f0_hz) == pytest.approx(1500, abs=2)
    assert np.isfinite(tracks[0].f0_hz).mean() > 0.05
