"""Run `analyze_call` over many calls: resumable, locked, one bad call never stops the batch.

Work is done in-process, in a local process pool (`runtime.workers`) or on Dask (callqa.runners.dask_runner);
in every case the workers only *compute* and return a `CallOutcome` (result, error, cache entries); the main
process alone writes the call JSON, the transcript cache, the error log and the tables, under the folder
lock. A call is written the moment its result arrives, so a killed batch loses at most the calls in flight.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Any

from callqa.config import Config
from callqa.ingest.manifest import InputError
from callqa.pipeline import Models, StageError, analyze_call, versions
from callqa.records import Fingerprint
from callqa.runners.fingerprint import config_hash, fingerprint, is_current
from callqa.runners.progress import BatchSummary, Progress
from callqa.store.codec import StoredResult, stored_result
from callqa.store.results import ResultStore, night_of
from callqa.types import CallMeta, CallTranscript

__all__ = ["BatchSummary", "BatchStopped", "CallError", "CallOutcome", "score_batch", "run_call"]


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


class BatchStopped(RuntimeError):
    """The results folder cannot take more writes (disk full, read-only, permissions): stop, keep what is written."""


@dataclass
class _Job:
    meta: CallMeta
    fingerprint: Fingerprint
    previous: StoredResult | None
    audio_s: float | None


def run_call(
    meta: CallMeta,
    config: Config,
    models: Models,
    cache_get: Callable | None = None,
    on_step: Callable | None = None,
) -> CallOutcome:
    """Analyse one call without writing anything: its published result or its error, and the new
    transcript-cache entries (key, CallTranscript) for the main process to store."""
    new_cache: list[tuple[str, CallTranscript]] = []

    def cache_put(key: str, transcript: CallTranscript) -> None:
        new_cache.append((key, transcript))

    try:
        result = analyze_call(
            meta, config, models=models, cache_get=cache_get, cache_put=cache_put, on_step=on_step
        )
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


_WORKER: dict[str, Any] = {}


def _die_with_parent() -> None:
    """Linux: a worker is killed when the batch process dies (kill -9 included), instead of lingering."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _worker_init(config: Config, out_dir: str, threads: int = 1) -> None:
    from callqa.store.lock import close_inherited_locks

    _die_with_parent()
    os.environ["OMP_NUM_THREADS"] = str(threads)  # read by threads_per_worker when the models load

    close_inherited_locks()  # a worker outliving a killed batch must not keep its folder locked
    _WORKER["config"], _WORKER["store"] = config, ResultStore(out_dir)  # read-only use: the transcript cache
    _WORKER["models"] = Models(config)


def _worker_run(meta: CallMeta) -> CallOutcome:
    return run_call(meta, _WORKER["config"], _WORKER["models"], _WORKER["store"].cache_get)


def _audio_seconds(meta: CallMeta) -> float | None:
    if not meta.audio_path:
        return None
    try:
        import soundfile as sf

        return float(sf.info(meta.audio_path).duration)
    except Exception:  # noqa: BLE001 - unknown until decoded (mp3 on old libsndfile, corrupt files)
        return None


def _local_results(
    jobs: list[_Job],
    config: Config,
    store: ResultStore,
    models: Models | None,
    on_step: Callable | None = None,
) -> Iterator[tuple[_Job, CallOutcome]]:
    from callqa.models.threads import pool_threads, worker_count

    workers = worker_count(config)
    # in this process: one worker, one call, or models handed in with `workers: 0` (they cannot go to a pool)
    if workers == 1 or len(jobs) <= 1 or (models is not None and not config.runtime.workers):
        models = models or Models(config)
        for job in jobs:
            yield job, run_call(job.meta, config, models, store.cache_get, on_step=on_step)
        return
    threads = pool_threads(config, workers)  # each worker: its share of the cores
    with ProcessPoolExecutor(
        workers, initializer=_worker_init, initargs=(config, str(store.root), threads)
    ) as pool:
        futures = {pool.submit(_worker_run, job.meta): job for job in jobs}
        try:
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    outcome = fut.result()
                except Exception as exc:  # a worker died (e.g. out of memory)
                    outcome = worker_failed(job.meta, exc)
                yield job, outcome
        finally:
            for fut in futures:
                fut.cancel()


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
    with store.lock():
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

        cfg_hash = config_hash(config)
        if len(metas) >= 500:  # hashing every recording takes a while on big nights
            say(f"checking {len(metas)} call(s) against the results in {store.root} ...")
        jobs: list[_Job] = []
        for meta in metas:
            fp = fingerprint(meta, cfg_hash)
            previous = store.load_call(meta.call_id)
            if not force and previous is not None and is_current(previous, fp):
                summary.skipped.append(meta.call_id)
                if previous.night != night_for(meta):  # same call, filed under another night
                    _guard(
                        store,
                        lambda p=previous, m=meta: store.write_call(
                            replace(p, night=night_for(m)), previous=p
                        ),
                    )
                    touched.update({night_for(meta), previous.night or ""} - {""})
                continue
            jobs.append(_Job(meta, fp, previous, _audio_seconds(meta)))
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
            results = _local_results(jobs, config, store, models, bar.wrap(on_step))
        else:
            raise ValueError(f"unknown executor {executor!r} (local or dask)")
        try:
            for job, outcome in results:
                call_id, data, err = outcome.call_id, outcome.result, outcome.error
                if data is not None:
                    data = replace(data, night=night_for(job.meta), fingerprint=job.fingerprint)
                    _guard(store, lambda d=data, j=job: store.write_call(d, previous=j.previous))
                    for key, transcript in outcome.cache_entries:
                        _guard(store, lambda k=key, t=transcript: store.cache_put(k, t))
                    touched.add(str(data.night))
                    if job.previous and job.previous.night:
                        touched.add(job.previous.night)
                    summary.scored.append(call_id)
                    summary.audio_s += float(data.duration_s or 0.0)
                    bar.update(call_id, audio_s=data.duration_s, ok=True)
                else:
                    assert err is not None
                    _guard(
                        store,
                        lambda e=err, j=job, c=call_id: store.record_error(
                            call_id=c, night=night_for(j.meta), run_id=run_id, file=e.file, stage=e.stage,
                            message=e.message,
                        ),
                    )  # fmt: skip
                    summary.failed.append({"call_id": call_id, "file": err.file, "stage": err.stage,
                                           "message": err.message})  # fmt: skip
                    bar.update(call_id, audio_s=None, ok=False)
                    bar.message(f"ERROR {call_id}: [{err.stage}] {err.file}: {err.message}")
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
