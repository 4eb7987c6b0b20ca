"""`callqa calibrate RESULTS human.csv`: how callqa agrees with a QA team's own evaluations, check by check.

QA teams calibrate evaluators against each other every week; this holds callqa to the same standard. The CSV has
one row per (call, item) judged by a person (format: docs/calibration.md):

    call_id,item,value[,evaluator][,note]
    demo-en-02,greeting,fail,maria,"no company name"
    demo-en-02,Used the customer's name,yes,maria,

`item` is a callqa check name, `score` (the call's 0-100 score), or a form item mapped to a check with
`--map form.yaml` (`{"Used the customer's name": customer_name}`). `value`: pass/fail, yes/no, 1/0, true/false,
met/not met — or a number for `score`. Per check: agreement, Cohen's kappa, the confusion, how often callqa said
`na` where the person judged, and every disagreement with callqa's evidence.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callqa.store.codec import StoredResult, evidence_to_dict
from callqa.types import Evidence

PASS_WORDS = {"pass", "passed", "yes", "y", "1", "true", "met", "ok", "compliant"}
FAIL_WORDS = {"fail", "failed", "no", "n", "0", "false", "not met", "unmet", "non-compliant", "noncompliant"}
NA_WORDS = {"na", "n/a", "not applicable", "-", ""}
SCORE_ITEM = "score"
REQUIRED = ("call_id", "item", "value")
OPTIONAL = ("evaluator", "note")


class CalibrationError(ValueError):
    """A human-evaluation file that cannot be read; the message names the file, the line and the reason."""


@dataclass(frozen=True)
class HumanLabel:
    call_id: str
    check: str  # the callqa check (after --map), or "score"
    item: str  # as written in the file
    value: str | float | None  # "pass" | "fail" | None (n/a) | a score
    evaluator: str = ""
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class Disagreement:
    call_id: str
    check: str
    human: str
    callqa: str
    evaluator: str
    human_note: str
    reason: str | None
    evidence: tuple[Evidence, ...]


@dataclass
class CheckAgreement:
    """callqa vs the people on one check (rows where both gave pass/fail)."""

    check: str
    confusion: Counter = field(default_factory=Counter)  # (human, callqa) -> n, each "pass" | "fail"
    callqa_na: int = 0  # the person judged, callqa said na
    human_na: int = 0  # callqa judged, the person said n/a
    missing: int = 0  # the call or the check is not in the results
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def n(self) -> int:
        return sum(self.confusion.values())

    @property
    def agreement(self) -> float | None:
        return (
            None if not self.n else (self.confusion["pass", "pass"] + self.confusion["fail", "fail"]) / self.n
        )

    @property
    def kappa(self) -> float | None:
        return cohens_kappa(self.confusion)


def cohens_kappa(confusion: Mapping[tuple[str, str], int]) -> float | None:
    """Cohen's kappa of two raters over pass/fail; None when undefined (no rows, or chance agreement is 1)."""
    n = sum(confusion.values())
    if n == 0:
        return None
    labels = ("pass", "fail")
    observed = sum(confusion.get((x, x), 0) for x in labels) / n
    expected = sum(
        (sum(confusion.get((x, y), 0) for y in labels) / n)
        * (sum(confusion.get((y, x), 0) for y in labels) / n)
        for x in labels
    )
    if expected >= 1.0:
        return None  # both raters gave one label only: kappa is undefined (agreement says it all)
    return (observed - expected) / (1.0 - expected)


def _verdict(raw: str) -> str | None:
    v = " ".join(raw.strip().lower().split())
    if v in PASS_WORDS:
        return "pass"
    if v in FAIL_WORDS:
        return "fail"
    if v in NA_WORDS:
        return None
    raise ValueError(
        f"value {raw!r} is not pass/fail (pass, fail, yes, no, 1, 0, true, false, met, not met, n/a)"
    )


