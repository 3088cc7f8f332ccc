"""Small inline SVG charts (no scripts, no external resources)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

PALETTE = ("#0b5cad", "#e07b00", "#2e8b57", "#9b3fb5", "#c0392b", "#5d6d7e")
FONT = 'font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12"'
Formatter = Callable[[float], str]


def _fmt_default(value: float) -> str:
    return f"{value:,.0f}"


def bar_chart(
    items: Sequence[tuple[str, float]],
    title: str,
    fmt: Formatter = _fmt_default,
    width: int = 640,
    color: str = PALETTE[0],
    max_value: float | None = None,
) -> str:
    """Horizontal bars, one per (label, value)."""
    row, label_w, top = 24, 250, 28
    height = top + row * max(len(items), 1) + 10
    top_value = max_value or max((v for _, v in items), default=0.0) or 1.0
    bar_space = width - label_w - 80
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT}>',
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    if not items:
        parts.append(f'<text x="0" y="{top + 14}" fill="#666">No data in this period</text>')
    for i, (label, value) in enumerate(items):
        y = top + i * row
        length = max(bar_space * (value / top_value), 0.0)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{color}" rx="2"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + 15}">{escape(fmt(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    x_labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    title: str,
    width: int = 760,
    height: int = 260,
) -> str:
    """One line per series over the same x positions, with a legend."""
    left, right, top, bottom = 50, 150, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max((v for values in series.values() for v in values), default=0.0) or 1.0
    steps = max(len(x_labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + plot_w * i / steps, top + plot_h * (1 - v / top_value)

    parts = [
        f'<svg role="img" aria-label="{escape(title)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT}>',
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{top_value:,.0f}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    every = max(len(x_labels) // 7, 1)
    for i, label in enumerate(x_labels):
        if i % every == 0:
            x, _ = xy(i, 0)
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                         f'{escape(label)}</text>')
    for n, (name, values) in enumerate(series.items()):
        color = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(values)))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        ly = top + 14 + n * 18
        parts.append(
            f'<rect x="{left + plot_w + 14}" y="{ly - 9}" width="10" height="10" fill="{color}"/>'
            f'<text x="{left + plot_w + 30}" y="{ly}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
