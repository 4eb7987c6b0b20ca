"""`callqa.load_results`: Parquet file, hive-partitioned folder, or calls/*.json when the tables are missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import callqa
from callqa.report.load import check_values, holds_table, load_results


def test_load_results_from_the_parquet_tables(nights: Path) -> None:
    res = callqa.load_results(nights)
    assert len(res.calls) == 12 and res.calls["call_id"].is_unique
    assert sorted(res.calls["night"].unique()) == ["2025-03-03", "2025-03-04", "2025-03-05"]
    assert sorted(res.calls["agent"].unique()) == ["A101", "A102", "A103", "A104"]
    assert pd.api.types.is_datetime64_any_dtype(res.calls["started_at"])
    assert res.calls["started_at"].is_monotonic_increasing
    # every call has its checks, and every utterance knows its call's agent and night
    assert set(res.checks["call_id"]) == set(res.calls["call_id"])
    assert {"agent", "night", "check", "status", "values", "evidence"} <= set(res.checks.columns)
    assert res.utterances["agent"].notna().all() and res.utterances["night"].notna().all()
    assert {"agent", "customer"} <= set(res.utterances["role"])
    assert res.errors.empty


def test_fallback_to_call_json_when_tables_are_missing(nights: Path, tmp_path: Path) -> None:
    copy = tmp_path / "r"
    shutil.copytree(nights / "calls", copy / "calls")
    res = load_results(copy)
    ref = load_results(nights)
    assert list(res.calls["call_id"]) == list(ref.calls["call_id"])
    assert list(res.calls["night"]) == list(ref.calls["night"])
    assert len(res.checks) == len(ref.checks) and len(res.utterances) == len(ref.utterances)


def test_hive_partitioned_tables(nights: Path, tmp_path: Path) -> None:
    """calls.parquet/night=YYYY-MM-DD/*.parquet, as a partitioned nightly run writes it."""
    ref = load_results(nights)
    part = tmp_path / "r"
    part.mkdir()
    for name in ("calls", "checks", "utterances"):
        df = pd.read_parquet(nights / f"{name}.parquet").drop(columns=["night"], errors="ignore")
        df = (
            df.merge(ref.calls[["call_id", "night"]], on="call_id")
            if name != "calls"
            else df.assign(night=ref.calls.set_index("call_id").loc[df["call_id"], "night"].to_numpy())
        )
        # the night lives only in the folder names, as with hive partitioning
        df.to_parquet(part / f"{name}.parquet", partition_cols=["night"], index=False)
    assert (part / "calls.parquet" / "night=2025-03-04").is_dir()
    res = load_results(part)
    assert sorted(res.calls["call_id"]) == sorted(ref.calls["call_id"])
    assert (
        res.calls.set_index("call_id")["night"].to_dict() == ref.calls.set_index("call_id")["night"].to_dict()
    )
    assert len(res.checks) == len(ref.checks)


def test_expanded_check_values_and_holds(nights: Path) -> None:
    res = load_results(nights)
    rates = check_values(res.checks, "speaking_rate")
    assert len(rates) == 12 and {"agent_rate", "customer_rate", "ratio", "unit", "band"} <= set(rates.columns)
    fast = rates[rates["agent"] == "A103"].set_index("night")
    assert fast.loc["2025-03-03", "ratio"] > 1.25 and fast.loc["2025-03-03", "status"] == "fail"
    holds = holds_table(res.checks)
    assert len(holds) == 12  # one hold per call
    kevin = holds[holds["agent"] == "A102"].set_index("night")
    assert (
        kevin.loc["2025-03-03", "longest_unattended_s"] < 30 < kevin.loc["2025-03-05", "longest_unattended_s"]
    )
    assert not kevin.loc["2025-03-05", "music"]


def test_not_a_results_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not a results folder"):
        load_results(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="no calls.parquet"):
        load_results(tmp_path)
