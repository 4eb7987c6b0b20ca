"""Per-agent numbers for supervisors: ranking, pass rate per check, nightly trend, who is slipping since when.

Everything is computed from `load_results` DataFrames. A check's pass rate counts only the calls where
it applied (`na` excluded, as in the score).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from callqa.report.load import Results
from callqa.store.codec import values_from_json

SLIP_POINTS = 10.0  # a score drop of this many points below the earlier nights counts as slipping
SLIP_RATE = 0.25  # ... or a check's pass rate dropping by this share
MIN_SLIP_CALLS = 2  # ... over at least this many calls since


def check_names(checks: pd.DataFrame, first: list[str] | None = None) -> list[str]:
    """Checks that applied to at least one call: those in `first` (e.g. the scorecard's) in that order,
    then the others in the order they first appear."""
    applied = list(dict.fromkeys(checks[checks["status"].isin(["pass", "fail"])]["check"].tolist()))
    lead = [c for c in (first or []) if c in applied]
    return lead + [c for c in applied if c not in lead]


def pass_rates(checks: pd.DataFrame, by: str | list[str] = "agent") -> pd.DataFrame:
    """Pass share (0..1) per group × check among applicable calls (NaN where the check never applied)."""
    applicable = checks[checks["status"].isin(["pass", "fail"])]
    if applicable.empty:
        return pd.DataFrame()
    table = (
        applicable.assign(passed=applicable["status"].eq("pass"))
        .groupby([*([by] if isinstance(by, str) else by), "check"])["passed"]
        .mean()
        .unstack("check")
    )
    return table[[c for c in check_names(checks) if c in table.columns]]


def applicable_counts(checks: pd.DataFrame, by: str = "agent") -> pd.DataFrame:
    applicable = checks[checks["status"].isin(["pass", "fail"])]
    if applicable.empty:
        return pd.DataFrame()
    return applicable.groupby([by, "check"]).size().unstack("check").fillna(0).astype(int)


def team_pass_rates(checks: pd.DataFrame) -> pd.Series:
    applicable = checks[checks["status"].isin(["pass", "fail"])]
    rates = applicable.assign(passed=applicable["status"].eq("pass")).groupby("check")["passed"].mean()
    return rates.reindex([c for c in check_names(checks) if c in rates.index])


def nightly_scores(calls: pd.DataFrame) -> pd.DataFrame:
    """Average score per agent (rows) and night (columns, sorted); calls without a night are left out."""
    dated = calls[calls["night"].notna() & calls["score"].notna()]
    if dated.empty:
        return pd.DataFrame()
    return dated.pivot_table(index="agent", columns="night", values="score", aggfunc="mean").sort_index(
        axis=1
    )


def team_nightly(calls: pd.DataFrame) -> pd.Series:
    dated = calls[calls["night"].notna() & calls["score"].notna()]
    return dated.groupby("night")["score"].mean().sort_index()


def slipping_since(
    series: pd.Series, margin: float, counts: pd.Series | None = None, min_calls: int = MIN_SLIP_CALLS
) -> str | None:
    """The first night from which every later value stays `margin` below the mean of the nights before
    it (the earliest such night, so the whole slide shows), over at least `min_calls` calls (`counts`:
    calls per night; one bad call is not a trend); None when there is no such night."""
    s = series.dropna()
    if len(s) < 2:
        return None
    values = s.tolist()
    n = [1] * len(values) if counts is None else [int(counts.get(i, 0)) for i in s.index]
    for k in range(1, len(values)):
        before = sum(values[:k]) / k
        if all(v <= before - margin for v in values[k:]) and sum(n[k:]) >= min_calls:
            return str(s.index[k])
    return None


@dataclass(frozen=True)
class Slip:
    agent: str
    what: str  # "score" or a check name
    since: str  # night YYYY-MM-DD
    before: float  # mean before (score points, or pass share 0..1)
    after: float  # mean since


def find_slips(res: Results) -> list[Slip]:
    """Who is slipping, on which behaviour, since when: the agent's score, and each check's pass rate."""
    slips: list[Slip] = []
    nightly = nightly_scores(res.calls)
    scored = res.calls[res.calls["night"].notna() & res.calls["score"].notna()]
    night_counts = scored.groupby(["agent", "night"]).size()
    for agent, row in nightly.iterrows():
        since = slipping_since(row, SLIP_POINTS, night_counts.xs(agent, level="agent"))
        if since:
            r = row.dropna()
            slips.append(
                Slip(
                    str(agent),
                    "score",
                    since,
                    float(r[r.index < since].mean()),
                    float(r[r.index >= since].mean()),
                )
            )
    dated = res.checks[res.checks["night"].notna()]
    per_night = pass_rates(dated, by=["agent", "night"]) if not dated.empty else pd.DataFrame()
    applied = dated[dated["status"].isin(["pass", "fail"])].groupby(["agent", "check", "night"]).size()
    if not per_night.empty:
        for agent in per_night.index.get_level_values("agent").unique():
            sub = per_night.xs(agent, level="agent").sort_index()
            for check in sub.columns:
                since = slipping_since(
                    sub[check], SLIP_RATE, applied.xs((agent, check), level=("agent", "check"))
                )
                if since:
                    r = sub[check].dropna()
                    slips.append(
                        Slip(
                            str(agent),
                            str(check),
                            since,
                            float(r[r.index < since].mean()),
                            float(r[r.index >= since].mean()),
                        )
                    )
    return sorted(slips, key=lambda s: (s.since, s.agent, s.what != "score", s.what))


def critical_checks(root: Path) -> tuple[str, list[str]]:
    """The scorecard of the run (from config.effective.yaml) and its critical checks."""
    name, _, critical = scorecard_info(root)
    return name, critical


def scorecard_info(root: Path) -> tuple[str, list[str], list[str]]:
    """The scorecard of the run (from config.effective.yaml): name, its checks, its critical checks."""
    import yaml

    from callqa.scoring.scorecard import load_scorecard

    name = "default"
    cfg = root / "config.effective.yaml"
    if cfg.exists():
        try:
            name = str((yaml.safe_load(cfg.read_text(encoding="utf-8")) or {}).get("scorecard") or name)
        except yaml.YAMLError:
            pass
    try:
        card = load_scorecard(name)
    except Exception:  # noqa: BLE001 - a scorecard file that moved away: no critical checks known
        return name, [], []
    return card.name, list(card.items), [n for n, item in card.items.items() if item.critical]


def failed_checks(checks: pd.DataFrame, call_id: str) -> list[str]:
    rows = checks[(checks["call_id"] == call_id) & (checks["status"] == "fail")]
    return rows["check"].tolist()


def critical_failures(res: Results, critical: list[str]) -> pd.DataFrame:
    """Calls that failed a critical check: call_id, agent, night, score, check, reason."""
    rows = res.checks[(res.checks["status"] == "fail") & res.checks["check"].isin(critical)]
    out = rows.merge(res.calls[["call_id", "score", "started_at"]], on="call_id", how="left")
    reasons = [
        values_from_json(v).get("reason") if isinstance(v, str) else None for v in out.get("values", [])
    ]
    out = out.assign(reason=[r or out_r for r, out_r in zip(reasons, out["reason"], strict=False)])
    return out[["call_id", "agent", "night", "started_at", "score", "check", "reason"]].sort_values(
        ["started_at", "call_id"], na_position="last"
    )


def weakest_check(agent_rates: pd.Series, team_rates: pd.Series) -> str | None:
    """The check on which the agent falls furthest below the team's pass rate (what sets them apart), else,
    when they are nowhere below the team, their lowest pass rate under 1; None when they pass everything."""
    if not len(agent_rates) or agent_rates.min() >= 1:
        return None
    gap = (agent_rates - team_rates.reindex(agent_rates.index)).dropna()
    if len(gap) and gap.min() < 0:
        return str(gap.idxmin())
    return str(agent_rates.idxmin())


def agent_summary(
    res: Results, critical: list[str] | None = None, *, slips: list[Slip] | None = None
) -> pd.DataFrame:
    """One row per agent, best average score first: calls, average/median score, share of calls passed,
    critical failures, first/last night, last night's score, change vs the nights before, slipping since,
    weakest check (furthest below the team's pass rate), and `<check>_pass_rate` (0..1) for every check."""
    calls = res.calls
    if calls.empty:
        return pd.DataFrame(columns=["agent", "agent_name", "calls", "avg_score"])
    critical = critical or []
    rates = pass_rates(res.checks)
    nightly = nightly_scores(calls)
    slips_by_agent = {s.agent: s for s in (find_slips(res) if slips is None else slips) if s.what == "score"}
    crit_rows = res.checks[(res.checks["status"] == "fail") & res.checks["check"].isin(critical)]
    crit_counts = crit_rows.groupby("agent")["call_id"].nunique()
    team_rates = rates.mean(axis=0) if len(rates) else pd.Series(dtype=float)
    rows = []
    for agent, own in calls.groupby("agent", sort=False):
        scores = own["score"].dropna()
        names = own["agent_name"].dropna()
        passed = own["passed"].dropna().astype(bool) if "passed" in own else pd.Series(dtype=bool)
        crit = int(crit_counts.get(agent, 0))
        night_scores = nightly.loc[agent].dropna() if agent in nightly.index else pd.Series(dtype=float)
        last = float(night_scores.iloc[-1]) if len(night_scores) else None
        change = (
            float(night_scores.iloc[-1] - night_scores.iloc[:-1].mean()) if len(night_scores) > 1 else None
        )
        agent_rates = rates.loc[agent].dropna() if agent in rates.index else pd.Series(dtype=float)
        row = {
            "agent": agent,
            "agent_name": str(names.iloc[0]) if len(names) else "",
            "calls": int(len(own)),
            "scored_calls": int(len(scores)),
            "avg_score": round(float(scores.mean()), 1) if len(scores) else None,
            "median_score": round(float(scores.median()), 1) if len(scores) else None,
            "pass_rate": round(float(passed.mean()), 3) if len(passed) else None,
            "critical_failures": int(crit),
            "first_night": own["night"].dropna().min() if own["night"].notna().any() else None,
            "last_night": own["night"].dropna().max() if own["night"].notna().any() else None,
            "last_night_score": round(last, 1) if last is not None else None,
            "change_vs_before": round(change, 1) if change is not None else None,
            "slipping_since": slips_by_agent[agent].since if agent in slips_by_agent else None,
            "weakest_check": weakest_check(agent_rates, team_rates),
        }
        for check in rates.columns:
            v = rates.at[agent, check] if agent in rates.index else None
            row[f"{check}_pass_rate"] = None if v is None or pd.isna(v) else round(float(v), 3)
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.sort_values(["avg_score", "agent"], ascending=[False, True], na_position="last").reset_index(
        drop=True
    )


def write_summary(df: pd.DataFrame, path: Path, fmt: str) -> Path:
    """The agent summary as CSV (UTF-8 with BOM so spreadsheet programs read non-Latin names) or XLSX."""
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = csv_safe(df)  # agent names are untrusted: "=HYPERLINK(...)" must stay text
    if fmt == "csv":
        safe.to_csv(path, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            safe.to_excel(writer, sheet_name="agents", index=False)
            sheet = writer.sheets["agents"]
            sheet.freeze_panes = "B2"
            for i, col in enumerate(safe.columns, 1):
                sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(10, min(40, len(col) + 2))
    else:
        raise ValueError(f"unknown format {fmt!r} (csv or xlsx)")
    return path


def _defuse_formula(v: object) -> object:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as formulas, defused (CSV opened in a spreadsheet)."""
    safe = df.copy()
    for col in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[col]) and not pd.api.types.is_bool_dtype(safe[col]):
            safe[col] = safe[col].map(_defuse_formula)
    return safe


# ---------------------------------------------------------------------------------------------- sentiment
ENDED_NEGATIVE_BELOW = -1.0  # the `sentiment` check's default `ended_negative_below` (the neutral band)


def nightly_sentiment(calls: pd.DataFrame) -> pd.DataFrame:
    """Per night: the mean customer and agent sentiment (−5..5) of the calls the `sentiment` check scored,
    and how many calls that is; empty when no call has it."""
    cols = ["sentiment_customer_mean", "sentiment_agent_mean"]
    if "night" not in calls.columns or not set(cols) <= set(calls.columns):
        return pd.DataFrame(columns=["customer", "agent", "calls"])
    dated = calls[calls["night"].notna() & calls["sentiment_customer_mean"].notna()]
    out = dated.groupby("night").agg(
        customer=("sentiment_customer_mean", "mean"),
        agent=("sentiment_agent_mean", "mean"),
        calls=("call_id", "count"),
    )
    return out.sort_index()


def ended_negative(calls: pd.DataFrame, *, below: float = ENDED_NEGATIVE_BELOW) -> pd.DataFrame:
    """Calls whose customer ended negative (`sentiment_customer_end` ≤ `below`), most negative first, with
    where they started and the trend; the check's `fail` (ended negative *and* worse) marked in `status`."""
    need = [
        "sentiment_customer_end",
        "sentiment_customer_start",
        "sentiment_customer_trend",
        "sentiment_status",
    ]
    if not set(need) <= set(calls.columns):
        return pd.DataFrame(columns=["call_id", "agent", "night", "start", "end", "trend", "status"])
    bad = calls[pd.to_numeric(calls["sentiment_customer_end"], errors="coerce") <= below]
    out = pd.DataFrame({
        "call_id": bad["call_id"], "agent": bad.get("agent"), "night": bad.get("night"),
        "start": bad["sentiment_customer_start"], "end": bad["sentiment_customer_end"],
        "trend": bad["sentiment_customer_trend"], "status": bad["sentiment_status"],
    })  # fmt: skip
    return out.sort_values(["end", "call_id"]).reset_index(drop=True)
