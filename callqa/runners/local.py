"""Run `analyze_call` over many calls: resumable, one bad call never stops the batch."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from callqa.config import Config
from callqa.ingest.manifest import InputError
from callqa.pipeline import Models, StageError, analyze_call, versions
from callqa.steps import StepHook
from callqa.store.results import ResultStore
from callqa.types import CallMeta


@dataclass
class BatchSummary:
    scored: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def _one(meta: CallMeta, config: Config, store: ResultStore, models: Models) -> dict:
    result = analyze_call(meta, config, models=models, cache_get=store.cache_get, cache_put=store.cache_put,
                          on_step=_WORKER.get("on_step"))
    data = result.to_dict()
    store.write_call(data)
    store.clear_error(meta.call_id)
    return data


_WORKER: dict = {}


def _worker_init(config: Config, out_dir: str) -> None:
    _WORKER["config"], _WORKER["store"] = config, ResultStore(out_dir)
    _WORKER["models"] = Models(config)


def _worker_run(meta: CallMeta) -> tuple[str, dict | None, dict | None]:
    try:
        _one(meta, _WORKER["config"], _WORKER["store"], _WORKER["models"])
        return meta.call_id, {}, None
    except StageError as exc:
        return meta.call_id, None, {"file": exc.file, "stage": exc.stage, "message": exc.message}
    except Exception as exc:  # noqa: BLE001 - a crash in one call is an error row, not a dead batch
        return meta.call_id, None, {"file": meta.audio_path or meta.call_id, "stage": "pipeline",
                                    "message": f"{type(exc).__name__}: {exc}"}


def score_batch(
    metas: list[CallMeta],
    input_errors: list[InputError],
    *,
    config: Config,
    out_dir: str,
    force: bool = False,
    models: Models | None = None,
    progress: Callable[[str], None] | None = None,
    on_step: StepHook | None = None,
) -> BatchSummary:
    """Score `metas` into `out_dir`. `on_step` (single process only) gets each call's finished steps."""
    store = ResultStore(out_dir)
    store.write_run_info(config, versions())
    summary = BatchSummary()
    say = progress or (lambda msg: print(msg, file=sys.stderr, flush=True))
    for bad in input_errors:
        store.record_error(file=bad.file, stage=bad.stage, message=bad.message, call_id=bad.call_id)
        summary.failed.append({"call_id": bad.call_id, "file": bad.file, "stage": bad.stage, "message": bad.message})
        say(f"ERROR {bad.file}: {bad.message}")
    todo = []
    for meta in metas:
        if not force and store.has_call(meta.call_id):
            summary.skipped.append(meta.call_id)
        else:
            todo.append(meta)
    if summary.skipped:
        say(f"{len(summary.skipped)} call(s) already scored in {store.root} (use --force to redo)")

    def record(call_id: str, meta: CallMeta, err: dict | None) -> None:
        if err is None:
            summary.scored.append(call_id)
            say(f"ok    {call_id}")
        else:
            store.record_error(call_id=call_id, **err)
            summary.failed.append({"call_id": call_id, **err})
            say(f"ERROR {call_id}: [{err['stage']}] {err['file']}: {err['message']}")

    workers = max(1, int(config.runtime.workers or 1))
    if workers == 1 or len(todo) <= 1:
        models = models or Models(config)
        for i, meta in enumerate(todo, 1):
            say(f"[{i}/{len(todo)}] {meta.call_id}")
            _WORKER.update(config=config, store=store, models=models, on_step=on_step)
            call_id, _, err = _worker_run(meta)
            record(call_id, meta, err)
    else:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        with ProcessPoolExecutor(workers, initializer=_worker_init, initargs=(config, str(store.root))) as pool:
            futures = {pool.submit(_worker_run, m): m for m in todo}
            for fut in as_completed(futures):
                meta = futures[fut]
                try:
                    call_id, _, err = fut.result()
                except Exception as exc:  # a worker died (e.g. out of memory)
                    call_id, err = meta.call_id, {"file": meta.audio_path or "", "stage": "worker",
                                                  "message": f"{type(exc).__name__}: {exc}"}
                record(call_id, meta, err)
    store.write_tables()
    return summary
