"""Score calls on a Dask cluster: one task per call, models loaded once per worker process.

`--executor dask` alone starts a `LocalCluster` on this machine (one single-threaded worker process per core,
or `runtime.workers` of them); `--scheduler tcp://HOST:8786` uses a running cluster (`dask scheduler` on one
machine, `dask worker tcp://HOST:8786 --nthreads 1` on each). Tasks return their result to the client; the
client (the main process of `callqa score`) writes every file, as with the local executor. Workers read the
audio by the paths in the manifest, so those paths must be valid on every worker (shared file system).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from callqa.config import Config
from callqa.models.holder import Models
from callqa.runners.fingerprint import config_hash
from callqa.runners.plan import Job
from callqa.runners.worker import CallOutcome, run_call, worker_failed
from callqa.store.results import ResultStore
from callqa.types import CallMeta

_MODELS: dict[str, Models] = {}


class DaskUnavailable(RuntimeError):
    """Dask is not installed or the scheduler cannot be reached (nothing was scored)."""


# per worker process: config hash -> loaded models


def _worker_models(config: Config) -> Models:
    key = config_hash(config)
    if key not in _MODELS:
        _MODELS.clear()  # a new config: drop the old models
        _MODELS[key] = Models(config)
    return _MODELS[key]


def dask_task(meta: CallMeta, config: Config, out_dir: str, audio_sha256: str | None = None) -> CallOutcome:
    """Runs on a worker: analyse one call, write nothing, return the outcome."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    store = ResultStore(out_dir)
    cache_get = store.cache.get if store.cache.folder.is_dir() else None  # no shared folder: no cache reads
    return run_call(meta, config, _worker_models(config), cache_get, audio_sha256=audio_sha256)


def default_workers(config: Config) -> int:
    from callqa.models.threads import worker_count

    n = worker_count(config)
    return n if n > 1 else max(1, os.cpu_count() or 1)


def dask_results(
    jobs: list[Job],
    config: Config,
    store: ResultStore,
    *,
    scheduler: str | None = None,
    say: Callable[[str], None] = print,
) -> Iterator[tuple[Job, CallOutcome]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise DaskUnavailable(
            "--executor dask needs dask and distributed: pip install 'callqa[dask]'"
        ) from None
    if not jobs:
        return
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise DaskUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        n_workers = len(client.scheduler_info().get("workers", {}))
        say(f"dask: using the cluster at {scheduler} ({n_workers} workers)")
    else:
        n = min(default_workers(config), len(jobs))
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        say(f"dask: local cluster of {n} single-threaded worker processes")
    try:
        cfg = client.scatter(config, broadcast=True)
        futures = {}
        for i, job in enumerate(jobs):
            fut = client.submit(
                dask_task,
                job.meta,
                cfg,
                str(store.root),
                job.audio_sha256,
                pure=False,
                key=f"callqa-{i}-{abs(hash(job.meta.call_id)):x}",
            )
            futures[fut] = job
        try:
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    outcome = fut.result()
                except Exception as exc:  # noqa: BLE001 - a worker died or the task could not run
                    outcome = worker_failed(job.meta, exc)
                fut.release()
                yield job, outcome
        finally:
            for fut in futures:
                if not fut.done():
                    fut.cancel()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
