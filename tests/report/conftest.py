"""Results folders for the report tests, built by the real pipeline from generated recordings and imported
transcripts (callqa.report.demo_nights): no speech model runs, so they take seconds, not minutes."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_hostile import HOSTILE

from callqa.report.demo_nights import AGENTS, build_demo_nights


@pytest.fixture(scope="session")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 agents × 3 nights × 1 call: A102 slips from the second night, A103 talks too fast until the last."""
    return build_demo_nights(tmp_path_factory.mktemp("nights"), nights=3, calls=1)


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Agent ids and names that are HTML, paths, non-Latin text and reserved file names; one night."""
    return build_demo_nights(
        tmp_path_factory.mktemp("hostile"), nights=1, calls=1, agents=AGENTS[:1] + HOSTILE
    )
