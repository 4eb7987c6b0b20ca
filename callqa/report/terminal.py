"""`callqa report` on a terminal: one line per call (or per agent) that fits the screen, `--wide` for the matrix.

Checks the scorecard does not count are *advisory*: their failures are listed apart from the scored ones and
never next to a "passed" call as if they had failed it.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from callqa.records import Score
from callqa.store.codec import ErrorRow, StoredResult

DEFAULT_WIDTH = 120  # when the output is not a terminal and COLUMNS is not set


@dataclass(frozen=True)
class CallLine:
    """What one summary line says about a call."""

    call_id: str
    language: str
    agent: str
    duration_s: float
    score: float | None
    passed: bool | None
    failed: tuple[str, ...]  # scored checks that failed
    advisory_failed: tuple[str, ...]  # failed checks the scorecard does not count
    scorecard: str
    unsure: tuple[str, ...] = ()  # failed checks marked low-confidence (listen before grading)


def scored_checks(scorecard: Score) -> set[str]:
    """The checks a stored scorecard counts or would count (counted + excluded as na): its items."""
    return set(scorecard.counted) | set(scorecard.excluded)


def call_line(call: StoredResult) -> CallLine:
    card = call.scorecard
    items = scored_checks(card)
    failed = [n for n, c in call.checks.items() if c.status == "fail"]
    return CallLine(
        call_id=call.call_id,
        language=call.language or "",
        agent=str(call.agent_id or call.agent_name or "?"),
        duration_s=float(call.duration_s or 0.0),
        score=call.score,
        passed=card.passed,
        failed=tuple(n for n in failed if n in items),
        advisory_failed=tuple(n for n in failed if n not in items),
        scorecard=card.scorecard or "",
        unsure=tuple(n for n in failed if call.checks[n].low_confidence),
    )


def output_width(stream: Any = None) -> int:
    """The terminal's width; for a pipe or a file COLUMNS, else 120."""
    stream = stream or sys.stdout
    if hasattr(stream, "isatty") and stream.isatty():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    try:
        return int(os.environ.get("COLUMNS", DEFAULT_WIDTH))
    except ValueError:
        return DEFAULT_WIDTH


def _console(width: int, color: bool) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )
    return console, buf


def _verdict(line: CallLine) -> Text:
    if line.passed is True:
        return Text("passed", style="green")
    if line.passed is False:
        return Text("not passed", style="bold red")
    return Text("n/a", style="dim")


def _score(score: float | None) -> str:
    return "-" if score is None else f"{score:.0f}"


def _checks_text(names: Iterable[str], style: str, unsure: Iterable[str] = ()) -> Text:
    """Check names; a low-confidence fail gets a '?'."""
    marked = set(unsure)
    return Text(", ".join(f"{n}?" if n in marked else n for n in names), style=style)


