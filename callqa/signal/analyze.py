"""The signal layer's entry point: levels, ringback, busy tone, music, silence and dead legs, without ASR."""

from __future__ import annotations

import numpy as np

from callqa.ingest.audio import Audio
from callqa.intervals import mark_rounded, mask_runs
from callqa.signal.config import SignalConfig
from callqa.signal.hangup import channel_roles, dead_from_s, hangup_from_events
from callqa.signal.levels import channel_levels
from callqa.signal.music import detect_music, steadiness_lag
from callqa.signal.pitch import pitch_track
from callqa.signal.spectrum import power_spectrogram, spectral_features
from callqa.signal.tones import ToneMatch, detect_tone, find_bursts, tonal_frames
from callqa.types import CallMeta, ChannelLevels, SignalEvent, SignalReport, SignalSummary


def _tone_events(kind: str, seqs: list[ToneMatch], channel: int) -> list[SignalEvent]:
    if kind == "ring":
        return [
            SignalEvent("ring", s, e, channel, {"profile": m.profile, "complete": c, "sequence": i})
            for i, m in enumerate(seqs)
            for s, e, c in m.cycles
        ]
    return [
        SignalEvent(kind, m.start_s, m.end_s, channel, {"profile": m.profile, "cycles": len(m.cycles)})
        for m in seqs
    ]


