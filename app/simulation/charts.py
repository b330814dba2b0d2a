"""Small inline SVG charts drawn on the server, so a report is one self-contained HTML file.

Room is measured from the labels themselves (an average glyph width of the report's font), so a
long step name gets a wider label column or a second line instead of being clipped; numbers
are written the Russian way (decimal comma, shares in %), dates ДД.ММ.ГГГГ.
"""
from __future__ import annotations

from datetime import date, timedelta
from html import escape

PALETTE = ("#2f6db5", "#d9822b")
WIDTH = 960
GLYPH = 7.2  # px per character at the 12 px axis font: enough for Cyrillic in system-ui
LINE = 15


def fmt(value: float, digits: int | None = None) -> str:
    if digits is None:
        digits = 0 if abs(value) >= 10 else 2
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",").replace("-", "−")


def share(value: float) -> str:
    return f"{fmt(value * 100, 1)}\u00a0%"


def wrap(text: str, width: int) -> list[str]:
    """Words into lines of at most ``width`` characters (a longer word is cut with «…»), two lines at most."""
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], (" ".join(lines[1:]))[:width - 1] + "…"]
    return [line if len(line) <= width else line[:width - 1] + "…" for line in lines]


def _text_lines(x: float, y: float, lines: list[str], anchor: str = "end") -> str:
    first = y - (len(lines) - 1) * LINE / 2
    return "".join(f'<text x="{x:.1f}" y="{first + i * LINE:.1f}" class="a" text-anchor="{anchor}">{escape(line)}</text>'
                   for i, line in enumerate(lines))


def _legend(series: list[str], y: float) -> tuple[str, float]:
    if len(series) < 2:
        return "", y
    parts = []
    for k, name in enumerate(series):
        parts.append(f'<rect x="0" y="{y + k * 18:.0f}" width="12" height="12" fill="{PALETTE[k % 2]}"/>'
                     f'<text x="18" y="{y + 10 + k * 18:.0f}" class="a">{escape(name)}</text>')
    return "".join(parts), y + 18 * len(series) + 6


