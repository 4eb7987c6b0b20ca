"""A results folder (--out): per-call JSON, and the parts it is made of — transcript cache (`store.cache`,
callqa/store/cache.py), error log (`store.errors`, callqa/store/errors.py), night index (`store.index`,
callqa/store/nights.py), Parquet tables and DuckDB views (callqa/store/tables.py).

Only the main process of a batch writes here (workers return results); `FolderLock` keeps a second batch
out. Every file is written atomically (callqa/store/atomic.py): a crash or `kill -9` leaves either the old
or the new file, never half of one.

Nights: every call has a `night` (YYYY-MM-DD: `--night`, else the date of `started_at`, else the day it was
scored). The tables are hive-partitioned folders (`calls.parquet/night=2026-11-24/part-0.parquet`, the same
for checks, utterances, errors); a batch rebuilds only the nights it touched and those left dirty.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import yaml

from callqa.ingest.manifest import safe_call_id
from callqa.store.atomic import TMP_SUFFIX, atomic_write_text, fsync_dir
from callqa.store.cache import TranscriptCache
from callqa.store.codec import CodecError, StoredResult, result_from_json, result_to_json
from callqa.store.errors import ErrorLog, ErrorRow
from callqa.store.lock import FolderLock
from callqa.store.nights import NightIndex, night_of
from callqa.store.tables import (
    TABLES,
    build_tables,
    finish_table,
    unify_partitions,
    write_duckdb,
    write_partition,
)


class ResultStore:
    """Layout of an output folder. Call ids are sanitised so nothing is written outside it."""

    def __init__(self, out_dir: str | Path):
        self.root = Path(out_dir).resolve()
        self.calls_dir = self.root / "calls"
        self.cache = TranscriptCache(self.root / "cache" / "transcripts")
        self.errors = ErrorLog(self.root / "errors.jsonl")
        self.index = NightIndex(self.root / "state")

    def lock(self) -> FolderLock:
        """`with store.lock():` — one writer at a time (re-entrant in one process); see callqa.store.lock."""
        return FolderLock(self.root)

    def call_path(self, call_id: str) -> Path:
        path = (self.calls_dir / f"{safe_call_id(call_id)}.json").resolve()
        if self.calls_dir.resolve() not in path.parents:
            raise ValueError(f"call id {call_id!r} would write outside {self.calls_dir}")
        return path

    def remove_stale_temp_files(self) -> int:
        """Temp files left by a killed run (call only while holding the lock)."""
        n = 0
        for folder in (self.root, self.calls_dir, self.cache.folder):
            if folder.is_dir():
                for p in folder.glob(f".*{TMP_SUFFIX}"):
                    p.unlink(missing_ok=True)
                    n += 1
        for name in ("calls", "checks", "utterances", "errors"):
            d = self.root / f"{name}.parquet"
            if d.is_dir():
                for p in d.glob(f"*/.*{TMP_SUFFIX}"):
                    p.unlink(missing_ok=True)
                    n += 1
        return n

    # per-call results -------------------------------------------------------------------------
    def has_call(self, call_id: str) -> bool:
        return self.load_call(call_id) is not None

    def load_call(self, call_id: str) -> StoredResult | None:
        """The stored result, or None when absent or unreadable (a damaged file is never taken as valid)."""
        path = self.call_path(call_id)
        try:
            return result_from_json(path.read_text(encoding="utf-8"))
        except (OSError, CodecError):
            return None

    def night_for(self, result: StoredResult, *, fallback: str | None = None) -> str:
        return result.night or night_of(result.meta.started_at) or fallback or dt.date.today().isoformat()

    def write_call(self, result: StoredResult, *, previous: StoredResult | None = None) -> StoredResult:
        """Write one call; returns it as written (filed under its night: its own, else the one it had).
        `previous` (its stored result, if the caller has read it) saves a read.

        Takes the folder lock (re-entrant: free inside a batch that holds it), so a `rescore` cannot write
        into a folder a batch is writing."""
        with self.lock():
            return self._write_call(result, previous)

    def _write_call(self, result: StoredResult, previous: StoredResult | None) -> StoredResult:
        path = self.call_path(result.call_id)
        if previous is None:
            previous = self.load_call(result.call_id)
        old_night = None
        if previous is not None:
            old_night = previous.night or self.night_for(previous, fallback=_mtime_date(path))
        if not result.night:  # e.g. `rescore` writes a fresh result: the call keeps its night
            result = replace(result, night=old_night or self.night_for(result))
        night = str(result.night)
        safe = safe_call_id(result.call_id)
        self.index.add(night, safe)
        moved = bool(old_night and old_night != night)
        if moved:
            self.index.mark_dirty(str(old_night))
        atomic_write_text(path, result_to_json(result))
        if moved:  # only now: killed before the write, the old night still lists the call it still holds
            self.index.remove(str(old_night), safe)
        return result

    def read_call(self, call_id: str) -> StoredResult:
        """The stored result; FileNotFoundError when there is none, CodecError when it cannot be read."""
        path = self.call_path(call_id)
        if not path.exists():
            raise FileNotFoundError(f"no result for call {call_id!r} in {self.calls_dir}")
        try:
            return result_from_json(path.read_text(encoding="utf-8"))
        except CodecError as exc:
            raise CodecError(f"{path}: {exc}") from None

    def _read_result(self, path: Path) -> StoredResult | None:
        try:
            return result_from_json(path.read_text(encoding="utf-8"))
        except (OSError, CodecError) as exc:
            print(f"warning: skipping unreadable result {path}: {exc}", file=sys.stderr)
            return None

    def iter_calls(self) -> Iterator[StoredResult]:
        for path in sorted(self.calls_dir.glob("*.json")):
            data = self._read_result(path)
            if data is not None:
                yield data

    # run metadata --------------------------------------------------------------------------------
    def write_run_info(self, config: Any, versions: dict[str, str]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        cfg = asdict(config)
        source = cfg.pop("source", None)  # not a config key: keep the file loadable with --config
        header = (
            f"# effective config of this run; built from: {' '.join(str(source).split())}\n" if source else ""
        )
        atomic_write_text(
            self.root / "config.effective.yaml",
            header + yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False),
        )
        atomic_write_text(self.root / "versions.json", json.dumps(versions, indent=1))

    # tables ----------------------------------------------------------------------------------------
    def write_tables(self, nights: Iterable[str] | None = None) -> dict[str, int]:
        """Rebuild the Parquet partitions of `nights` (plus any left dirty); None: rebuild everything."""
        with self.lock():
            legacy = any((self.root / f"{t}.parquet").is_file() for t in TABLES)
            if nights is None or legacy or not self.index.exists():
                todo = self._rebuild_index()
                for (
                    t
                ) in TABLES:  # drop partitions of nights that no longer have calls, and the old flat files
                    folder = self.root / f"{t}.parquet"
                    if folder.is_file():
                        folder.unlink()
                    elif folder.is_dir():
                        for part in folder.glob("night=*"):
                            if part.name[len("night=") :] not in todo:
                                shutil.rmtree(part, ignore_errors=True)
                self.index.clean_all()
            else:
                todo = set(nights) | self.index.dirty()
            counts = {t: 0 for t in TABLES}
            errors = self.errors.read()
            for night in sorted(todo):
                calls = self._calls_of_night(night)
                frames = build_tables(calls, [])
                for t in ("calls", "checks", "utterances"):
                    counts[t] += write_partition(self.root / f"{t}.parquet", night, frames[t])
                self.index.clean(night)
            # errors: small, rebuilt whole every time (one partition per night)
            err_frames: dict[str, list[ErrorRow]] = {}
            for e in errors:
                err_frames.setdefault(e.night or night_of(e.at) or "unknown", []).append(e)
            err_dir = self.root / "errors.parquet"
            if err_dir.is_dir():
                for part in err_dir.glob("night=*"):
                    if part.name[len("night=") :] not in err_frames:
                        shutil.rmtree(part, ignore_errors=True)
            for night, rows in err_frames.items():
                counts["errors"] += write_partition(err_dir, night, build_tables([], rows)["errors"])
            for t in TABLES:
                unify_partitions(self.root / f"{t}.parquet")
                finish_table(self.root / f"{t}.parquet", t)
            write_duckdb(self.root)
            fsync_dir(self.root)
        return counts

    def nights(self) -> list[str]:
        return self.index.nights()

    def _calls_of_night(self, night: str) -> list[StoredResult]:
        out = []
        for marker in self.index.members(night):
            data = (
                self._read_result(self.calls_dir / f"{marker.name}.json")
                if (self.calls_dir / f"{marker.name}.json").exists()
                else None
            )
            if data is None:
                marker.unlink(missing_ok=True)  # the call was never written (killed run) or is unreadable
                continue
            own = data.night or self.night_for(
                data, fallback=_mtime_date(self.calls_dir / f"{marker.name}.json")
            )
            if own == night:
                out.append(replace(data, night=own))
            else:
                marker.unlink(missing_ok=True)
        return out

    def _rebuild_index(self) -> set[str]:
        """Index every stored call by night from scratch (legacy folders, `report`, `rescore`)."""
        by_night: dict[str, list[str]] = {}
        for path in sorted(self.calls_dir.glob("*.json")):
            data = self._read_result(path)
            if data is None:
                continue
            night = data.night or self.night_for(data, fallback=_mtime_date(path))
            by_night.setdefault(night, []).append(path.stem)
        self.index.replace_all(by_night)
        return set(by_night)


def _mtime_date(path: Path) -> str | None:
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    except OSError:
        return None
