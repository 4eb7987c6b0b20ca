"""Threads per worker: explicit runtime.threads, a Dask/user OMP_NUM_THREADS, else the worker's share of cores."""

from __future__ import annotations

import pytest

from callqa.config import load_config
from callqa.models import threads


@pytest.fixture
def eight_cores(monkeypatch):
    monkeypatch.setattr(threads, "machine_cores", lambda: 8)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)


@pytest.mark.parametrize(("workers", "expected"), [(1, 8), (2, 4), (3, 2), (8, 1), (16, 1)])
def test_each_worker_gets_its_share_of_the_cores(eight_cores, workers, expected):
    config = load_config(None, (f"runtime.workers={workers}",))
    assert threads.threads_per_worker(config) == expected


def test_explicit_threads_win_over_everything(eight_cores, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    config = load_config(None, ("runtime.threads=3", "runtime.workers=4"))
    assert threads.threads_per_worker(config) == 3


def test_omp_num_threads_is_respected(eight_cores, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # what a Dask nanny sets
    assert threads.threads_per_worker(load_config()) == 1


def test_whisper_threads_come_from_the_worker_unless_asr_sets_them():
    from callqa.asr.whisper import WhisperTranscriber

    config = load_config()
    assert WhisperTranscriber(config.asr, threads=4).threads == 4
    pinned = load_config(None, ("asr.cpu_threads=2",))
    assert WhisperTranscriber(pinned.asr, threads=4).threads == 2


def test_auto_workers_one_per_core_unless_memory_is_short(eight_cores, monkeypatch):
    config = load_config(None, ("runtime.workers=0",))
    monkeypatch.setattr(threads, "available_memory_bytes", lambda: 64 * 2**30)
    assert threads.worker_count(config) == 8
    monkeypatch.setattr(threads, "available_memory_bytes", lambda: 5 * 2**30)  # room for 3 workers of 1.6 GB
    assert threads.worker_count(config) == 3
    monkeypatch.setattr(threads, "available_memory_bytes", lambda: 2**30)
    assert threads.worker_count(config) == 1
    assert threads.worker_count(load_config(None, ("runtime.workers=2",))) == 2  # explicit: as asked


def test_one_process_alone_uses_every_core_and_pool_workers_share_them(eight_cores):
    auto = load_config(None, ("runtime.workers=0",))
    assert threads.threads_per_worker(auto) == 8  # one call, or models in this process
    assert threads.pool_threads(auto, 8) == 1 and threads.pool_threads(auto, 3) == 2
    assert threads.pool_threads(load_config(None, ("runtime.threads=2",)), 8) == 2