def histogram(edges: list[float], counts: list[int], title: str, unit: str = "дней") -> str:
    if not counts:
        return "<p>Нет данных.</p>"
    width, left, bottom = WIDTH // 2, 46, 42
    heading = wrap(title, int(width / (GLYPH * 1.15)))
    top_pad = 12 + 18 * len(heading)
    height = top_pad + 220 + bottom
    top = max(counts) or 1
    bar = (width - left - 12) / len(counts)
    parts = [f'<svg class="chart half" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             "".join(f'<text x="0" y="{16 + 18 * i}" class="t">{escape(line)}</text>' for i, line in enumerate(heading)),
             f'<text x="{left - 6}" y="{top_pad + 10}" class="a" text-anchor="end">{top}</text>',
             f'<text x="{left - 6}" y="{height - bottom}" class="a" text-anchor="end">0</text>']
    for i, count in enumerate(counts):
        h = (height - bottom - top_pad) * count / top
        x = left + i * bar
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{max(bar - 1, 0.5):.1f}" height="{h:.1f}" '
                     f'fill="{PALETTE[0]}"><title>{fmt(edges[i])}–{fmt(edges[i + 1])} {unit}: {count}</title></rect>')
    ticks = max(1, len(edges) // 5)
    for i in range(0, len(edges), ticks):
        parts.append(f'<text x="{left + i * bar:.1f}" y="{height - bottom + 16}" class="a" text-anchor="middle">'
                     f'{fmt(edges[i])}</text>')
    parts.append(f'<text x="{(left + width) / 2:.0f}" y="{height - 6}" class="a" text-anchor="middle">'
                 f'длительность цикла, {unit}; по вертикали — заявок</text></svg>')
    return "".join(parts)


def bars(rows: list[tuple[str, list[float | None], list[float | None]]], title: str, series: list[str],
         limit: float | None = None, percent: bool = True, mark: float | None = None) -> str:
    """Horizontal bars: one row per label, one bar per series, with 95% interval whiskers."""
    rows = [r for r in rows if any(v is not None for v in r[1])]
    if not rows:
        return "<p>Нет данных.</p>"
    chars = min(max(len(label) for label, _v, _c in rows), 2 * 48)
    wrap_at = chars if chars <= 48 else max(24, (chars + 1) // 2)
    left = min(GLYPH * wrap_at + 16, WIDTH * 0.55)
    right = 96  # the value written after the longest bar
    per = max(14 * len(series) + 10, 2 * LINE + 8)
    legend, y0 = _legend(series, 28)
    height = y0 + per * len(rows) + 8
    top = limit or max((v or 0) + (c or 0) for _l, vs, cs in rows for v, c in zip(vs, cs)) or 1
    scale = (WIDTH - left - right) / top
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="16" class="t">{escape(title)}</text>', legend]
    for i, (label, values, cis) in enumerate(rows):
        y = y0 + i * per
        parts.append(_text_lines(left - 8, y + per / 2 + 4, wrap(label, int(wrap_at))))
        for k, (value, ci) in enumerate(zip(values, cis)):
            if value is None:
                continue
            yy = y + (per - 14 * len(series)) / 2 + k * 14
            text = share(value) if percent else fmt(value)
            parts.append(f'<rect x="{left}" y="{yy:.1f}" width="{max(value * scale, 0.5):.1f}" height="11" '
                         f'fill="{PALETTE[k % 2]}"><title>{escape(label)}: {text}</title></rect>')
            end = left + (value + (ci or 0)) * scale
            if ci:
                lo = left + max(value - ci, 0) * scale
                parts.append(f'<line x1="{lo:.1f}" x2="{end:.1f}" y1="{yy + 5.5:.1f}" y2="{yy + 5.5:.1f}" stroke="#222"/>')
            parts.append(f'<text x="{min(end + 4, WIDTH - right + 4):.1f}" y="{yy + 10:.1f}" class="a">{text}</text>')
    if mark is not None:
        x = left + mark * scale
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0 - 4:.0f}" y2="{height:.0f}" stroke="#c0392b" '
                     f'stroke-dasharray="4 3"><title>порог {share(mark)}</title></line>')
    parts.append("</svg>")
    return "".join(parts)


def line(series: list[list[float]], step_days: float, title: str, names: list[str], shade_until: float = 0,
         start: date | None = None) -> str:
    series = [s for s in series if s]
    if not series:
        return "<p>Нет данных.</p>"
    legend, y0 = _legend(names if len(series) > 1 else [], 28)
    width, left, bottom = WIDTH, 50, 40
    height = y0 + 220 + bottom
    n = max(len(s) for s in series)
    top = max(max(s) for s in series) or 1
    sx, sy = (width - left - 50) / max(n - 1, 1), 220 / top
    base = height - bottom
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="16" class="t">{escape(title)}</text>', legend]
    if shade_until:
        w = min(shade_until / step_days, n - 1) * sx
        parts.append(f'<rect x="{left}" y="{y0}" width="{w:.1f}" height="{base - y0:.0f}" fill="#eee">'
                     f'<title>разгон: не входит в статистику</title></rect>')
    for k, values in enumerate(series):
        points = " ".join(f"{left + i * sx:.1f},{base - v * sy:.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{PALETTE[k % 2]}" stroke-width="1.8"/>')
    parts.append(f'<text x="{left - 6}" y="{base:.0f}" class="a" text-anchor="end">0</text>'
                 f'<text x="{left - 6}" y="{y0 + 10:.0f}" class="a" text-anchor="end">{fmt(top, 1)}</text>')
    for j in range(5):
        i = round(j * (n - 1) / 4)
        days = i * step_days
        label = (start + timedelta(days=days)).strftime("%d.%m.%Y") if start else f"{fmt(days)} дн."
        parts.append(f'<text x="{left + i * sx:.1f}" y="{base + 18:.0f}" class="a" text-anchor="middle">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
