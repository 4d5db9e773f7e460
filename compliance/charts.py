"""Server-rendered SVG bar charts (no JavaScript, no CDN): the geometry is computed here and drawn
by ``templates/compliance/_bar_chart.html``, which also renders the data as a table for screen
readers and for people who prefer figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 260
LEFT = 56
RIGHT = 8
TOP = 20
BOTTOM = 56
# Category labels are wrapped on two lines at most (10 px text: about 5.6 px per character).
CHAR_WIDTH = 5.6


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_label: str
    label_x: float
    # The label as drawn, on one or two lines that fit the bar's slot (never cut mid-word).
    label_lines: tuple[str, ...] = ()
    # With many bars, every other label only, and values in the tooltip and the table.
    show_label: bool = True
    show_value: bool = True


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass
class Chart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    ticks: list[Tick]
    rows: list[tuple[str, str]] = field(default_factory=list)
    value_header: str = "Valeur"
    has_data: bool = False
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT

    @property
    def is_empty(self) -> bool:
        return not self.has_data


def _number(value: float) -> str:
    text = f"{value:,.0f}".replace(",", "\u202f")
    return text


def _percent(value: float) -> str:
    return f"{value * 100:.0f}\u00a0%"


def _nice_scale(value: float, *, max_ticks: int = 5) -> tuple[float, int]:
    """(step, count) of the y-axis: a whole step of 1, 2 or 5 × 10ⁿ and ``count`` gridlines
    above 0 reaching ``value``, so that every label names the value of its gridline (with a
    top of 10 in quarters, 2.5 and 7.5 were written « 2 » and « 8 »)."""
    if value <= 0:
        return 1, 1
    magnitude = 10 ** math.floor(math.log10(value / max_ticks)) if value / max_ticks >= 1 else 1
    for base in (1, 2, 5, 10):
        step = base * magnitude
        if step * max_ticks >= value:
            return step, max(1, math.ceil(value / step))
    return 10 * magnitude, 1  # pragma: no cover


def wrap_label(label: str, width: float, *, max_lines: int = 2) -> tuple[str, ...]:
    """``label`` on at most ``max_lines`` lines of ``width`` pixels, cut between words; only a
    word longer than the whole space is shortened (« … »)."""
    per_line = max(4, int(width / CHAR_WIDTH))
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return tuple(line if len(line) <= per_line else line[: per_line - 1] + "…" for line in lines)


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    items: list[tuple[str, float | None]],
    percent: bool = False,
    value_header: str = "Valeur",
) -> Chart:
    """A vertical bar chart of ``items`` (label, value); ``None`` draws no bar ("—")."""
    fmt = _percent if percent else _number
    if percent:
        tick_step, count = 0.25, 4
    else:
        tick_step, count = _nice_scale(max((v or 0) for _label, v in items) if items else 0)
    top_value = tick_step * count
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(items), 1)
    bar_width = slot * 0.66
    bars = []
    rows = []
    crowded = len(items) > 12
    step = -(-len(items) // 12)  # ceil
    for index, (label, value) in enumerate(items):
        height = 0.0 if value is None else plot_height * (value / top_value if top_value else 0)
        x = LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                label=label,
                value_label="—" if value is None else fmt(value),
                label_x=round(x + bar_width / 2, 1),
                # A label shown every ``step`` bars may use the width of ``step`` slots.
                label_lines=wrap_label(label, slot * (step if crowded else 1) - 4),
                show_label=not crowded or (len(items) - 1 - index) % step == 0,
                show_value=not crowded,
            )
        )
        rows.append((label, "—" if value is None else fmt(value)))
    ticks = [
        Tick(y=round(TOP + plot_height * (1 - k / count), 1), label=fmt(tick_step * k))
        for k in range(count + 1)
    ]
    # A share of 0 % is a figure; a count of 0 everywhere is an empty chart.
    has_data = any(v is not None and (percent or v > 0) for _label, v in items)
    return Chart(
        has_data=has_data,
        id=id,
        title=title,
        description=description,
        bars=bars,
        ticks=ticks,
        rows=rows,
        value_header=value_header,
    )
