"""The pipeline's named steps, each a small function: decode -> signal -> guard -> transcribe -> diarize -> align
-> features -> checks -> score. `callqa.pipeline.analyze_call` composes them; `StepRunner` times each one
and reports it to an `on_step` hook (the CLI's progress display, the benchmarks' per-stage figures).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from callqa.align.roles import assign_roles, roles_from_layout
from callqa.align.words import assign_words, group_utterances
from callqa.asr.regions import speech_regions
from callqa.asr.whisper import AsrSegment
from callqa.checks import get_check
from callqa.checks.confidence import attach_confidence
from callqa.checks.run import run_checks
from callqa.checks.trust import check_roles
from callqa.config import Config
from callqa.diarization.channels import ChannelDiarizer
from callqa.features import build_call as build_features
from callqa.ingest.audio import COMPACT_ABOVE_S, Audio, AudioError, load_audio
from callqa.ingest.lazy import ModelRateView, model_signal
from callqa.models.holder import Models
from callqa.models.memory import release
from callqa.records import AudioRedaction, Score
from callqa.redact.audio import AudioRedactionError, redact_recording
from callqa.rules.evaluate import run_rules
from callqa.scoring.scorecard import score_call
from callqa.signal.analyze import analyze_signal
from callqa.types import (
    Call,
    CallMeta,
    CallTranscript,
    CheckResult,
    SignalReport,
    SpeakerTurn,
    TimingFigures,
    TranscriptProvenance,
    Word,
)

SILENT_PEAK_DBFS = -60.0
T = TypeVar("T")


class StageError(RuntimeError):
    """A call failed at a pipeline stage; recorded as an error row, never stops the batch."""

    def __init__(self, stage: str, file: str, message: str):
        super().__init__(f"{file}: {message}")
        self.stage, self.file, self.message = stage, file, message


@dataclass(frozen=True)
class StepTiming:
    """One finished step of one call, as the `on_step` hook receives it."""

    name: str  # decode | signal | guard | transcribe | diarize | align | features | checks | score (| import)
    start: float  # wall clock, seconds since the epoch
    end: float
    seconds: float  # monotonic duration
    call_id: str = ""


StepHook = Callable[[StepTiming], None]


@dataclass
class StepRunner:
    """Runs named steps, records their seconds (`timings`) and tells the hook about each."""

    call_id: str = ""
    on_step: StepHook | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def run(self, name: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        start, t0 = time.time(), time.perf_counter()
        out = func(*args, **kwargs)
        release()  # what the step freed goes back to the system, not under the next step's peak
        seconds = time.perf_counter() - t0
        self.timings[name] = self.timings.get(name, 0.0) + seconds
        if self.on_step is not None:
            self.on_step(StepTiming(name, start, start + seconds, seconds, self.call_id))
        return out


# ------------------------------------------------------------------------------------------ decode, signal
def decode(meta: CallMeta, config: Config) -> Audio:
    """The recording, decoded; a file that cannot be analysed (or is silent) is a `decode` StageError."""
    assert meta.audio_path is not None
    try:
        audio = load_audio(
            meta.audio_path,
            max_duration_s=config.runtime.max_duration_s,
            min_duration_s=config.runtime.min_duration_s,
            compact_above_s=COMPACT_ABOVE_S,  # a long 16-bit recording stays 16-bit: half the memory
        )
    except AudioError as exc:
        raise StageError("decode", exc.path, exc.reason) from None
    peak = audio.peak()
    if peak <= 10 ** (SILENT_PEAK_DBFS / 20):
        raise StageError(
            "decode", meta.audio_path, f"silent: peak level {20 * np.log10(max(peak, 1e-12)):.0f} dBFS"
        )
    return audio


def measure_signal(audio: Audio, meta: CallMeta, config: Config) -> SignalReport:
    """Rings, busy tone, music, silences, dead legs and levels, from the audio alone (no model)."""
    signal = config.signal
    if signal.pitch.enabled and "pitch" not in config.resolved.needs:  # no enabled check reads the pitch
        signal = replace(signal, pitch=replace(signal.pitch, enabled=False))
    try:
        return analyze_signal(audio, config=signal, meta=meta)
    except Exception as exc:
        raise StageError("signal", meta.audio_path or "", f"{type(exc).__name__}: {exc}") from exc


def guard_signal(audio: Audio, signal: SignalReport, config: Config) -> SignalReport:
    """Speech in what ASR would skip (music, silence, tones): found with VAD, heard, and cut out of the music
    and silence events (callqa/asr/guard.py); the report unchanged when `asr.speech_guard` is off."""
    if not config.asr.speech_guard:
        return signal
    from callqa.asr.guard import SureSpeech, guard_speech

    try:
        return guard_speech(
            audio,
            signal,
            threshold=config.asr.guard_threshold,
            min_speech_s=config.asr.guard_min_speech_s,
            sure=SureSpeech(
                config.asr.guard_sure_s, config.asr.guard_sure_probability, config.asr.guard_min_piece_s
            ),
            min_music_s=config.signal.music.min_music_s,
            min_silence_s=config.signal.silence_min_s,
        )
    except Exception as exc:
        raise StageError("signal", audio.path, f"speech guard: {type(exc).__name__}: {exc}") from exc


# ------------------------------------------------------------------------------------------ transcript
@dataclass(frozen=True)
class Heard:
    """What ASR heard: one word list per stereo leg, or one for a mono call."""

    words: tuple[tuple[Word, ...], ...]
    stereo: bool
    asr_name: str
    mono_16k: np.ndarray | ModelRateView | None = field(
        default=None, compare=False, repr=False
    )  # what mono diarization reads
    regions: tuple[tuple[float, float], ...] | None = None  # mono: the speech regions ASR was run on


def is_stereo(meta: CallMeta, audio: Audio) -> bool:
    if meta.channel_layout != "mono" and audio.n_channels != 2:
        raise StageError(
            "decode",
            meta.audio_path or "",
            f"channel_layout {meta.channel_layout} needs a stereo file, got {audio.n_channels} channel(s)",
        )
    return meta.channel_layout != "mono"


def _words(segments: list[AsrSegment]) -> tuple[Word, ...]:
    return tuple(w for s in segments for w in s.words)


def _regions(
    signal: SignalReport | None, config: Config, channel: int | None = None
) -> list[tuple[float, float]] | None:
    """Speech regions (rings, busy tone, hold music and long silences cut out) when `asr.speech_only`."""
    if signal is None or not config.asr.speech_only:
        return None
    return speech_regions(signal, channel=0 if channel is None else channel)


def transcribe(
    audio: Audio, meta: CallMeta, models: Models, config: Config, signal: SignalReport | None
) -> Heard:
    """Whisper on each stereo leg, or on the mono mix; only on the speech regions (timestamps mapped back)."""
    asr = models.asr()
    if is_stereo(meta, audio):
        legs = tuple(
            _words(
                asr.transcribe(
                    model_signal(audio, ch),
                    language=meta.language,
                    regions=_regions(signal, config, ch),
                )
            )  # fmt: skip
            for ch in range(2)
        )
        return Heard(legs, True, asr.name)
    x = model_signal(audio)  # a long call: resampled piece by piece (callqa/ingest/lazy.py)
    regions = _regions(signal, config)
    words = _words(asr.transcribe(x, language=meta.language, regions=regions))
    return Heard((words,), False, asr.name, x, None if regions is None else tuple(regions))


@dataclass(frozen=True)
class Turns:
    turns: tuple[SpeakerTurn, ...]
    diarizer: str  # backend name, "channels" for stereo, "none" when nothing was heard


def diarize(
    audio: Audio, heard: Heard, meta: CallMeta, models: Models, signal: SignalReport | None, config: Config
) -> Turns:
    """Who speaks when: by channel for stereo (`ChannelDiarizer`), the configured backend for mono."""
    if heard.stereo:
        diarizer = ChannelDiarizer(signal=signal, words_by_channel=heard.words, language=meta.language)
        return Turns(tuple(diarizer.diarize()), diarizer.name)
    if not heard.words[0]:
        return Turns((), "none")
    mono = models.diarization()
    x = heard.mono_16k if heard.mono_16k is not None else model_signal(audio)
    regions = list(heard.regions) if (heard.regions is not None and config.diarization.speech_only) else None
    return Turns(tuple(mono.diarize(x, regions=regions)), mono.name)


def align(
    heard: Heard, turns: Turns, meta: CallMeta, config: Config, signal: SignalReport | None, duration_s: float
) -> CallTranscript:
    """Words onto speakers, utterances, and roles (from the layout for stereo, from the opening for mono)."""
    language = meta.language
    if heard.stereo:
        speakers = ("ch0", "ch1")
        decision = roles_from_layout(meta.channel_layout, speakers)
        utterances = []
        for ch, spk in enumerate(speakers):
            labelled = [(spk, w) for w in heard.words[ch]]
            utterances += group_utterances(
                labelled,
                language=language,
                roles=decision.roles,
                channel=ch,
                max_gap_s=config.align.max_gap_s,
            )
        utterances.sort(key=lambda u: (u.start_s, u.end_s))
        scores = None
    else:
        words = heard.words[0]
        labelled = assign_words(words, turns.turns) if turns.turns else [("SPEAKER_00", w) for w in words]
        utterances = group_utterances(labelled, language=language, max_gap_s=config.align.max_gap_s)
        answer = signal.extras.answer_s if signal is not None else None
        decision = assign_roles(
            utterances,
            list(turns.turns),
            language=language,
            answer_s=float(answer or 0.0),
            agent_name=meta.agent_name,
            company=meta.company,
            opening_window_s=config.roles.opening_window_s,
            first_speaker_is_agent=config.roles.first_speaker_is_agent,
            extra_agent_phrases=config.roles.agent_phrases,
        )
        utterances = [replace(u, role=decision.roles.get(u.speaker, "unknown")) for u in utterances]
        scores = decision.scores
    provenance = TranscriptProvenance(asr=heard.asr_name, diarization=turns.diarizer, role_method=decision.method,
                                      role_scores=scores, role_evidence=tuple(decision.evidence))  # fmt: skip
    return CallTranscript(
        language=language,
        duration_s=duration_s,
        utterances=tuple(utterances),
        turns=turns.turns,
        roles=decision.roles,
        source="asr",
        provenance=provenance,
    )


def import_transcript(meta: CallMeta, audio: Audio | None) -> CallTranscript:
    """A transcript made elsewhere (`transcript_path`: our JSON, Amazon Transcribe, Azure)."""
    from callqa.ingest.transcript import load_transcript

    assert meta.transcript_path is not None
    try:
        return load_transcript(
            meta.transcript_path, meta=meta, duration_s=audio.duration_s if audio is not None else None
        )
    except Exception as exc:
        raise StageError("transcript", meta.transcript_path, f"{type(exc).__name__}: {exc}") from None


def run_models(
    audio: Audio,
    meta: CallMeta,
    config: Config,
    models: Models,
    signal: SignalReport | None,
    steps: StepRunner,
) -> CallTranscript:
    """transcribe -> diarize -> align; any failure in them is an `asr` StageError naming the file."""
    try:
        heard = steps.run("transcribe", transcribe, audio, meta, models, config, signal)
        turns = steps.run("diarize", diarize, audio, heard, meta, models, signal, config)
        return steps.run("align", align, heard, turns, meta, config, signal, audio.duration_s)
    except StageError:
        raise
    except Exception as exc:
        raise StageError("asr", meta.audio_path or "", f"{type(exc).__name__}: {exc}") from exc


def redact_audio(meta: CallMeta, transcript: CallTranscript, audio: Audio, config: Config) -> AudioRedaction:
    """The recording with the redacted transcript's spans blanked (`redact.audio`); a copy that cannot be
    written is a `redact_audio` StageError naming the file (the call is not stored with an unredacted link)."""
    assert meta.audio_path is not None
    try:
        return redact_recording(meta.audio_path, transcript, call_id=meta.call_id, duration_s=audio.duration_s,
                                n_channels=audio.n_channels, config=config.redact.audio)  # fmt: skip
    except AudioRedactionError as exc:
        raise StageError("redact_audio", exc.path, exc.reason) from None


# ------------------------------------------------------------------------------------------ features .. score
def build_call(
    meta: CallMeta, transcript: CallTranscript, signal: SignalReport | None, config: Config
) -> Call:
    """The typed call the checks read, with its derived features computed now (configured params)."""
    return build_features(meta, transcript, signal, config.resolved.settings)


def check(call: Call, config: Config) -> dict[str, CheckResult]:
    """The enabled checks, then the rule categories (`rule.<id>`), which may read the checks' results."""
    params = config.resolved.enabled_params()
    results = run_checks(call, params, trust=config.trust)
    results.update(run_rules(call, results, config.resolved.rules, trust=config.trust))
    return attach_confidence(
        call, results, params, text_roles_of(params, results), low=config.trust.low_confidence
    )


