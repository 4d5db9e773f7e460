"""Server-rendered SVG bar charts (no JavaScript, no CDN): the geometry is computed here and drawn
by ``templates/compliance/_bar_chart.html``, which also renders the data as a table for screen
readers and for people who prefer figures."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 260
LEFT = 56
RIGHT = 8
TOP = 20
BOTTOM = 44


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_label: str
    label_x: float
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


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


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
    top_value = 1.0 if percent else _nice_max(max((v or 0) for _label, v in items) if items else 0)
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
                show_label=not crowded or (len(items) - 1 - index) % step == 0,
                show_value=not crowded,
            )
        )
        rows.append((label, "—" if value is None else fmt(value)))
    ticks = [
        Tick(y=round(TOP + plot_height * (1 - fraction), 1), label=fmt(top_value * fraction))
        for fraction in (0, 0.25, 0.5, 0.75, 1)
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
