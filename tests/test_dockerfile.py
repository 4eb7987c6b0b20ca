"""The CPU Dockerfile builds and scores a demo call — only where a Docker engine runs (never required by CI)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _docker_engine() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


def test_dockerfile_installs_what_make_setup_installs():
    """Checked everywhere: the image installs the CPU torch first, callqa[all], and prepares the models."""
    text = (REPO / "Dockerfile").read_text()
    assert text.index("torch==2.13.0") < text.index('"/src[all]"') < text.index("callqa models --prepare")
    assert "download.pytorch.org/whl/cpu" in text
    assert ".venv" in (REPO / ".dockerignore").read_text().split()


@pytest.mark.integration
@pytest.mark.skipif(not _docker_engine(), reason="no Docker engine on this machine")
def test_image_builds_and_scores_a_demo_call(tmp_path):
    subprocess.run(["docker", "build", "-t", "callqa-test", str(REPO)], check=True, timeout=3600)
    shutil.copy(REPO / "data" / "demo" / "demo-en-02.wav", tmp_path)
    (tmp_path / "m.csv").write_text("call_id,audio_path,language,channel_layout\nd2,demo-en-02.wav,en,mono\n")
    subprocess.run(
        ["docker", "run", "--rm", "--network", "none", "-v", f"{tmp_path}:/work", "callqa-test",
         "score", "/work/m.csv", "--out", "/work/out"],
        check=True, timeout=1800,
    )  # fmt: skip
    assert (tmp_path / "out" / "calls" / "d2.json").exists()
