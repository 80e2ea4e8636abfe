"""Experiments in the document: the one result table (shared by ``retro`` and ``analyze``), decisions and what
failed (the next sprint and the top posts are in :mod:`.page_review`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from agilesocial.analysis.model import MetricResult
from agilesocial.retro import fmt
from agilesocial.retro.blocks import Block, Cell, Chart, Column, Document, Heading, Items, Para, Section, Table, Tone
from agilesocial.retro.glossary import GLOSSARY
from agilesocial.retro.model import ExperimentRetro, Retro

if TYPE_CHECKING:
    from agilesocial.analysis.model import AnalysisReport

ACTION_TONES: dict[str, Tone] = {
    "scale": "good",
    "iterate": "warn",
    "stop": "bad",
    "futile": "warn",
    "keep_running": "info",
    "inconclusive": "info",
}
OUTCOME_TONES: dict[str, Tone] = {"better": "good", "worse": "bad", "inconclusive": "muted", "none": "muted"}
GUARD_TONES: dict[str, Tone] = {"no_harm": "muted", "tolerated_harm": "warn", "harm": "bad", "cannot_tell": "warn"}
#: The decision rule in one line (docs/analyze.md states it in full), under every retro and analysis.
DECISION_RULE = (
    "Decisions: SCALE = clearly better by at least the planned lift, no guardrail harmed; ITERATE = better but less "
    "than planned, or a guardrail harmed; STOP = clearly worse, or the planned lift is ruled out (the CI tops out "
    "below it) once the planned posts are in; STOP OR FINISH = the planned lift is already ruled out before the "
    "planned posts are in; KEEP RUNNING = not clear yet, with the posts and weeks still needed at your posting rate; "
    "INCONCLUSIVE = finished without a clear answer. Guardrails: 'no harm beyond 10 %' = the CI rules out a larger "
    "drop; 'cannot tell yet' = it does not; HARM = the CI lies wholly on the harmful side and beyond the tolerated "
    "drop."
)
RESULT_COLUMNS = (
    Column("metric"),
    Column("variant"),
    Column("posts c/v", num=True),
    Column("control", num=True),
    Column("variant", num=True),
    Column("lift", num=True),
    Column("95 % CI", num=True),
    Column("result", wrap=True),
)


def _p(r: MetricResult) -> str:
    if r.p_adjusted is None and r.p_value is None and r.chance_to_beat is not None:
        return f"P(beat) {r.chance_to_beat:.0%}"
    p = r.p_adjusted if r.p_adjusted is not None else r.p_value
    return f"p {fmt.pvalue(p)}" if p is not None else ""


def _ci(r: MetricResult) -> str:
    if r.rel_ci is not None:
        return fmt.ci(r.rel_ci)
    if r.abs_ci is not None:
        lo, hi = (fmt.change(b, r.unit) if math.isfinite(b) else "unbounded" for b in r.abs_ci)
        return f"{lo} to {hi}"
    return fmt.DASH


def _lift(r: MetricResult) -> Cell:
    """``+1.50 pts`` over ``(+46 %)``: the change in the metric's unit, then relative to the control."""
    if r.abs_lift is None or r.rel_lift is None:
        return Cell(fmt.lift(r.abs_lift, r.rel_lift, r.unit), raw=r.rel_lift)
    return Cell(fmt.change(r.abs_lift, r.unit), sub=f"({fmt.pct(r.rel_lift)})", raw=r.rel_lift)


def _expected(r: MetricResult) -> str:
    """Before/after: the lift is measured against what the model expected without the change, not the 'before'."""
    cf = r.counterfactual_value
    return f"expected {fmt.value(cf, r.unit)}" if cf is not None else ""


def result_cell(r: MetricResult) -> Cell:
    """better / WORSE / inconclusive with its p; a guardrail's non-inferiority verdict instead (never "better")."""
    verdict = fmt.guard(r)
    if verdict is not None and r.guard is not None:
        return Cell(verdict[0], GUARD_TONES[r.guard], sub=verdict[1], raw=r.guard)
    return Cell(fmt.OUTCOME_LABELS[r.outcome], OUTCOME_TONES[r.outcome], sub=_p(r), raw=r.outcome)


def result_row(r: MetricResult) -> tuple[Cell, ...]:
    """One variant x metric, worded and coloured by the metric's direction; guardrails by their harm verdict."""
    if r.not_exported:
        said = r.not_exported.split(" (", 1)[0].replace(" exports have no ", " has no ")  # 'X has no saves'
        return (
            Cell(r.metric, sub="guardrail" if r.is_guardrail else "", raw=r.metric),
            Cell(r.variant),
            Cell(fmt.DASH, raw="not exported"),
            Cell(fmt.DASH),
            Cell(fmt.DASH),
            Cell(fmt.DASH),
            Cell(fmt.DASH),
            Cell("not exported", "muted", sub=said, raw="not_exported"),
        )
    n = f"{fmt.count(r.n_control)}/{fmt.count(r.n_variant)}"
    return (
        Cell(r.metric, sub="guardrail" if r.is_guardrail else "", raw=r.metric),
        Cell(r.variant),
        Cell(n, raw=f"{r.n_control}/{r.n_variant}"),
        Cell(fmt.value(r.control_value, r.unit), sub=_expected(r), raw=r.control_value),
        Cell(fmt.value(r.variant_value, r.unit), raw=r.variant_value),
        _lift(r),
        Cell(_ci(r)),
        result_cell(r),
    )


