"""The "Against the best" section of the retro document, from the :class:`~agilesocial.analysis.standing.Standing`
records: one wording, one table and one dot-and-interval chart per objective x platform, drawn by every renderer
(text, Markdown, HTML, CSV) like every other section.
"""

from __future__ import annotations

import math
from typing import Any

from agilesocial.analysis.standing import AHEAD, BEHIND, NO_DATA, Reference, Standing
from agilesocial.retro import fmt
from agilesocial.retro.blocks import Cell, Chart, Column, Heading, Items, Para, Section, Table, Tone
from agilesocial.retro.model import Retro
from agilesocial.retro.svg import COLORS, FONT, Svg, _scale, nice_ticks

TITLE = "Against the best"
VERDICT_TONES: dict[str, Tone] = {AHEAD: "good", BEHIND: "bad", NO_DATA: "muted"}
VERDICT_COLORS = {AHEAD: COLORS["better"], BEHIND: COLORS["worse"]}


def _interval(ci: tuple[float, float] | None, unit: str) -> str:
    return "" if ci is None else f" [{fmt.value(ci[0], unit)}, {fmt.value(ci[1], unit)}]"


def headline(s: Standing) -> str:
    return f"{s.metric} on {s.platform} (objective {s.objective})"


def team_line(s: Standing, unit: str) -> str:
    return f"the team: {fmt.value(s.team_value, unit)}{_interval(s.team_ci, unit)} from {s.team_posts} posts"


def trend_line(s: Standing, unit: str) -> str | None:
    if len(s.trend) < 2:
        return None
    parts = []
    for t in s.trend:
        others = "".join(f", {name} {fmt.value(v, unit)}" for name, v in t.competitors)
        parts.append(f"{t.sprint} {fmt.value(t.team, unit)}{others}")
    return " → ".join(parts)


def _row(r: Reference, unit: str) -> tuple[Cell, ...]:
    kind = f"competitor, {r.posts} posts" if r.kind == "competitor" else r.short
    return (
        Cell(r.verdict, VERDICT_TONES.get(r.verdict, "")),
        Cell(r.name, sub=kind),
        Cell(fmt.value(r.value, unit), sub=_interval(r.ci, unit).strip(), raw=r.value),
        Cell(fmt.pct(r.rel), raw=r.rel),
        Cell(fmt.ci(r.rel_ci)),
        Cell(fmt.pvalue(r.p_value), raw=r.p_value),
    )


COLUMNS = (
    Column("the team is"),
    Column("compared with", wide=True),
    Column("their value", num=True),
    Column("difference", num=True),
    Column("95 % CI", num=True),
    Column("p", num=True),
)


def _sources(s: Standing) -> Items | None:
    """Where each benchmark comes from (population, figure, source, date), and why a comparison could not run."""
    items = [Para(r.detail, lead=r.name, tone="muted") for r in s.references if r.kind == "benchmark"]
    items += [Para(r.reason, lead=r.name, tone="warn") for r in s.references if r.reason]
    return Items(tuple(items)) if items else None


def standing_section(retro: Retro) -> Section | None:
    if not retro.standings:
        return None
    blocks: list[Any] = []
    for s in retro.standings:
        unit = retro.unit(s.metric)
        blocks.append(Heading(headline(s)))
        blocks.append(Para(team_line(s, unit), lead="This sprint"))
        blocks.append(Chart("standing", (s, unit)))
        rows = tuple(_row(r, unit) for r in s.references)
        blocks.append(Table(f"against-the-best-{s.objective}-{s.platform}", COLUMNS, rows))
        sources = _sources(s)
        if sources is not None:
            blocks.append(sources)
        trend = trend_line(s, unit)
        if trend:
            blocks.append(Para(trend, lead="Trend", tone="muted"))
        if s.note:
            blocks.append(Para(s.note, tone="warn"))
    alpha = retro.standings[0].alpha
    blocks.append(
        Para(
            "Per post, with the same randomisation tests as the experiments: 'ahead of' / 'behind' at "
            f"p < {alpha:g}, else 'level with (cannot tell yet)'. Benchmarks are the published figures in "
            "agile-social.yaml; competitors' posts never count as the team's.",
            italic=True,
        )
    )
    return Section("against-the-best", TITLE, tuple(blocks))


def standing_chart(data: tuple[Standing, str]) -> Svg | None:
    """Dot and interval per row: the team and each competitor (with intervals), each benchmark as a square."""
    s, unit = data
    rows: list[tuple[str, float, tuple[float, float] | None, str, str]] = []
    if s.team_value is not None:
        rows.append(("the team", s.team_value, s.team_ci, COLORS["actual"], "value"))
    for r in s.references:
        if r.value is not None:
            kind = "benchmark" if r.kind == "benchmark" else "value"
            rows.append((f"{r.name} ({r.verdict})", r.value, r.ci, VERDICT_COLORS.get(r.verdict, COLORS["none"]), kind))
    if len(rows) < 2:
        return None
    bounds = [b for _, v, ci, _, _ in rows for b in (ci or (v, v)) if math.isfinite(b)]
    ticks = nice_ticks(min(bounds), max(bounds))
    row_h, top, right = 28, 30, 80
    left = 16 + 6.6 * max(len(label) for label, *_ in rows)
    w = int(max(640, left + 360 + right))
    h = top + row_h * len(rows) + 30
    svg = Svg(f"{s.metric} on {s.platform}: the team against benchmarks and competitors (95 % intervals)", w, h)
    sx = _scale(ticks[0], ticks[-1], left, w - right)
    for t in ticks:
        svg.add("line", x1=sx(t), x2=sx(t), y1=top - 10, y2=h - 24, stroke=COLORS["axis"], class_="tick")
        svg.label(fmt.tick(t, unit), sx(t), h - 8, "middle")
    svg.label(f"{s.metric} this sprint", left, 16)
    for i, (label, v, ci, color, kind) in enumerate(rows):
        y = top + row_h * i + row_h / 2
        svg.label(label, left - 8, y + 4, "end")
        if ci is not None:
            a, b = sx(max(ci[0], ticks[0])), sx(min(ci[1], ticks[-1]))
            svg.add("line", x1=a, x2=b, y1=y, y2=y, stroke=color, stroke_width=2.5, class_="interval")
        tip = f"{label}: {fmt.value(v, unit)}{_interval(ci, unit)}"
        if kind == "benchmark":
            svg.add("rect", tip, x=sx(v) - 5, y=y - 5, width=10, height=10, fill=color, class_="benchmark")
        else:
            svg.add("circle", tip, cx=sx(v), cy=y, r=5, fill=color, class_="value")
        svg.add("text", fmt.value(v, unit), x=w - right + 8, y=y + 4, font_size=FONT, fill=color)
    return svg
