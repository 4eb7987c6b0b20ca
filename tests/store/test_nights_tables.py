"""Nights accumulate as hive partitions; readers see one table; the folder can be moved; old layouts migrate."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runners"))
from batch_calls import make_calls  # noqa: E402

from callqa.cli import main  # noqa: E402
from callqa.store.nights import night_of
from callqa.store.results import ResultStore  # noqa: E402
from callqa.store.tables import connect  # noqa: E402


def test_night_of_timestamps() -> None:
    assert night_of("2026-11-24T23:59:00+03:00") == "2026-11-24"  # the call's own local date
    assert night_of("2026-11-24 01:00") == "2026-11-24"
    assert night_of("2026-11-24T01:00:00Z") == "2026-11-24"
    assert night_of("yesterday") is None and night_of(None) is None


def test_nights_accumulate_and_only_touched_nights_are_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    m1 = make_calls(tmp_path / "n1", 3, started_at=["2026-11-23T22:00:00"], prefix="a")
    assert main(["score", str(m1), "--out", str(out)]) == 0
    part1 = out / "calls.parquet" / "night=2026-11-23" / "part-0.parquet"
    stamp = part1.stat().st_mtime_ns
    m2 = make_calls(tmp_path / "n2", 2, started_at=["2026-11-24T09:00:00"], prefix="b")
    assert main(["score", str(m2), "--out", str(out)]) == 0
    m3 = make_calls(tmp_path / "n3", 2, prefix="c")  # no started_at: --night files them
    assert main(["score", str(m3), "--out", str(out), "--night", "2026-11-25"]) == 0
    assert part1.stat().st_mtime_ns == stamp  # last night's partition untouched by tonight's batches

    calls = pd.read_parquet(out / "calls.parquet")
    per_night = calls.groupby(calls["night"].astype(str))["call_id"].apply(sorted).to_dict()
    assert per_night == {
        "2026-11-23": ["a000", "a001", "a002"],
        "2026-11-24": ["b000", "b001"],
        "2026-11-25": ["c000", "c001"],
    }
    for name in ("checks", "utterances"):
        t = pd.read_parquet(out / f"{name}.parquet")
        assert set(t["call_id"]) == set(calls["call_id"]) and "night" in t.columns
    assert json.loads((out / "calls" / "c000.json").read_text())["night"] == "2026-11-25"
    # trends across nights need nothing extra
    con = connect(out)
    try:
        rows = con.execute("SELECT CAST(night AS VARCHAR), calls FROM night_summary").fetchall()
    finally:
        con.close()
    assert rows == [("2026-11-23", 3), ("2026-11-24", 2), ("2026-11-25", 2)]

    # the same call filed under another night moves (it is not duplicated)
    assert main(["score", str(m3), "--out", str(out), "--night", "2026-11-26"]) == 0
    calls = pd.read_parquet(out / "calls.parquet")
    assert calls["call_id"].is_unique and len(calls) == 7
    assert sorted(calls.loc[calls["call_id"].str.startswith("c"), "night"].astype(str)) == ["2026-11-26"] * 2
    assert not (out / "calls.parquet" / "night=2026-11-25").exists()


def test_nights_with_different_columns_read_as_one_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    m1 = make_calls(tmp_path / "n1", 2, started_at=["2026-11-23T10:00:00"], prefix="a")
    assert main(["score", str(m1), "--out", str(out)]) == 0
    m2 = make_calls(tmp_path / "n2", 2, started_at=["2026-11-24T10:00:00"], prefix="b")
    assert main(["score", str(m2), "--out", str(out), "--set", "checks.silence.enabled=true"]) == 0
    calls = pd.read_parquet(out / "calls.parquet")
    assert len(calls) == 4 and "silence_status" in calls.columns
    silence = calls.set_index("call_id")["silence_status"]
    assert silence[["a000", "a001"]].isna().all() and silence[["b000", "b001"]].notna().all()


def test_moved_folder_still_opens(tmp_path: Path) -> None:
    out = tmp_path / "night_results"
    manifest = make_calls(tmp_path / "in", 3, started_at=["2026-11-23T10:00:00"])
    assert main(["score", str(manifest), "--out", str(out)]) == 0
    moved = tmp_path / "archive" / "copy_of_results"
    moved.parent.mkdir()
    shutil.move(str(out), str(moved))
    assert not out.exists()
    con = connect(moved)  # from any working directory
    try:
        assert con.execute("SELECT count(*) FROM calls").fetchone() == (3,)
        assert con.execute("SELECT count(*) FROM utterances").fetchone() == (15,)
        assert con.execute("SELECT calls FROM agent_summary WHERE agent_id = 'A0'").fetchone() == (1,)
    finally:
        con.close()
    cwd = os.getcwd()
    os.chdir(moved)  # plain DuckDB, started inside the folder (as `cd results && duckdb callqa.duckdb`)
    try:
        con = duckdb.connect("callqa.duckdb", read_only=True)
        assert con.execute("SELECT count(*) FROM checks WHERE call_id = 'c001'").fetchone()[0] > 0
        con.close()
    finally:
        os.chdir(cwd)
    assert len(pd.read_parquet(moved / "calls.parquet")) == 3


def test_old_flat_tables_are_migrated(tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = make_calls(tmp_path / "in", 2, started_at=["2026-11-23T10:00:00"])
    assert main(["score", str(manifest), "--out", str(out)]) == 0
    # make it look like a 0.1 folder: flat Parquet files, no night in the JSON, no index
    for name in ("calls", "checks", "utterances", "errors"):
        shutil.rmtree(out / f"{name}.parquet")
    pd.DataFrame({"call_id": ["c000", "c001"]}).to_parquet(out / "calls.parquet")
    shutil.rmtree(out / "state")
    for p in (out / "calls").glob("*.json"):
        d = json.loads(p.read_text())
        d.pop("night")
        p.write_text(json.dumps(d))
    assert main(["report", "--out", str(out)]) == 0
    assert (out / "calls.parquet").is_dir()
    calls = pd.read_parquet(out / "calls.parquet")
    assert sorted(calls["call_id"]) == ["c000", "c001"] and set(calls["night"].astype(str)) == {"2026-11-23"}


def test_empty_tables_keep_their_columns(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "out")
    store.write_tables()
    for name, col in (("calls", "score"), ("checks", "check"), ("utterances", "text"), ("errors", "message")):
        df = pd.read_parquet(tmp_path / "out" / f"{name}.parquet")
        assert len(df) == 0 and col in df.columns
    con = connect(tmp_path / "out")
    try:
        assert con.execute("SELECT count(*) FROM calls").fetchone() == (0,)
    finally:
        con.close()


@pytest.mark.parametrize("line", ['{"call_id": "x", "file": "x.wav", "stage": "deco'])
def test_torn_error_line_is_skipped(tmp_path: Path, line: str) -> None:
    store = ResultStore(tmp_path)
    store.errors.record(file="a.wav", stage="decode", message="empty file", call_id="a")
    with store.errors.path.open("a") as f:
        f.write(line)  # a crash in the middle of an append
    store.errors.record(file="b.wav", stage="decode", message="empty file", call_id="b")
    assert [e.call_id for e in store.errors.read()] == ["a", "b"]


def test_a_night_left_dirty_by_a_killed_batch_is_rebuilt_even_when_nothing_is_rescored(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    manifest = make_calls(tmp_path / "in", 2, started_at=["2026-11-23T10:00:00"])
    assert main(["score", str(manifest), "--out", str(out)]) == 0
    # a batch wrote a result and was killed before rebuilding the tables
    store = ResultStore(out)
    data = store.read_call("c001")
    store.write_call(replace(data, score=12.5))
    assert (out / "state" / "dirty" / "2026-11-23").exists()
    assert main(["score", str(manifest), "--out", str(out)]) == 0  # everything is skipped ...
    calls = pd.read_parquet(out / "calls.parquet").set_index("call_id")
    assert calls.loc["c001", "score"] == 12.5  # ... and the night's partition is still brought up to date
    assert not (out / "state" / "dirty" / "2026-11-23").exists()


def test_a_value_that_is_a_number_one_night_and_text_another_becomes_text(tmp_path: Path) -> None:
    from callqa.store.tables import unify_partitions, write_partition

    folder = tmp_path / "calls.parquet"
    write_partition(folder, "2026-11-23", pd.DataFrame({"call_id": ["a"], "x_value": [3], "y": [None]}))
    write_partition(folder, "2026-11-24", pd.DataFrame({"call_id": ["b"], "x_value": ["three"], "y": [1.5]}))
    unify_partitions(folder)
    df = pd.read_parquet(folder).set_index("call_id")
    assert df.loc["a", "x_value"] == "3" and df.loc["b", "x_value"] == "three"
    assert pd.isna(df.loc["a", "y"]) and df.loc["b", "y"] == 1.5
