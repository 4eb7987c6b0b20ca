"""The local worker pool: processes started (and their model libraries imported) before the batch knows its work.

`callqa score` first reads the manifest and checks every call against the results folder (hashing the audio);
the workers are started before that and import faster-whisper (and pyannote.audio, when a mono call may need
it: ~10 s here) meanwhile; once the calls to score are known, they load the models the calls need (none when
every transcript is cached or imported) before the first call arrives. Each worker keeps its models for the
whole batch. Calls are handed out longest first, so the last minutes of a night are not one
long call on one core while the others sit idle (a 2-core night of 40 calls: see benchmarks/bench_night.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any

from callqa.config import Config
from callqa.pipeline import Models
from callqa.types import CallMeta

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


def warm_models(models: Models, *, asr: bool, diarization: bool) -> None:
    """Load what a first call would load: Whisper and its VAD; pyannote's pipeline."""
    if asr:
        from callqa.asr.whisper import WhisperTranscriber

        engine = models.asr()
        if isinstance(engine, WhisperTranscriber):  # a fake or another engine loads on its first call
            engine.model  # noqa: B018 - loads the CTranslate2 model
        from faster_whisper.vad import get_vad_model

        get_vad_model()  # Silero VAD's ONNX session, otherwise built inside the first call
    if diarization:
        diarizer = models.diarization()
        getattr(diarizer, "pipeline", None) or getattr(diarizer, "embedder", None)


def worker_init(config: Config, out_dir: str, threads: int = 1, imports: tuple[str, ...] = ()) -> None:
    """Runs once in each new worker: settings, then the model libraries' imports (seconds each)."""
    import importlib

    from callqa.store.lock import close_inherited_locks
    from callqa.store.results import ResultStore

    _die_with_parent()
    os.environ["OMP_NUM_THREADS"] = str(threads)  # read by threads_per_worker when the models load
    close_inherited_locks()  # a worker outliving a killed batch must not keep its folder locked
    _WORKER["config"], _WORKER["store"] = config, ResultStore(out_dir)  # read-only use: the transcript cache
    _WORKER["models"] = Models(config)
    for name in imports:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - imported again by the call that needs it, with its own error
            pass


def _warm(asr: bool, diarization: bool) -> int:
    try:
        warm_models(_WORKER["models"], asr=asr, diarization=diarization)
    except Exception:  # noqa: BLE001 - a model that cannot load fails each call with its own error row
        pass
    return os.getpid()


def worker_state() -> tuple[Config, Models, Any]:
    """This worker's config, models and results store (set by `worker_init`)."""
    return _WORKER["config"], _WORKER["models"], _WORKER["store"]


def _started() -> int:
    return os.getpid()


def model_imports(metas: list[CallMeta]) -> tuple[str, ...]:
    """The model libraries these calls may need: Whisper for audio without an imported transcript, pyannote for
    such a call when it is mono."""
    heard = [m for m in metas if m.audio_path and not m.transcript_path]
    mono = any(m.channel_layout == "mono" for m in heard)
    return (("faster_whisper",) if heard else ()) + (("pyannote.audio",) if mono else ())


class WarmPool:
    """`workers` processes, started now; each loads its models in its initializer and keeps them."""

    def __init__(self, config: Config, out_dir: str, *, workers: int, threads: int, imports: tuple[str, ...]):
        self.workers = workers
        self._used = False
        self.executor = ProcessPoolExecutor(
            workers, initializer=worker_init, initargs=(config, out_dir, threads, imports)
        )
        # one no-op per worker launches every process now (with fork they all start on the first submit;
        # with spawn/forkserver one per submitted task)
        self._launch = [self.executor.submit(_started) for _ in range(workers)]

    def warm(self, *, asr: bool, diarization: bool) -> None:
        """Load the models in the workers now (one task each, normally one per worker), before the first call."""
        if asr or diarization:
            self._launch += [self.executor.submit(_warm, asr, diarization) for _ in range(self.workers)]

    def map_longest_first(
        self,
        task: Callable[[CallMeta], Any],
        jobs: list[Any],
        failed: Callable[[CallMeta, BaseException], Any],
    ) -> Iterator[tuple[Any, Any]]:
        """(job, task(job.meta)) as calls finish, longest known `audio_s` first (unknown last); a worker that
        dies gives `failed(meta, exc)` for its call. `task` runs in a worker: a module-level function."""
        order = sorted(jobs, key=lambda j: -(j.audio_s or 0.0))
        self._used = bool(order)
        futures: dict[Future, Any] = {self.executor.submit(task, job.meta): job for job in order}
        try:
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    outcome = fut.result()
                except Exception as exc:  # a worker died (e.g. out of memory)
                    outcome = failed(job.meta, exc)
                yield job, outcome
        finally:
            for fut in futures:
                fut.cancel()

    def close(self) -> None:
        """Wait for the calls in flight (their results are written first); with no call ever handed out (every
        call already scored, or the batch stopped before), stop the workers without waiting for their models."""
        if self._used:
            self.executor.shutdown(wait=True, cancel_futures=True)
            return
        for proc in list((getattr(self.executor, "_processes", None) or {}).values()):
            proc.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)


class PoolSlot:
    """Holds the batch's pool (if one is started) and closes it however the batch ends."""

    def __init__(self) -> None:
        self.pool: WarmPool | None = None

    def __enter__(self) -> PoolSlot:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.close()
