"""The before/after chart: the daily series, the model's fitted line before the change, its counterfactual (what the
after days would have been without the change) with its band, and the change date."""

from __future__ import annotations

import datetime as dt
import math

from agilesocial.analysis.model import MetricResult
from agilesocial.retro import fmt
from agilesocial.retro.svg import CHAR_W, COLORS, FONT, Svg, _scale, nice_ticks


def its_chart(data: tuple[str, MetricResult]) -> Svg | None:
    experiment, r = data
    its = r.its
    if its is None or not its.series.dates:
        return None
    s = its.series
    days = [dt.date.fromisoformat(d).toordinal() for d in s.dates]
    post = list(s.post)
    after = [i for i, p in enumerate(post) if p]
    floor = 0.0 if min(s.observed) >= 0 else -math.inf  # rates and counts: the band stops at zero

    def clip(v: float) -> float:
        return max(v, floor)

    values = [v for v in (*s.observed, *s.fitted, *(s.control or ())) if math.isfinite(v)]
    values += [clip(v) for i in after for v in (s.band_low[i], s.band_high[i]) if math.isfinite(v)]
    ticks = nice_ticks(min(0.0, min(values)), max(values))
    w, h, top, bottom, right = 720, 280, 34, 40, 24
    left = 16 + CHAR_W * max(len(fmt.tick(t, r.unit)) for t in ticks)
    svg = Svg(
        f"{experiment}: {r.metric} by day, with the model's expectation without the change from {its.change_date}",
        w,
        h,
    )
    change = its.change_date.toordinal()
    sx = _scale(days[0], max(days[-1], days[0] + 1), left, w - right)
    sy = _scale(ticks[0], ticks[-1], h - bottom, top)
    for t in ticks:
        svg.add("line", x1=left, x2=w - right, y1=sy(t), y2=sy(t), stroke=COLORS["axis"])
        svg.label(fmt.tick(t, r.unit), left - 6, sy(t) + 4, "end")
    step = max(7, 7 * math.ceil((days[-1] - days[0] + 1) / 7 / 8))
    for o in range(days[0], days[-1] + 1, step):
        svg.label(dt.date.fromordinal(o).strftime("%d %b"), sx(o), h - 16, "middle")
    if after:  # the counterfactual band, then its line
        upper = [f"{sx(days[i]):.1f},{sy(clip(s.band_high[i])):.1f}" for i in after]
        lower = [f"{sx(days[i]):.1f},{sy(clip(s.band_low[i])):.1f}" for i in reversed(after)]
        svg.add("polygon", "model's 95 % band without the change", points=" ".join(upper + lower),
                fill=COLORS["plan"], fill_opacity=0.25, class_="band")  # fmt: skip
        line = " ".join(f"{sx(days[i]):.1f},{sy(clip(s.counterfactual[i])):.1f}" for i in after)
        svg.add("polyline", points=line, fill="none", stroke=COLORS["plan"], stroke_width=2, stroke_dasharray="6 4",
                class_="counterfactual")  # fmt: skip
    before = [i for i, p in enumerate(post) if not p]
    if len(before) >= 2:
        line = " ".join(f"{sx(days[i]):.1f},{sy(s.fitted[i]):.1f}" for i in before)
        svg.add("polyline", points=line, fill="none", stroke=COLORS["target"], stroke_width=2, class_="fitted")
    if s.control is not None:  # comparative design: the comparison series the counterfactual follows
        line = " ".join(f"{sx(d):.1f},{sy(v):.1f}" for d, v in zip(days, s.control, strict=True))
        svg.add("polyline", points=line, fill="none", stroke=COLORS["axis"], stroke_width=1.5, class_="control")
    observed = " ".join(f"{sx(d):.1f},{sy(v):.1f}" for d, v in zip(days, s.observed, strict=True))
    svg.add("polyline", points=observed, fill="none", stroke=COLORS["actual"], stroke_width=1.5, class_="observed")
    for d, v in zip(days, s.observed, strict=True):
        tip = f"{dt.date.fromordinal(d)}: {fmt.value(v, r.unit)}"
        svg.add("circle", tip, cx=sx(d), cy=sy(v), r=2.5, fill=COLORS["actual"], class_="day")
    x = sx(change - 0.5)
    svg.add("line", x1=x, x2=x, y1=top - 6, y2=h - bottom, stroke=COLORS["text"], stroke_width=1.5,
            stroke_dasharray="3 3", class_="change")  # fmt: skip
    svg.add("text", f"change {its.change_date:%d %b}", x=x + 4, y=top + 6, font_size=FONT, fill=COLORS["text"])
    legend = "— daily value   — model before the change   - - expected without the change (band: 95 %)"
    svg.label(legend + ("   — comparison series" if s.control is not None else ""), left, 16)
    return svg
