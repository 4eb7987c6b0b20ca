"""`callqa rescore`: the same per-call runner as `score`, with the transcript step served from the cache."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from callqa.config import Config
from callqa.pipeline import StageError, analyze_call, versions
from callqa.steps import StepHook
from callqa.store.codec import stored_result
from callqa.store.results import ResultStore


@dataclass
class RescoreSummary:
    rescored: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def rescore_results(
    results_dir: str,
    *,
    config: Config,
    on_step: StepHook | None = None,
    say: Callable[[str], None] | None = None,
) -> RescoreSummary:
    """Re-apply `config` to every call in `results_dir` without running a model; rebuilds the tables."""
    say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
    store = ResultStore(results_dir)
    summary = RescoreSummary()
    for old in list(store.iter_calls()):
        meta = old.meta
        try:
            result = analyze_call(
                meta, config, cache_get=store.cache_get, cache_key=old.cache_key, rescore=True,
                on_step=on_step,
            )  # fmt: skip
        except StageError as exc:
            store.record_error(call_id=meta.call_id, file=exc.file, stage=exc.stage, message=exc.message)
            summary.failed.append({"call_id": meta.call_id, "file": exc.file, "stage": exc.stage,
                                   "message": exc.message})  # fmt: skip
            say(f"ERROR {meta.call_id}: {exc.message}")
            continue
        store.write_call(stored_result(result))
        store.clear_error(meta.call_id)
        summary.rescored.append(meta.call_id)
    store.write_run_info(config, versions())
    store.write_tables()
    return summary
