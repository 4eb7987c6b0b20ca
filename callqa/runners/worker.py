"""What a worker does for one call: analyse it, write nothing, and send back a `CallOutcome`.

The same for every executor (in-process, a local process pool, Dask); the main process alone writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from callqa.config import Config
from callqa.models.holder import Models
from callqa.pipeline import analyze_call
from callqa.steps import StageError
from callqa.store.codec import StoredResult, stored_result
from callqa.types import CallMeta, CallTranscript


@dataclass(frozen=True)
class CallError:
    """Why one call could not be analysed: the file, the stage, the message (an error row)."""

    file: str
    stage: str
    message: str


@dataclass(frozen=True)
class CallOutcome:
    """What a worker sends back for one call: its published result or its error, and new cache entries."""

    call_id: str
    result: StoredResult | None = None
    error: CallError | None = None
    cache_entries: tuple[tuple[str, CallTranscript], ...] = field(default_factory=tuple)


def run_call(
    meta: CallMeta,
    config: Config,
    models: Models | None,  # None: loaded when a model is needed (never when rescoring)
    cache_get: Callable | None = None,
    on_step: Callable | None = None,
    *,
    audio_sha256: str | None = None,
    rescore: bool = False,
    cache_key: str | None = None,
) -> CallOutcome:
    """Analyse one call without writing anything: its published result or its error, and the new
    transcript-cache entries (key, CallTranscript) for the main process to store.

    `audio_sha256`: the recording's hash, when the batch already took it (the file is then not read again
    for the cache key). `rescore`: the transcript comes from the cache entry `cache_key` (no model runs)."""
    new_cache: list[tuple[str, CallTranscript]] = []

    def cache_put(key: str, transcript: CallTranscript) -> None:
        new_cache.append((key, transcript))

    try:
        if rescore:
            result = analyze_call(meta, config, cache_get=cache_get, cache_key=cache_key, rescore=True,
                                  on_step=on_step)  # fmt: skip
        else:
            result = analyze_call(meta, config, models=models, cache_get=cache_get, cache_put=cache_put,
                                  on_step=on_step, audio_sha256=audio_sha256)  # fmt: skip
        return CallOutcome(meta.call_id, stored_result(result), cache_entries=tuple(new_cache))
    except StageError as exc:
        return CallOutcome(meta.call_id, error=CallError(exc.file, exc.stage, exc.message))
    except Exception as exc:  # noqa: BLE001 - a crash in one call is an error row, not a dead batch
        error = CallError(meta.audio_path or meta.call_id, "pipeline", f"{type(exc).__name__}: {exc}")
        return CallOutcome(meta.call_id, error=error)


def worker_failed(meta: CallMeta, exc: BaseException) -> CallOutcome:
    """The outcome of a call whose worker died or whose task could not run (pool or Dask): an error row."""
    return CallOutcome(
        meta.call_id, error=CallError(meta.audio_path or "", "worker", f"{type(exc).__name__}: {exc}")
    )
