"""Everything under --out: per-call JSON (atomic), transcript cache, error log, Parquet tables, DuckDB views.

Only the main process of a batch writes here (workers return results); `FolderLock` keeps a second batch
out. Every file is written to a hidden temporary name, fsynced, renamed over the target, and the folder is
fsynced, so a crash or `kill -9` leaves either the old or the new file, never half of one.

Nights: every call has a `night` (YYYY-MM-DD: `--night`, else the date of `started_at`, else the day it was
scored). The tables are hive-partitioned folders (`calls.parquet/night=2026-11-24/part-0.parquet`, the same
for checks, utterances, errors); a batch rebuilds only the nights it touched. `state/nights/<night>/<id>`
lists which calls belong to a night and `state/dirty/<night>` marks a night whose partition is out of date
(set before a call is written, cleared after its partition is rewritten, so a killed batch leaves it set).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import yaml

from callqa.ingest.manifest import safe_call_id
from callqa.store.atomic import TMP_SUFFIX, atomic_write_text, fsync_dir
from callqa.store.codec import CodecError, StoredResult, result_from_json, result_to_json
from callqa.store.lock import FolderLock
from callqa.types import CallTranscript


def night_of(started_at: Any) -> str | None:
    """The calendar date (YYYY-MM-DD) of an ISO timestamp, in the timestamp's own time zone; None if unparseable."""
    if not started_at:
        return None
    text = str(started_at).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return None


def check_night(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"--night must be a date YYYY-MM-DD, got {value!r}") from None


class ResultStore:
    """Layout of an output folder. Call ids are sanitised so nothing is written outside it."""

    def __init__(self, out_dir: str | Path):
        self.root = Path(out_dir).resolve()
        self.calls_dir = self.root / "calls"
        self.cache_dir = self.root / "cache" / "transcripts"
        self.errors_path = self.root / "errors.jsonl"
        self.state_dir = self.root / "state"

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
        for folder in (self.root, self.calls_dir, self.cache_dir):
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
        self._mark(night, safe)
        moved = bool(old_night and old_night != night)
        if moved:
            self._mark_dirty(str(old_night))
        atomic_write_text(path, result_to_json(result))
        if moved:  # only now: killed before the write, the old night still lists the call it still holds
            (self.state_dir / "nights" / str(old_night) / safe).unlink(missing_ok=True)
        return result

    def _mark_dirty(self, night: str) -> None:
        d = self.state_dir / "dirty"
        d.mkdir(parents=True, exist_ok=True)
        (d / night).touch()

    def _mark(self, night: str, safe_id: str) -> None:
        """Before the JSON is written: the night is dirty and the call belongs to it."""
        self._mark_dirty(night)
        d = self.state_dir / "nights" / night
        d.mkdir(parents=True, exist_ok=True)
        (d / safe_id).touch()

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

    # transcript cache -------------------------------------------------------------------------
    def cache_get(self, key: str) -> CallTranscript | None:
        from callqa.store.codec import transcript_from_dict

        path = self.cache_dir / f"{key}.json"
        if not path.exists():
            return None
        try:
            return transcript_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):  # CodecError is a ValueError
            return None  # a damaged or other-version cache entry is recomputed, not trusted

    def cache_put(self, key: str, transcript: CallTranscript) -> None:
        from callqa.store.codec import transcript_to_dict

        atomic_write_text(
            self.cache_dir / f"{key}.json", json.dumps(transcript_to_dict(transcript), ensure_ascii=False)
        )

    # errors --------------------------------------------------------------------------------------
    def record_error(
        self,
        *,
        file: str,
        stage: str,
        message: str,
        call_id: str | None = None,
        night: str | None = None,
        run_id: str | None = None,
    ) -> None:
        """Append one error row (one write of one line, fsynced; a torn last line is skipped on reading)."""
        self.root.mkdir(parents=True, exist_ok=True)
        row = {
            "call_id": call_id,
            "file": file,
            "stage": stage,
            "message": message,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "night": night or dt.date.today().isoformat(),
            "run_id": run_id,
        }
        line = (
            ("\n" if _ends_without_newline(self.errors_path) else "")
            + json.dumps(row, ensure_ascii=False)
            + "\n"
        )
        fd = os.open(self.errors_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def clear_error(self, call_id: str) -> None:
        """Drop earlier errors of a call that has now been analysed."""
        self.compact_errors(scored={call_id})

    def compact_errors(self, *, scored: Iterable[str] = ()) -> None:
        """Drop errors of calls now scored, and keep only the newest row per (call, file, stage)."""
        errors = self.read_errors()
        done = set(scored)
        latest: dict[tuple, dict[str, Any]] = {}
        for e in errors:
            if e.get("call_id") is not None and e.get("call_id") in done:
                continue
            key = (
                e.get("call_id"),
                e.get("file"),
                e.get("stage"),
                e.get("message") if e.get("call_id") is None else None,
            )
            latest.pop(key, None)  # the newest row goes last
            latest[key] = e
        kept = list(latest.values())
        if len(kept) != len(errors):
            atomic_write_text(
                self.errors_path, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in kept)
            )

    def read_errors(self) -> list[dict[str, Any]]:
        if not self.errors_path.exists():
            return []
        rows = []
        for line in self.errors_path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue  # a line torn by a crash mid-append
        return rows

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
        from callqa.store.tables import (
            TABLES,
            build_tables,
            finish_table,
            unify_partitions,
            write_duckdb,
            write_partition,
        )

        with self.lock():
            legacy = any((self.root / f"{t}.parquet").is_file() for t in TABLES)
            if nights is None or legacy or not (self.state_dir / "nights").is_dir():
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
                shutil.rmtree(self.state_dir / "dirty", ignore_errors=True)
            else:
                dirty = self.state_dir / "dirty"
                todo = set(nights) | ({p.name for p in dirty.iterdir()} if dirty.is_dir() else set())
            counts = {t: 0 for t in TABLES}
            errors = self.read_errors()
            for night in sorted(todo):
                calls = self._calls_of_night(night)
                frames = build_tables(calls, [])
                for t in ("calls", "checks", "utterances"):
                    counts[t] += write_partition(self.root / f"{t}.parquet", night, frames[t])
                (self.state_dir / "dirty" / night).unlink(missing_ok=True)
            # errors: small, rebuilt whole every time (one partition per night)
            err_frames: dict[str, list[dict[str, Any]]] = {}
            for e in errors:
                err_frames.setdefault(e.get("night") or night_of(e.get("at")) or "unknown", []).append(e)
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
        d = self.state_dir / "nights"
        return sorted(p.name for p in d.iterdir()) if d.is_dir() else []

    def _calls_of_night(self, night: str) -> list[StoredResult]:
        d = self.state_dir / "nights" / night
        out = []
        for marker in sorted(d.iterdir()) if d.is_dir() else []:
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
        tmp = self.state_dir / ".nights.rebuild"
        shutil.rmtree(tmp, ignore_errors=True)
        nights: set[str] = set()
        for path in sorted(self.calls_dir.glob("*.json")):
            data = self._read_result(path)
            if data is None:
                continue
            night = data.night or self.night_for(data, fallback=_mtime_date(path))
            nights.add(night)
            (tmp / night).mkdir(parents=True, exist_ok=True)
            (tmp / night / path.stem).touch()
        tmp.mkdir(parents=True, exist_ok=True)
        final = self.state_dir / "nights"
        old = self.state_dir / ".nights.old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        return nights


def _mtime_date(path: Path) -> str | None:
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    except OSError:
        return None


def _ends_without_newline(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) != b"\n"
    except OSError:
        return False
