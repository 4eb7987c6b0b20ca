"""Run `analyze_call` over many calls: resumable, locked, one bad call never stops the batch.

Work is done in-process, in a local process pool (`runtime.workers`) or on Dask (callqa.runners.dask_runner);
in every case the workers only *compute* and return `(call_id, result, error, cache entries)`; the main
process alone writes the call JSON, the transcript cache, the error log and the tables, under the folder
lock. A call is written the moment its result arrives, so a killed batch loses at most the calls in flight.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from callqa.config import Config
from callqa.ingest.manifest import InputError
from callqa.pipeline import Models, StageError, analyze_call, versions
from callqa.runners.fingerprint import config_hash, fingerprint, is_current
from callqa.runners.pool import PoolSlot, WarmPool, model_imports, worker_state
from callqa.runners.progress import BatchSummary, Progress
from callqa.store.cache import transcript_cache_key
from callqa.store.results import ResultStore, night_of
from callqa.types import CallMeta

__all__ = ["BatchSummary", "BatchStopped", "score_batch", "run_call"]

Outcome = tuple[str, "dict[str, Any] | None", "dict[str, Any] | None", "list[tuple[str, Any]]"]


class BatchStopped(RuntimeError):
    """The results folder cannot take more writes (disk full, read-only, permissions): stop, keep what is written."""


@dataclass
class _Job:
    meta: CallMeta
    fingerprint: dict[str, Any]
    previous: dict[str, Any] | None
    audio_s: float | None


def run_call(
    meta: CallMeta,
    config: Config,
    models: Models,
    cache_get: Callable | None = None,
    on_step: Callable | None = None,
) -> Outcome:
    """Analyse one call without writing anything: (call_id, result dict | None, error | None, new cache entries).

    New transcript-cache entries come back as (key, CallTranscript) for the main process to store."""
    new_cache: list[tuple[str, Any]] = []

    def cache_put(key: str, transcript: Any) -> None:
        new_cache.append((key, transcript))

    try:
        result = analyze_call(
            meta, config, models=models, cache_get=cache_get, cache_put=cache_put, on_step=on_step
        )
        return meta.call_id, result.to_dict(), None, new_cache
    except StageError as exc:
        return meta.call_id, None, {"file": exc.file, "stage": exc.stage, "message": exc.message}, []
    except Exception as exc:  # noqa: BLE001 - a crash in one call is an error row, not a dead batch
        return (
            meta.call_id,
            None,
            {
                "file": meta.audio_path or meta.call_id,
                "stage": "pipeline",
                "message": f"{type(exc).__name__}: {exc}",
            },
            [],
        )


def worker_failed(meta: CallMeta, exc: BaseException) -> Outcome:
    """The outcome of a call whose worker died or whose task could not run (pool or Dask): an error row."""
    error = {"file": meta.audio_path or "", "stage": "worker", "message": f"{type(exc).__name__}: {exc}"}
    return meta.call_id, None, error, []


def _worker_run(meta: CallMeta) -> Outcome:
    """One call in a pool worker, with the models it loaded at start (callqa.runners.pool)."""
    config, models, store = worker_state()
    return run_call(meta, config, models, store.cache_get)


def _audio_seconds(meta: CallMeta) -> float | None:
    if not meta.audio_path:
        return None
    try:
        import soundfile as sf

        return float(sf.info(meta.audio_path).duration)
    except Exception:  # noqa: BLE001 - unknown until decoded (mp3 on old libsndfile, corrupt files)
        return None


def start_pool(
    config: Config, store: ResultStore, metas: list[CallMeta], models: Models | None
) -> WarmPool | None:
    """The worker pool, started before the calls are checked against the results folder (None: in-process)."""
    from callqa.models.threads import pool_threads, worker_count

    workers = worker_count(config)
    if workers == 1 or len(metas) <= 1 or (models is not None and not config.runtime.workers):
        return None
    return WarmPool(
        config,
        str(store.root),
        workers=workers,
        threads=pool_threads(config, workers),  # each worker: its share of the cores
        imports=model_imports(metas),
    )


def models_needed(jobs: list[_Job], config: Config, store: ResultStore) -> dict[str, bool]:
    """Which models the jobs will run: ASR for audio without an imported or cached transcript, the mono
    diarizer for such a mono call."""
    asr = diarization = False
    for job in jobs:
        meta, sha = job.meta, job.fingerprint.get("audio_sha256")
        if not meta.audio_path or meta.transcript_path:
            continue
        if (
            sha
            and config.runtime.cache
            and (store.cache_dir / f"{transcript_cache_key(sha, meta, config)}.json").exists()
        ):
            continue
        asr = True
        diarization = diarization or meta.channel_layout == "mono"
    return {"asr": asr, "diarization": diarization}


def _local_results(
    jobs: list[_Job],
    config: Config,
    store: ResultStore,
    models: Models | None,
    on_step: Callable | None = None,
    pool: WarmPool | None = None,
) -> Iterator[tuple[_Job, Outcome]]:
    # in this process: one worker, one call, or models handed in with `workers: 0` (they cannot go to a pool)
    if pool is None:
        models = models or Models(config)
        for job in jobs:
            yield job, run_call(job.meta, config, models, store.cache_get, on_step=on_step)
        return
    yield from pool.map_longest_first(_worker_run, jobs, worker_failed)


def score_batch(
    metas: list[CallMeta],
    input_errors: list[InputError],
    *,
    config: Config,
    out_dir: str,
    force: bool = False,
    models: Models | None = None,
    progress: Callable[[str], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    night: str | None = None,
    progress_every: int | None = None,
    stream: Any = None,
    on_step: Callable | None = None,
) -> BatchSummary:
    """Score `metas` into `out_dir`. Raises FolderBusy / FolderUnwritable (callqa.store.lock) before any work.

    `on_step` (in-process runs only) is handed to `analyze_call` (its step hook)."""
    t0 = time.monotonic()
    store = ResultStore(out_dir)
    summary = BatchSummary()
    stream = stream or sys.stderr
    with store.lock(), PoolSlot() as slot:
        try:
            store.remove_stale_temp_files()
            store.write_run_info(config, versions())
        except OSError as exc:
            raise BatchStopped(
                f"cannot write to results folder {store.root}: {exc.strerror or exc}"
            ) from None
        run_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
        today = time.strftime("%Y-%m-%d")
        say = progress or (lambda msg: print(msg, file=stream, flush=True))
        touched: set[str] = set()

        def night_for(meta: CallMeta) -> str:
            return night or night_of(meta.started_at) or today

        for err in input_errors:
            _guard(
                store,
                lambda err=err: store.record_error(
                    file=err.file,
                    stage=err.stage,
                    message=err.message,
                    call_id=err.call_id,
                    night=night or today,
                    run_id=run_id,
                ),
            )
            summary.failed.append(
                {"call_id": err.call_id, "file": err.file, "stage": err.stage, "message": err.message}
            )
            say(f"ERROR {err.file}: {err.message}")

        # workers start (and load their models) while the calls are checked against the folder below
        pool = slot.pool = start_pool(config, store, metas, models) if executor == "local" else None
        cfg_hash = config_hash(config)
        if len(metas) >= 500:  # hashing every recording takes a while on big nights
            say(f"checking {len(metas)} call(s) against the results in {store.root} ...")
        jobs: list[_Job] = []
        for meta in metas:
            fp = fingerprint(meta, cfg_hash)
            previous = store.load_call(meta.call_id)
            if not force and is_current(previous, fp):
                summary.skipped.append(meta.call_id)
                if previous.get("night") != night_for(meta):  # same call, filed under another night
                    _guard(
                        store,
                        lambda p=previous, m=meta: store.write_call({**p, "night": night_for(m)}, previous=p),
                    )
                    touched.update({night_for(meta), previous.get("night") or ""} - {""})
                continue
            jobs.append(_Job(meta, fp, previous, _audio_seconds(meta)))
        if pool is not None:
            pool.warm(**models_needed(jobs, config, store))
        if summary.skipped:
            say(
                f"{len(summary.skipped)} call(s) already scored with the same audio and config in {store.root} "
                "(--force redoes them)"
            )
        known = [j.audio_s for j in jobs]
        bar = Progress(
            len(jobs),
            audio_total_s=sum(known) if known and None not in known else None,
            stream=stream,
            every=progress_every,
        )
        if progress is not None:
            bar.message = progress  # type: ignore[method-assign]
        if executor == "dask":
            from callqa.runners.dask_runner import dask_results

            results = dask_results(jobs, config, store, scheduler=scheduler, say=bar.message)
        elif executor == "local":
            results = _local_results(jobs, config, store, models, bar.wrap(on_step), pool)
        else:
            raise ValueError(f"unknown executor {executor!r} (local or dask)")
        try:
            for job, (call_id, data, err, cache_entries) in results:
                if data is not None:
                    data = {**data, "night": night_for(job.meta), "fingerprint": job.fingerprint}
                    _guard(store, lambda d=data, j=job: store.write_call(d, previous=j.previous))
                    for key, transcript in cache_entries:
                        _guard(store, lambda k=key, t=transcript: store.cache_put(k, t))
                    touched.add(data["night"])
                    if job.previous and job.previous.get("night"):
                        touched.add(job.previous["night"])
                    summary.scored.append(call_id)
                    summary.audio_s += float(data.get("duration_s") or 0.0)
                    bar.update(call_id, audio_s=data.get("duration_s"), ok=True)
                else:
                    _guard(
                        store,
                        lambda e=err, j=job, c=call_id: store.record_error(
                            call_id=c, night=night_for(j.meta), run_id=run_id, **e
                        ),
                    )
                    summary.failed.append({"call_id": call_id, **err})
                    bar.update(call_id, audio_s=None, ok=False)
                    bar.message(f"ERROR {call_id}: [{err['stage']}] {err['file']}: {err['message']}")
        except BatchStopped as exc:
            summary.stopped = (
                f"{exc}. {len(summary.scored)} call(s) of this run were saved; "
                "fix it and run the same command again to finish"
            )
            close = getattr(results, "close", None)
            if close:
                close()
        except KeyboardInterrupt:
            summary.interrupted = True
            summary.stopped = (
                f"interrupted; {len(summary.scored)} call(s) of this run were saved; "
                "run the same command again to finish"
            )
            close = getattr(results, "close", None)
            if close:
                try:
                    close()
                except KeyboardInterrupt:
                    pass
        finally:
            bar.close()
        summary.nights = sorted(touched)
        if summary.stopped is None or summary.interrupted:
            try:
                store.compact_errors(scored=summary.scored)
                store.write_tables(nights=touched)
            except OSError as exc:
                summary.stopped = (
                    f"cannot write the tables in {store.root}: {exc.strerror or exc}; the call results "
                    "are saved, run the same command (or `callqa report`) again to rebuild them"
                )
    summary.wall_s = time.monotonic() - t0
    return summary


def _guard(store: ResultStore, write: Callable[[], Any]) -> Any:
    """Run one write; an OSError (no space, read-only, permission) stops the batch with a clear message."""
    try:
        return write()
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        raise BatchStopped(
            f"cannot write to results folder {store.root}{where}: {exc.strerror or exc}"
        ) from None
