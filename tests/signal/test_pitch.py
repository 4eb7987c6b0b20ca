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
    tracks = rep.extras.pitch
    assert [t.channel for t in tracks] == [0, 1] and len(tracks[0].f0_hz) == pytest.approx(1500, abs=2)
    assert np.isfinite(tracks[0].f0_hz).mean() > 0.05


def _reference_yin(x: np.ndarray, cfg: PitchConfig, sr: int = SR) -> tuple[np.ndarray, np.ndarray]:
    """YIN written out frame by frame in float64 (de Cheveigné & Kawahara eqs. 1, 6), same picking rule."""
    hop, tau_min = round(cfg.hop_s * sr), max(2, int(sr / cfg.fmax_hz))
    tau_max = int(np.ceil(sr / cfg.fmin_hz))
    w = max(tau_max, round(cfg.window_s * sr))
    pad = np.concatenate([np.zeros(w // 2), x.astype(np.float64), np.zeros(w + tau_max + hop + 1)])
    n = -(-len(x) // hop)
    f0, aper = np.full(n, np.nan), np.ones(n)
    for k in range(n):
        fr = pad[k * hop : k * hop + w + tau_max + 1]
        if 10 * np.log10(max(np.mean(fr[:w] ** 2), 1e-20)) + 3.01 < cfg.min_level_dbfs:
            continue
        d = np.array([np.sum((fr[:w] - fr[tau : tau + w]) ** 2) for tau in range(tau_max + 1)])
        cmnd = np.ones(tau_max + 1)
        cmnd[1:] = d[1:] * np.arange(1, tau_max + 1) / np.maximum(np.cumsum(d[1:]), 1e-20)
        below = np.nonzero(cmnd[tau_min:] < cfg.threshold)[0]
        t = below[0] + tau_min if len(below) else int(np.argmin(cmnd[tau_min:])) + tau_min
        while t < tau_max and cmnd[t + 1] < cmnd[t]:
            t += 1
        aper[k] = cmnd[t]
        if cmnd[t] <= cfg.max_aperiodicity and tau_min < t < tau_max:
            y0, y1, y2 = cmnd[t - 1], cmnd[t], cmnd[t + 1]
            den = y0 - 2 * y1 + y2
            f0[k] = sr / (t + (np.clip(0.5 * (y0 - y2) / den, -1, 1) if abs(den) > 1e-12 else 0.0))
    return f0, aper


def test_fast_track_matches_plain_yin_on_real_speech():
    """The float32 FFT/BLAS implementation gives the textbook YIN's track (4 s of a real phone leg)."""
    x = real("aws-lca/Auto_Repairs_40_UTC_agent.wav")[: 4 * SR]
    cfg = PitchConfig()
    want_f0, want_aper = _reference_yin(x, cfg)
    got = pitch_track(x, SR, config=cfg)
    assert np.isfinite(want_f0).sum() > 40
    assert np.array_equal(np.isfinite(got.f0_hz), np.isfinite(want_f0))
    ok = np.isfinite(want_f0)
    assert np.max(np.abs(got.f0_hz[ok] - want_f0[ok])) < 0.01  # Hz
    assert np.max(np.abs(got.aperiodicity - want_aper)) < 1e-3


def test_skipped_frames_are_not_tracked_and_the_rest_is_unchanged():
    x = real("osr-joinly/OSR_us_000_0034_8k.wav")
    full = pitch_track(x, SR)
    skip = np.zeros(len(full.f0_hz), dtype=bool)
    skip[100:400] = True
    part = pitch_track(x, SR, skip=skip, skip_hop_s=full.hop_s)
    assert np.isfinite(full.f0_hz[100:400]).sum() > 50
    assert not np.isfinite(part.f0_hz[100:400]).any() and (part.aperiodicity[100:400] == 1).all()
    np.testing.assert_allclose(part.f0_hz[~skip], full.f0_hz[~skip], rtol=1e-6)  # NaN where NaN


def test_signal_layer_skips_music_on_hold_same_speech_sd(agent_leg):
    """Real speech, real music on hold, real speech: the signal layer does not track the music frames, and
    the speech's pitch SD is the one of full tracking with the music dropped (as the check does)."""
    from callqa.signal.synth import mulaw_roundtrip

    moh = real("qmoh/qMOH-friends_inline.wav")
    x = mulaw_roundtrip(
        np.concatenate([agent_leg[100 * SR : 120 * SR], 0.5 * moh, agent_leg[140 * SR : 160 * SR]])
    )
    rep = analyze(x)
    (music,) = [e for e in rep.events if e.kind == "music"]
    tr = rep.extras.pitch[0]
    full = pitch_track(x, SR)
    in_music = (tr.times_s() >= music.start_s) & (tr.times_s() <= music.end_s)
    assert (tr.aperiodicity[in_music] == 1).mean() > 0.95 and np.isfinite(full.f0_hz[in_music]).sum() > 20
    speech_full = np.where(in_music, np.nan, full.f0_hz)
    sd_layer, sd_full = pitch_variation(tr.f0_hz, tr.hop_s), pitch_variation(speech_full, full.hop_s)
    assert sd_layer.sd_st == pytest.approx(sd_full.sd_st, abs=0.1) and sd_layer.voiced_s > 10
