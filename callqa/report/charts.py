"""Small SVG charts drawn in Python (no chart library, no script, no network): line, scatter with a band,
bars with a threshold line, paired bars. Every piece of text is escaped; sizes are a viewBox, so the
charts scale to the page (phones included)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

W, H = 640, 320
PAD_L, PAD_R, PAD_T, PAD_B = 76, 16, 24, 96
GOOD, BAD, TEAM, MUTED, GRID = "#1a7f37", "#cf222e", "#8c959f", "#57606a", "#d0d7de"
PALETTE = ["#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#0a7d8c", "#6e7781"]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(v: float) -> str:
    return f"{v:.1f}"


def _svg(body: list[str], label: str, *, width: int = W, height: int = H) -> str:
    return (
        f'<div class="scroll"><svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(label)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{_e(label)}</title>' + "".join(body) + "</svg></div>"
    )


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(v))
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * mag:
            return step * mag
    return 10 * mag


def _y_axis(lo: float, hi: float, y_of, unit: str, ticks: int = 5) -> list[str]:
    out = []
    for i in range(ticks + 1):
        v = lo + (hi - lo) * i / ticks
        y = y_of(v)
        out.append(
            f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{_num(y)}" y2="{_num(y)}" stroke="{GRID}" stroke-width="1"/>'
        )
        label = f"{v:.0f}" if hi - lo >= ticks else f"{v:.2g}"
        out.append(
            f'<text x="{PAD_L - 6}" y="{_num(y + 4)}" text-anchor="end" font-size="13" fill="{MUTED}">{_e(label)}</text>'
        )
    if unit:
        out.append(f'<text x="4" y="12" font-size="13" fill="{MUTED}">{_e(unit)}</text>')
    return out


def _x_labels(labels: Sequence[str], x_of, *, every: int = 1) -> list[str]:
    out = []
    for i, lab in enumerate(labels):
        if i % every:
            continue
        x = x_of(i)
        out.append(
            f'<text x="{_num(x)}" y="{H - PAD_B + 14}" text-anchor="end" font-size="13" fill="{MUTED}" '
            f'transform="rotate(-40 {_num(x)} {H - PAD_B + 14})">{_e(str(lab)[-16:])}</text>'
        )
    return out


def line_chart(
    x_labels: Sequence[str], series: Sequence[dict], *, label: str, y_max: float = 100.0, unit: str = "score"
) -> str:
    """Lines over categorical x (nights). series: {"name", "values" (same length, None = gap), "color",
    "width", "dash"}; every point has a tooltip."""
    n = max(len(x_labels), 1)
    plot_w, plot_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B

    def x_of(i: int) -> float:
        return PAD_L + (plot_w * (i + 0.5) / n)

    def y_of(v: float) -> float:
        return PAD_T + plot_h * (1 - v / y_max)

    body = _y_axis(0, y_max, y_of, unit)
    body += _x_labels(x_labels, x_of, every=max(1, math.ceil(n / 14)))
    for s in series:
        color, width, dash = s.get("color", PALETTE[0]), s.get("width", 2), s.get("dash")
        pts: list[str] = []
        path: list[tuple[float, float] | None] = []
        for i, v in enumerate(s["values"]):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                path.append(None)
                continue
            x, y = x_of(i), y_of(float(v))
            path.append((x, y))
            pts.append(
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{3 if width < 3 else 4}" fill="{color}">'
                f"<title>{_e(s['name'])} · {_e(x_labels[i])}: {float(v):.1f}</title></circle>"
            )
        d, pen = [], False
        for p in path:
            if p is None:
                pen = False
                continue
            d.append(f"{'L' if pen else 'M'}{_num(p[0])} {_num(p[1])}")
            pen = True
        if d:
            body.append(
                f'<path d="{" ".join(d)}" fill="none" stroke="{color}" stroke-width="{width}"'
                f"{f' stroke-dasharray={chr(34)}{dash}{chr(34)}' if dash else ''}/>"
            )
        body += pts
    return _svg(body, label)


def legend(items: Sequence[tuple[str, str]]) -> str:
    """An HTML legend (wraps on phones): (name, color)."""
    return (
        '<p class="legend">'
        + "".join(f'<span><i style="background:{_e(c)}"></i>{_e(n)}</span>' for n, c in items)
        + "</p>"
    )


def scatter(
    points: Sequence[dict], *, band: tuple[float, float] | None, label: str, x_title: str, y_title: str
) -> str:
    """Agent (y) vs customer (x) per call; the band lo·x ≤ y ≤ hi·x shaded. points: {"x","y","title","ok"}."""
    plot_w, plot_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    top = _nice_max(max([p["x"] for p in points] + [p["y"] for p in points] + [1.0]) * 1.1)

    def x_of(v: float) -> float:
        return PAD_L + plot_w * v / top

    def y_of(v: float) -> float:
        return PAD_T + plot_h * (1 - v / top)

    body = _y_axis(0, top, y_of, "")
    for i in range(6):
        v = top * i / 5
        body.append(
            f'<text x="{_num(x_of(v))}" y="{H - PAD_B + 16}" text-anchor="middle" font-size="13" '
            f'fill="{MUTED}">{v:.0f}</text>'
        )
    body.append(
        f'<text x="{_num(PAD_L + plot_w / 2)}" y="{H - 12}" text-anchor="middle" font-size="14" '
        f'fill="{MUTED}">{_e(x_title)}</text>'
    )
    body.append(
        f'<text x="12" y="{_num(PAD_T + plot_h / 2)}" text-anchor="middle" font-size="14" fill="{MUTED}" '
        f'transform="rotate(-90 12 {_num(PAD_T + plot_h / 2)})">{_e(y_title)}</text>'
    )
    if band:
        lo, hi = band
        far = top * 100
        poly = _clip_box([(0.0, 0.0), (far, hi * far), (far, lo * far)], top)
        pts = " ".join(f"{_num(x_of(x))},{_num(y_of(y))}" for x, y in poly)
        body.append(f'<polygon points="{pts}" fill="{GOOD}" fill-opacity="0.12"/>')
        body.append(
            f'<line x1="{_num(x_of(0))}" y1="{_num(y_of(0))}" x2="{_num(x_of(top))}" y2="{_num(y_of(top))}" '
            f'stroke="{TEAM}" stroke-dasharray="4 4"/>'
        )
    for p in points:
        color = GOOD if p.get("ok") else BAD
        body.append(
            f'<circle cx="{_num(x_of(p["x"]))}" cy="{_num(y_of(p["y"]))}" r="5" fill="{color}" '
            f'fill-opacity="0.8"><title>{_e(p["title"])}</title></circle>'
        )
    return _svg(body, label)


def _clip_box(poly: list[tuple[float, float]], top: float) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the polygon clipped to the square [0, top]²."""
    edges = [(0, 0.0, True), (0, top, False), (1, 0.0, True), (1, top, False)]  # (axis, bound, keep >=)
    for axis, bound, keep_ge in edges:

        def inside(p, axis=axis, bound=bound, keep_ge=keep_ge):
            return p[axis] >= bound if keep_ge else p[axis] <= bound

        out: list[tuple[float, float]] = []
        for i, cur in enumerate(poly):
            prev = poly[i - 1]
            if inside(cur) != inside(prev):
                t = (bound - prev[axis]) / ((cur[axis] - prev[axis]) or 1e-12)
                out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
            if inside(cur):
                out.append(cur)
        poly = out
        if not poly:
            break
    return poly


