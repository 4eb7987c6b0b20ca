"""Run `analyze_call` over many calls: resumable, locked, one bad call never stops the batch.

A batch is plan -> map -> commit: `callqa.runners.plan` fingerprints every call (hashing each recording
once) and keeps the current ones; the jobs are mapped in-process, in a local process pool
(`runtime.workers`) or on Dask (callqa.runners.dask_runner), where workers only *compute* and return a
`CallOutcome`; `callqa.runners.commit` writes each outcome in the main process, under the folder lock, the
moment it arrives, so a killed batch loses at most the calls in flight.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from callqa.config import Config
from callqa.ingest.manifest import InputError
from callqa.models.holder import Models
from callqa.pipeline import versions
from callqa.runners.commit import BatchStopped, Commit, guard
from callqa.runners.plan import Job, plan_batch
from callqa.runners.pool import PoolSlot, WarmPool, model_imports, worker_state
from callqa.runners.progress import BatchSummary, Progress
from callqa.runners.worker import CallError, CallOutcome, run_call, worker_failed
from callqa.store.cache import transcript_cache_key
from callqa.store.nights import night_of
from callqa.store.results import ResultStore
from callqa.types import CallMeta

__all__ = ["score_batch"]


def _worker_run(meta: CallMeta, audio_sha256: str | None) -> CallOutcome:
    """One call in a pool worker, with the models it loaded at start (callqa.runners.pool)."""
    config, models, store = worker_state()
    return run_call(meta, config, models, store.cache.get, audio_sha256=audio_sha256)


def start_pool(
    config: Config, store: ResultStore, metas: list[CallMeta], models: Models | None
) -> WarmPool | None:
    """The worker pool, started before the calls are checked against the results folder (None: in-process)."""
    from callqa.models.threads import pool_threads, worker_count

    workers = worker_count(config)
    # in this process: one worker, one call, or models handed in with `workers: 0` (they cannot go to a pool)
    if workers == 1 or len(metas) <= 1 or (models is not None and not config.runtime.workers):
        return None
    return WarmPool(
        config,
        str(store.root),
        workers=workers,
        threads=pool_threads(config, workers),  # each worker: its share of the cores
        imports=model_imports(metas),
    )


def models_needed(jobs: list[Job], config: Config, store: ResultStore) -> dict[str, bool]:
    """Which models the jobs will run: ASR for audio without an imported or cached transcript, the mono
    diarizer for such a mono call."""
    asr = diarization = False
    for job in jobs:
        meta, sha = job.meta, job.audio_sha256
        if not meta.audio_path or meta.transcript_path:
            continue
        if sha and config.runtime.cache and store.cache.has(transcript_cache_key(sha, meta, config)):
            continue
        asr = True
        diarization = diarization or meta.channel_layout == "mono"
    return {"asr": asr, "diarization": diarization}


def local_results(
    jobs: list[Job],
    config: Config,
    store: ResultStore,
    models: Models | None,
    on_step: Callable | None = None,
    pool: WarmPool | None = None,
) -> Iterator[tuple[Job, CallOutcome]]:
    """Map: the outcome of every job, in this process (no `pool`) or in the warm local process pool."""
    if pool is None:
        models = models or Models(config)
        for job in jobs:
            yield (
                job,
                run_call(job.meta, config, models, store.cache.get, on_step, audio_sha256=job.audio_sha256),
            )
        return
    yield from pool.map_longest_first(_worker_run, jobs, worker_failed)


def start_run(store: ResultStore, config: Config) -> None:
    """Before any work: temp files of a killed run go, the effective config and versions are written."""
    try:
        store.remove_stale_temp_files()
        store.write_run_info(config, versions())
    except OSError as exc:
        raise BatchStopped(f"cannot write to results folder {store.root}: {exc.strerror or exc}") from None


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
        start_run(store, config)
        run_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
        today = time.strftime("%Y-%m-%d")
        say = progress or (lambda msg: print(msg, file=stream, flush=True))

        def night_for(meta: CallMeta) -> str:
            return night or night_of(meta.started_at) or today

        for err in input_errors:
            record = partial(store.errors.record, file=err.file, stage=err.stage, message=err.message,
                             call_id=err.call_id, night=night or today, run_id=run_id)  # fmt: skip
            guard(store, record)
            summary.failed.append(
                {"call_id": err.call_id, "file": err.file, "stage": err.stage, "message": err.message}
            )
            say(f"ERROR {err.file}: {err.message}")

        # workers start (and load their models) while the calls are checked against the folder below
        pool = slot.pool = start_pool(config, store, metas, models) if executor == "local" else None
        # plan
        if len(metas) >= 500:  # hashing every recording takes a while on big nights
            say(f"checking {len(metas)} call(s) against the results in {store.root} ...")
        plan = plan_batch(metas, store, config, night_for=night_for, force=force)
        commit = Commit(store, summary, run_id=run_id)
        for stored, new_night in plan.refile:
            commit.refile(stored, new_night)
        summary.skipped = plan.skipped
        if pool is not None:
            pool.warm(**models_needed(plan.jobs, config, store))
        if summary.skipped:
            say(
                f"{len(summary.skipped)} call(s) already scored with the same audio and config in {store.root} "
                "(--force redoes them)"
            )
        # map
        known = [j.audio_s for j in plan.jobs]
        bar = Progress(
            len(plan.jobs),
            audio_total_s=sum(s for s in known if s is not None) if known and None not in known else None,
            stream=stream,
            every=progress_every,
        )
        if progress is not None:
            bar.message = progress  # type: ignore[method-assign,assignment]
        results: Iterator[tuple[Job, CallOutcome]]
        if executor == "dask":
            from callqa.runners.dask_runner import dask_results

            results = dask_results(plan.jobs, config, store, scheduler=scheduler, say=bar.message)
        elif executor == "local":
            results = local_results(plan.jobs, config, store, models, bar.wrap(on_step), pool)
        else:
            raise ValueError(f"unknown executor {executor!r} (local or dask)")

        # commit
        def show_error(call_id: str, err: CallError) -> None:
            bar.message(f"ERROR {call_id}: [{err.stage}] {err.file}: {err.message}")

        commit.bar, commit.on_error = bar, show_error
        commit.all(results)
        commit.finish()
    summary.wall_s = time.monotonic() - t0
    return summary
