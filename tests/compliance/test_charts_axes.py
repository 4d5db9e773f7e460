"""The statistics and compliance charts: each y-axis label names the value of its gridline, and
category labels are wrapped, not cut (issue 18, point 7)."""

from __future__ import annotations

import itertools

from django.template.loader import render_to_string

from compliance.charts import bar_chart


def test_axis_labels_sit_on_their_gridlines():
    # Given a chart whose highest bar is 10
    chart = bar_chart(id="c", title="t", description="d", items=[("2024", 4), ("2025", 10)])
    # Then the labels are the values of evenly spaced gridlines (not 0, 2, 5, 8, 10)
    assert [t.label for t in chart.ticks] == ["0", "2", "4", "6", "8", "10"]
    ys = [t.y for t in chart.ticks]
    gaps = {round(a - b, 1) for a, b in itertools.pairwise(ys)}
    assert len(gaps) == 1
    # And the top gridline is the top of the highest bar
    assert min(b.y for b in chart.bars) == min(ys)


def test_category_labels_are_wrapped_not_cut():
    items = [
        ("Grande entreprise", 3),
        ("Entreprise de taille intermédiaire", 2),
        ("Petite ou moyenne entreprise", 5),
        ("Microentreprise", 1),
    ]
    chart = bar_chart(id="c", title="t", description="d", items=items)
    for bar, (label, _value) in zip(chart.bars, items, strict=True):
        assert " ".join(bar.label_lines) == label
    svg = render_to_string("compliance/_bar_chart.html", {"chart": chart})
    assert "Grande entrep…" not in svg and ">intermédiaire</tspan>" in svg
