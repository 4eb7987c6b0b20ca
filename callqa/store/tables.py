"""Flat tables for analysts: calls, checks, utterances, errors (pandas at the edge), and DuckDB views."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from callqa.checks.sentiment import SentimentValues, UtteranceValues
from callqa.store.atomic import TMP_SUFFIX, fsync_dir
from callqa.store.codec import CodecError, ErrorRow, StoredResult, decode_record, evidence_to_dict

TABLES = ("calls", "checks", "utterances", "errors")
# `sentiment`: the utterance's −5..5 score from the `sentiment` check (None without it)
UTTERANCE_COLUMNS = [
    "call_id",
    "index",
    "speaker",
    "role",
    "start_s",
    "end_s",
    "text",
    "n_words",
    "channel",
    "sentiment",
]
# `confidence`: how sure the pass/fail is (None for na); `low_confidence`: a fail to listen to before grading
CHECK_COLUMNS = ["call_id", "agent_id", "check", "status", "reason", "confidence", "low_confidence", "values",
                 "evidence"]  # fmt: skip
CALL_COLUMNS = [
    "call_id",
    "audio_path",
    "duration_s",
    "language",
    "agent_id",
    "agent_name",
    "company",
    "channel_layout",
    "score",
    "passed",
    "started_at",
    "direction",
]


def _scalar(v: Any) -> Any:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return v


def _utterance_sentiment(call: StoredResult) -> dict[tuple[str, float], float]:
    """(role, start_s) -> the `sentiment` check's −5..5 score of that utterance (empty without the check)."""
    chk = call.check("sentiment")
    items = chk.value(SentimentValues, "utterances") if chk is not None else None
    scored = []
    for item in items or ():
        try:
            scored.append(decode_record(UtteranceValues, item))
        except CodecError:  # not an utterance's score: left out, as a missing one
            continue
    return {(u.role, round(float(u.start_s), 3)): u.score for u in scored}


def build_tables(calls: Sequence[StoredResult], errors: Sequence[ErrorRow]) -> dict[str, pd.DataFrame]:
    call_rows, check_rows, utt_rows = [], [], []
    for c in calls:
        row: dict[str, Any] = {
            "call_id": c.call_id,
            "audio_path": c.audio_path,
            "duration_s": c.duration_s,
            "language": c.language,
            "agent_id": c.agent_id,
            "agent_name": c.agent_name,
            "company": c.company,
            "channel_layout": c.channel_layout,
            "score": c.score,
            "passed": c.scorecard.passed,
            "started_at": c.meta.started_at,
            "direction": c.meta.direction,
            "audio_redacted_path": c.audio_redaction.path
            if c.audio_redaction
            else None,  # redact.audio's copy
        }
        for role, secs in c.timing.talk_s.items():
            row[f"talk_s_{role}"] = secs
        row["talk_ratio"] = c.timing.talk_ratio
        row["silence_s"] = c.timing.silence_s
        row["overtalk_s"] = c.timing.overtalk_s
        conf = c.transcript_confidence  # mean ASR word probability per party (None: imported)
        row["transcript_probability_agent"] = conf.agent if conf is not None else None
        row["transcript_probability_customer"] = conf.customer if conf is not None else None
        for name, chk in c.checks.items():
            row[f"{name}_status"] = chk.status
            for k, v in chk.values.items():
                if isinstance(v, (int, float, str, bool)) or v is None:
                    row[f"{name}_{k}"] = v
            check_rows.append(
                {
                    "call_id": c.call_id,
                    "agent_id": c.agent_id,
                    "check": name,
                    "status": chk.status,
                    "reason": chk.reason,
                    "confidence": chk.confidence,
                    "low_confidence": bool(chk.low_confidence),
                    "values": json.dumps(dict(chk.values), ensure_ascii=False, default=str),
                    "evidence": json.dumps(
                        [evidence_to_dict(e) for e in chk.evidence], ensure_ascii=False, default=str
                    ),
                }
            )
        call_rows.append(row)
        sentiment = _utterance_sentiment(c)
        for i, u in enumerate(c.utterances):
            utt_rows.append(
                {
                    "call_id": c.call_id,
                    "index": i,
                    "speaker": u.speaker,
                    "role": u.role,
                    "start_s": u.start_s,
                    "end_s": u.end_s,
                    "text": u.text,
                    "n_words": len(u.words),
                    "channel": u.channel,
                    "sentiment": sentiment.get((u.role, round(float(u.start_s), 3))),
                }
            )
    err_rows = [
        {"call_id": e.call_id, "file": e.file, "stage": e.stage, "message": e.message, "at": e.at}
        for e in errors
    ]
    frames = {
        "calls": pd.DataFrame(call_rows),
        "checks": pd.DataFrame(check_rows, columns=CHECK_COLUMNS),
        "utterances": pd.DataFrame(
            utt_rows,
            columns=UTTERANCE_COLUMNS,
        ),
        "errors": pd.DataFrame(err_rows, columns=["call_id", "file", "stage", "message", "at"]),
    }
    if frames["calls"].empty:  # the DuckDB views need these columns even when every call failed
        frames["calls"] = pd.DataFrame(columns=CALL_COLUMNS)
    for df in frames.values():
        for col in df.columns:
            if df[col].dtype == object:
                df[col] = df[col].map(_scalar)
    return frames