def experiment_blocks(
    *,
    id: str,
    design: str,
    platform: str | None,
    hypothesis: str | None,
    action: str,
    reason: str,
    results: Sequence[MetricResult],
    warnings: Sequence[str],
    srm_ok: bool | None,
) -> list[Block]:
    """The heading, hypothesis, decision, result table, forest plot and warnings of one experiment."""
    blocks: list[Block] = [
        Heading(
            f"{id} ({platform or 'all platforms'}, {design})",
            fmt.ACTION_LABELS.get(action, action),
            ACTION_TONES.get(action, ""),
        )
    ]
    if hypothesis:
        blocks.append(Para(hypothesis, italic=True))
    blocks.append(Para(reason, lead="Decision"))
    if results and design == "before_after":
        from agilesocial.retro.its_blocks import BEFORE_AFTER_COLUMNS, before_after_row, its_blocks

        rows = tuple(before_after_row(r, result_cell(r)) for r in results)
        blocks += its_blocks(id, tuple(results), Table("results", BEFORE_AFTER_COLUMNS, rows))
        blocks.append(Chart("forest", (id, tuple(results))))
    elif results:
        blocks.append(Table("results", RESULT_COLUMNS, tuple(result_row(r) for r in results)))
        blocks.append(Chart("forest", (id, tuple(results))))
        methods = dict.fromkeys((r.method, r.method_why) for r in results if r.method_why)
        for method, why in methods:  # which method ran and why (a contrast-only one says it does not decide)
            blocks.append(Para(f"{method}, {why}", lead="Method"))
    if srm_ok is False:
        blocks.append(
            Para(
                "the posts are not split between the arms as planned (sample ratio mismatch)",
                lead="Warning",
                tone="warn",
            )
        )
    if warnings:
        blocks.append(Items(tuple(Para(w, lead="warning", tone="warn") for w in warnings)))
    return blocks


def _experiment(e: ExperimentRetro) -> list[Block]:
    return experiment_blocks(
        id=e.id,
        design=e.design,
        platform=e.platform,
        hypothesis=e.hypothesis,
        action=e.action,
        reason=e.reason,
        results=e.results,
        warnings=e.warnings,
        srm_ok=e.srm_ok,
    )


def experiments_section(retro: Retro) -> Section:
    from agilesocial.retro.page_review import EXPERIMENTS_LEGEND, overlap_blocks

    if not retro.experiments:
        return Section("experiments", "Experiments", (Para("No experiments were analysed for this sprint."),))
    blocks: list[Block] = [Para(EXPERIMENTS_LEGEND, lead="How to read the tables")]
    for e in retro.experiments:
        blocks += _experiment(e) + overlap_blocks(retro, e.id)
    return Section("experiments", "Experiments", tuple(blocks))


def failures_section(retro: Retro) -> Section:
    if not retro.failures:
        return Section("failures", "What failed and why", (Para("Nothing failed this sprint."),))
    blocks: list[Block] = []
    for f in retro.failures:
        blocks.append(Heading(f.experiment, fmt.ACTION_LABELS.get(f.action, f.action), ACTION_TONES.get(f.action, "")))
        blocks.append(Para(f.reason))
        if f.five_whys:
            blocks.append(Items(tuple(Para(w) for w in f.five_whys), ordered=True))
        if f.learnings:
            blocks.append(Items(tuple(Para(x, lead="learned") for x in f.learnings)))
        if f.prompt:
            blocks.append(Para(f.prompt, lead="to do", tone="bad"))
    return Section("failures", "What failed and why", tuple(blocks))


def analysis_document(report: AnalysisReport) -> Document:
    """``analyze``: the same experiment blocks as the retro, one section per experiment."""
    sections = []
    for e in report.experiments:
        blocks = experiment_blocks(
            id=e.id,
            design=e.design,
            platform=e.platform,
            hypothesis=e.hypothesis,
            action=e.decision.action,
            reason=e.decision.reason,
            results=e.results,
            warnings=e.warnings,
            srm_ok=e.srm.ok if e.srm else None,
        )
        sections.append(Section(e.id, "", tuple(blocks)))
    if not report.experiments:
        sections.append(Section("none", "", (Para("No experiments to analyse."),)))
    title = f"Analysis of sprint {report.sprint}" if report.sprint else "Analysis"
    lines = tuple(f"note: {w}" for w in report.warnings)
    footer: tuple[str, ...] = (
        f"{fmt.correction_words(report.correction)}. Lifts and intervals are relative to the control.",
        DECISION_RULE,
    )
    if any(e.design == "before_after" for e in report.experiments):
        footer += (
            "Before/after: before and after are what happened; expected is the model's after value without the "
            "change, and the effect is after against it.",
        )
    footer += (GLOSSARY,)
    return Document(title, lines, tuple(sections), footer if report.experiments else ())
