"""Which calls belong to which night, and which nights' table partitions are out of date (`state/`).

`state/nights/<night>/<id>` lists the calls of a night; `state/dirty/<night>` marks a night whose partition
must be rebuilt (set before a call is written, cleared after its partition is rewritten, so a killed batch
leaves it set). Markers are empty files: creating one is atomic.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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


@dataclass(frozen=True)
class NightIndex:
    folder: Path  # the results folder's state/

    def exists(self) -> bool:
        return (self.folder / "nights").is_dir()

    def nights(self) -> list[str]:
        d = self.folder / "nights"
        return sorted(p.name for p in d.iterdir()) if d.is_dir() else []

    def members(self, night: str) -> list[Path]:
        """The markers of the calls of `night` (a marker's name is the call's file stem)."""
        d = self.folder / "nights" / night
        return sorted(d.iterdir()) if d.is_dir() else []

    def add(self, night: str, safe_id: str) -> None:
        """Before the call's JSON is written: the night is dirty and the call belongs to it."""
        self.mark_dirty(night)
        d = self.folder / "nights" / night
        d.mkdir(parents=True, exist_ok=True)
        (d / safe_id).touch()

    def remove(self, night: str, safe_id: str) -> None:
        (self.folder / "nights" / night / safe_id).unlink(missing_ok=True)

    def mark_dirty(self, night: str) -> None:
        d = self.folder / "dirty"
        d.mkdir(parents=True, exist_ok=True)
        (d / night).touch()

    def dirty(self) -> set[str]:
        d = self.folder / "dirty"
        return {p.name for p in d.iterdir()} if d.is_dir() else set()

    def clean(self, night: str) -> None:
        (self.folder / "dirty" / night).unlink(missing_ok=True)

    def clean_all(self) -> None:
        shutil.rmtree(self.folder / "dirty", ignore_errors=True)

    def replace_all(self, calls_by_night: Mapping[str, Iterable[str]]) -> None:
        """The whole index at once (built aside, then swapped in)."""
        tmp = self.folder / ".nights.rebuild"
        shutil.rmtree(tmp, ignore_errors=True)
        for night, ids in calls_by_night.items():
            (tmp / night).mkdir(parents=True, exist_ok=True)
            for safe_id in ids:
                (tmp / night / safe_id).touch()
        tmp.mkdir(parents=True, exist_ok=True)
        final = self.folder / "nights"
        old = self.folder / ".nights.old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
