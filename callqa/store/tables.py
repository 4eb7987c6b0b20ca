"""Flat tables for analysts: calls, checks, utterances, errors (pandas at the edge), and DuckDB views."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from callqa.store.codec import published_values

TABLES = ("calls", "checks", "utterances", "errors")
CALL_COLUMNS = ["call_id", "audio_path", "duration_s", "language", "agent_id", "agent_name", "company",
                "channel_layout", "score", "passed", "started_at", "direction"]


def _scalar(v: Any) -> Any:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return v


def build_tables(calls: list[dict[str, Any]], errors: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    call_rows, check_rows, utt_rows = [], [], []
    for c in calls:
        row = {
            "call_id": c["call_id"], "audio_path": c.get("audio_path"), "duration_s": c.get("duration_s"),
            "language": c.get("language"), "agent_id": c.get("agent_id"), "agent_name": c.get("agent_name"),
            "company": c.get("company"), "channel_layout": c.get("channel_layout"), "score": c.get("score"),
            "passed": (c.get("scorecard") or {}).get("passed"),
            "started_at": (c.get("meta") or {}).get("started_at"),
            "direction": (c.get("meta") or {}).get("direction"),
        }
        timing = c.get("timing") or {}
        for role, secs in (timing.get("talk_s") or {}).items():
            row[f"talk_s_{role}"] = secs
        row["talk_ratio"] = timing.get("talk_ratio")
        row["silence_s"] = timing.get("silence_s")
        row["overtalk_s"] = timing.get("overtalk_s")
        for name, chk in (c.get("checks") or {}).items():
            row[f"{name}_status"] = chk.get("status")
            values = published_values(chk)
            for k, v in values.items():
                if isinstance(v, (int, float, str, bool)) or v is None:
                    row[f"{name}_{k}"] = v
            check_rows.append({
                "call_id": c["call_id"], "agent_id": c.get("agent_id"), "check": name, "status": chk.get("status"),
                "reason": chk.get("reason"),
                "values": json.dumps(values, ensure_ascii=False, default=str),
                "evidence": json.dumps(chk.get("evidence", []), ensure_ascii=False, default=str),
            })
        call_rows.append(row)
        for i, u in enumerate(c.get("utterances") or []):
            utt_rows.append({
                "call_id": c["call_id"], "index": i, "speaker": u.get("speaker"), "role": u.get("role"),
                "start_s": u.get("start_s"), "end_s": u.get("end_s"), "text": u.get("text"),
                "n_words": len(u.get("words") or []), "channel": u.get("channel"),
            })
    err_rows = [{k: e.get(k) for k in ("call_id", "file", "stage", "message", "at")} for e in errors]
    frames = {
        "calls": pd.DataFrame(call_rows),
        "checks": pd.DataFrame(check_rows, columns=["call_id", "agent_id", "check", "status", "reason", "values", "evidence"]),
        "utterances": pd.DataFrame(utt_rows, columns=["call_id", "index", "speaker", "role", "start_s", "end_s", "text", "n_words", "channel"]),
        "errors": pd.DataFrame(err_rows, columns=["call_id", "file", "stage", "message", "at"]),
    }
    if frames["calls"].empty:  # the DuckDB views need these columns even when every call failed
        frames["calls"] = pd.DataFrame(columns=CALL_COLUMNS)
    for df in frames.values():
        for col in df.columns:
            if df[col].dtype == object:
                df[col] = df[col].map(_scalar)
    return frames


def write_duckdb(root: Path) -> Path:
    """A DuckDB file with views over the Parquet tables (absolute paths: rebuild with `callqa report` after moving)."""
    import duckdb

    db = root / "callqa.duckdb"
    tmp = root / ".callqa.duckdb.tmp"
    if tmp.exists():
        tmp.unlink()
    con = duckdb.connect(str(tmp))
    try:
        for name in TABLES:
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{(root / f'{name}.parquet').as_posix()}')")
        con.execute(
            "CREATE VIEW agent_summary AS SELECT agent_id, any_value(agent_name) AS agent_name, count(*) AS calls, "
            "avg(score) AS avg_score, avg(CASE WHEN passed THEN 1.0 ELSE 0.0 END) AS pass_rate "
            "FROM calls GROUP BY agent_id"
        )
    finally:
        con.close()
    tmp.replace(db)
    return db
