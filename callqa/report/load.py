"""`load_results(path)`: a results folder as pandas DataFrames (calls, checks, utterances, errors).

Reads the Parquet tables `callqa score` writes — a single file (`calls.parquet`) or a folder of
partitions (`calls.parquet/night=YYYY-MM-DD/...`, hive style) — and falls back to the per-call JSON
files (`calls/*.json`) when a table is missing. Columns and units are documented in
docs/results-tables.md.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from callqa.checks.holds import HoldsValues
from callqa.store.codec import StoredCheck, StoredResult, result_from_json, values_from_json
from callqa.store.results import ResultStore
from callqa.store.tables import build_tables

UNKNOWN_AGENT = "(unknown)"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]|$)")


class Results(NamedTuple):
    """The tables of one results folder. `calls` has one row per call, `checks` one per (call, check),
    `utterances` one per utterance, `errors` one per file that could not be analysed."""

    calls: pd.DataFrame
    checks: pd.DataFrame
    utterances: pd.DataFrame
    errors: pd.DataFrame
    root: Path


def _table_path(root: Path, name: str) -> Path | None:
    for candidate in (root / f"{name}.parquet", root / name):
        if candidate.is_file() and candidate.suffix == ".parquet":
            return candidate
        if candidate.is_dir() and (any(candidate.rglob("*.parquet"))):
            return candidate
    return None


def _read_table(path: Path) -> pd.DataFrame:
    df = pd.read_parquet(path)
    if "night" in df.columns:  # hive partition column: categorical -> plain text
        df["night"] = df["night"].astype("string").astype(object)
    return df


def _from_json(root: Path) -> dict[str, pd.DataFrame]:
    store = ResultStore(root)
    calls: list[StoredResult] = []
    for path in sorted(store.calls_dir.glob("*.json")):
        try:
            calls.append(result_from_json(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:  # CodecError is a ValueError
            raise ValueError(f"{path}: not a readable call result ({exc})") from exc
    return build_tables(calls, store.errors.read())


def _parse_times(values: pd.Series) -> pd.Series:
    try:
        return pd.to_datetime(values, errors="coerce", format="mixed")
    except (ValueError, TypeError):  # time zones mixed with naive times: compare them in UTC
        return pd.to_datetime(values, errors="coerce", format="mixed", utc=True)


def _night_of(started_at: pd.Series) -> pd.Series:
    """The call's night as written (the local date of an ISO time), else the date of the parsed time."""
    text = started_at.astype(object).where(started_at.notna(), None)
    iso = text.map(lambda v: v[:10] if isinstance(v, str) and _ISO_DATE.match(v) else None)
    ts = _parse_times(started_at)
    parsed = ts.dt.strftime("%Y-%m-%d").astype(object).where(ts.notna(), None)
    return iso.where(iso.notna(), parsed)


def load_results(path: str | Path) -> Results:
    """The calls, checks, utterances and errors of a results folder as DataFrames.

    Added columns: `calls.agent` (agent_id, else agent_name, else "(unknown)"), `calls.night`
    (YYYY-MM-DD: the partition's night, else the date of `started_at`, else None) and
    `calls.started_at` as a timestamp; `checks`/`utterances` get `agent` and `night` joined from calls.
    """
    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a results folder")
    paths = {name: _table_path(root, name) for name in ("calls", "checks", "utterances", "errors")}
    fallback: dict[str, pd.DataFrame] | None = None
    frames: dict[str, pd.DataFrame] = {}
    for name, p in paths.items():
        if p is not None:
            frames[name] = _read_table(p)
        else:
            if fallback is None:
                if not (root / "calls").is_dir() and paths["calls"] is None:
                    raise FileNotFoundError(
                        f"{root}: no calls.parquet and no calls/*.json: not a results folder"
                    )
                fallback = _from_json(root)
            frames[name] = fallback[name]
    calls = frames["calls"].copy()
    for col in ("call_id", "agent_id", "agent_name", "started_at", "score", "passed", "duration_s"):
        if col not in calls.columns:
            calls[col] = None
    agent = calls["agent_id"].where(
        calls["agent_id"].notna() & (calls["agent_id"].astype(str) != ""), calls["agent_name"]
    )
    calls["agent"] = agent.where(agent.notna() & (agent.astype(str) != ""), UNKNOWN_AGENT).astype(str)
    night = _night_of(calls["started_at"])
    if "night" in calls.columns:
        calls["night"] = calls["night"].where(calls["night"].notna(), night)
    else:
        calls["night"] = night
    calls["started_at"] = _parse_times(calls["started_at"])
    calls["score"] = pd.to_numeric(calls["score"], errors="coerce")
    calls = calls.sort_values(["started_at", "call_id"], na_position="last", kind="stable").reset_index(
        drop=True
    )
    keys = calls[["call_id", "agent", "night"]]
    out = {"calls": calls}
    for name in ("checks", "utterances"):
        df = frames[name].drop(columns=[c for c in ("agent", "night") if c in frames[name].columns])
        out[name] = df.merge(keys, on="call_id", how="left")
    return Results(out["calls"], out["checks"], out["utterances"], frames["errors"], root)


def check_values(checks: pd.DataFrame, check: str) -> pd.DataFrame:
    """One check's values expanded into columns (one row per call where it ran), with call_id, agent,
    night and status."""
    rows = checks[checks["check"] == check]
    records = []
    for r in rows.itertuples(index=False):
        values = values_from_json(r.values if isinstance(r.values, str) else None)
        records.append(
            {
                "call_id": r.call_id,
                "agent": getattr(r, "agent", None),
                "night": getattr(r, "night", None),
                "status": r.status,
                **{k: v for k, v in values.items() if not isinstance(v, dict)},
            }
        )
    return pd.DataFrame.from_records(records)


def holds_table(checks: pd.DataFrame) -> pd.DataFrame:
    """One row per hold found by the `holds` check: call_id, agent, night, start_s, end_s, duration_s,
    music, checkins, longest_unattended_s, violation, asked_permission, thanked, max_unattended_s."""
    records = []
    for r in checks[checks["check"] == "holds"].itertuples(index=False):
        values = values_from_json(r.values if isinstance(r.values, str) else None)
        found = StoredCheck(r.status, values=values).typed(HoldsValues)
        if found is None:  # `na`: no hold found
            continue
        for h in found.holds:
            records.append(
                {
                    "call_id": r.call_id,
                    "agent": getattr(r, "agent", None),
                    "night": getattr(r, "night", None),
                    **asdict(h),
                    "duration_s": round(float(h.end_s) - float(h.start_s), 3),
                    "max_unattended_s": found.max_unattended_s,
                }
            )
    cols = [
        "call_id",
        "agent",
        "night",
        "start_s",
        "end_s",
        "duration_s",
        "music",
        "checkins",
        "longest_unattended_s",
        "violation",
        "asked_permission",
        "thanked",
        "max_unattended_s",
    ]
    return (
        pd.DataFrame.from_records(records, columns=cols)
        if not records
        else pd.DataFrame.from_records(records)
    )