def analyze_signal(audio: Audio, *, config: SignalConfig, meta: CallMeta) -> SignalReport:
    """Measure one recording: per-channel levels and the events found in them (no ASR involved).

    Events: `ring` (one per ring of the first ringback sequence and any later one), `busy_tone`,
    `music`, `silence` (no channel active), `dead_line` (a stereo leg that goes digitally dead).
    Summary (`report.extras`, a `SignalSummary`): ring_profile, ring_count, first_ring_s, answer_s (first
    non-tone activity after the rings), first_speech_s, last_speech_s, hangup_party and its reason, pitch (one PitchTrack per channel).
    """
    sr = audio.sample_rate
    rings, busy = config.rings.profiles, config.busy.profiles
    profiles = {**{f"ring/{k}": v for k, v in rings.items()}, **{f"busy/{k}": v for k, v in busy.items()}}
    prefer = config.rings.prefer_by_language.get(meta.language)
    levels: list[ChannelLevels] = []
    events: list[SignalEvent] = []
    ring_seqs: list[tuple[int, list[ToneMatch]]] = []
    not_speech: list[np.ndarray] = []
    for ch in range(audio.n_channels):
        x = audio.channel(ch)  # float32, or read piece by piece from a long 16-bit recording
        lv = channel_levels(
            x,
            channel=ch,
            sample_rate=sr,
            hop_s=config.frame_hop_s,
            floor_dbfs=config.activity_floor_dbfs,
            above_noise_db=config.activity_above_noise_db,
            clip_level=config.clip_level,
            clip_min_peak=config.clip_min_peak,
        )
        levels.append(lv)
        hop, hop_s = round(lv.frame_hop_s * sr), lv.frame_hop_s
        spec = power_spectrogram(x, sample_rate=sr, hop=hop, n_frames=len(lv.level_dbfs))
        features = spectral_features(
            spec,
            tone_band_hz=(config.tones.band_hz[0], config.tones.band_hz[1]),
            lag=steadiness_lag(config.music, hop_s),
        )
        tonal = tonal_frames(features, lv.level_dbfs, config=config.tones)
        bursts = find_bursts(
            x, tonal, lv.level_dbfs, sample_rate=sr, hop=hop, profiles=profiles, config=config.tones
        )
        bseq = detect_tone(
            bursts,
            profiles=busy,
            min_partial_on_s=config.tones.min_burst_s,
            min_cycles=config.busy.min_cycles,
            config=config.tones,
            key_prefix="busy/",
        )
        busy_spans = [(s, e) for m in bseq for s, e, _ in m.cycles]
        rseq = detect_tone(
            [b for b in bursts if not any(s <= b.start_s < e for s, e in busy_spans)],
            profiles=rings,
            config=config.tones,
            min_partial_on_s=config.rings.min_partial_on_s,
            forced=meta.ring_profile if meta.ring_profile in rings else None,
            prefer=prefer,
            key_prefix="ring/",
        )
        ring_seqs.append((ch, rseq))
        tone_mask = np.zeros(len(lv.level_dbfs), dtype=bool)
        for m in rseq + bseq:
            mark_rounded(tone_mask, [(s - hop_s, e + hop_s) for s, e, _ in m.cycles], hop_s=hop_s)
        music = detect_music(features, lv.level_dbfs, hop_s=hop_s, config=config.music, exclude=tone_mask)
        events += _tone_events("ring", rseq, ch) + _tone_events("busy_tone", bseq, ch)
        events += [SignalEvent("music", s, e, ch) for s, e in music]
        mark_rounded(tone_mask, music, hop_s=hop_s)
        not_speech.append(tone_mask)
        if audio.n_channels > 1:
            dead = dead_from_s(lv.level_dbfs, lv.active, hop_s=hop_s, config=config.hangup)
            if dead is not None:
                events.append(SignalEvent("dead_line", dead, len(lv.level_dbfs) * hop_s, ch))
    hop_s = levels[0].frame_hop_s
    n = min(len(lv.active) for lv in levels)
    any_active = np.any([lv.active[:n] for lv in levels], axis=0)
    speech = np.any([lv.active[:n] & ~m[:n] for lv, m in zip(levels, not_speech, strict=False)], axis=0)
    events += [
        SignalEvent("silence", s, e)
        for s, e in mask_runs(~any_active, hop_s=hop_s, min_s=config.silence_min_s)
    ]
    # Ringback comes before the answer: a ring-like tone after speech has started is not a ring.
    spoken_s = np.concatenate([[0.0], np.cumsum(speech) * hop_s])

    def before_answer(start_s: float) -> bool:
        return spoken_s[min(int(start_s / hop_s), len(spoken_s) - 1)] < config.rings.max_speech_before_s

    ring_seqs = [(ch, [m for m in seqs if before_answer(m.start_s)]) for ch, seqs in ring_seqs]
    events = [ev for ev in events if ev.kind != "ring" or before_answer(ev.start_s)]
    extras = _ring_extras(ring_seqs, speech, hop_s)
    extras["ring_periods_s"] = {name: p.period_s() for name, p in rings.items()}
    spoken = np.nonzero(speech)[0]
    extras["first_speech_s"] = float(spoken[0] * hop_s) if len(spoken) else None
    extras["last_speech_s"] = float((spoken[-1] + 1) * hop_s) if len(spoken) else None
    events.sort(key=lambda ev: (ev.start_s, ev.kind))
    party, ev = hangup_from_events(
        events,
        roles=channel_roles(meta.channel_layout, audio.n_channels),
        last_speech_s=extras["last_speech_s"],
        end_s=audio.duration_s,
        config=config.hangup,
    )
    extras["hangup_party"] = party
    extras["hangup_reason"] = ev.note if ev is not None else None
    # per channel, gated by level (activity gating lost most voiced frames of a 10 dB SNR line); ring, busy
    # and music frames are skipped (the `monotone` check drops them anyway) and it picks each party's frames
    if config.pitch.enabled:
        extras["pitch"] = tuple(
            pitch_track(
                audio.channel(ch),
                sr,
                channel=ch,
                config=config.pitch,
                skip=not_speech[ch],
                skip_hop_s=levels[ch].frame_hop_s,
            )  # fmt: skip
            for ch in range(audio.n_channels)
        )
    summary = SignalSummary(**extras)
    return SignalReport(sr, audio.duration_s, audio.n_channels, tuple(levels), tuple(events), summary)


def _ring_extras(ring_seqs: list[tuple[int, list[ToneMatch]]], speech: np.ndarray, hop_s: float) -> dict:
    """Rings of the earliest ringback sequence (the channel with most rings wins a tie)."""
    firsts = [(seqs[0].start_s, -len(seqs[0].cycles), ch, seqs[0]) for ch, seqs in ring_seqs if seqs]
    if not firsts:
        return {
            "ring_count": 0,
            "ring_profile": None,
            "ring_channel": None,
            "first_ring_s": None,
            "answer_s": None,
        }
    _, _, ch, seq = min(firsts, key=lambda t: (t[0], t[1]))
    after = np.nonzero(speech[int(round(seq.end_s / hop_s)) :])[0]
    return {
        "ring_count": len(seq.cycles),
        "ring_profile": seq.profile,
        "ring_channel": ch,
        "first_ring_s": float(seq.start_s),
        "last_ring_end_s": float(seq.end_s),
        "answer_s": float(seq.end_s + after[0] * hop_s) if len(after) else None,
    }
