"""A call id can never make callqa write outside --out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stored_results import stored_result

from callqa.cli import main
from callqa.ingest.manifest import safe_call_id
from callqa.store.results import ResultStore

HOSTILE_IDS = [
    "../../etc/x",
    "/abs/path",
    "..",
    ".",
    "a/b",
    "a\\b",
    "  ",
    "звонок-1",
    "通话",
    "x" * 400,
    "../calls/../../y",
    "\x00nul",
    "~/home",
]


@pytest.mark.parametrize("call_id", HOSTILE_IDS)
def test_safe_call_id_is_one_plain_file_name(call_id: str) -> None:
    safe = safe_call_id(call_id)
    assert safe and safe not in (".", "..")
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".")  # no hidden files, no '..'
    assert len(safe) <= 150


@pytest.mark.parametrize("call_id", HOSTILE_IDS)
def test_store_paths_stay_under_calls(tmp_path: Path, call_id: str) -> None:
    store = ResultStore(tmp_path / "out")
    path = store.call_path(call_id)
    assert path.parent == (tmp_path / "out" / "calls").resolve()
    store.write_call(stored_result(call_id, score=1.0))
    assert store.read_call(call_id).score == 1.0


def _tree(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_manifest_with_hostile_ids_writes_only_under_out(
    tmp_path: Path, good_call: Path, fake_models
) -> None:
    ids = ["../../etc/x", "/abs/path", "..", "a/b", "a_b", "", "звонок", "通话"]
    manifest = tmp_path / "in" / "calls.jsonl"
    manifest.write_text("".join(json.dumps({"call_id": cid, "audio_path": "good.wav"}) + "\n" for cid in ids))
    before = _tree(tmp_path)
    out = tmp_path / "work" / "out"
    rc = main(["score", str(manifest), "--out", str(out)])
    assert rc == 1  # the empty id is a manifest error row
    created = _tree(tmp_path) - before
    outside = [p for p in created if out not in p.parents and p != out and p not in out.parents]
    assert outside == []
    results = sorted((out / "calls").glob("*.json"))
    assert len(results) == len(ids) - 1  # every non-empty id got its own file, none overwritten
    assert all(p.parent == out / "calls" for p in results)
    stored_ids = {json.loads(p.read_text())["call_id"] for p in results}
    assert len(stored_ids) == len(ids) - 1
    (err,) = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert err["stage"] == "manifest" and "call_id" in err["message"]
    assert not Path("/abs/path.json").exists()


def test_show_finds_a_hostile_id_by_its_original_text(
    tmp_path: Path, good_call: Path, fake_models, capsys
) -> None:
    manifest = tmp_path / "in" / "calls.csv"
    manifest.write_text("call_id,audio_path\n../../etc/x,good.wav\n")
    out = tmp_path / "out"
    assert main(["score", str(manifest), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["show", "../../etc/x", "--out", str(out)]) == 0
    assert "call etc_x" in capsys.readouterr().out