def write_partition(folder: Path, night: str, df: pd.DataFrame) -> int:
    """Atomically replace `folder/night=<night>/part-0.parquet` with `df` (an empty frame removes the night)."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    part_dir = folder / f"night={night}"
    if df.empty:
        if part_dir.exists():
            shutil.rmtree(part_dir)
            fsync_dir(folder)
        return 0
    if folder.is_file():  # a flat table from an older version
        folder.unlink()
    part_dir.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
    tmp = part_dir / f".part-0.parquet{TMP_SUFFIX}"
    try:
        pq.write_table(table, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, part_dir / "part-0.parquet")
        fsync_dir(part_dir)
    finally:
        tmp.unlink(missing_ok=True)
    return len(df)


def unify_partitions(folder: Path) -> None:
    """Give every night's file the same schema (union of columns, promoted types).

    Nights differ in their columns (checks added to the config, a value null all night); pyarrow takes a
    hive folder's schema from one file and would drop or refuse the rest, so `pd.read_parquet(folder)`
    needs one schema. Only files whose schema differs are rewritten (metadata is read, not the data).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(folder.glob("night=*/part-0.parquet")) if folder.is_dir() else []
    if len(files) < 2:
        return
    schemas = [pq.read_schema(f).remove_metadata() for f in files]
    union = _union_schema(schemas)
    for path, schema in zip(files, schemas, strict=True):
        if schema.equals(union):
            continue
        table = pq.read_table(path, partitioning=None)
        cols = []
        for field in union:
            if field.name in table.column_names:
                col = table.column(field.name)
                cols.append(col if col.type.equals(field.type) else col.cast(field.type))
            else:
                cols.append(pa.nulls(len(table), type=field.type))
        new = pa.Table.from_arrays(cols, schema=union)
        tmp = path.parent / f".part-0.parquet{TMP_SUFFIX}"
        try:
            pq.write_table(new, tmp)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, path)
            fsync_dir(path.parent)
        finally:
            tmp.unlink(missing_ok=True)


