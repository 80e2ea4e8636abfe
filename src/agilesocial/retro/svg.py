"""Inline SVG charts for the HTML retro, as plain element lists the (autoescaping) template writes out.

Element tags and attribute names come from this module only; every value and text is escaped by jinja2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agilesocial.retro import fmt
from agilesocial.retro.model import KeyResultProgress, ObjectiveProgress, Retro

COLORS = {
    "actual": "#1f6feb",
    "plan": "#8b949e",
    "met": "#2da44e",
    "missed": "#cf222e",
    "open": "#9ecbff",
    "sig": "#2da44e",
    "nonsig": "#57606a",
    "worse": "#cf222e",
    "axis": "#d0d7de",
    "text": "#24292f",
}


@dataclass
class Svg:
    title: str
    width: int
    height: int
    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, tag: str, text: str | None = None, **attrs: Any) -> None:
        clean = {
            k.rstrip("_").replace("_", "-"): (round(v, 2) if isinstance(v, float) else v) for k, v in attrs.items()
        }
        self.items.append({"tag": tag, "attrs": clean, "text": text})


def _scale(lo: float, hi: float, a: float, b: float) -> Callable[[float], float]:
    span = (hi - lo) or 1.0
    return lambda x: a + (x - lo) / span * (b - a)


def _range(values: list[float], pad: float = 0.08) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - (abs(lo) or 1) * 0.1, hi + (abs(hi) or 1) * 0.1
    margin = (hi - lo) * pad
    return lo - margin, hi + margin


def objective_chart(o: ObjectiveProgress, ratio: bool) -> Svg | None:
    """Actual by week (solid) vs the straight-line plan (dashed), with the target noted."""
    weeks = list(o.weeks)
    if not weeks:
        return None
    w, h, left, right, top, bottom = 640, 220, 64, 32, 28, 36
    svg = Svg(f"{o.id}: {o.metric} by week, actual vs plan", w, h)
    values = [x.value for x in weeks if x.value is not None] + [x.planned for x in weeks if x.planned is not None]
    if not values:
        return None
    lo, hi = _range(values)
    sx = _scale(0, max(len(weeks) - 1, 1), left, w - right)
    sy = _scale(lo, hi, h - bottom, top)
    show = lambda v: fmt.value(v, ratio=ratio)  # noqa: E731
    for frac in (0.0, 0.5, 1.0):
        val = lo + (hi - lo) * frac
        svg.add("line", x1=left, x2=w - right, y1=sy(val), y2=sy(val), stroke=COLORS["axis"])
        svg.add("text", show(val), x=left - 6, y=sy(val) + 4, text_anchor="end", font_size=11, fill=COLORS["text"])
    step = max(1, len(weeks) // 8)
    for i, wk in enumerate(weeks):
        if i % step == 0:
            svg.add(
                "text",
                wk.start.strftime("%d %b"),
                x=sx(i),
                y=h - 14,
                text_anchor="middle",
                font_size=11,
                fill=COLORS["text"],
            )
    plan = [(sx(i), sy(x.planned)) for i, x in enumerate(weeks) if x.planned is not None]
    if len(plan) >= 2:
        svg.add(
            "polyline",
            points=" ".join(f"{x:.1f},{y:.1f}" for x, y in plan),
            fill="none",
            stroke=COLORS["plan"],
            stroke_width=2,
            stroke_dasharray="6 4",
            class_="plan",
        )
    actual = [(sx(i), sy(x.value)) for i, x in enumerate(weeks) if x.value is not None]
    if len(actual) >= 2:
        svg.add(
            "polyline",
            points=" ".join(f"{x:.1f},{y:.1f}" for x, y in actual),
            fill="none",
            stroke=COLORS["actual"],
            stroke_width=2.5,
            class_="actual",
        )
    for (x, y), wk in zip(actual, [x for x in weeks if x.value is not None], strict=True):
        svg.add("circle", f"{wk.start}: {show(wk.value)} ({wk.posts} posts)", cx=x, cy=y, r=3.5, fill=COLORS["actual"])
    svg.add(
        "text",
        f"target {show(o.target)} by {o.deadline}" if o.target is not None else "no target",
        x=w - right,
        y=16,
        text_anchor="end",
        font_size=12,
        fill=COLORS["text"],
    )
    svg.add("text", "— actual   - - plan", x=left, y=16, font_size=12, fill=COLORS["text"])
    return svg


def key_result_chart(k: KeyResultProgress, ratio: bool) -> Svg:
    """One bar per week (green met, red missed, light running), with the week's target as a tick."""
    w, h, left, right, top, bottom = 360, 190, 60, 10, 30, 32
    svg = Svg(f"{k.label}: weekly actual vs target", w, h)
    values = [x for wk in k.weeks for x in (wk.value, wk.planned) if x is not None] + [0.0]
    hi = max(values) * 1.12 or 1.0
    sy = _scale(0, hi, h - bottom, top)
    band = (w - left - right) / max(len(k.weeks), 1)
    show = lambda v: fmt.value(v, ratio=ratio)  # noqa: E731
    svg.add("text", fmt.clip(k.label, 44), x=10, y=16, font_size=12, font_weight="600", fill=COLORS["text"])
    svg.add("line", x1=left, x2=w - right, y1=sy(0), y2=sy(0), stroke=COLORS["axis"])
    svg.add(
        "text", show(hi / 1.12), x=left - 6, y=sy(hi / 1.12) + 4, text_anchor="end", font_size=11, fill=COLORS["text"]
    )
    for i, wk in enumerate(k.weeks):
        x0 = left + i * band
        color = {"met": COLORS["met"], "missed": COLORS["missed"]}.get(wk.status or "", COLORS["open"])
        if wk.value is not None:
            svg.add(
                "rect",
                f"week {wk.week}: {show(wk.value)} (target {show(wk.planned)}, {wk.status})",
                x=x0 + band * 0.2,
                y=sy(wk.value),
                width=band * 0.6,
                height=max(sy(0) - sy(wk.value), 0.5),
                fill=color,
                class_=f"bar {wk.status}",
            )
        if wk.planned is not None:
            svg.add(
                "line",
                x1=x0 + band * 0.1,
                x2=x0 + band * 0.9,
                y1=sy(wk.planned),
                y2=sy(wk.planned),
                stroke=COLORS["text"],
                stroke_width=2,
                class_="target",
            )
        svg.add(
            "text", f"wk {wk.week}", x=x0 + band / 2, y=h - 12, text_anchor="middle", font_size=11, fill=COLORS["text"]
        )
    return svg


