"""Human-readable views: one call's scorecard with evidence (`callqa show`), the check matrix (`report --wide`)."""

from __future__ import annotations

from pathlib import Path

from callqa.store.codec import ErrorRow, StoredCheck, StoredResult

STATUS_MARK = {"pass": "PASS", "fail": "FAIL", "na": " n/a"}
ADVISORY_MARK = {"pass": " ok ", "fail": "warn", "na": " n/a"}  # checks the scorecard does not count


def _fmt_time(s: float | None) -> str:
    if s is None:
        return "     "
    m, sec = divmod(float(s), 60)
    return f"{int(m):02d}:{sec:04.1f}"


def _value_text(chk: StoredCheck) -> str:
    parts = []
    for k, v in chk.values.items():
        if isinstance(v, (dict, list)):
            continue
        parts.append(f"{k}={round(v, 2) if isinstance(v, float) else v}")
    return ", ".join(parts)


def format_call(call: StoredResult, *, transcript: bool = False, max_evidence: int = 6) -> str:
    out = []
    score = call.score
    card = call.scorecard
    out.append(
        f"call {call.call_id}  ({call.language}, {call.channel_layout}, "
        f"{call.duration_s:.1f} s)  agent={call.agent_name or call.agent_id or '?'}"
    )
    out.append(
        f"score: {'n/a' if score is None else f'{score:.0f}/100'}  "
        f"({'PASSED' if card.passed else 'not passed' if card.passed is False else 'no applicable checks'}, "
        f"scorecard {card.scorecard or None})"
    )
    t = call.timing
    talk = t.talk_s
    out.append(
        f"talk: agent {talk.get('agent', 0):.1f} s, customer {talk.get('customer', 0):.1f} s; "
        f"silence {t.silence_s:.1f} s; overtalk {t.overtalk_s:.1f} s"
    )
    conf = call.transcript_confidence
    if conf is not None:
        probs = {"agent": conf.agent, "customer": conf.customer}
        out.append("transcript confidence (mean word probability): " + ", ".join(
            f"{r} {'n/a (no probabilities)' if p is None else format(p, '.2f')}"
            for r, p in probs.items()))  # fmt: skip
    out.append("")
    items = set(card.counted) | set(card.excluded)
    advisory = [n for n in call.checks if n not in items]
    if advisory:
        out.append("  (warn / ok: advisory checks, reported but not counted by the scorecard)")
    low = [n for n, c in call.checks.items() if c.low_confidence]
    if low:
        out.append(f"  low-confidence fails (listen first): {', '.join(low)}")
    for name, chk in call.checks.items():
        status = chk.status
        detail = chk.reason if status == "na" else _value_text(chk)
        mark = ADVISORY_MARK.get(status, status) if name in advisory else STATUS_MARK.get(status, status)
        out.append(f"  [{mark}] {name:16s} {detail or ''}")
        if chk.confidence is not None and (chk.low_confidence or status == "fail"):
            basis = "; ".join(chk.confidence_basis) or "nothing uncertain"
            flag = "LOW CONFIDENCE, listen before grading: " if chk.low_confidence else ""
            out.append(f"         {flag}confidence {chk.confidence:.2f} ({basis})")
        for ev in chk.evidence[:max_evidence]:
            span = f"{_fmt_time(ev.start_s)}-{_fmt_time(ev.end_s)}" if ev.start_s is not None else ""
            who = ev.role or ""
            words = f'"{ev.text}"' if ev.text else ""
            out.append(f"         {span:13s} {who:8s} {words} {ev.note or ''}".rstrip())
        extra = len(chk.evidence) - max_evidence
        if extra > 0:
            out.append(f"         ... {extra} more")
    if transcript:
        out.append("")
        for u in call.utterances:
            out.append(f"{_fmt_time(u.start_s)} {u.role:8s} {u.text}")
    return "\n".join(out)


def format_matrix(calls: list[StoredResult], errors: list[ErrorRow], *, root: Path) -> str:
    """`callqa report --wide`: every check of every call, one column each (wide: ~220 characters)."""
    names: list[str] = []
    for c in calls:
        for n in c.checks:
            if n not in names:
                names.append(n)
    short = {n: n[:8] for n in names}
    header = f"{'call_id':28s} {'lang':4s} {'dur_s':>6s} {'score':>5s}  " + " ".join(
        f"{short[n]:>8s}" for n in names
    )
    lines = [header, "-" * len(header)]
    for c in sorted(calls, key=lambda c: c.call_id):
        score = c.score
        cells = [STATUS_MARK.get(_status(c, n), "?") for n in names]
        lines.append(
            f"{c.call_id[:28]:28s} {c.language or '':4s} {c.duration_s:6.1f} "
            f"{'-' if score is None else f'{score:.0f}':>5s}  " + " ".join(f"{x:>8s}" for x in cells)
        )
    lines.append("")
    lines.append(f"{len(calls)} call(s) scored, {len(errors)} error(s).")
    for e in errors:
        lines.append(f"  ERROR [{e.stage}] {e.file}: {e.message}")
    lines.append(
        f"results: {root}/calls/*.json, calls.parquet, checks.parquet, utterances.parquet, "
        f"errors.parquet, callqa.duckdb"
    )
    lines.append(f"details: callqa show CALL_ID --out {root}")
    return "\n".join(lines)


def _status(call: StoredResult, check: str) -> str:
    found = call.checks.get(check)
    return found.status if found is not None else "na"
