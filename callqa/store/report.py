"""Human-readable views: one call's scorecard with evidence (`callqa show`), the check matrix (`report --wide`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

STATUS_MARK = {"pass": "PASS", "fail": "FAIL", "na": " n/a"}
ADVISORY_MARK = {"pass": " ok ", "fail": "warn", "na": " n/a"}  # checks the scorecard does not count


def _fmt_time(s: float | None) -> str:
    if s is None:
        return "     "
    m, sec = divmod(float(s), 60)
    return f"{int(m):02d}:{sec:04.1f}"


def _value_text(chk: dict[str, Any]) -> str:
    parts = []
    for k, v in chk.items():
        if k in ("status", "reason", "evidence", "confidence", "low_confidence") or isinstance(
            v, (dict, list)
        ):
            continue
        parts.append(f"{k}={round(v, 2) if isinstance(v, float) else v}")
    return ", ".join(parts)


def format_call(call: dict[str, Any], *, transcript: bool = False, max_evidence: int = 6) -> str:
    out = []
    score = call.get("score")
    card = call.get("scorecard") or {}
    out.append(
        f"call {call['call_id']}  ({call.get('language')}, {call.get('channel_layout')}, "
        f"{call.get('duration_s', 0):.1f} s)  agent={call.get('agent_name') or call.get('agent_id') or '?'}"
    )
    out.append(
        f"score: {'n/a' if score is None else f'{score:.0f}/100'}  "
        f"({'PASSED' if card.get('passed') else 'not passed' if card.get('passed') is False else 'no applicable checks'}, "
        f"scorecard {card.get('scorecard')})"
    )
    t = call.get("timing") or {}
    talk = t.get("talk_s") or {}
    out.append(
        f"talk: agent {talk.get('agent', 0):.1f} s, customer {talk.get('customer', 0):.1f} s; "
        f"silence {t.get('silence_s', 0):.1f} s; overtalk {t.get('overtalk_s', 0):.1f} s"
    )
    conf = call.get("transcript_confidence") or {}
    if conf:
        out.append("transcript confidence (mean word probability): " + ", ".join(
            f"{r} {'n/a (no probabilities)' if conf.get(r) is None else format(conf[r], '.2f')}"
            for r in ("agent", "customer")))  # fmt: skip
    out.append("")
    items = set(card.get("counted") or ()) | set(card.get("excluded") or ())
    advisory = [n for n in (call.get("checks") or {}) if n not in items]
    if advisory:
        out.append("  (warn / ok: advisory checks, reported but not counted by the scorecard)")
    low = [n for n, c in (call.get("checks") or {}).items() if (c or {}).get("low_confidence")]
    if low:
        out.append(f"  low-confidence fails (listen first): {', '.join(low)}")
    for name, chk in (call.get("checks") or {}).items():
        status = chk.get("status", "na")
        detail = chk.get("reason") if status == "na" else _value_text(chk)
        mark = ADVISORY_MARK.get(status, status) if name in advisory else STATUS_MARK.get(status, status)
        out.append(f"  [{mark}] {name:16s} {detail or ''}")
        if chk.get("confidence") is not None and (chk.get("low_confidence") or status == "fail"):
            basis = "; ".join(chk.get("confidence_basis") or ()) or "nothing uncertain"
            flag = "LOW CONFIDENCE, listen before grading: " if chk.get("low_confidence") else ""
            out.append(f"         {flag}confidence {chk['confidence']:.2f} ({basis})")
        for ev in (chk.get("evidence") or [])[:max_evidence]:
            span = (
                f"{_fmt_time(ev.get('start_s'))}-{_fmt_time(ev.get('end_s'))}"
                if ev.get("start_s") is not None
                else ""
            )
            who = ev.get("role") or ""
            words = f'"{ev["text"]}"' if ev.get("text") else ""
            out.append(f"         {span:13s} {who:8s} {words} {ev.get('note') or ''}".rstrip())
        extra = len(chk.get("evidence") or []) - max_evidence
        if extra > 0:
            out.append(f"         ... {extra} more")
    if transcript:
        out.append("")
        for u in call.get("utterances", []):
            out.append(f"{_fmt_time(u['start_s'])} {u['role']:8s} {u['text']}")
    return "\n".join(out)


def format_matrix(calls: list[dict[str, Any]], errors: list[dict[str, Any]], *, root: Path) -> str:
    """`callqa report --wide`: every check of every call, one column each (wide: ~220 characters)."""
    names: list[str] = []
    for c in calls:
        for n in c.get("checks") or {}:
            if n not in names:
                names.append(n)
    short = {n: n[:8] for n in names}
    header = f"{'call_id':28s} {'lang':4s} {'dur_s':>6s} {'score':>5s}  " + " ".join(
        f"{short[n]:>8s}" for n in names
    )
    lines = [header, "-" * len(header)]
    for c in sorted(calls, key=lambda c: c["call_id"]):
        score = c.get("score")
        cells = [STATUS_MARK.get((c["checks"].get(n) or {}).get("status", "na"), "?") for n in names]
        lines.append(
            f"{c['call_id'][:28]:28s} {c.get('language') or '':4s} {c.get('duration_s', 0):6.1f} "
            f"{'-' if score is None else f'{score:.0f}':>5s}  " + " ".join(f"{x:>8s}" for x in cells)
        )
    lines.append("")
    lines.append(f"{len(calls)} call(s) scored, {len(errors)} error(s).")
    for e in errors:
        lines.append(f"  ERROR [{e.get('stage')}] {e.get('file')}: {e.get('message')}")
    lines.append(
        f"results: {root}/calls/*.json, calls.parquet, checks.parquet, utterances.parquet, "
        f"errors.parquet, callqa.duckdb"
    )
    lines.append(f"details: callqa show CALL_ID --out {root}")
    return "\n".join(lines)
