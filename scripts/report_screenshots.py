#!/usr/bin/env python3
"""Screenshots of the HTML report for the README (docs/img/report-index.png, docs/img/report-agent.png).

    PYTHONPATH=. python scripts/report_screenshots.py [RESULTS]

The greeting is made critical for the shot (the default scorecard has no critical check).
RESULTS defaults to a fresh multi-night demo (callqa.report.demo_nights, ~1 min, no speech model).
Needs chromium (scripts/ensure_chromium.sh).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from callqa.cli import main as callqa_main
from callqa.report.demo_nights import build_demo_nights
from callqa.report.headless import Chromium

REPO = Path(__file__).resolve().parents[1]


def _shrink(path: Path) -> None:
    """256-colour PNG (a quarter of the size; the report has few colours). Skipped without Pillow."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main(argv: list[str]) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="callqa-shots-"))
    results = Path(argv[0]) if argv else build_demo_nights(tmp / "demo")
    site = tmp / "site"
    if callqa_main(["report", str(results), "--html", str(site), "--critical", "greeting"]) != 0:
        return 1
    out = REPO / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    with Chromium() as browser:
        for name, page, width in (
            ("report-index.png", site / "index.html", 1000),
            ("report-agent.png", site / "agents" / "A102.html", 1000),
        ):
            visit = browser.visit(page, width=width, height=900)
            if visit.errors or visit.network_requests:
                print(f"{page}: {visit.errors} {visit.network_requests}", file=sys.stderr)
                return 1
            (out / name).write_bytes(visit.screenshot)
            _shrink(out / name)
            print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
