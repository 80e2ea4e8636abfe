"""Markdown rendering of a :class:`Retro` (for wikis, pull requests and e-mail to the RACI 'informed' list) and of an
analysis report (``analyze --format md``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agilesocial.retro import fmt
from agilesocial.retro.model import Retro
from agilesocial.textsafe import clean

if TYPE_CHECKING:
    from agilesocial.analysis.model import AnalysisReport

NO_POSTS = "No posts were published in this sprint (or none are ingested yet)."


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, no controls or escape sequences, bidi controls shown,
    pipes and markup characters escaped."""
    one = clean(text)
    for ch in "\\|*_`<>[]":
        one = one.replace(ch, "\\" + ch)
    return one


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def render_markdown(retro: Retro) -> str:
    """The whole retrospective as GitHub-flavoured Markdown."""
    v = lambda x, metric: fmt.value(x, ratio=retro.is_ratio(metric))  # noqa: E731
    lines = [
        f"# Sprint retrospective: {retro.sprint}",
        "",
        f"**{_cell(retro.brand or '')}** · {retro.sprint_start} → {retro.sprint_end} · as of {retro.today}",
        "",
        f"> {_cell(retro.goal)}",
        "",
        f"Weekly key results met: **{retro.kr_met} of {retro.kr_judged}** · experiments: **{len(retro.experiments)}**"
        f" · multiple-testing correction: {retro.correction}",
        "",
        "## Objectives",
        "",
    ]
    rows = []
    for o in retro.objectives:
        rows.append(
            [
                _cell(o.id),
                _cell(o.metric or "–"),
                v(o.baseline, o.metric),
                v(o.current, o.metric),
                v(o.planned_now, o.metric),
                v(o.target, o.metric),
                str(o.deadline or "–"),
                v(o.forecast, o.metric),
                fmt.TRACK_LABELS[o.status],
            ]
        )
    lines += _table(
        ["objective", "metric", "baseline", "now", "planned now", "target", "deadline", "forecast", "status"], rows
    )
    lines.append("")
    lines += [f"- **{_cell(o.id)}**: {_cell(o.reason)}" for o in retro.objectives if o.reason]
    lines += ["", "## Weekly key results", ""]
    if retro.key_results:
        weeks = max(len(k.weeks) for k in retro.key_results)
        rows = []
        for k in retro.key_results:
            cells = [_cell(k.label)]
            for w in k.weeks:
                cells.append(
                    f"{v(w.value, k.metric)} / {v(w.planned, k.metric)} {fmt.STATUS_MARKS[w.status or 'no_data']}"
                )
            cells += [""] * (weeks - len(k.weeks))
            cells += [f"{k.met}/{k.judged}", k.spark]
            rows.append(cells)
        lines += _table(
            ["key result", *[f"week {i + 1} (actual / target)" for i in range(weeks)], "met", "trend"], rows
        )
    else:
        lines.append("The sprint has no weekly key results.")
    lines += ["", "## Experiments", ""]
    if not retro.experiments:
        lines += ["No experiments were analysed for this sprint.", ""]
    for e in retro.experiments:
        lines += [f"### {_cell(e.id)}: {fmt.ACTION_LABELS.get(e.action, e.action)}", ""]
        if e.hypothesis:
            lines += [f"*{_cell(e.hypothesis)}*", ""]
        lines += [f"**Decision:** {_cell(e.reason)}", ""]
        rows = [
            [
                _cell(r.metric + (" (guardrail)" if r.is_guardrail else "")),
                _cell(r.variant),
                v(r.control_value, r.metric),
                v(r.variant_value, r.metric),
                fmt.pct(r.rel_lift),
                fmt.ci(r.rel_ci),
                fmt.pvalue(r.p_adjusted if r.p_adjusted is not None else r.p_value),
                ("WORSE" if r.worse else "yes" if r.significant else "no"),
                _cell(r.method),
            ]
            for r in e.results
        ]
        if rows:
            lines += _table(
                [
                    "metric",
                    "variant",
                    "control",
                    "variant value",
                    "lift",
                    "95 % CI",
                    "p (adj.)",
                    "significant",
                    "method",
                ],
                rows,
            )
            lines.append("")
        lines += [f"- warning: {_cell(w)}" for w in e.warnings]
        if e.warnings:
            lines.append("")
    lines += ["## What failed and why", ""]
    if not retro.failures:
        lines.append("Nothing failed this sprint.")
    for f in retro.failures:
        lines.append(f"- **{_cell(f.experiment)}** ({fmt.ACTION_LABELS.get(f.action, f.action)}): {_cell(f.reason)}")
        lines += [f"  {i}. {_cell(why)}" for i, why in enumerate(f.five_whys, 1)]
        lines += [f"  - learned: {_cell(x)}" for x in f.learnings]
        if f.prompt:
            lines.append(f"  - **to do:** {_cell(f.prompt)}")
    n = retro.next_sprint
    lines += ["", "## Next sprint", ""]
    for title, items in (("Scale", n.scale), ("Re-run", n.rerun), ("Do not repeat", n.do_not_repeat)):
        lines.append(f"**{title}**" + (": nothing" if not items else ""))
        lines += [f"- {_cell(i.experiment)}: {_cell(i.what)}" for i in items]
        lines.append("")
    lines += ["## Top posts", ""]
    t = retro.top_posts
    if not t.by_rate and not t.by_volume:
        lines += [NO_POSTS, ""]
    for title, posts in (
        (f"By engagement rate (at least {t.min_impressions:,} impressions)", t.by_rate),
        ("By engagements (volume)", t.by_volume),
    ):
        if not posts:
            continue
        lines += [f"**{title}**", ""]
        rows = [
            [
                _cell(p.platform),
                str(p.published or "–"),
                _cell(fmt.clip(p.text, 60)),
                f"{p.impressions:,}",
                f"{p.engagements:,}",
                fmt.value(p.engagement_rate, ratio=True),
            ]
            for p in posts
        ]
        lines += _table(["platform", "published", "post", "impressions", "engagements", "eng. rate"], rows)
        lines.append("")
    lines += ["## Trend across sprints", ""]
    rows = [
        [
            _cell(p.sprint),
            f"{p.start} → {p.end}",
            f"{p.kr_met}/{p.kr_judged}",
            str(p.experiments),
            str(p.scaled),
            str(p.stopped),
        ]
        for p in retro.trend
    ]
    lines += _table(["sprint", "dates", "KRs met", "experiments", "scaled", "stopped"], rows)
    if retro.warnings:
        lines += ["", "## Warnings", ""]
        lines += [f"- {_cell(w)}" for w in retro.warnings]
    return "\n".join(lines).rstrip() + "\n"


def render_analysis_markdown(report: AnalysisReport, ratios: frozenset[str] = frozenset()) -> str:
    """``analyze --format md``: a table per experiment, its decision, SRM check and warnings."""
    from agilesocial.retro.lifts import HEADERS, cells, title

    lines = [f"# Analysis{f' of sprint {report.sprint}' if report.sprint else ''}", ""]
    lines += [f"> {w}" for w in report.warnings] + ([""] if report.warnings else [])
    for e in report.experiments:
        lines += [f"## {title(e)}", ""]
        if e.hypothesis:
            lines += [f"_{e.hypothesis}_", ""]
        lines += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in cells(r, ratios)) + " |" for r in e.results]
        lines += ["", f"**Decision: {e.decision.action.replace('_', ' ')}** - {e.decision.reason}", ""]
        if e.srm is not None:
            lines += [f"Sample ratio check: p = {e.srm.p_value:.3g} ({'ok' if e.srm.ok else 'mismatch'})", ""]
        lines += [f"- {w}" for w in e.warnings] + ([""] if e.warnings else [])
    lines.append(f"Multiple-testing correction: {report.correction}.")
    return "\n".join(lines) + "\n"
