"""The report in a real headless Chromium: every page loads with no console error, no exception and no
network request, is readable on a phone (no sideways scrolling), the audio player starts at the
evidence's second, hostile names stay text; a screenshot of each page is taken.

Needs the `chromium` binary (scripts/ensure_chromium.sh). Without it the test is skipped, unless
CALLQA_REQUIRE_CHROMIUM=1 (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from report_hostile import HOSTILE

from callqa.cli import main
from callqa.report.headless import Chromium, find_chromium

AUDIO_JS = """(async () => {
  const a = document.querySelector('audio');
  if (!a) return null;
  a.preload = 'metadata'; a.load();
  await new Promise((ok, bad) => { a.onloadedmetadata = ok; a.onerror = () => bad(String(a.error && a.error.code));
                                   setTimeout(() => bad('timeout'), 10000); });
  const want = parseFloat(a.getAttribute('src').split('#t=')[1]);
  return {want: want, at: a.currentTime, duration: a.duration};
})()"""


@pytest.fixture(scope="module")
def browser():
    if not find_chromium():
        if os.environ.get("CALLQA_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is required (CALLQA_REQUIRE_CHROMIUM=1): run scripts/ensure_chromium.sh")
        pytest.skip("chromium not installed (scripts/ensure_chromium.sh)")
    with Chromium() as b:
        yield b


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_every_page_loads_cleanly_offline_and_on_a_phone(
    browser: Chromium, nights: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    assert main(["report", str(nights), "--html", str(site)]) == 0
    pages = [site / "index.html", *sorted((site / "agents").iterdir())]
    for page in pages:
        visit = browser.visit(
            page, evaluate={"audio": AUDIO_JS, "charts": "document.querySelectorAll('svg.chart').length"}
        )
        assert visit.errors == [], (page.name, visit.errors)
        assert visit.network_requests == [], (page.name, visit.network_requests)
        assert visit.requests[0] == page.resolve().as_uri()
        assert visit.metrics["charts"] >= 1
        width, height = _png_size(visit.screenshot)
        assert width == 1100 and height > 800  # the whole page, not just the first screen
        (tmp_path / f"{page.stem}.png").write_bytes(visit.screenshot)
        if page.parent.name == "agents":  # the player starts at the evidence's second
            audio = visit.metrics["audio"]
            assert audio and audio["duration"] > 60 and abs(audio["at"] - audio["want"]) < 0.05, audio
            assert audio["want"] > 0
        phone = browser.visit(
            page,
            width=390,
            height=844,
            mobile=True,
            screenshot=False,
            evaluate={
                "overflow": "document.documentElement.scrollWidth - document.documentElement.clientWidth",
                "font": "parseFloat(getComputedStyle(document.body).fontSize)",
            },
        )
        assert phone.errors == [] and phone.metrics["overflow"] <= 0, (page.name, phone.metrics)
        assert phone.metrics["font"] >= 14


def test_hostile_names_stay_text_in_the_browser(browser: Chromium, hostile: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["report", str(hostile), "--html", str(site)]) == 0
    for page in [site / "index.html", *sorted((site / "agents").iterdir())]:
        visit = browser.visit(
            page,
            screenshot=False,
            evaluate={
                "scripts": "document.scripts.length",
                "imgs": "document.images.length",
                "text": "document.body.innerText",
            },
        )
        assert visit.errors == [] and visit.network_requests == [], (page.name, visit.errors)
        assert visit.metrics["scripts"] == 0 and visit.metrics["imgs"] == 0
    index = browser.visit(site / "index.html", screenshot=False, evaluate={"text": "document.body.innerText"})
    for agent_id, _ in HOSTILE:
        assert agent_id in index.metrics["text"]  # shown as written, not interpreted


def test_the_harness_sees_errors_and_network_requests(browser: Chromium, tmp_path: Path) -> None:
    """The checks above can fail: a console error, an exception and a remote image are all caught."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html><body><img src="http://192.0.2.1/x.png">'
        '<script>console.error("boom"); throw new Error("kaput")</script></body></html>',
        encoding="utf-8",
    )
    visit = browser.visit(page, screenshot=False)
    assert any("boom" in e for e in visit.errors) and any("kaput" in e for e in visit.errors)
    assert visit.network_requests == ["http://192.0.2.1/x.png"]
