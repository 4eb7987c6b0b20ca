"""Fixtures for the signal tests: real clips from tests/data/external (never /work/shared)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from callqa.ingest.audio import Audio, load_audio, resample
from callqa.signal.analyze import analyze_signal
from callqa.signal.config import SignalConfig
from callqa.types import CallMeta, SignalReport

EXTERNAL = Path(__file__).resolve().parents[1] / "data" / "external"


def real(path: str, *, sample_rate: int = 8000) -> np.ndarray:
    """A mono clip from tests/data/external at `sample_rate`."""
    a = load_audio(EXTERNAL / path)
    return resample(a.mono(), a.sample_rate, sample_rate)


def analyze(*channels: np.ndarray, layout: str = "mono", language: str = "en", **meta) -> SignalReport:
    n = min(len(c) for c in channels)
    samples = np.stack([c[:n] for c in channels]).astype(np.float32)
    call = CallMeta("t", None, language=language, channel_layout=layout, **meta)  # type: ignore[arg-type]
    return analyze_signal(Audio(samples, 8000), config=SignalConfig(), meta=call)


@pytest.fixture(scope="session")
def agent_leg() -> np.ndarray:
    return real("aws-lca/Auto_Repairs_40_UTC_agent.wav")


@pytest.fixture(scope="session")
def caller_leg() -> np.ndarray:
    return real("aws-lca/Auto_Repairs_40_UTC_caller.wav")
