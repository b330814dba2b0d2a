"""Small inline SVG charts drawn on the server, so a report is one self-contained HTML file."""
from __future__ import annotations

from html import escape

PALETTE = ("#2f6db5", "#d9822b")


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.2f}".rstrip("0").rstrip(".")


def histogram(edges: list[float], counts: list[int], title: str, unit: str = "дн.") -> str:
    if not counts:
        return "<p>Нет данных.</p>"
    width, height, left, bottom = 640, 220, 40, 30
    top = max(counts) or 1
    bar = (width - left - 10) / len(counts)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="{left}" y="14" class="t">{escape(title)}</text>']
    for i, count in enumerate(counts):
        h = (height - bottom - 24) * count / top
        x = left + i * bar
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" '
                     f'fill="{PALETTE[0]}"><title>{_fmt(edges[i])}–{_fmt(edges[i + 1])} {unit}: {count}</title></rect>')
    for i in range(0, len(edges), max(1, len(edges) // 6)):
        parts.append(f'<text x="{left + i * bar:.1f}" y="{height - 10}" class="a">{_fmt(edges[i])}</text>')
    parts.append(f'<text x="{width - 10}" y="{height - 10}" class="a" text-anchor="end">{unit}</text></svg>')
    return "".join(parts)


def bars(rows: list[tuple[str, list[float | None], list[float | None]]], title: str, series: list[str],
         limit: float | None = None, percent: bool = True, mark: float | None = None) -> str:
    """Horizontal bars: one row per label, one bar per series, with 95% interval whiskers."""
    rows = [r for r in rows if any(v is not None for v in r[1])]
    if not rows:
        return "<p>Нет данных.</p>"
    per = 12 * len(series) + 8
    width, left = 640, 260
    height = 40 + per * len(rows)
    top = limit or max((v or 0) + (c or 0) for _l, vs, cs in rows for v, c in zip(vs, cs)) or 1
    scale = (width - left - 60) / top
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="14" class="t">{escape(title)}</text>']
    for k, name in enumerate(series if len(series) > 1 else []):
        parts.append(f'<rect x="{left + k * 160}" y="20" width="10" height="10" fill="{PALETTE[k]}"/>'
                     f'<text x="{left + 14 + k * 160}" y="29" class="a">{escape(name)}</text>')
    for i, (label, values, cis) in enumerate(rows):
        y = 40 + i * per
        parts.append(f'<text x="{left - 6}" y="{y + per / 2 + 2:.1f}" class="a" text-anchor="end">{escape(label[:42])}</text>')
        for k, (value, ci) in enumerate(zip(values, cis)):
            if value is None:
                continue
            yy = y + 4 + k * 12
            text = f"{value * 100:.1f}%" if percent else _fmt(value)
            parts.append(f'<rect x="{left}" y="{yy}" width="{max(value * scale, 0.5):.1f}" height="10" fill="{PALETTE[k]}">'
                         f'<title>{escape(label)}: {text}</title></rect>')
            if ci:
                lo, hi = left + max(value - ci, 0) * scale, left + (value + ci) * scale
                parts.append(f'<line x1="{lo:.1f}" x2="{hi:.1f}" y1="{yy + 5}" y2="{yy + 5}" stroke="#222"/>')
            parts.append(f'<text x="{left + (value + (ci or 0)) * scale + 4:.1f}" y="{yy + 9}" class="a">{text}</text>')
    if mark is not None:
        x = left + mark * scale
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="36" y2="{height}" stroke="#c0392b" stroke-dasharray="4 3"/>')
    parts.append("</svg>")
    return "".join(parts)


def line(series: list[list[float]], step_days: float, title: str, names: list[str], shade_until: float = 0) -> str:
    series = [s for s in series if s]
    if not series:
        return "<p>Нет данных.</p>"
    width, height, left, bottom = 640, 220, 40, 30
    n = max(len(s) for s in series)
    top = max(max(s) for s in series) or 1
    sx, sy = (width - left - 10) / max(n - 1, 1), (height - bottom - 24) / top
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="{left}" y="14" class="t">{escape(title)}</text>']
    if shade_until:
        w = min(shade_until / step_days, n - 1) * sx
        parts.append(f'<rect x="{left}" y="20" width="{w:.1f}" height="{height - bottom - 20}" fill="#eee">'
                     f'<title>разгон: не входит в статистику</title></rect>')
    for k, values in enumerate(series):
        points = " ".join(f"{left + i * sx:.1f},{height - bottom - v * sy:.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{PALETTE[k % 2]}" stroke-width="1.5"/>')
        if len(series) > 1:
            parts.append(f'<text x="{width - 10}" y="{30 + 12 * k}" class="a" text-anchor="end" fill="{PALETTE[k % 2]}">{escape(names[k])}</text>')
    parts.append(f'<text x="4" y="{height - bottom}" class="a">0</text><text x="4" y="30" class="a">{_fmt(top)}</text>')
    parts.append(f'<text x="{width - 10}" y="{height - 10}" class="a" text-anchor="end">{_fmt((n - 1) * step_days)} дн.</text></svg>')
    return "".join(parts)
