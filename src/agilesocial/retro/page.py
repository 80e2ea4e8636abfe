"""The retro as a :class:`~agilesocial.retro.blocks.Document`: every word, number and tone decided once.

:data:`SECTIONS` lists the section builders in page order; each takes the :class:`Retro` and returns a
:class:`Section` (or None to leave it out). Every renderer draws the same document, so adding a section here adds it
to the terminal, Markdown and HTML retro at once (docs/development.md).
"""

from __future__ import annotations

from collections.abc import Callable

from agilesocial.retro import fmt
from agilesocial.retro.blocks import Cell, Chart, Column, Document, Items, Para, Section, Table, Tone
from agilesocial.retro.glossary import GLOSSARY
from agilesocial.retro.model import KeyResultProgress, Retro, WeekValue
from agilesocial.retro.page_experiments import experiments_section, failures_section, next_section, top_posts_section
from agilesocial.retro.standing_render import standing_section

TRACK_TONES: dict[str, Tone] = {"on_track": "good", "at_risk": "warn", "off_track": "bad", "no_data": "muted"}
WEEK_TONES: dict[str, Tone] = {
    "met": "good",
    "missed": "bad",
    "in_progress": "info",
    "pending": "muted",
    "no_data": "muted",
}


def header(retro: Retro) -> tuple[str, ...]:
    brand = f"{retro.brand} · " if retro.brand else ""
    return (
        f"{brand}{retro.sprint_start} → {retro.sprint_end} (as of {retro.today})",
        f"Sprint goal: {retro.goal}",
        f"Weekly key results met: {retro.kr_met} of {retro.kr_judged} · experiments: {len(retro.experiments)}",
    )


def objectives_section(retro: Retro) -> Section:
    rows = []
    for o in retro.objectives:
        v = lambda x, unit=o.unit: fmt.value(x, unit)  # noqa: E731
        scope = ", ".join(o.platforms) if o.platforms else "all platforms"
        rows.append(
            (
                Cell(o.id, "strong"),
                Cell(o.metric or fmt.DASH, sub=scope, raw=o.metric),
                Cell(v(o.baseline), raw=o.baseline),
                Cell(v(o.current), raw=o.current),
                Cell(v(o.planned_now), raw=o.planned_now),
                Cell(v(o.target), sub=f"by {o.deadline:%d %b %Y}" if o.deadline else "", raw=o.target),
                Cell(v(o.forecast), raw=o.forecast),
                Cell(fmt.TRACK_LABELS[o.status], TRACK_TONES[o.status], raw=o.status),
            )
        )
    columns = (
        Column("objective"),
        Column("metric (scope)"),
        Column("baseline", num=True),
        Column("now", num=True),
        Column("planned", num=True),
        Column("target", num=True, wrap=True),
        Column("forecast", num=True),
        Column("status"),
    )
    blocks: list[Table | Items | Chart | Para] = []
    if not retro.objectives:
        return Section("objectives", "Objectives", (Para("The plan has no objectives."),))
    blocks.append(Table("objectives", columns, tuple(rows)))
    blocks.append(
        Items(tuple(Para(o.reason, lead=o.id, tone=TRACK_TONES[o.status]) for o in retro.objectives if o.reason))
    )
    blocks += [Chart("objective", o) for o in retro.objectives if o.weeks]
    return Section("objectives", "Objectives", tuple(blocks))


def _week_cell(k: KeyResultProgress, w: WeekValue) -> Cell:
    status = w.status or "no_data"
    text = f"{fmt.value(w.value, k.unit)} / {fmt.value(w.planned, k.unit)}"
    sub = fmt.STATUS_MARKS[status]
    if status == "missed" and w.value is not None and w.planned is not None:
        sub = f"missed by {fmt.change(abs(w.planned - w.value), k.unit).lstrip('+')}"
    return Cell(text, WEEK_TONES[status], sub=sub, raw=w.value)


def key_results_section(retro: Retro) -> Section:
    """One row per week, one column per key result (13 weeks fit a phone and 100 columns)."""
    krs = retro.key_results
    if not krs:
        return Section("key-results", "Weekly key results", (Para("The sprint has no weekly key results."),))
    weeks = max(len(k.weeks) for k in krs)
    rows = []
    for i in range(weeks):
        first = next(k.weeks[i] for k in krs if i < len(k.weeks))
        cells = [Cell(f"wk {i + 1}", sub=f"{first.start:%d %b}", raw=first.start.isoformat())]
        cells += [_week_cell(k, k.weeks[i]) if i < len(k.weeks) else Cell("") for k in krs]
        rows.append(tuple(cells))
    rows.append((Cell("met", "strong"), *(Cell(f"{k.met} of {k.judged}", "strong", sub=k.spark) for k in krs)))
    columns = (Column("week"), *(Column(k.label, num=True, wrap=True) for k in krs))
    blocks: list[Table | Chart | Para] = [
        Para("Each cell: actual / target for the week."),
        Table("key_results", columns, tuple(rows)),
    ]
    blocks += [Chart("key_result", k) for k in krs]
    return Section("key-results", "Weekly key results", tuple(blocks))


def trend_section(retro: Retro) -> Section | None:
    if len(retro.trend) < 2:
        return None
    rows = tuple(
        (
            Cell(p.sprint),
            Cell(f"{p.start} → {p.end}"),
            Cell(f"{p.kr_met}/{p.kr_judged}"),
            Cell(str(p.experiments), raw=p.experiments),
            Cell(str(p.scaled), raw=p.scaled),
            Cell(str(p.stopped), raw=p.stopped),
        )
        for p in retro.trend
    )
    columns = (
        Column("sprint"),
        Column("dates"),
        Column("KRs met", num=True),
        Column("experiments", num=True),
        Column("scaled", num=True),
        Column("stopped", num=True),
    )
    return Section("trend", "Trend across sprints", (Table("trend", columns, rows),))


def warnings_section(retro: Retro) -> Section | None:
    if not retro.warnings:
        return None
    return Section("warnings", "Warnings", (Items(tuple(Para(w, tone="warn") for w in retro.warnings)),))


#: The sections of the retro, in page order. Add one here to add it to every format.
SECTIONS: list[Callable[[Retro], Section | None]] = [
    objectives_section,
    key_results_section,
    experiments_section,
    failures_section,
    next_section,
    top_posts_section,
    standing_section,
    trend_section,
    warnings_section,
]


def retro_document(retro: Retro, *, experiments: bool = True) -> Document:
    """The whole retro (``experiments=False`` leaves out the experiments, for ``analyze`` which showed them)."""
    sections = []
    for build in SECTIONS:
        if not experiments and build is experiments_section:
            continue
        section = build(retro)
        if section is not None:
            sections.append(section)
    footer = (
        GLOSSARY,
        f"Generated by agile-social at {retro.generated_at:%Y-%m-%d %H:%M} UTC · "
        f"multiple-testing correction: {retro.correction}",
    )
    return Document(f"Sprint retrospective {retro.sprint}", header(retro), tuple(sections), footer)