def text_roles_of(params: dict[str, Any], results: dict[str, CheckResult]) -> dict[str, tuple[str, ...]]:
    """Whose words each result read: a check's declared parties (or its `roles`), both for a rule."""
    out: dict[str, tuple[str, ...]] = {}
    for name in results:
        if name.startswith("rule."):
            out[name] = ("agent", "customer")
        elif name in params:
            spec = get_check(name)
            if spec.uses_text:
                out[name] = check_roles(params[name], spec.uses_text)
    return out


def score(checks: dict[str, CheckResult], config: Config) -> Score:
    return score_call(checks, config.resolved.scorecard)


def call_timing(call: Call) -> TimingFigures:
    """The call's talk, silence and overtalk figures (published as `timing` and in calls.parquet), as the
    features step measured them with the configured thresholds."""
    return call.features.timing.figures()


def audio_available(meta: CallMeta, *, rescoring: bool) -> bool:
    """A call has audio to decode; when rescoring, audio that is gone only turns the signal checks `na`."""
    if not meta.audio_path:
        return False
    return not (rescoring and not Path(meta.audio_path).exists())


__all__: Sequence[str] = [
    "Heard",
    "StageError",
    "StepHook",
    "StepRunner",
    "StepTiming",
    "Turns",
    "align",
    "build_call",
    "call_timing",
    "check",
    "decode",
    "diarize",
    "guard_signal",
    "import_transcript",
    "measure_signal",
    "redact_audio",
    "run_models",
    "score",
    "transcribe",
]
