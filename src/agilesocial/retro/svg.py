"""Inline SVG charts for the HTML page, as plain element lists the (autoescaping) template writes out.

Element tags and attribute names come from this module only; every value and text is escaped by jinja2. Axes use
"nice" ticks (1, 2, 2.5 or 5 times a power of ten); charts scale down to a phone's width (``viewBox``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agilesocial.analysis.model import MetricResult
from agilesocial.retro import fmt
from agilesocial.retro.model import KeyResultProgress, ObjectiveProgress

COLORS = {
    "actual": "#1f6feb",
    "plan": "#8b949e",
    "target": "#9a6700",
    "met": "#2da44e",
    "missed": "#cf222e",
    "open": "#9ecbff",
    "better": "#1a7f37",
    "worse": "#cf222e",
    "inconclusive": "#57606a",
    "none": "#57606a",
    "axis": "#d0d7de",
    "text": "#24292f",
}
FONT = 12
CHAR_W = 6.6  # average width of a character at FONT px, for sizing label columns
LIFT_FLOOR = -1.0  # a relative lift cannot fall below -100 %


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

    def label(self, text: str, x: float, y: float, anchor: str = "start", **attrs: Any) -> None:
        self.add("text", text, x=x, y=y, text_anchor=anchor, font_size=FONT, fill=COLORS["text"], **attrs)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[lo, hi]``: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi <= lo:
        hi, lo = lo + (abs(lo) or 1.0) * 0.5, lo - (abs(lo) or 1.0) * 0.5
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(lo / step + 1e-9) * step
    ticks = []
    value = start
    while value < hi + step * 0.999:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _scale(lo: float, hi: float, a: float, b: float) -> Callable[[float], float]:
    span = (hi - lo) or 1.0
    return lambda x: a + (x - lo) / span * (b - a)


def objective_chart(o: ObjectiveProgress) -> Svg | None:
    """Actual by week (solid) vs the straight-line plan (dashed), the target as a line, the deadline marked."""
    weeks = list(o.weeks)
    values = [x.value for x in weeks if x.value is not None] + [x.planned for x in weeks if x.planned is not None]
    if not weeks or not values:
        return None
    if o.target is not None:
        values.append(o.target)
    show = lambda v: fmt.value(v, o.unit)  # noqa: E731
    ticks = nice_ticks(min(0.0, min(values)), max(values))  # from zero: a dip does not look like a collapse
    w, h, top, bottom, right = 640, 240, 30, 36, 24
    left = 16 + CHAR_W * max(len(fmt.tick(t, o.unit)) for t in ticks)
    svg = Svg(f"{o.id}: {o.metric} by week, actual vs plan and target", w, h)
    sx = _scale(0, max(len(weeks) - 1, 1), left, w - right)
    sy = _scale(ticks[0], ticks[-1], h - bottom, top)
    for t in ticks:
        svg.add("line", x1=left, x2=w - right, y1=sy(t), y2=sy(t), stroke=COLORS["axis"])
        svg.label(fmt.tick(t, o.unit), left - 6, sy(t) + 4, "end")
    step = max(1, math.ceil(len(weeks) / 8))
    for i, wk in enumerate(weeks):
        if i % step == 0:
            svg.label(wk.start.strftime("%d %b"), sx(i), h - 14, "middle")
    if o.target is not None:
        svg.add("line", x1=left, x2=w - right, y1=sy(o.target), y2=sy(o.target), stroke=COLORS["target"],
                stroke_width=1.5, stroke_dasharray="2 3", class_="target")  # fmt: skip
        deadline = f" by {o.deadline:%d %b %Y}" if o.deadline else ""
        svg.add("text", f"target {show(o.target)}{deadline}", x=w - right, y=sy(o.target) - 5, text_anchor="end",
                font_size=FONT, fill=COLORS["target"])  # fmt: skip
    plan = [(sx(i), sy(x.planned)) for i, x in enumerate(weeks) if x.planned is not None]
    if len(plan) >= 2:
        svg.add("polyline", points=" ".join(f"{x:.1f},{y:.1f}" for x, y in plan), fill="none", stroke=COLORS["plan"],
                stroke_width=2, stroke_dasharray="6 4", class_="plan")  # fmt: skip
    actual = [(sx(i), sy(x.value), x) for i, x in enumerate(weeks) if x.value is not None]
    if len(actual) >= 2:
        svg.add("polyline", points=" ".join(f"{x:.1f},{y:.1f}" for x, y, _ in actual), fill="none",
                stroke=COLORS["actual"], stroke_width=2.5, class_="actual")  # fmt: skip
    for x, y, wk in actual:
        svg.add("circle", f"{wk.start}: {show(wk.value)} ({wk.posts} posts)", cx=x, cy=y, r=3.5, fill=COLORS["actual"])
    where = ", ".join(o.platforms) or "all platforms"
    svg.label(f"{o.id}: {o.metric} on {where}   — actual   - - straight line to the target", left, 16)
    return svg


def key_result_chart(k: KeyResultProgress) -> Svg:
    """One bar per week (green met, red missed, light running) from zero, the week's target as a tick."""
    show = lambda v: fmt.value(v, k.unit)  # noqa: E731
    values = [x for wk in k.weeks for x in (wk.value, wk.planned) if x is not None] + [0.0]
    ticks = nice_ticks(0.0, max(values), 4)
    w, h, top, bottom, right = 380, 200, 30, 32, 10
    left = 14 + CHAR_W * max(len(fmt.tick(t, k.unit)) for t in ticks)
    svg = Svg(f"{k.label}: weekly actual vs target", w, h)
    sy = _scale(ticks[0], ticks[-1], h - bottom, top)
    band = (w - left - right) / max(len(k.weeks), 1)
    svg.add("text", k.label, x=10, y=16, font_size=FONT, font_weight="600", fill=COLORS["text"])
    for t in ticks:
        svg.add("line", x1=left, x2=w - right, y1=sy(t), y2=sy(t), stroke=COLORS["axis"])
        svg.label(fmt.tick(t, k.unit), left - 6, sy(t) + 4, "end")
    label_every = max(1, math.ceil(len(k.weeks) / 7))
    for i, wk in enumerate(k.weeks):
        x0 = left + i * band
        color = {"met": COLORS["met"], "missed": COLORS["missed"]}.get(wk.status or "", COLORS["open"])
        if wk.value is not None:
            svg.add("rect", f"week {wk.week}: {show(wk.value)} (target {show(wk.planned)}, {wk.status})",
                    x=x0 + band * 0.2, y=sy(wk.value), width=band * 0.6, height=max(sy(0) - sy(wk.value), 0.5),
                    fill=color, class_=f"bar {wk.status}")  # fmt: skip
        if wk.planned is not None:
            svg.add("line", x1=x0 + band * 0.1, x2=x0 + band * 0.9, y1=sy(wk.planned), y2=sy(wk.planned),
                    stroke=COLORS["text"], stroke_width=2, class_="target")  # fmt: skip
        if i % label_every == 0:
            svg.label(f"wk {wk.week}", x0 + band / 2, h - 12, "middle")
    return svg