def read_human_csv(path: str | Path, *, item_map: Mapping[str, str] | None = None) -> list[HumanLabel]:
    """Read a team's evaluations; a bad header, row or value is a `CalibrationError` naming file and line."""
    path = Path(path)
    item_map = {k.strip().lower(): v for k, v in (item_map or {}).items()}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalibrationError(f"{path}: cannot read: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CalibrationError(f"{path}: missing column(s) {', '.join(missing)} (need {', '.join(REQUIRED)})")
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise CalibrationError(
            f"{path}: unknown column {unknown[0]!r} (columns: {', '.join(REQUIRED + OPTIONAL)})"
        )
    labels = []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(row.values()):
            continue
        if not row.get("call_id") or not row.get("item"):
            raise CalibrationError(f"{path}:{line}: empty call_id or item")
        item = row["item"]
        check = item_map.get(item.lower(), item)
        value: str | float | None
        try:
            if check == SCORE_ITEM:
                value = None if row["value"].lower() in NA_WORDS else float(row["value"])
            else:
                value = _verdict(row["value"])
        except ValueError as exc:
            raise CalibrationError(f"{path}:{line}: {exc}") from None
        labels.append(HumanLabel(row["call_id"], check, item, value, row.get("evaluator", ""),
                                 row.get("note", ""), line))  # fmt: skip
    return labels


@dataclass(frozen=True)
class ScoreAgreement:
    pairs: tuple[tuple[str, float, float], ...]  # (call_id, human, callqa)

    @property
    def mean_abs_diff(self) -> float | None:
        return None if not self.pairs else sum(abs(h - c) for _, h, c in self.pairs) / len(self.pairs)


@dataclass(frozen=True)
class Calibration:
    checks: tuple[CheckAgreement, ...]
    score: ScoreAgreement
    unknown_calls: tuple[str, ...]  # in the CSV, not in the results
    evaluators: Mapping[str, float | None]  # inter-rater kappa per pair "a~b" where people overlap


def calibrate(results: Sequence[StoredResult], labels: Iterable[HumanLabel]) -> Calibration:
    """Compare stored results (as read by the store) with people's labels."""
    by_call = {r.call_id: r for r in results}
    per_check: dict[str, CheckAgreement] = {}
    pairs, unknown = [], set()
    people: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (call, check) -> evaluator -> verdict
    for lab in labels:
        call = by_call.get(lab.call_id)
        if lab.check == SCORE_ITEM:
            if call is None:
                unknown.add(lab.call_id)
            elif isinstance(lab.value, float) and call.score is not None:
                pairs.append((lab.call_id, lab.value, float(call.score)))
            continue
        agg = per_check.setdefault(lab.check, CheckAgreement(lab.check))
        if isinstance(lab.value, str):
            people[lab.call_id, lab.check][lab.evaluator or f"row{lab.line}"] = lab.value
        if call is None:
            unknown.add(lab.call_id)
            agg.missing += 1
            continue
        chk = call.check(lab.check)
        if chk is None:
            agg.missing += 1
            continue
        ours = chk.status
        if lab.value is None:
            agg.human_na += ours != "na"
            continue
        if ours == "na":
            agg.callqa_na += 1
            continue
        assert isinstance(lab.value, str)
        agg.confusion[lab.value, ours] += 1
        if lab.value != ours:
            agg.disagreements.append(Disagreement(
                lab.call_id, lab.check, lab.value, str(ours), lab.evaluator, lab.note, chk.reason,
                tuple(chk.evidence)))  # fmt: skip
    return Calibration(
        checks=tuple(sorted(per_check.values(), key=lambda a: a.check)),
        score=ScoreAgreement(tuple(pairs)),
        unknown_calls=tuple(sorted(unknown)),
        evaluators=_inter_rater(people),
    )


def _inter_rater(people: Mapping[tuple[str, str], Mapping[str, str]]) -> dict[str, float | None]:
    """Kappa between every two evaluators over the items both judged (the bar callqa is held to)."""
    confusion: dict[str, Counter] = defaultdict(Counter)
    for verdicts in people.values():
        names = sorted(verdicts)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if a.startswith("row") or b.startswith("row"):
                    continue
                confusion[f"{a}~{b}"][verdicts[a], verdicts[b]] += 1
    return {pair: cohens_kappa(c) for pair, c in sorted(confusion.items())}


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def _time(s: Any) -> str:
    if not isinstance(s, (int, float)):
        return ""
    m, sec = divmod(float(s), 60)
    return f"{int(m):02d}:{sec:04.1f}"


def format_calibration(cal: Calibration, *, max_disagreements: int = 20, max_evidence: int = 2) -> str:
    lines = [
        "confusion: human→callqa (p→f: the person passed it, callqa failed it)",
        f"{'check':20s} {'n':>4s} {'agree':>6s} {'kappa':>6s} {'p→p':>5s} {'p→f':>5s} {'f→p':>5s} {'f→f':>5s} "
        f"{'callqa na':>9s}",
    ]
    for a in cal.checks:
        c = a.confusion
        lines.append(
            f"{a.check:20s} {a.n:4d} {_fmt(a.agreement):>6s} {_fmt(a.kappa):>6s} {c['pass', 'pass']:5d} "
            f"{c['pass', 'fail']:5d} {c['fail', 'pass']:5d} {c['fail', 'fail']:5d} {a.callqa_na:9d}"
            + (f"   ({a.missing} not in the results)" if a.missing else "")
        )
    if cal.score.pairs:
        lines.append(f"\ncall score: {len(cal.score.pairs)} call(s), mean |human - callqa| "
                     f"{_fmt(cal.score.mean_abs_diff, '.1f')} points")  # fmt: skip
    if cal.evaluators:
        lines.append("\nevaluators with each other (Cohen's kappa on the items both judged): " + ", ".join(
            f"{pair} {_fmt(k)}" for pair, k in cal.evaluators.items()))  # fmt: skip
    if cal.unknown_calls:
        lines.append(f"\nnot in the results: {', '.join(cal.unknown_calls[:10])}"
                     + (" ..." if len(cal.unknown_calls) > 10 else ""))  # fmt: skip
    dis = [d for a in cal.checks for d in a.disagreements]
    if dis:
        lines.append(f"\ndisagreements ({len(dis)}; listen to these first):")
        for d in dis[:max_disagreements]:
            who = f" ({d.evaluator})" if d.evaluator else ""
            note = f" — “{d.human_note}”" if d.human_note else ""
            lines.append(f"  {d.call_id} {d.check}: human {d.human}{who}{note}, callqa {d.callqa}")
            for ev in d.evidence[:max_evidence]:
                text = f' "{ev.text}"' if ev.text else ""
                lines.append(f"      {_time(ev.start_s)} {ev.role or ''}{text} {ev.note or ''}".rstrip())
            if not d.evidence and d.reason:
                lines.append(f"      {d.reason}")
        if len(dis) > max_disagreements:
            lines.append(f"  ... {len(dis) - max_disagreements} more (--json for all)")
    return "\n".join(lines)


def calibration_to_dict(cal: Calibration) -> dict[str, Any]:
    return {
        "checks": {
            a.check: {
                "n": a.n,
                "agreement": a.agreement,
                "kappa": a.kappa,
                "confusion": {f"{h}->{c}": k for (h, c), k in sorted(a.confusion.items())},
                "callqa_na": a.callqa_na,
                "human_na": a.human_na,
                "missing": a.missing,
                "disagreements": [
                    {
                        "call_id": d.call_id,
                        "human": d.human,
                        "callqa": d.callqa,
                        "evaluator": d.evaluator,
                        "note": d.human_note,
                        "reason": d.reason,
                        "evidence": [evidence_to_dict(e) for e in d.evidence],
                    }  # fmt: skip
                    for d in a.disagreements
                ],
            }
            for a in cal.checks
        },
        "score": {"calls": len(cal.score.pairs), "mean_abs_diff": cal.score.mean_abs_diff},
        "evaluators": dict(cal.evaluators),
        "unknown_calls": list(cal.unknown_calls),
    }
