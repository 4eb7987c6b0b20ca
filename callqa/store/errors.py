"""The error log (`errors.jsonl`): one row per file or call that could not be analysed, appended crash-safely."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from callqa.store.atomic import atomic_write_text
from callqa.store.codec import ErrorRow, error_from_dict, error_to_dict

__all__ = ["ErrorLog", "ErrorRow"]


@dataclass(frozen=True)
class ErrorLog:
    path: Path

    def record(
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        row = ErrorRow(call_id, file, stage, message, time.strftime("%Y-%m-%dT%H:%M:%S"),
                       night or dt.date.today().isoformat(), run_id)  # fmt: skip
        line = (
            ("\n" if _ends_without_newline(self.path) else "")
            + json.dumps(error_to_dict(row), ensure_ascii=False)
            + "\n"
        )
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[ErrorRow]:
        if not self.path.exists():
            return []
        rows = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                rows.append(error_from_dict(json.loads(line)))
            except (ValueError, TypeError, AttributeError):
                continue  # a line torn by a crash mid-append
        return rows

    def compact(self, *, scored: Iterable[str] = ()) -> None:
        """Drop errors of calls now scored, and keep only the newest row per (call, file, stage)."""
        errors = self.read()
        done = set(scored)
        latest: dict[tuple, ErrorRow] = {}
        for e in errors:
            if e.call_id is not None and e.call_id in done:
                continue
            key = (e.call_id, e.file, e.stage, e.message if e.call_id is None else None)
            latest.pop(key, None)  # the newest row goes last
            latest[key] = e
        kept = list(latest.values())
        if len(kept) != len(errors):
            text = "".join(json.dumps(error_to_dict(e), ensure_ascii=False) + "\n" for e in kept)
            atomic_write_text(self.path, text)


def _ends_without_newline(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) != b"\n"
    except OSError:
        return False
