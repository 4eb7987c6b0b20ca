"""The SVG charts: geometry of the matching band, gaps in lines, escaping, colours."""

from __future__ import annotations

import re

from callqa.report import charts


def test_band_polygon_is_the_band_clipped_to_the_plot() -> None:
    poly = charts._clip_box([(0.0, 0.0), (1e4, 1.25e4), (1e4, 0.8e4)], 100.0)
    assert all(0 <= x <= 100 + 1e-9 and 0 <= y <= 100 + 1e-9 for x, y in poly)
    for x, y in poly:  # every corner lies between the two band lines
        assert 0.8 * x - 1e-6 <= y <= 1.25 * x + 1e-6
    assert (100.0, 100.0) in [(round(x, 6), round(y, 6)) for x, y in poly]  # the top right corner is inside
    assert any(abs(x - 80.0) < 1e-6 and abs(y - 100.0) < 1e-6 for x, y in poly)  # hi line leaves at y = top


def test_line_chart_leaves_gaps_for_missing_nights_and_escapes_names() -> None:
    svg = charts.line_chart(
        ["n1", "n2", "n3"], [{"name": "<b>x</b>", "values": [50.0, None, 70.0]}], label="t"
    )
    (d,) = re.findall(r'<path d="([^"]+)"', svg)
    assert d.count("M") == 2 and "L" not in d  # two separate points, no line across the gap
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg


def test_bars_mark_the_ones_over_the_threshold() -> None:
    svg = charts.bars(
        [{"label": "a", "value": 12, "title": "a"}, {"label": "b", "value": 42, "title": "b"}],
        threshold=30,
        threshold_label="30 s",
        label="holds",
        unit="s",
    )
    fills = re.findall(r'<rect [^>]*fill="([^"]+)"', svg)
    assert fills == [charts.PALETTE[0], charts.BAD]


def test_heat_colour_runs_red_to_green_and_grey_for_na() -> None:
    assert charts.heat_color(None) == charts.heat_color(float("nan")) == "#eaeef2"
    r0, g0, _ = map(int, re.findall(r"\d+", charts.heat_color(0.0)))
    r1, g1, _ = map(int, re.findall(r"\d+", charts.heat_color(1.0)))
    assert r0 > g0 and g1 > r1
