"""Plan a batch: which calls need work, which are current already (skipped), and what each job carries.

Every recording is hashed here, once; the hash travels with its job (the fingerprint) to the worker, which
uses it for the transcript-cache key instead of reading the file again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from callqa.config import Config
from callqa.records import Fingerprint
from callqa.runners.fingerprint import config_hash, fingerprint, is_current
from callqa.store.codec import StoredResult
from callqa.store.results import ResultStore
from callqa.types import CallMeta


@dataclass(frozen=True)
class Job:
    """One call to analyse, with what the commit needs to file it."""

    meta: CallMeta
    fingerprint: Fingerprint | None  # None: a rescore (its result keeps no fingerprint)
    previous: StoredResult | None  # the stored result it replaces
    audio_s: float | None  # recording length when known before decoding (progress, ETA)
    night: str | None  # the night to file it under; None: the night it is filed under now

    @property
    def audio_sha256(self) -> str | None:
        return self.fingerprint.audio_sha256 if self.fingerprint is not None else None


@dataclass
class BatchPlan:
    jobs: list[Job] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # current already: same audio, metadata and config
    refile: list[tuple[StoredResult, str]] = field(default_factory=list)  # skipped, filed under a new night


def plan_batch(
    metas: Sequence[CallMeta],
    store: ResultStore,
    config: Config,
    *,
    night_for: Callable[[CallMeta], str],
    force: bool = False,
) -> BatchPlan:
    """Fingerprint every call against its stored result: current ones are skipped (refiled when their night
    changed), the others become jobs."""
    cfg_hash = config_hash(config)
    plan = BatchPlan()
    for meta in metas:
        fp = fingerprint(meta, cfg_hash)
        previous = store.load_call(meta.call_id)
        if not force and previous is not None and is_current(previous, fp):
            plan.skipped.append(meta.call_id)
            if previous.night != night_for(meta):  # same call, filed under another night
                plan.refile.append((previous, night_for(meta)))
            continue
        plan.jobs.append(Job(meta, fp, previous, audio_seconds(meta), night_for(meta)))
    return plan


def rescore_plan(store: ResultStore) -> BatchPlan:
    """Every stored call, to be scored again from its cached transcript (it keeps its night)."""
    return BatchPlan(jobs=[Job(old.meta, None, old, old.duration_s, None) for old in store.iter_calls()])


def audio_seconds(meta: CallMeta) -> float | None:
    if not meta.audio_path:
        return None
    try:
        import soundfile as sf

        return float(sf.info(meta.audio_path).duration)
    except Exception:  # noqa: BLE001 - unknown until decoded (mp3 on old libsndfile, corrupt files)
        return None
