"""`callqa rescore`: the same batch as `score` (plan -> map -> commit), every stored call scored again with the
transcript from the cache: no model runs, each call keeps its night, the tables are rebuilt whole."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from callqa.config import Config
from callqa.runners.commit import Commit
from callqa.runners.local import start_run
from callqa.runners.plan import Job, rescore_plan
from callqa.runners.progress import BatchSummary
from callqa.runners.worker import CallError, CallOutcome, run_call
from callqa.steps import StepHook
from callqa.store.results import ResultStore


@dataclass
class RescoreSummary:
    rescored: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    stopped: str | None = None  # why it stopped early (disk full, folder unwritable, Ctrl-C)
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.stopped:
            return 3
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
    batch = BatchSummary()
    with store.lock():
        plan = rescore_plan(store)
        start_run(store, config)

        def outcomes() -> Iterator[tuple[Job, CallOutcome]]:
            for job in plan.jobs:
                cache_key = job.previous.cache_key if job.previous is not None else None
                yield job, run_call(job.meta, config, None, store.cache.get, on_step, rescore=True,
                                    cache_key=cache_key)  # fmt: skip

        def show_error(call_id: str, err: CallError) -> None:
            say(f"ERROR {call_id}: {err.message}")

        commit = Commit(store, batch, on_error=show_error)
        commit.all(outcomes())
        commit.finish(all_nights=True)
    return RescoreSummary(batch.scored, batch.failed, batch.stopped, batch.interrupted)
