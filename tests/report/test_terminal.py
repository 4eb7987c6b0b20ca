"""`callqa report` on a terminal: fits 120 (or 80) columns, advisory checks apart from the scored ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from callqa.report.terminal import call_line, format_agents, format_calls
from callqa.store.codec import StoredResult, result_from_dict
from callqa.store.report import format_call, format_matrix

CHECKS = ["rings", "greeting", "speaking_rate", "volume", "holds", "fillers", "closing", "talk_time", "silence",
          "overtalk", "nontalk", "interruptions", "hold_etiquette", "customer_name", "positive_language",
          "formal_address", "transfer", "restating_need", "jargon", "monotone", "dead_air", "voicemail"]  # fmt: skip
SCORED = ["rings", "greeting", "speaking_rate", "volume", "holds", "fillers", "closing"]


def _call(call_id: str, agent: str, failed: set[str], score: float, passed: bool) -> StoredResult:
    return result_from_dict({
        "schema_version": 1,
        "meta": {"call_id": call_id, "audio_path": None},
        "call_id": call_id,
        "language": "en",
        "agent_id": agent,
        "agent_name": "Daniel",
        "duration_s": 185.0,
        "score": score,
        "scorecard": {
            "score": score,
            "passed": passed,
            "counted": SCORED[:5],
            "excluded": SCORED[5:],
            "scorecard": "default",
        },  # fmt: skip
        "checks": {n: {"status": "fail" if n in failed else "pass", "evidence": []} for n in CHECKS},
    })  # fmt: skip


CALLS = [
    _call("demo-en-01", "A101", {"restating_need"}, 100.0, True),
    _call(
        "demo-en-02-a-very-long-call-identifier-from-a-pbx",
        "A102",
        {"greeting", "holds", "restating_need", "monotone", "dead_air", "jargon"},
        60.0,
        False,
    ),  # fmt: skip
    _call("demo-en-04", "A101", {"restating_need", "formal_address"}, 100.0, True),
]


@pytest.mark.parametrize("width", [80, 120])
def test_summary_fits_the_terminal(width):
    text = format_calls(CALLS, [], root=Path("/srv/qa-results"), width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "demo-en-01" in text and "not passed" in text


def test_an_advisory_failure_is_not_a_scored_failure():
    line = call_line(CALLS[0])
    assert line.passed is True and line.failed == () and line.advisory_failed == ("restating_need",)
    row = next(
        r for r in format_calls(CALLS, [], root=Path("r"), width=120).splitlines() if "demo-en-01" in r
    )
    head, _, advisory = row.partition("passed")
    assert "restating_need" in advisory  # in the advisory column, after the verdict
    bad = call_line(CALLS[1])
    assert bad.failed == ("greeting", "holds") and "restating_need" in bad.advisory_failed


def test_by_agent_separates_scored_and_advisory_and_fits():
    text = format_agents(CALLS, width=120)
    assert max(len(line) for line in text.splitlines()) <= 120
    a101 = next(r for r in text.splitlines() if r.startswith("A101"))
    assert "2/2" in a101 and "restating_need ×2" in a101
    assert "greeting" not in a101  # A101 failed no scored check
    assert "calls to review" in text and "demo-en-02" in text


def test_wide_matrix_is_still_there():
    text = format_matrix(CALLS, [], root=Path("r"))
    assert "restatin" in text.splitlines()[0]


def test_show_marks_advisory_checks():
    text = format_call(CALLS[0])
    assert "[warn] restating_need" in text and "[PASS] greeting" in text and "[ ok ] jargon" in text
    assert "[FAIL]" not in text
