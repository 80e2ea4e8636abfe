"""Objectives and weekly key results in the document: one number per thing, each with the platforms and accounts it
counts, and a status that never contradicts the numbers beside it (the sentence explaining it sits in the row)."""

from __future__ import annotations

from agilesocial.retro import fmt
from agilesocial.retro.blocks import Block, Cell, Chart, Column, Items, Para, Section, Table, Tone
from agilesocial.retro.model import (
    KeyResultProgress,
    ObjectiveProgress,
    Retro,
    ScopeNote,
    WeekValue,
    scope_platforms,
    scope_words,
)

TRACK_TONES: dict[str, Tone] = {
    "met": "good",
    "on_track": "good",
    "at_risk": "warn",
    "off_track": "bad",
    "no_data": "muted",
}
WEEK_TONES: dict[str, Tone] = {
    "met": "good",
    "missed": "bad",
    "in_progress": "info",
    "pending": "muted",
    "no_data": "muted",
}
OBJECTIVES_LEGEND = (
    "now = the latest week, on the platforms under the metric; planned = where the straight line from the baseline "
    "(at the program start) to the target (at the deadline) is in that week; 'ends at' = where the level of the last "
    "weeks, or a clear trend, ends at the deadline."
)


def platforms_words(platforms: tuple[str, ...]) -> str:
    """``facebook``, ``facebook and instagram``, ``facebook, instagram and x``."""
    if len(platforms) <= 1:
        return platforms[0] if platforms else "no platform yet"
    return ", ".join(platforms[:-1]) + " and " + platforms[-1]


def objective_scope(o: ObjectiveProgress) -> str:
    return scope_words(o.scope, o.platforms)


def differ(n: ScopeNote) -> bool:
    """The two figures for the same week read differently (as printed)."""
    return fmt.value(n.objective_value, n.unit) != fmt.value(n.key_result_value, n.unit)


def scope_clash(n: ScopeNote) -> str | None:
    """For the objective's row: why its figure differs from the key result's in the same week (None: same scope)."""
    if n.same_scope or n.week is None or not differ(n):
        return None
    theirs = platforms_words(scope_platforms(n.key_result_scope))
    ours = platforms_words(scope_platforms(n.objective_scope))
    return (
        f"not the same figure as the weekly key result {n.metric}, which counts {theirs} and reads "
        f"{fmt.value(n.key_result_value, n.unit)} for the week of {n.week:%d %b}; this objective counts {ours} only "
        f"({fmt.value(n.objective_value, n.unit)})"
    )


def key_result_note(n: ScopeNote) -> str:
    """For the key results: how the sprint's weekly targets relate to the objective's target, and the scopes."""
    steps = ""
    if n.first_target is not None and n.objective_target is not None:
        span = fmt.value(n.first_target, n.unit)
        if n.last_target is not None and n.last_target != n.first_target:
            span += f" → {fmt.value(n.last_target, n.unit)}"
        by = f" by {n.deadline:%d %b %Y}" if n.deadline else ""
        steps = (
            f"this sprint's weekly targets ({span}) are steps towards objective {n.objective}'s "
            f"{fmt.value(n.objective_target, n.unit)}{by}"
        )
    if n.same_scope or n.week is None or not differ(n):
        return steps + ("; both count the same platforms and accounts" if steps and n.same_scope else "")
    ours = platforms_words(scope_platforms(n.objective_scope))
    clash = (
        f"objective {n.objective} counts {ours} only, so the week of "
        f"{n.week:%d %b} reads {fmt.value(n.key_result_value, n.unit)} here and "
        f"{fmt.value(n.objective_value, n.unit)} there"
    )
    return f"{steps}; {clash}" if steps else clash


def _row(o: ObjectiveProgress) -> tuple[Cell, ...]:
    v = lambda x: fmt.value(x, o.unit)  # noqa: E731
    latest = [w for w in o.weeks if w.value is not None]
    return (
        Cell(o.id, "strong"),
        Cell(o.metric or fmt.DASH, sub=", ".join(o.platforms or scope_platforms(o.scope)) or "all", raw=o.metric),
        Cell(v(o.baseline), raw=o.baseline),
        Cell(v(o.current), sub=f"wk of {latest[-1].start:%d %b}" if latest else "", raw=o.current),
        Cell(v(o.planned_now), sub="straight line" if o.planned_now is not None else "", raw=o.planned_now),
        Cell(v(o.target), sub=f"by {o.deadline:%d %b %Y}" if o.deadline else "", raw=o.target),
        Cell(fmt.TRACK_LABELS[o.status], TRACK_TONES[o.status], sub=o.status_why, raw=o.status),
    )


OBJECTIVE_COLUMNS = (
    Column("objective"),
    Column("metric (scope)"),
    Column("baseline", num=True),
    Column("now", num=True),
    Column("planned", num=True),
    Column("target", num=True, wrap=True),
    Column("status", wrap=True),
)


def objectives_section(retro: Retro) -> Section:
    if not retro.objectives:
        return Section("objectives", "Objectives", (Para("The plan has no objectives."),))
    blocks: list[Block] = [
        Para(OBJECTIVES_LEGEND),
        Table("objectives", OBJECTIVE_COLUMNS, tuple(_row(o) for o in retro.objectives)),
    ]
    reasons = []
    for o in retro.objectives:
        if not o.reason:
            continue
        clashes = [c for n in retro.scope_notes if n.objective == o.id and (c := scope_clash(n))]
        text = "; ".join([f"counts {objective_scope(o)}", o.reason, *clashes])
        reasons.append(Para(text, lead=f"{o.id} ({fmt.TRACK_LABELS[o.status]})", tone=TRACK_TONES[o.status]))
    if reasons:
        blocks.append(Items(tuple(reasons)))
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
    scopes = []
    for k in krs:
        where = scope_words(k.scope, (k.platform,) if k.platform else ())
        counts = f"counts {where}" if k.platform else f"counts all platforms: {where}"
        notes = [
            key_result_note(n)
            for n in retro.scope_notes
            if n.metric == k.metric and n.key_result_platform == k.platform
        ]
        scopes.append(Para("; ".join([counts, *[n for n in notes if n]]), lead=k.label))
    blocks: list[Block] = [
        Para("Each cell: actual / target for the week; the bars under 'met' start at zero."),
        Table("key_results", columns, tuple(rows)),
        Items(tuple(scopes)),
    ]
    blocks += [Chart("key_result", k) for k in krs]
    return Section("key-results", "Weekly key results", tuple(blocks))
