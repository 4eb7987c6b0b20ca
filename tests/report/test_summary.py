"""Agent summary: ranking, pass rates, who is slipping since when; CSV/XLSX for spreadsheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from callqa.cli import main
from callqa.report.load import load_results
from callqa.report.summary import agent_summary, critical_failures, find_slips, slipping_since


def test_slipping_since_needs_a_lasting_drop() -> None:
    s = pd.Series([90.0, 92.0, 60.0, 55.0], index=["n1", "n2", "n3", "n4"])
    assert slipping_since(s, 10) == "n3"
    assert slipping_since(pd.Series([90.0, 60.0, 95.0], index=["n1", "n2", "n3"]), 10) is None  # recovered
    assert slipping_since(pd.Series([90.0, 85.0], index=["n1", "n2"]), 10) is None  # within the margin
    assert slipping_since(pd.Series([50.0], index=["n1"]), 10) is None


def test_summary_ranks_agents_and_finds_who_slipped_since_when(nights: Path) -> None:
    res = load_results(nights)
    summary = agent_summary(res).set_index("agent")
    assert list(summary.index)[-1] == "A102"  # the one who slipped ranks last
    assert summary.loc["A101", "avg_score"] > summary.loc["A102", "avg_score"]
    assert summary.loc["A102", "slipping_since"] == "2025-03-04"
    assert summary.loc["A102", "change_vs_before"] < 0
    assert summary.loc["A103", "speaking_rate_pass_rate"] < summary.loc["A101", "speaking_rate_pass_rate"]
    assert summary.loc["A103", "weakest_check"] == "speaking_rate"
    assert summary.loc["A101", "calls"] == 3
    slips = {(s.agent, s.what): s for s in find_slips(res)}
    assert slips[("A102", "greeting")].since == "2025-03-04"
    assert slips[("A102", "holds")].before == 1.0 and slips[("A102", "holds")].after == 0.0
    assert not any(agent == "A101" for agent, _ in slips)


def test_critical_failures_list_the_calls(nights: Path) -> None:
    res = load_results(nights)
    crit = critical_failures(res, ["greeting"])
    assert set(crit["agent"]) == {"A102"} and set(crit["night"]) == {"2025-03-04", "2025-03-05"}
    assert crit["reason"].str.contains("missing").all()
    summary = agent_summary(res, ["greeting"]).set_index("agent")
    assert summary.loc["A102", "critical_failures"] == 2 and summary.loc["A101", "critical_failures"] == 0


def test_csv_and_xlsx_agent_summary(nights: Path, hostile: Path, tmp_path: Path, capsys) -> None:
    import openpyxl

    capsys.readouterr()
    assert main(["report", str(nights), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("agent,agent_name,calls,") and len(lines) == 5
    out = tmp_path / "agents.xlsx"
    assert main(["report", str(hostile), "--format", "xlsx", "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("agent", "agent_name", "calls") and len(rows) == 6
    agents = {r[0] for r in rows[1:]}
    assert "李娜" in agents and "../../etc/passwd" in agents
    csv_out = tmp_path / "agents.csv"
    assert main(["report", str(hostile), "--format", "csv", "-o", str(csv_out)]) == 0
    assert csv_out.read_text(encoding="utf-8-sig").count("\n") == 6


def test_spreadsheet_cells_never_become_formulas(nights: Path, tmp_path: Path) -> None:
    import openpyxl

    from callqa.report.summary import write_summary

    df = pd.DataFrame([{"agent": '=HYPERLINK("http://x")', "agent_name": "+1", "avg_score": -3.0}])
    write_summary(df, tmp_path / "a.xlsx", "xlsx")
    row = list(openpyxl.load_workbook(tmp_path / "a.xlsx").active.values)[1]
    assert row[0] == '\'=HYPERLINK("http://x")' and row[1] == "'+1" and row[2] == -3.0
    write_summary(df, tmp_path / "a.csv", "csv")
    assert "'=HYPERLINK" in (tmp_path / "a.csv").read_text(encoding="utf-8-sig")


def test_report_needs_an_existing_results_folder(tmp_path: Path, capsys) -> None:
    assert main(["report", str(tmp_path / "nope"), "--html", str(tmp_path / "h")]) == 2
    assert "no such results folder" in capsys.readouterr().err
    assert main(["report"]) == 2


def test_one_bad_call_is_not_a_trend() -> None:
    s = pd.Series([95.0, 96.0, 40.0], index=["n1", "n2", "n3"])
    assert slipping_since(s, 10, pd.Series({"n1": 3, "n2": 3, "n3": 1})) is None
    assert slipping_since(s, 10, pd.Series({"n1": 3, "n2": 3, "n3": 2})) == "n3"


def test_unknown_critical_check_is_an_error(nights: Path, tmp_path: Path, capsys) -> None:
    assert main(["report", str(nights), "--html", str(tmp_path / "h"), "--critical", "greting"]) == 2
    assert "unknown check 'greting'" in capsys.readouterr().err
    assert not (tmp_path / "h").exists()
