"""`--executor dask`: a LocalCluster of 2 worker processes gives the local run's results, call by call."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from batch_calls import make_calls

from callqa.cli import main

pytest.importorskip("distributed")


def _scores(out: Path) -> dict[str, float]:
    calls = pd.read_parquet(out / "calls.parquet")
    return dict(zip(calls["call_id"], calls["score"], strict=True))


@pytest.mark.timeout(300)
def test_dask_local_cluster_equals_local_run(tmp_path: Path, capsys) -> None:
    manifest = make_calls(tmp_path / "in", 6, audio=True)
    bad = tmp_path / "in" / "broken.wav"
    bad.write_bytes(b"RIFF....not audio")
    with manifest.open("a") as f:
        f.write("broken,broken.wav,,,,,\n")
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert main(["score", str(manifest), "--out", str(local)]) == 1
    capsys.readouterr()
    assert (
        main(["score", str(manifest), "--out", str(dask), "--executor", "dask", "--set", "runtime.workers=2"])
        == 1
    )
    assert "dask: local cluster of 2 single-threaded worker processes" in capsys.readouterr().err

    a, b = _scores(local), _scores(dask)
    assert sorted(a) == [f"c{i:03d}" for i in range(6)] and a == b
    assert len(set(a.values())) > 1  # different calls, different scores: the comparison can fail
    for cid in a:  # every check, call by call
        ca = json.loads((local / "calls" / f"{cid}.json").read_text())["checks"]
        cb = json.loads((dask / "calls" / f"{cid}.json").read_text())["checks"]
        assert {k: v["status"] for k, v in ca.items()} == {k: v["status"] for k, v in cb.items()}
    errors = pd.read_parquet(dask / "errors.parquet")
    assert list(errors["call_id"]) == ["broken"] and errors["stage"].iloc[0] == "decode"

    capsys.readouterr()  # resuming works the same way on Dask
    assert (
        main(["score", str(manifest), "--out", str(dask), "--executor", "dask", "--set", "runtime.workers=2"])
        == 1
    )
    assert "0 scored, 6 skipped, 1 failed" in capsys.readouterr().out.replace(
        " (already scored, same audio and config)", ""
    )


def test_a_worker_keeps_its_models_for_the_whole_batch() -> None:
    from dataclasses import replace

    from callqa.config import load_config
    from callqa.runners import dask_runner

    cfg = load_config()
    first = dask_runner._worker_models(cfg)
    assert dask_runner._worker_models(replace(cfg, runtime=replace(cfg.runtime, workers=4))) is first
    other = dask_runner._worker_models(load_config(None, ["asr.beam_size=1"]))
    assert other is not first and dask_runner._worker_models(load_config(None, ["asr.beam_size=1"])) is other
