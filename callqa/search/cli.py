"""`callqa search RESULTS "query"`: matching utterances across calls, with how to open each one."""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sys
from pathlib import Path
from typing import Any

from callqa.search.engine import Filters, Hit, SearchResult, search_segments
from callqa.search.index import ROLES, SearchError, open_index
from callqa.search.query import QueryError, parse_query

_NIGHT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STATUSES = ("pass", "fail", "na")
# C0/C1 controls and bidi overrides in stored text must not reach a terminal (an imported transcript is data)
_UNPRINTABLE = {c: "\ufffd" for c in [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x202A, 0x202B, 0x202C, 0x202D,
                                      0x202E, 0x2066, 0x2067, 0x2068, 0x2069]}  # fmt: skip


def add_parser(sub: Any) -> None:
    p = sub.add_parser("search", help='find what was said across calls (words, "phrases", OR, -exclude)')
    p.add_argument("results", help="results folder (callqa score --out)")
    p.add_argument(
        "query", help='e.g. cancel OR lawyer, "speak to a manager", 退款, отменить -опрос, refund*'
    )
    p.add_argument("--role", action="append", choices=ROLES, help="only what this party said (repeatable)")
    p.add_argument(
        "--night",
        metavar="FROM[..TO]",
        help="a night or a range: 2025-03-01..2025-03-07, 2025-03-01.., ..2025-03-07",
    )
    p.add_argument(
        "--agent", action="append", metavar="ID", help="only this agent's calls (id or name; repeatable)"
    )
    p.add_argument(
        "--check",
        action="append",
        metavar="NAME=pass|fail|na",
        help="only calls with this check status (repeatable)",
    )
    p.add_argument(
        "--language", action="append", choices=("en", "zh", "ru"), help="only calls in this language"
    )
    p.add_argument("--limit", type=int, default=20, help="matches shown (default 20; all are counted)")
    p.add_argument(
        "--exact", action="store_true", help="no fuzzy matching (stems and characters still match)"
    )
    p.add_argument("--json", action="store_true", help="JSON for scripts")
    p.add_argument(
        "--report", metavar="DIR", help="the HTML report folder (callqa report --html DIR), for its links"
    )
    p.set_defaults(func=run_search)


def parse_nights(text: str | None) -> tuple[str | None, str | None]:
    """`--night` as (from, to), inclusive; raises ValueError naming what is wrong."""
    if not text:
        return None, None
    lo, sep, hi = text.partition("..")
    if not sep:
        hi = lo
    for part in (lo, hi):
        if part and not _NIGHT_RE.match(part):
            raise ValueError(f"--night: {part!r} is not YYYY-MM-DD (give a night or FROM..TO)")
    if lo and hi and lo > hi:
        raise ValueError(f"--night: {lo} is after {hi}")
    return lo or None, hi or None


def parse_checks(items: list[str] | None) -> tuple[tuple[str, str], ...]:
    out = []
    for item in items or []:
        name, sep, status = item.partition("=")
        if not sep or not name or status not in _STATUSES:
            raise ValueError(f"--check: expected NAME=pass|fail|na, got {item!r}")
        out.append((name.strip(), status))
    return tuple(out)


def run_search(args: argparse.Namespace) -> int:
    try:
        query = parse_query(args.query)
        nights = parse_nights(args.night)
        checks = parse_checks(args.check)
        if args.limit < 0:
            raise ValueError("--limit must be >= 0")
        segments, _ = open_index(args.results)  # every night: the report's file names depend on all agents
    except (QueryError, ValueError, SearchError) as exc:
        print(f"callqa search: {exc}", file=sys.stderr)
        return 2
    known = {name for seg in segments for name in seg.statuses} if checks else set()
    for name, _ in checks:
        if segments and name not in known:
            print(f"callqa search: --check: no call has a check named {name!r} (known: {', '.join(sorted(known))})",
                  file=sys.stderr)  # fmt: skip
            return 2
    filters = Filters(roles=tuple(args.role or ()), night_from=nights[0], night_to=nights[1],
                      agents=tuple(args.agent or ()), checks=checks, languages=tuple(args.language or ()))  # fmt: skip
    result = search_segments(segments, query, filters=filters, limit=args.limit, fuzzy=not args.exact)
    agents = sorted({a for seg in segments for a in seg.agents})
    links = Links(results=args.results, report=args.report, agents=agents)
    if args.json:
        print(json.dumps(result_to_json(result, links), ensure_ascii=False, indent=1))
    else:
        bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        print(format_result(result, links, bold=bold))
    return 0 if result.total else 1