def forest_plot(data: tuple[str, Sequence[MetricResult]]) -> Svg | None:
    """Relative lift with its confidence interval per variant x metric; the axis starts no lower than -100 %, and
    an interval reaching past the axis ends in an arrow."""
    experiment, results = data
    rows = [r for r in results if r.rel_ci is not None and r.rel_lift is not None]
    if not rows:
        return None
    labels = [f"{r.variant} · {r.metric}" + (" (guardrail)" if r.is_guardrail else "") for r in rows]
    # an unbounded end (one-sided test, or a control that could be 0) is drawn as an arrow at the edge
    bounds = [b for r in rows for b in (*(r.rel_ci or ()), r.rel_lift or 0.0) if math.isfinite(b)] + [0.0]
    lo = max(min(bounds), LIFT_FLOOR)
    hi = max(bounds)
    ticks = [t for t in nice_ticks(lo, hi) if t >= LIFT_FLOOR]
    row_h, top, right = 30, 30, 70
    left = 16 + CHAR_W * max(len(x) for x in labels)
    w = int(max(640, left + 360 + right))
    h = top + row_h * len(rows) + 30
    svg = Svg(f"{experiment}: relative lift vs control with 95 % confidence intervals", w, h)
    sx = _scale(ticks[0], ticks[-1], left, w - right)
    for t in ticks:
        svg.add("line", x1=sx(t), x2=sx(t), y1=top - 10, y2=h - 24, stroke=COLORS["axis"] if t else COLORS["plan"],
                stroke_dasharray="" if t else "4 3", class_="zero" if t == 0 else "tick")  # fmt: skip
        svg.label(("+" if t > 0 else "") + fmt.tick(t, "percent"), sx(t), h - 8, "middle")
    svg.label("relative lift (95 % CI)", left, 16)
    for i, (r, label) in enumerate(zip(rows, labels, strict=True)):
        y = top + row_h * i + row_h / 2
        shown = fmt.shown_outcome(r)
        color = COLORS[shown]
        svg.label(label, left - 8, y + 4, "end")
        lo_ci, hi_ci = r.rel_ci or (0.0, 0.0)
        a, b = sx(max(lo_ci, ticks[0])), sx(min(hi_ci, ticks[-1]))
        svg.add("line", x1=a, x2=b, y1=y, y2=y, stroke=color, stroke_width=2.5, class_=f"ci {shown}")
        if lo_ci < ticks[0]:
            svg.add("polygon", points=f"{a - 6},{y} {a + 2},{y - 5} {a + 2},{y + 5}", fill=color, class_="arrow")
        if hi_ci > ticks[-1]:
            svg.add("polygon", points=f"{b + 6},{y} {b - 2},{y - 5} {b - 2},{y + 5}", fill=color, class_="arrow")
        verdict = fmt.guard(r)
        words = f"{verdict[0]} ({verdict[1].strip('()')})" if verdict else fmt.OUTCOME_LABELS[r.outcome]
        tip = f"{label}: {fmt.pct(r.rel_lift)} ({fmt.ci(r.rel_ci)}), {words}"
        svg.add("circle", tip, cx=sx(min(max(r.rel_lift or 0.0, ticks[0]), ticks[-1])), cy=y, r=5, fill=color,
                class_=f"estimate {shown}")  # fmt: skip
        svg.add("text", fmt.pct(r.rel_lift), x=w - right + 8, y=y + 4, font_size=FONT, fill=color)
    return svg


#: Chart kinds the document names (:class:`agilesocial.retro.blocks.Chart`), drawn for the HTML page.
CHARTS: dict[str, Callable[[Any], Svg | None]] = {
    "objective": objective_chart,
    "key_result": key_result_chart,
    "forest": forest_plot,
    "standing": lambda data: _standing_chart(data),
    "its": lambda data: _its(data),
}


def _standing_chart(data: Any) -> Svg | None:
    from agilesocial.retro.standing_render import standing_chart

    return standing_chart(data)


def _its(data: Any) -> Svg | None:
    from agilesocial.retro.svg_its import its_chart

    return its_chart(data)
