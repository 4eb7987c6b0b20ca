"""Sentiment on the team page: a score per night and the calls that ended negative (summary + HTML)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from callqa.cli import main
from callqa.report.html import _sentiment_html
from callqa.report.summary import ended_negative, nightly_sentiment


def _calls() -> pd.DataFrame:
    return pd.DataFrame({
        "call_id": ["a", "b", "c", "d"], "agent": ["A1", "A1", "A2", "A2"],
        "night": ["2025-03-03", "2025-03-03", "2025-03-04", None],
        "sentiment_status": ["pass", "fail", "pass", "na"],
        "sentiment_agent_mean": [1.0, 0.0, 2.0, None],
        "sentiment_customer_mean": [1.0, -2.0, -1.5, None],
        "sentiment_customer_start": [-2.0, 1.0, -3.0, None],
        "sentiment_customer_end": [3.0, -2.5, -1.2, None],
        "sentiment_customer_trend": ["improved", "worsened", "improved", None],
    })  # fmt: skip


def test_nightly_sentiment_means_per_night():
    per = nightly_sentiment(_calls())
    assert per.index.tolist() == ["2025-03-03", "2025-03-04"]
    assert per.loc["2025-03-03", "customer"] == -0.5 and per.loc["2025-03-03", "calls"] == 2


def test_ended_negative_lists_worst_first_with_the_check_status():
    bad = ended_negative(_calls())
    assert bad["call_id"].tolist() == ["b", "c"] and bad["status"].tolist() == ["fail", "pass"]


def test_section_lists_the_calls_and_is_absent_without_the_check():
    html = _sentiment_html(_calls())
    assert '<h2 id="sentiment">' in html and "<td>b</td>" in html and "<td>a</td>" not in html
    assert _sentiment_html(pd.DataFrame({"call_id": ["x"], "night": ["2025-03-03"]})) == ""


def test_team_page_has_sentiment_per_night(nights: Path, tmp_path: Path) -> None:
    assert main(["report", str(nights), "--html", str(tmp_path)]) == 0
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    section = html.split('<h2 id="sentiment">')[1].split("<h2>")[0]
    for night in ("2025-03-03", "2025-03-04", "2025-03-05"):
        assert f"<tr><td>{night}</td>" in section
    utts = pd.read_parquet(nights / "utterances.parquet")
    assert utts["sentiment"].notna().all() and utts["sentiment"].between(-5, 5).all()
