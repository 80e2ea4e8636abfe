"""The next-sprint plan: what to scale, what to keep testing, what stopped experiments taught, and for every objective
at risk or off track the experiments that work on it (or that none does).

Lines are short: the decision sentence is in the experiment's block above, so a line here says what to do and the
one number behind it.
"""

from __future__ import annotations

from collections.abc import Sequence

from agilesocial.analysis.wording import posts_in_time
from agilesocial.plan.workspace import Workspace
from agilesocial.retro import fmt
from agilesocial.retro.model import (
    ExperimentRetro,
    LiftRow,
    NextItem,
    NextSprint,
    ObjectiveFollowUp,
    ObjectiveProgress,
    Targeting,
    scope_platforms,
)

#: Objective statuses the next sprint has to do something about.
NEEDS_WORK = ("off_track", "at_risk")


def _best(e: ExperimentRetro) -> LiftRow | None:
    wins = [r for r in e.primary if r.significant and r.rel_lift is not None]
    return max(wins, key=lambda r: abs(r.rel_lift or 0.0)) if wins else None


def _scale_line(e: ExperimentRetro) -> str:
    row = _best(e)
    if row is None:
        return "scale it (see the decision above)"
    return f"scale '{row.variant}': {row.metric} {fmt.lift(row.abs_lift, row.rel_lift, row.unit)} against the control"


def _rerun_line(e: ExperimentRetro) -> str:
    if e.action == "keep_running":
        more = posts_in_time(e.posts_needed, e.posts_per_week) if e.posts_needed else "the planned number of posts"
        return f"keep posting both arms: {more}, then decide"
    if e.action == "futile":
        rest = f" ({posts_in_time(e.posts_needed, e.posts_per_week, advise=False)})" if e.posts_needed else ""
        return f"the planned lift is already ruled out: stop it early, or finish as planned{rest}"
    if e.action == "iterate":
        return "change the variant and test again"
    return "no clear answer this sprint: re-run it bigger or bolder, or drop it"


def _stopped_line(learnings: Sequence[str], source: str | None, experiment: str) -> str:
    if learnings:
        return learnings[0]
    where = source or f"the experiment file of {experiment}"
    return f"no learning written down yet: add 'learnings:' to {where}"


def next_sprint(
    experiments: tuple[ExperimentRetro, ...],
    ws: Workspace,
    sprint: str,
    objectives: Sequence[ObjectiveProgress] = (),
) -> NextSprint:
    scale, rerun, stopped = [], [], []
    for e in experiments:
        if e.action == "scale":
            scale.append(NextItem(e.id, _scale_line(e)))
        elif e.action in ("keep_running", "futile", "iterate", "inconclusive"):
            timed = e.action in ("keep_running", "futile")
            rerun.append(NextItem(e.id, _rerun_line(e), e.posts_needed if timed else None))
        elif e.action == "stop":
            stopped.append(NextItem(e.id, _stopped_line(e.learnings, e.source, e.id)))
    seen = {e.id for e in experiments}
    for doc in ws.experiments:
        x = doc.model
        if x.status.value == "stopped" and x.id not in seen and x.sprint != sprint:
            what = x.learnings[0] if x.learnings else "stopped in an earlier sprint; no learning written down"
            stopped.append(NextItem(x.id, what))
    follow = tuple(follow_up(o, experiments, ws) for o in objectives if o.status in NEEDS_WORK)
    return NextSprint(tuple(scale), tuple(rerun), tuple(stopped), follow)


def follow_up(o: ObjectiveProgress, experiments: tuple[ExperimentRetro, ...], ws: Workspace) -> ObjectiveFollowUp:
    """The experiments working on ``o``: this sprint's (with their decision) and planned or running ones in the
    workspace; linked by ``objective:`` or testing the objective's metric on one of its platforms."""
    platforms = o.platforms or scope_platforms(o.scope)
    found: list[Targeting] = []

    def consider(exp_id: str, objective: str | None, platform: str | None, metric: str | None, state: str) -> None:
        on_platform = not platforms or platform is None or platform in platforms
        if objective == o.id:
            found.append(Targeting(exp_id, state, "objective", platform, metric, outside=not on_platform))
        elif metric is not None and metric == o.metric and on_platform:
            found.append(Targeting(exp_id, state, "metric", platform, metric))

    by_id = {d.model.id: d.model for d in ws.experiments}
    for e in experiments:
        linked = by_id[e.id].objective if e.id in by_id else None
        consider(e.id, linked, e.platform, e.metric, fmt.ACTION_LABELS.get(e.action, e.action).lower())
    shown = {e.id for e in experiments}
    for x in by_id.values():
        if x.id not in shown and x.status.value in ("planned", "running"):
            consider(x.id, x.objective, str(x.platform) if x.platform else None, x.metric, x.status.value)
    return ObjectiveFollowUp(
        objective=o.id,
        status=o.status,
        metric=o.metric,
        unit=o.unit,
        scope=o.scope,
        platforms=platforms,
        current=o.current,
        target=o.target,
        deadline=o.deadline,
        status_why=o.status_why,
        experiments=tuple(found),
    )