class Links:
    """How to open a hit: `callqa show`, the report page's row of the call, the recording at that second."""

    def __init__(self, *, results: str, report: str | None, agents: list[str]):
        from callqa.report.anchors import agent_file_names

        self.results, self.report = results, report
        self.files = agent_file_names(agents)

    def show(self, hit: Hit) -> str:
        return f"callqa show {shlex.quote(hit.call_id)} --out {shlex.quote(self.results)}"

    def page(self, hit: Hit) -> str:
        from callqa.report.anchors import call_anchor

        folder = self.report or "REPORT"
        return f"{folder.rstrip('/')}/agents/{self.files.get(hit.agent, '?')}#{call_anchor(hit.call_id)}"

    def audio(self, hit: Hit) -> str | None:
        """The recording (its redacted copy when there is one) with a media fragment: players start there."""
        if not hit.audio_path:
            return None
        p = Path(hit.audio_path)
        if not p.is_absolute():
            for base in (Path.cwd(), Path(self.results), Path(self.results).parent):
                if (base / p).exists():
                    p = base / p
                    break
        uri = p.resolve().as_uri() if p.is_absolute() or p.exists() else str(p)
        return f"{uri}#t={max(hit.start_s, 0.0):.1f}"


def _clock(seconds: float) -> str:
    s = int(max(seconds, 0.0))
    return f"{s // 3600:d}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


def highlight(text: str, hit: Hit, *, bold: bool) -> str:
    """The utterance with its matches marked: ANSI bold on a terminal, «…» otherwise (≈ before a fuzzy one)."""
    out, pos = [], 0
    for m in hit.matches:
        if m.start < pos:
            continue
        out.append(text[pos : m.start].translate(_UNPRINTABLE))
        word = text[m.start : m.end].translate(_UNPRINTABLE)
        mark = "" if m.exact else "≈"
        out.append(f"\x1b[1m{mark}{word}\x1b[0m" if bold else f"{mark}«{word}»")
        pos = m.end
    out.append(text[pos:].translate(_UNPRINTABLE))
    return "".join(out)


def format_result(result: SearchResult, links: Links, *, bold: bool = False) -> str:
    if not result.total:
        return "no match"
    lines = []
    for h in result.hits:
        who = h.role if h.speaker in ("", h.role) else f"{h.role} ({h.speaker})"
        agent = f"agent {h.agent}".translate(_UNPRINTABLE)
        lines.append(f"{h.night}  {h.call_id.translate(_UNPRINTABLE)}  {_clock(h.start_s)}  {who}  · {agent}")
        lines.append(f"    {highlight(h.text, h, bold=bold)}")
        opens = [links.show(h), links.page(h)]
        audio = links.audio(h)
        if audio:
            opens.append(("redacted audio " if h.audio_redacted else "audio ") + audio)
        lines.append("    → " + "  ·  ".join(o.translate(_UNPRINTABLE) for o in opens))
    shown = len(result.hits)
    more = f"; {shown} shown (--limit)" if shown < result.total else ""
    lines.append(f"{result.total} match(es) in {result.calls} call(s){more}; {result.seconds * 1000:.0f} ms")
    return "\n".join(lines)


def result_to_json(result: SearchResult, links: Links) -> dict[str, Any]:
    def hit(h: Hit) -> dict[str, Any]:
        return {
            "night": h.night, "call_id": h.call_id, "agent": h.agent, "agent_id": h.agent_id,
            "agent_name": h.agent_name, "language": h.language, "started_at": h.started_at, "role": h.role,
            "speaker": h.speaker, "channel": h.channel, "utterance": h.utterance, "start_s": h.start_s,
            "end_s": h.end_s, "text": h.text, "exact": h.exact,
            "matches": [{"start": m.start, "end": m.end, "text": h.text[m.start : m.end], "exact": m.exact}
                        for m in h.matches],
            "show": links.show(h), "report": links.page(h), "audio": links.audio(h), "audio_redacted": h.audio_redacted,
        }  # fmt: skip

    return {"total": result.total, "calls": result.calls, "shown": len(result.hits),
            "seconds": round(result.seconds, 4), "hits": [hit(h) for h in result.hits]}  # fmt: skip