def bars(
    items: Sequence[dict], *, threshold: float | None, threshold_label: str, label: str, unit: str
) -> str:
    """Vertical bars (one per call/hold) with a dashed threshold line. items: {"label","value","title"}
    and optionally "back" (a lighter, wider bar behind); a bar over the threshold is red."""
    n = max(len(items), 1)
    plot_w, plot_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    top = _nice_max(
        max(
            [float(i["value"]) for i in items]
            + [float(i.get("back") or 0.0) for i in items]
            + [threshold or 0.0, 1.0]
        )
        * 1.15
    )

    def y_of(v: float) -> float:
        return PAD_T + plot_h * (1 - v / top)

    slot = plot_w / n
    body = _y_axis(0, top, y_of, unit)
    body += _x_labels(
        [i["label"] for i in items], lambda k: PAD_L + slot * (k + 0.5), every=max(1, math.ceil(n / 16))
    )
    for k, item in enumerate(items):
        v = float(item["value"])
        over = threshold is not None and v > threshold
        x = PAD_L + slot * k + slot * 0.15
        if item.get("back") is not None:  # e.g. the whole hold behind its longest unattended stretch
            b = float(item["back"])
            body.append(
                f'<rect x="{_num(x - slot * 0.08)}" y="{_num(y_of(b))}" width="{_num(slot * 0.86)}" '
                f'height="{_num(y_of(0) - y_of(b))}" fill="{TEAM}" fill-opacity="0.35">'
                f"<title>{_e(item['title'])}</title></rect>"
            )
        body.append(
            f'<rect x="{_num(x)}" y="{_num(y_of(v))}" width="{_num(slot * 0.7)}" height="{_num(y_of(0) - y_of(v))}" '
            f'fill="{BAD if over else PALETTE[0]}"><title>{_e(item["title"])}</title></rect>'
        )
        if n <= 24:
            body.append(
                f'<text x="{_num(x + slot * 0.35)}" y="{_num(y_of(v) - 3)}" text-anchor="middle" font-size="12" '
                f'fill="#24292f">{v:.0f}</text>'
                if v >= 10 or v == 0
                else f'<text x="{_num(x + slot * 0.35)}" y="{_num(y_of(v) - 3)}" text-anchor="middle" font-size="12" '
                f'fill="#24292f">{v:.1f}</text>'
            )
    if threshold is not None:
        y = y_of(threshold)
        body.append(
            f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{_num(y)}" y2="{_num(y)}" stroke="{BAD}" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
        )
        body.append(
            f'<text x="{PAD_L + 4}" y="{_num(y - 5)}" font-size="13" fill="{BAD}" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke">{_e(threshold_label)}</text>'
        )
    return _svg(body, label)


