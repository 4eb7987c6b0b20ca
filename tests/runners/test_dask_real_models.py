"""Dask with the real models (Whisper on stereo clips): each worker loads them once; results equal the local run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from callqa.cli import main

pytest.importorskip("distributed")
E2E = Path(__file__).resolve().parents[1] / "data" / "generated" / "e2e"


@pytest.mark.integration
@pytest.mark.timeout(900)
def test_dask_with_real_models_equals_local(tmp_path: Path) -> None:
    meta = json.loads((E2E / "calls.json").read_text())["calls"]
    names = ["en-open-ok", "en-open-noname"]
    rows = []
    for name in names:
        shutil.copy(E2E / meta[name]["audio"], tmp_path / meta[name]["audio"])
        rows.append(
            {
                "call_id": name,
                "audio_path": meta[name]["audio"],
                "channel_layout": meta[name]["channel_layout"],
                "company": meta[name]["company"],
                "agent_name": meta[name]["agent_name"],
                "language": "en",
            }
        )
    manifest = tmp_path / "calls.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows))
    local, dask = tmp_path / "local", tmp_path / "dask"
    # Dask workers run one thread per library (the nanny sets OMP/MKL/OPENBLAS_NUM_THREADS=1); Whisper's text
    # can change with the thread count, so the local reference runs with the same setting
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONPATH": os.pathsep.join([str(Path.cwd()), os.environ.get("PYTHONPATH", "")]),
    }
    res = subprocess.run(
        [sys.executable, "-m", "callqa.cli", "score", str(manifest), "--out", str(local)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert (
        main(["score", str(manifest), "--out", str(dask), "--executor", "dask", "--set", "runtime.workers=2"])
        == 0
    )
    for name in names:
        a = json.loads((local / "calls" / f"{name}.json").read_text())
        b = json.loads((dask / "calls" / f"{name}.json").read_text())
        assert a["score"] == b["score"], name
        assert [u["text"] for u in a["utterances"]] == [u["text"] for u in b["utterances"]], name
        assert {k: v["status"] for k, v in a["checks"].items()} == {
            k: v["status"] for k, v in b["checks"].items()
        }
    assert len({json.loads((local / "calls" / f"{n}.json").read_text())["score"] for n in names}) > 1
