"""Batch progress: calls done / total, audio hours, real-time factor, ETA; a final summary.

On a terminal one line is redrawn in place; otherwise (cron logs, CI) a plain line is printed every
`every` calls, so logs stay short and readable. Real-time factor = wall time / audio time (0.25 = 4x faster
than real time), the same definition as the README's speed table.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


def fmt_duration(seconds: float | None) -> str:
    if seconds is None or seconds != seconds or seconds == float("inf"):
        return "?"
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s" if m else f"{s}s"


def rtf_text(wall_s: float, audio_s: float) -> str:
    if audio_s <= 0:
        return "RTF ?"
    rtf = wall_s / audio_s
    return f"RTF {rtf:.3f} ({1 / rtf:.1f}x real time)" if rtf > 0 else "RTF 0"


class Progress:
    def __init__(
        self,
        total: int,
        *,
        audio_total_s: float | None = None,
        stream: TextIO | None = None,
        every: int | None = None,
        tty: bool | None = None,
        clock=time.monotonic,
    ):
        self.total = total
        self.audio_total_s = audio_total_s  # None: some durations unknown before the call is decoded
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every = max(1, every if every else min(50, max(1, total // 20)))
        self.clock = clock
        self.t0 = clock()
        self.done = 0
        self.failed = 0
        self.audio_done_s = 0.0
        self._drawn = False

    def eta_s(self) -> float | None:
        elapsed = self.clock() - self.t0
        if self.done == 0 or elapsed <= 0:
            return None
        if self.audio_total_s and self.audio_done_s > 0:
            return max(0.0, self.audio_total_s - self.audio_done_s) * elapsed / self.audio_done_s
        return (self.total - self.done) * elapsed / self.done

    def line(self, last: str = "") -> str:
        elapsed = self.clock() - self.t0
        pct = 100.0 * self.done / self.total if self.total else 100.0
        hours = f"{self.audio_done_s / 3600:.2f}"
        if self.audio_total_s:
            hours += f"/{self.audio_total_s / 3600:.2f}"
        parts = [
            f"[{self.done}/{self.total}] {pct:3.0f}%",
            f"audio {hours} h",
            rtf_text(elapsed, self.audio_done_s).split(" (")[0],
            f"ETA {fmt_duration(self.eta_s())}",
        ]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if last:
            parts.append(last)
        return " | ".join(parts)

    def update(self, call_id: str, *, audio_s: float | None, ok: bool) -> None:
        self.done += 1
        self.failed += 0 if ok else 1
        self.audio_done_s += float(audio_s or 0.0)
        if self.tty:
            self._draw(call_id)
        elif self.done % self.every == 0 or self.done == self.total:
            print(self.line(call_id), file=self.stream, flush=True)

    def _width(self) -> int:
        import shutil

        return max(20, shutil.get_terminal_size((100, 24)).columns - 1)  # never wrap: \r must reach the start

    def _draw(self, last: str = "") -> None:
        width = self._width()
        filled = int(20 * self.done / self.total) if self.total else 20
        text = f"{'#' * filled}{'.' * (20 - filled)} {self.line(last)}"
        self.stream.write("\r" + text[:width].ljust(width))
        self.stream.flush()
        self._drawn = True

    def message(self, text: str) -> None:
        """A line of its own (errors, notices), above the progress bar on a terminal."""
        if self.tty and self._drawn:
            self.stream.write("\r" + " " * self._width() + "\r")
        print(text, file=self.stream, flush=True)
        if self.tty and self._drawn:
            self._draw()

    def wrap(self, fn):
        """A callback that may print (e.g. a step printer): run it with the bar cleared, then redraw the bar."""
        if fn is None or not self.tty:
            return fn

        def wrapped(*args, **kwargs):
            if self._drawn:
                self.stream.write("\r" + " " * self._width() + "\r")
                self.stream.flush()
            try:
                return fn(*args, **kwargs)
            finally:
                if self._drawn:
                    self._draw()

        return wrapped

    def close(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


@dataclass
class BatchSummary:
    scored: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    audio_s: float = 0.0  # audio of the calls scored in this run
    wall_s: float = 0.0
    nights: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the batch stopped early (disk full, folder unwritable, Ctrl-C)
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.stopped:
            return 3
        return 1 if self.failed else 0

    def format(self, out_dir: str = "") -> str:
        lines = [
            f"{len(self.scored)} scored, {len(self.skipped)} skipped (already scored, same audio and config), "
            f"{len(self.failed)} failed" + (f" -> {out_dir}" if out_dir else ""),
            f"audio {self.audio_s / 3600:.2f} h in {fmt_duration(self.wall_s)} wall; {rtf_text(self.wall_s, self.audio_s)}"
            + (f"; nights {', '.join(self.nights)}" if self.nights else ""),
        ]
        for f in self.failed:
            lines.append(f"  FAILED {f.get('call_id') or ''} [{f['stage']}] {f['file']}: {f['message']}")
        if self.stopped:
            lines.append(f"STOPPED: {self.stopped}")
        return "\n".join(lines)
