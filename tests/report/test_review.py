"""Low-confidence fails are marked in `callqa show` and `callqa report`; `report --review` lists what to
listen to first, with the second to start at (issue 17 item 4)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from callqa.report.terminal import format_calls, format_review, review_items
from callqa.store.codec import SCHEMA_VERSION, StoredResult, result_from_dict
from callqa.store.report import format_call

SCORED = ["greeting", "speaking_rate", "volume", "fillers"]


def _check(status: str, conf: float | None, *, low: bool = False, start: float | None = None, reason=None):
    d: dict = {"status": status, "evidence": []}
    if reason:
        d["reason"] = reason
    if conf is not None:
        d["confidence"], d["confidence_basis"] = conf, [f"basis {conf}"]
    if low:
        d["low_confidence"] = True
    if start is not None:
        d["evidence"] = [{"start_s": start + 5, "end_s": start + 6, "note": "later"},
                         {"start_s": start, "end_s": start + 1, "note": "first"}]  # fmt: skip
    return d


def _published(call_id: str, checks: dict) -> dict:
    return {"schema_version": SCHEMA_VERSION, "meta": {"call_id": call_id, "audio_path": None},
            "call_id": call_id, "language": "en", "agent_id": "A1", "duration_s": 120.0, "score": 50.0,
            "scorecard": {"score": 50.0, "passed": False, "counted": SCORED, "excluded": [], "scorecard": "default"},
            "checks": checks}  # fmt: skip


def _call(call_id: str, checks: dict) -> StoredResult:
    return result_from_dict(_published(call_id, checks))


PUBLISHED = [
    _published("c1", {"greeting": _check("fail", 0.95, start=3.0, reason="no greeting"),
                 "speaking_rate": _check("fail", 0.52, low=True, start=61.0, reason="ratio 1.27"),
                 "sentiment": _check("fail", 0.2, low=True, start=1.0)}),  # advisory: never listed
    _published("c2", {"volume": _check("fail", 0.66, low=True, start=12.5), "fillers": _check("pass", 0.9),
                 "greeting": _check("fail", None)}),
]  # fmt: skip
CALLS = [result_from_dict(c) for c in PUBLISHED]


def test_review_lists_low_confidence_fails_first_least_sure_first():
    items = review_items(CALLS)
    assert [(r.call_id, r.check) for r in items] == [
        ("c1", "speaking_rate"), ("c2", "volume"), ("c1", "greeting"), ("c2", "greeting")]  # fmt: skip
    assert items[0].start_s == 61.0  # the earliest evidence of that finding
    assert items[2].start_s == 3.0 and items[3].start_s == 0.0  # no evidence time: the start
    assert all(r.check != "sentiment" for r in items)  # advisory checks grade nobody


def test_review_table_names_the_second_to_start_at():
    text = format_review(CALLS, width=120)
    first = next(ln for ln in text.splitlines() if ln.strip().startswith("1 "))
    assert "speaking_rate?" in first and "1:01 (61.0 s)" in first and "0.52" in first
    assert "4 scored fail(s), 2 low-confidence" in text
    assert "1 more" in format_review(CALLS, width=120, limit=3)
    assert "nothing to review" in format_review([_call("c3", {"greeting": _check("pass", 0.9)})])


def test_summary_marks_low_confidence_fails():
    text = format_calls(CALLS, [], root=Path("/r"), width=120)
    line = next(ln for ln in text.splitlines() if ln.startswith("c1"))
    assert "speaking_rate?" in line and "greeting?" not in line
    assert "low-confidence fail: listen before grading" in text


def test_show_flags_the_fail_and_says_what_the_confidence_rests_on():
    text = format_call(CALLS[0])
    assert "low-confidence fails (listen first): speaking_rate, sentiment" in text
    assert "LOW CONFIDENCE, listen before grading: confidence 0.52 (basis 0.52)" in text
    assert "confidence 0.95 (basis 0.95)" in text  # a sure fail still says how sure
    assert "confidence=" not in text  # not printed again among the values


def test_report_review_cli(tmp_path):
    (tmp_path / "calls").mkdir()
    for c in PUBLISHED:
        (tmp_path / "calls" / f"{c['call_id']}.json").write_text(json.dumps(c))
    out = subprocess.run([sys.executable, "-m", "callqa.cli", "report", str(tmp_path), "--review"],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "speaking_rate?" in out.stdout and "listen at" in out.stdout
