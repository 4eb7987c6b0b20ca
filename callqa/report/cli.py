"""The report files behind `callqa report RESULTS --html DIR` and `--format csv|xlsx`."""

from __future__ import annotations

import sys
from pathlib import Path


def report_files(
    root: Path,
    *,
    html: str | None,
    fmt: str | None,
    output: str | None,
    critical: list[str] | None,
    worst: int,
) -> int:
    from callqa.report.load import load_results
    from callqa.report.summary import agent_summary, critical_checks, csv_safe, write_summary

    if critical:
        from callqa.checks import all_checks

        unknown = sorted(set(critical) - set(all_checks()))
        if unknown:
            print(
                f"--critical: unknown check '{unknown[0]}' (known: {', '.join(sorted(all_checks()))})",
                file=sys.stderr,
            )
            return 2
    res = load_results(root)
    if res.calls.empty:
        print(f"{root}: no scored calls to report on", file=sys.stderr)
        return 1
    if html:
        from callqa.report.html import write_html_report

        pages = write_html_report(res, html, worst=max(0, worst), critical=critical)
        print(
            f"wrote {len(pages)} page(s): {Path(html).resolve() / 'index.html'} and {len(pages) - 1} agent page(s)"
        )
    if fmt:
        summary = agent_summary(res, critical if critical is not None else critical_checks(root)[1])
        if fmt == "csv" and not output:
            csv_safe(summary).to_csv(sys.stdout, index=False)
        else:
            path = write_summary(summary, Path(output or "agent_summary.xlsx"), fmt)
            print(f"wrote {path} ({len(summary)} agent(s))")
    return 0
