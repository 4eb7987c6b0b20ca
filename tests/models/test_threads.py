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
