"""`callqa report RESULTS --html DIR`: the pages, their content, escaping, file names, links to recordings."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from report_hostile import HOSTILE

from callqa.cli import main
from callqa.report.html import agent_file_names


@pytest.fixture(scope="module")
def site(nights: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    assert main(["report", str(nights), "--html", str(out), "--critical", "greeting"]) == 0
    return out


@pytest.fixture(scope="module")
def hostile_site(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile-site")
    assert main(["report", str(hostile), "--html", str(out)]) == 0
    return out


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_team_page(site: Path) -> None:
    html = _text(site / "index.html")
    assert sorted(p.name for p in (site / "agents").iterdir()) == [
        "A101.html",
        "A102.html",
        "A103.html",
        "A104.html",
    ]
    # ranking: A102 (who slipped) is last; every agent links to its page
    ranks = re.findall(r'<tr><td class=num>(\d)</td><td><a href="agents/(A10\d)\.html">', html)
    assert [a for _, a in ranks][-1] == "A102" and len(ranks) == 4
    # who is slipping, on which behaviour, since when
    slipping = html.split("<h2>Who is slipping</h2>")[1].split("<h2>")[0]
    assert re.search(r"A102</a> Kevin: score 100 → <b>\d+</b> since <b>2025-03-04</b>", slipping)
    assert "<b>greeting</b> passed 100% → 0% since 2025-03-04" in slipping and "A101" not in slipping
    # heat map: A102 passed the greeting on 1 of its 3 nights; the cell says so
    assert re.search(r'title="A102 · greeting: 33% of 3 call\(s\)"', html)
    # trend per night: one line for the team and one per agent, every night on the axis
    assert html.count("<path d=") == 5
    for night in ("2025-03-03", "2025-03-04", "2025-03-05"):
        assert f">{night}</text>" in html
    # critical failures (greeting made critical with --critical): A102's two late calls
    crit = html.split("failed a critical check</h2>")[1].split("<h2>")[0]
    assert "Critical checks (chosen for this report): greeting." in crit
    assert crit.count("<tr><td>2025-03-0") == 2 and "20250304-A102-1" in crit and "20250305-A102-1" in crit
    assert (site / "agent_summary.csv").read_text(encoding="utf-8-sig").startswith("agent,agent_name")


def test_agent_page_shows_charts_and_evidence_with_audio(site: Path, nights: Path) -> None:
    html = _text(site / "agents" / "A102.html")
    for title in (
        "Score over time",
        "Pass rate per check, against the team",
        "Speaking rate: agent vs customer",
        "Holds",
        "Filler words per minute",
        "Worst calls, with the evidence",
    ):
        assert f"<h2>{title}" in html
    assert html.count('<svg class="chart"') == 5
    assert '<polygon points="' in html  # the matching band of the speaking-rate scatter
    assert "30 s unattended" in html  # the hold limit line
    # the worst call first: the silent 40+ s hold, with what was said and when, and a player at that second
    worst = html.split("Worst calls, with the evidence</h2>")[1]
    assert worst.index("20250304-A102-1") < worst.index("20250303-A102-1")
    assert "Could you hold for a moment please while I check the line?" in worst
    players = re.findall(
        r'<audio controls preload="none" src="([^"#]+)#t=([\d.]+)(?:,([\d.]+))?"></audio>', worst
    )
    assert players
    for src, start, end in players:
        target = (site / "agents" / unquote(src)).resolve()
        assert (
            not src.startswith("/") and target.is_file() and target.parent == (nights.parent / "in").resolve()
        )
        assert end == "" or float(end) > float(start)
    starts = {float(s) for _, s, _ in players}
    holds_at = re.search(
        r"<b>(\d\d):(\d\d\.\d)–\d\d:\d\d\.\d</b> <q>|<b>(\d\d):(\d\d\.\d)–[^<]*</b> <span class=\"muted\">hold",
        worst,
    )
    assert holds_at and any(
        abs(s - (60 * int(holds_at.group(3)) + float(holds_at.group(4)))) < 0.06 for s in starts
    )


def test_recordings_that_moved_away_get_no_player(nights: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "results"
    shutil.copytree(nights, copy)
    moved = tmp_path / "in-moved"
    shutil.move(nights.parent / "in", moved)
    try:
        assert main(["report", str(copy), "--html", str(tmp_path / "site")]) == 0
    finally:
        shutil.move(moved, nights.parent / "in")
    html = _text(tmp_path / "site" / "agents" / "A102.html")
    assert "<audio" not in html and "recording not reachable from this report" in html


def test_pages_are_self_contained(site: Path) -> None:
    for page in [site / "index.html", *(site / "agents").iterdir()]:
        html = _text(page)
        assert "<script" not in html.lower()
        assert not re.search(r'(src|href)="(https?:)?//', html), page  # nothing from the network
        assert "Content-Security-Policy" in html and "default-src 'none'" in html
        assert '<meta name="viewport"' in html


def test_untrusted_text_is_escaped_and_file_names_are_safe(hostile_site: Path) -> None:
    pages = sorted((hostile_site / "agents").iterdir())
    assert len(pages) == 1 + len(HOSTILE)
    for p in pages:  # inside agents/, plain ASCII names
        assert p.parent == hostile_site / "agents" and re.fullmatch(r"[A-Za-z0-9_-]+\.html", p.name)
    assert "CON.html" not in {p.name for p in pages}  # reserved on Windows
    everything = "".join(_text(p) for p in [hostile_site / "index.html", *pages])
    assert "<script>alert" not in everything and "<img src=x" not in everything
    assert "&lt;script&gt;alert(&#x27;id&#x27;)&lt;/script&gt;" in everything
    assert "&lt;img src=x onerror=alert(1)&gt;" in everything  # the name, also inside the transcript
    assert "李娜" in everything and "Ann &amp; Co" in everything


def test_agent_file_names_are_unique_and_safe() -> None:
    agents = ["A1", "a1", "x/y", "x_y", "../..", "李娜", "李 娜", "", "nul", "A" * 300, "ok-id_7"]
    names = agent_file_names(agents)
    assert len(set(names.values())) == len(agents)
    assert {n.lower() for n in names.values()} == {n.lower() for n in names.values()} and len(
        {n.lower() for n in names.values()}
    ) == len(agents)
    for n in names.values():
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.html", n) and len(n) < 80
    assert names["ok-id_7"] == "ok-id_7.html"


def test_undated_calls_unknown_agents_and_errors(nights: Path, tmp_path: Path) -> None:
    """Calls without start time or agent, and files that failed: the report still renders and says so."""
    import json
    import shutil

    from callqa.report.load import load_results

    root = tmp_path / "r"
    shutil.copytree(nights / "calls", root / "calls")
    for path in sorted((root / "calls").glob("*.json"))[:5]:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["agent_id"] = data["agent_name"] = None
        data["meta"]["started_at"] = None
        path.write_text(json.dumps(data), encoding="utf-8")
    (root / "errors.jsonl").write_text(
        json.dumps(
            {"call_id": "x", "file": "<bad>.wav", "stage": "decode", "message": "truncated <b>file</b>"}
        )
        + "\n",
        encoding="utf-8",
    )
    res = load_results(root)  # no tables: read from the JSON files
    assert (res.calls["agent"] == "(unknown)").sum() == 5 and res.calls["night"].isna().sum() == 5
    assert main(["report", str(root), "--html", str(tmp_path / "site")]) == 0
    html = _text(tmp_path / "site" / "index.html")
    assert "Files that could not be analysed" in html and "truncated &lt;b&gt;file&lt;/b&gt;" in html
    unknown = [p for p in (tmp_path / "site" / "agents").iterdir() if p.name.startswith("unknown-")]
    assert len(unknown) == 1 and "(unknown)" in _text(unknown[0])


def test_agent_page_says_what_slipped_since_when(site: Path) -> None:
    kevin = _text(site / "agents" / "A102.html")
    slipped = kevin.split("<h2>Slipping</h2>")[1].split("<h2>")[0]
    assert (
        "since <b>2025-03-04</b>" in slipped and "<b>holds</b> passed 100% → 0% since 2025-03-04" in slipped
    )
    assert "<h2>Slipping</h2>" not in _text(site / "agents" / "A101.html")