def format_calls(
    calls: Sequence[StoredResult],
    errors: Sequence[ErrorRow],
    *,
    root: Path,
    width: int = DEFAULT_WIDTH,
    color: bool = False,
) -> str:
    """One line per call: score, verdict, the scored checks it failed, and its advisory failures apart."""
    console, buf = _console(width, color)
    lines = sorted((call_line(c) for c in calls), key=lambda x: x.call_id)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", expand=False)
    narrow = width < 100  # an 80-column terminal: language and length make room for the check names
    table.add_column("call", overflow="fold", max_width=22 if narrow else 28)
    if not narrow:
        table.add_column("lang", no_wrap=True)
    table.add_column("agent", overflow="fold", max_width=10 if narrow else 12)
    if not narrow:
        table.add_column("min", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("failed (scored)", overflow="fold", ratio=3, min_width=15)
    table.add_column("advisory, not scored", overflow="fold", ratio=2, min_width=15)
    for ln in lines:
        cells: list[Any] = [ln.call_id] + ([] if narrow else [ln.language]) + [ln.agent]
        cells += [] if narrow else [f"{ln.duration_s / 60:.1f}"]
        cells += [_score(ln.score), _verdict(ln), _checks_text(ln.failed, "red", ln.unsure),
                  _checks_text(ln.advisory_failed, "yellow", ln.unsure)]  # fmt: skip
        table.add_row(*cells)
    console.print(table)
    scored = [ln for ln in lines if ln.score is not None]
    passed = sum(1 for ln in lines if ln.passed)
    console.print()
    mean = f", mean score {sum(ln.score or 0 for ln in scored) / len(scored):.0f}" if scored else ""
    console.print(f"{len(lines)} call(s) scored, {passed} passed{mean}; {len(errors)} error(s).")
    for e in errors:
        console.print(Text(f"  ERROR [{e.stage}] {e.file}: {e.message}", style="red"))
    cards = sorted({ln.scorecard for ln in lines if ln.scorecard})
    if cards:
        console.print(
            f"scorecard {', '.join(cards)}; advisory checks are reported but do not change the score; "
            "--wide: every check of every call"
        )
    if any(ln.unsure for ln in lines):
        console.print("check? = a low-confidence fail: listen before grading (callqa report --review)")
    console.print(f"details: callqa show CALL_ID --out {root}")
    return _tidy(buf.getvalue())


def format_agents(calls: Sequence[StoredResult], *, width: int = DEFAULT_WIDTH, color: bool = False) -> str:
    """One line per agent: calls, average score, calls passed, scored failures by check, advisory apart."""
    console, buf = _console(width, color)
    by_agent: dict[str, list[tuple[CallLine, StoredResult]]] = {}
    for c in calls:
        ln = call_line(c)
        key = str(c.agent_id or c.agent_name or "(unknown)")
        by_agent.setdefault(key, []).append((ln, c))
    if not by_agent:
        return "no calls"
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", expand=False)
    table.add_column("agent", overflow="fold", max_width=14)
    table.add_column("name", overflow="fold", max_width=14)
    table.add_column("calls", justify="right", no_wrap=True)
    table.add_column("avg", justify="right", no_wrap=True)
    table.add_column("passed", justify="right", no_wrap=True)
    table.add_column("failed (scored): check ×calls", overflow="fold", ratio=2)
    table.add_column("advisory", overflow="fold", ratio=1)
    for agent, own in sorted(by_agent.items()):
        scores = [ln.score for ln, _ in own if ln.score is not None]
        name = next((str(c.agent_name) for _, c in own if c.agent_name), "")
        fails = Counter(n for ln, _ in own for n in ln.failed)
        advisory = Counter(n for ln, _ in own for n in ln.advisory_failed)
        table.add_row(
            agent,
            name,
            str(len(own)),
            f"{sum(scores) / len(scores):.0f}" if scores else "-",
            f"{sum(1 for ln, _ in own if ln.passed)}/{len(own)}",
            _checks_text((f"{n} ×{k}" for n, k in sorted(fails.items(), key=lambda x: (-x[1], x[0]))), "red"),
            _checks_text(
                (f"{n} ×{k}" for n, k in sorted(advisory.items(), key=lambda x: (-x[1], x[0]))), "yellow"
            ),
        )
    console.print(table)
    worst = sorted(
        ((ln, agent) for agent, own in by_agent.items() for ln, _ in own if ln.failed),
        key=lambda x: (x[0].score if x[0].score is not None else 101, x[0].call_id),
    )[:10]
    if worst:
        console.print()
        console.print("calls to review (scored failures, lowest score first):")
        for ln, agent in worst:
            console.print(
                Text(f"  {ln.call_id}  {agent}  score {_score(ln.score)}  failed: {', '.join(ln.failed)}"),
                overflow="fold",
            )
    return _tidy(buf.getvalue())


@dataclass(frozen=True)
class ReviewItem:
    """One failed check a QA lead should listen to, and where."""

    call_id: str
    agent: str
    check: str
    confidence: float | None
    low_confidence: bool
    start_s: float  # the first evidence with a time (0 without one)
    why: str


def review_items(calls: Iterable[StoredResult]) -> list[ReviewItem]:
    """The scored fails, the ones to listen to first first: low-confidence fails, then by confidence (least
    sure first; a fail with no confidence last), then by call. Advisory checks grade nobody: not listed."""
    items = []
    for call in calls:
        scored = scored_checks(call.scorecard)
        for name, chk in call.checks.items():
            if chk.status != "fail" or name not in scored:
                continue
            times = [e.start_s for e in chk.evidence if e.start_s is not None]
            basis = "; ".join(chk.confidence_basis)
            why = "; ".join(x for x in (chk.reason, basis) if x) or ""
            items.append(
                ReviewItem(
                    call_id=call.call_id,
                    agent=str(call.agent_id or call.agent_name or "?"),
                    check=name,
                    confidence=chk.confidence,
                    low_confidence=chk.low_confidence,
                    start_s=float(min(times)) if times else 0.0,
                    why=why,
                )
            )
    return sorted(items, key=lambda r: (not r.low_confidence, 2.0 if r.confidence is None else r.confidence,
                                        r.call_id, r.check))  # fmt: skip


def _clock(s: float) -> str:
    m, sec = divmod(int(round(s)), 60)
    return f"{m // 60}:{m % 60:02d}:{sec:02d}" if m >= 60 else f"{m}:{sec:02d}"


def format_review(
    calls: Sequence[StoredResult], *, width: int = DEFAULT_WIDTH, color: bool = False, limit: int = 30
) -> str:
    """`callqa report --review`: the fails to listen to first, with the second to start at."""
    console, buf = _console(width, color)
    items = review_items(calls)
    if not items:
        console.print("no scored check failed: nothing to review.")
        return _tidy(buf.getvalue())
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", expand=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("call", overflow="fold", max_width=24)
    table.add_column("agent", overflow="fold", max_width=12)
    table.add_column("check", overflow="fold", max_width=18)
    table.add_column("conf", justify="right", no_wrap=True)
    table.add_column("listen at", justify="right", no_wrap=True)
    table.add_column("why", overflow="fold", ratio=1, min_width=20)
    for i, r in enumerate(items[:limit], 1):
        conf = "-" if r.confidence is None else f"{r.confidence:.2f}"
        style = "bold yellow" if r.low_confidence else ""
        table.add_row(str(i), r.call_id, r.agent, Text(r.check + ("?" if r.low_confidence else ""), style=style),
                      conf, f"{_clock(r.start_s)} ({r.start_s:.1f} s)", r.why)  # fmt: skip
    console.print(table)
    low = sum(r.low_confidence for r in items)
    more = f"; {len(items) - limit} more (--limit)" if len(items) > limit else ""
    console.print()
    console.print(f"{len(items)} scored fail(s), {low} low-confidence (check?: listen before grading){more}.")
    return _tidy(buf.getvalue())


def _tidy(text: str) -> str:
    """Rich pads table rows to the full width; a report read in a pager or a log does not want that."""
    return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines())