def _union_schema(schemas: list) -> Any:
    """Union of columns with promoted types; a column whose types cannot be promoted (a value that is a
    number one night and text another) becomes text."""
    import pyarrow as pa

    try:
        return pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    order: list[str] = []
    types: dict[str, list] = {}
    for schema in schemas:
        for field in schema:
            if field.name not in types:
                order.append(field.name)
                types[field.name] = []
            types[field.name].append(field.type)
    fields = []
    for name in order:
        try:
            merged = pa.unify_schemas(
                [pa.schema([(name, t)]) for t in types[name]], promote_options="permissive"
            )
            fields.append(merged.field(name))
        except (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
            fields.append(pa.field(name, pa.large_string()))
    return pa.schema(fields)


def finish_table(folder: Path, name: str) -> None:
    """A table with no night at all is an `empty.parquet` with its columns (so readers still see them)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    empty = folder / "empty.parquet"
    if any(folder.glob("night=*/part-0.parquet")):
        empty.unlink(missing_ok=True)
        return
    folder.mkdir(parents=True, exist_ok=True)
    if not empty.exists():
        schema = pa.schema([(c, pa.string()) for c in EMPTY_COLUMNS[name]])
        tmp = folder / f".empty.parquet{TMP_SUFFIX}"
        pq.write_table(schema.empty_table(), tmp)
        os.replace(tmp, empty)


def _empty_view_sql(columns: list[str]) -> str:
    cols = ", ".join(f'CAST(NULL AS VARCHAR) AS "{c}"' for c in columns) or "NULL AS call_id"
    return f"SELECT {cols}, CAST(NULL AS DATE) AS night WHERE false"


EMPTY_COLUMNS = {
    "calls": CALL_COLUMNS,
    "checks": CHECK_COLUMNS,
    "utterances": UTTERANCE_COLUMNS,
    "errors": ["call_id", "file", "stage", "message", "at"],
}


def write_duckdb(root: Path) -> Path:
    """A DuckDB file with views over the Parquet folders, by paths relative to the results folder.

    DuckDB resolves relative paths against the working directory or `file_search_path`, so open it with
    `callqa.store.tables.connect(root)` (sets file_search_path) or `cd root && duckdb callqa.duckdb`; the
    folder can then be moved or copied freely.
    """
    import duckdb

    db = root / "callqa.duckdb"
    tmp = root / ".callqa.duckdb.tmp"
    if tmp.exists():
        tmp.unlink()
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"SET file_search_path = '{_sql_str(root)}'")  # binding the views needs the files
        for name in TABLES:
            if any((root / f"{name}.parquet").glob("night=*/part-0.parquet")):
                con.execute(
                    f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{name}.parquet/night=*/part-0.parquet', "
                    "hive_partitioning = true, union_by_name = true)"
                )
            else:
                con.execute(f"CREATE VIEW {name} AS {_empty_view_sql(EMPTY_COLUMNS[name])}")
        con.execute(
            "CREATE VIEW agent_summary AS SELECT agent_id, any_value(agent_name) AS agent_name, count(*) AS calls, "
            "avg(CAST(score AS DOUBLE)) AS avg_score, avg(CASE WHEN CAST(passed AS BOOLEAN) THEN 1.0 ELSE 0.0 END) "
            "AS pass_rate FROM calls GROUP BY agent_id"
        )
        con.execute(
            "CREATE VIEW night_summary AS SELECT night, count(*) AS calls, avg(CAST(score AS DOUBLE)) AS avg_score, "
            "avg(CASE WHEN CAST(passed AS BOOLEAN) THEN 1.0 ELSE 0.0 END) AS pass_rate, "
            "sum(CAST(duration_s AS DOUBLE)) / 3600 AS audio_hours FROM calls GROUP BY night ORDER BY night"
        )
    finally:
        con.close()
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    tmp.replace(db)
    fsync_dir(root)
    return db


def _sql_str(path: Path) -> str:
    return Path(path).resolve().as_posix().replace("'", "''")


def connect(root: str | Path, *, read_only: bool = True):
    """Open `root/callqa.duckdb` from any working directory (its views use paths relative to `root`)."""
    import duckdb

    root = Path(root).resolve()
    con = duckdb.connect(str(root / "callqa.duckdb"), read_only=read_only)
    con.execute(f"SET file_search_path = '{_sql_str(root)}'")
    return con
