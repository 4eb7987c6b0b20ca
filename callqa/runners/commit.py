"""Commit a batch in the main process: each outcome written the moment it arrives, then the tables.

Writes go through `ResultStore` under the folder lock the batch holds; a write that fails for lack of space
or permission stops the batch (`BatchStopped`) with what is written kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from callqa.runners.plan import Job
from callqa.runners.progress import BatchSummary, Progress
from callqa.runners.worker import CallError, CallOutcome
from callqa.store.codec import StoredResult
from callqa.store.results import ResultStore


class BatchStopped(RuntimeError):
    """The results folder cannot take more writes (disk full, read-only, permissions): stop, keep what is written."""


def guard(store: ResultStore, write: Callable[[], Any]) -> Any:
    """Run one write; an OSError (no space, read-only, permission) stops the batch with a clear message."""
    try:
        return write()
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        raise BatchStopped(
            f"cannot write to results folder {store.root}{where}: {exc.strerror or exc}"
        ) from None


@dataclass
class Commit:
    """Files outcomes into `store` and keeps the batch's summary and the nights it touched."""

    store: ResultStore
    summary: BatchSummary
    bar: Progress | None = None
    run_id: str | None = None
    on_error: Callable[[str, CallError], None] | None = None
    touched: set[str] = field(default_factory=set)

    def refile(self, stored: StoredResult, night: str) -> None:
        """A current call filed under another night: only its night changes."""
        guard(self.store, lambda: self.store.write_call(replace(stored, night=night), previous=stored))
        self.touched.update({night, stored.night or ""} - {""})

    def outcome(self, job: Job, outcome: CallOutcome) -> None:
        store, call_id = self.store, outcome.call_id
        if outcome.result is not None:
            data = replace(outcome.result, night=job.night, fingerprint=job.fingerprint)
            written = guard(store, lambda: store.write_call(data, previous=job.previous))
            for key, transcript in outcome.cache_entries:
                guard(store, partial(store.cache.put, key, transcript))
            self.touched.add(str(written.night))
            if job.previous is not None and job.previous.night:
                self.touched.add(job.previous.night)
            self.summary.scored.append(call_id)
            self.summary.audio_s += float(data.duration_s or 0.0)
            if self.bar is not None:
                self.bar.update(call_id, audio_s=data.duration_s, ok=True)
            return
        err = outcome.error
        assert err is not None
        guard(store, lambda: store.errors.record(call_id=call_id, night=job.night, run_id=self.run_id,
                                                file=err.file, stage=err.stage, message=err.message))  # fmt: skip
        self.summary.failed.append({"call_id": call_id, "file": err.file, "stage": err.stage,
                                    "message": err.message})  # fmt: skip
        if self.bar is not None:
            self.bar.update(call_id, audio_s=None, ok=False)
        if self.on_error is not None:
            self.on_error(call_id, err)

    def all(self, outcomes: Iterable[tuple[Job, CallOutcome]]) -> None:
        """Commit every outcome; disk trouble or Ctrl-C stops the batch with what is written kept."""
        summary = self.summary
        try:
            for job, outcome in outcomes:
                self.outcome(job, outcome)
        except BatchStopped as exc:
            summary.stopped = (
                f"{exc}. {len(summary.scored)} call(s) of this run were saved; "
                "fix it and run the same command again to finish"
            )
            close = getattr(outcomes, "close", None)
            if close:
                close()
        except KeyboardInterrupt:
            summary.interrupted = True
            summary.stopped = (
                f"interrupted; {len(summary.scored)} call(s) of this run were saved; "
                "run the same command again to finish"
            )
            close = getattr(outcomes, "close", None)
            if close:
                try:
                    close()
                except KeyboardInterrupt:
                    pass
        finally:
            if self.bar is not None:
                self.bar.close()

    def finish(self, *, all_nights: bool = False) -> None:
        """Drop the errors of the calls now scored and rebuild the tables of the nights touched (or all)."""
        summary = self.summary
        summary.nights = sorted(self.touched)
        if summary.stopped is not None and not summary.interrupted:
            return
        try:
            self.store.errors.compact(scored=summary.scored)
            self.store.write_tables(nights=None if all_nights else self.touched)
        except OSError as exc:
            summary.stopped = (
                f"cannot write the tables in {self.store.root}: {exc.strerror or exc}; the call results "
                "are saved, run the same command (or `callqa report`) again to rebuild them"
            )