def paired_bars(
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    label: str,
    names: tuple[str, str] = ("agent", "team"),
) -> str:
    """Horizontal bars per check: the agent's pass rate (solid) over the team's (grey), 0-100 %."""
    row_h = 34
    height = PAD_T + row_h * max(len(rows), 1) + 24
    left, right = 160, 60
    plot_w = W - left - right
    body = []
    for i in range(5):
        x = left + plot_w * i / 4
        body.append(f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{PAD_T}" y2="{height - 20}" stroke="{GRID}"/>')
        body.append(
            f'<text x="{_num(x)}" y="{height - 6}" text-anchor="middle" font-size="13" fill="{MUTED}">{25 * i}%</text>'
        )
    for k, (name, mine, team) in enumerate(rows):
        y = PAD_T + row_h * k
        body.append(
            f'<text x="{left - 8}" y="{y + 20}" text-anchor="end" font-size="14" fill="#24292f">{_e(name)}</text>'
        )
        if team is not None:
            body.append(
                f'<rect x="{left}" y="{y + 4}" width="{_num(plot_w * team)}" height="10" fill="{TEAM}">'
                f"<title>{_e(names[1])} · {_e(name)}: {team:.0%}</title></rect>"
            )
        if mine is not None:
            color = GOOD if team is None or mine >= team - 1e-9 else BAD
            body.append(
                f'<rect x="{left}" y="{y + 15}" width="{_num(plot_w * mine)}" height="13" fill="{color}">'
                f"<title>{_e(names[0])} · {_e(name)}: {mine:.0%}</title></rect>"
            )
            body.append(
                f'<text x="{_num(left + plot_w * mine + 4)}" y="{y + 26}" font-size="13" fill="#24292f">{mine:.0%}</text>'
            )
        else:
            body.append(f'<text x="{left + 4}" y="{y + 26}" font-size="13" fill="{MUTED}">n/a</text>')
    return _svg(body, label, height=height)


def heat_color(rate: float | None) -> str:
    """Background for a pass rate: red (0) → amber (0.5) → green (1); grey when the check never applied."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "#eaeef2"
    r = max(0.0, min(1.0, float(rate)))
    if r < 0.5:
        a, b, t = (248, 81, 73), (212, 167, 44), r / 0.5
    else:
        a, b, t = (212, 167, 44), (45, 164, 78), (r - 0.5) / 0.5
    rgb = tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))
    return f"rgb({rgb[0]},{rgb[1]},{rgb[2]})"
