"""Everything under --out: per-call JSON (atomic), transcript cache, error log, Parquet tables, DuckDB views."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from callqa.ingest.manifest import safe_call_id
from callqa.types import CallTranscript


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class ResultStore:
    """Layout of an output folder. Call ids are sanitised so nothing is written outside it."""

    def __init__(self, out_dir: str | Path):
        self.root = Path(out_dir).resolve()
        self.calls_dir = self.root / "calls"
        self.cache_dir = self.root / "cache" / "transcripts"
        self.errors_path = self.root / "errors.jsonl"

    def call_path(self, call_id: str) -> Path:
        path = (self.calls_dir / f"{safe_call_id(call_id)}.json").resolve()
        if self.calls_dir.resolve() not in path.parents:
            raise ValueError(f"call id {call_id!r} would write outside {self.calls_dir}")
        return path

    # per-call results -------------------------------------------------------------------------
    def has_call(self, call_id: str) -> bool:
        return self.call_path(call_id).exists()

    def write_call(self, result: dict[str, Any]) -> Path:
        path = self.call_path(result["call_id"])
        atomic_write_text(path, json.dumps(result, ensure_ascii=False, indent=1, default=str))
        return path

    def read_call(self, call_id: str) -> dict[str, Any]:
        path = self.call_path(call_id)
        if not path.exists():
            raise FileNotFoundError(f"no result for call {call_id!r} in {self.calls_dir}")
        return json.loads(path.read_text(encoding="utf-8"))

    def iter_calls(self) -> Iterator[dict[str, Any]]:
        for path in sorted(self.calls_dir.glob("*.json")):
            yield json.loads(path.read_text(encoding="utf-8"))

    # transcript cache -------------------------------------------------------------------------
    def cache_get(self, key: str) -> CallTranscript | None:
        from callqa.store.codec import transcript_from_dict

        path = self.cache_dir / f"{key}.json"
        if not path.exists():
            return None
        try:
            return transcript_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError):  # CodecError is a ValueError
            return None  # a damaged or other-version cache entry is recomputed, not trusted

    def cache_put(self, key: str, transcript: CallTranscript) -> None:
        from callqa.store.codec import transcript_to_dict

        atomic_write_text(self.cache_dir / f"{key}.json", json.dumps(transcript_to_dict(transcript), ensure_ascii=False))

    # errors --------------------------------------------------------------------------------------
    def record_error(self, *, file: str, stage: str, message: str, call_id: str | None = None) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        row = {"call_id": call_id, "file": file, "stage": stage, "message": message,
               "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        with open(self.errors_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

    def clear_error(self, call_id: str) -> None:
        """Drop earlier errors of a call that has now been analysed."""
        errors = self.read_errors()
        kept = [e for e in errors if e.get("call_id") != call_id]
        if len(kept) != len(errors):
            atomic_write_text(self.errors_path, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in kept))

    def read_errors(self) -> list[dict[str, Any]]:
        if not self.errors_path.exists():
            return []
        return [json.loads(line) for line in self.errors_path.read_text(encoding="utf-8").splitlines() if line.strip()]

    # run metadata --------------------------------------------------------------------------------
    def write_run_info(self, config: Any, versions: dict[str, str]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        cfg = asdict(config)
        source = cfg.pop("source", None)  # not a config key: keep the file loadable with --config
        header = f"# effective config of this run; built from: {' '.join(str(source).split())}\n" if source else ""
        atomic_write_text(self.root / "config.effective.yaml",
                          header + yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
        atomic_write_text(self.root / "versions.json", json.dumps(versions, indent=1))

    # tables ----------------------------------------------------------------------------------------
    def write_tables(self) -> dict[str, int]:
        from callqa.store.tables import build_tables, write_duckdb

        tables = build_tables(list(self.iter_calls()), self.read_errors())
        counts = {}
        for name, df in tables.items():
            tmp = self.root / f".{name}.parquet.tmp"
            df.to_parquet(tmp, index=False)
            os.replace(tmp, self.root / f"{name}.parquet")
            counts[name] = len(df)
        write_duckdb(self.root)
        return counts