def forest_plot(retro: Retro) -> Svg | None:
    """Relative lift with its confidence interval for every variant x metric, a line at zero."""
    rows = [(e, r) for e in retro.experiments for r in e.results if r.rel_ci is not None and r.rel_lift is not None]
    if not rows:
        return None
    row_h, left, right, top = 30, 340, 80, 30
    w, h = 860, top + row_h * len(rows) + 30
    svg = Svg("Relative lift vs control with confidence intervals", w, h)
    bounds = [b for _, r in rows for b in (r.rel_ci or (0.0, 0.0))] + [0.0]
    lo, hi = _range(bounds, 0.05)
    sx = _scale(lo, hi, left, w - right)
    svg.add(
        "line", x1=sx(0), x2=sx(0), y1=top - 10, y2=h - 24, stroke=COLORS["plan"], stroke_dasharray="4 3", class_="zero"
    )
    for val in (lo, 0.0, hi):
        svg.add("text", fmt.pct(val), x=sx(val), y=h - 8, text_anchor="middle", font_size=11, fill=COLORS["text"])
    svg.add("text", "relative lift (95 % CI)", x=left, y=16, font_size=12, fill=COLORS["text"])
    for i, (e, r) in enumerate(rows):
        y = top + row_h * i + row_h / 2
        color = COLORS["worse"] if r.worse else COLORS["sig"] if r.significant else COLORS["nonsig"]
        label = f"{e.id} · {r.variant} · {r.metric}" + (" (guardrail)" if r.is_guardrail else "")
        svg.add("text", fmt.clip(label, 48), x=left - 8, y=y + 4, text_anchor="end", font_size=12, fill=COLORS["text"])
        lo_ci, hi_ci = r.rel_ci or (0.0, 0.0)
        svg.add("line", x1=sx(lo_ci), x2=sx(hi_ci), y1=y, y2=y, stroke=color, stroke_width=2.5, class_="ci")
        svg.add(
            "circle",
            f"{label}: {fmt.pct(r.rel_lift)} {fmt.ci(r.rel_ci)}",
            cx=sx(r.rel_lift or 0.0),
            cy=y,
            r=5,
            fill=color,
            class_="estimate",
        )
        svg.add("text", fmt.pct(r.rel_lift), x=w - right + 8, y=y + 4, font_size=12, fill=color)
    return svg
