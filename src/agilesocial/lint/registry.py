"""The lint rule registry: stable codes, default severities and one-line docs.

Codes never change meaning. Groups: AS0xx files and schema, AS1xx objective (SMART), AS2xx target (audience),
AS3xx tools (the "tools valley"), AS4xx experiments, AS5xx sprints, AS6xx program, AS7xx cross-file, AS8xx evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

from agilesocial.lint.findings import Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str


_RULES = (
    Rule("AS001", "schema", "error", "File unreadable, not valid YAML, or not matching its schema."),
    Rule("AS009", "rate-written-as-percent", "error", "A rate of impressions is a fraction (0.02 = 2 %), not 2."),
    Rule("AS101", "objective-metric-missing", "error", "A SMART objective names the metric that measures it."),
    Rule("AS102", "objective-baseline-missing", "error", "A SMART objective states the metric's baseline."),
    Rule("AS103", "objective-target-missing", "error", "A SMART objective states the target value."),
    Rule("AS104", "objective-deadline-missing", "error", "A SMART objective is time-bound: it has a deadline."),
    Rule("AS105", "objective-deadline-past", "error", "The objective's deadline is not in the past."),
    Rule(
        "AS106", "objective-target-direction", "error", "The target lies beyond the baseline in the better direction."
    ),
    Rule("AS107", "objective-metric-unknown", "error", "The objective's metric is in the metric catalog."),
    Rule("AS108", "objective-id-duplicate", "error", "Objective ids are unique within a plan."),
    Rule("AS201", "technographics-over-100", "error", "A segment's technographics shares add up to at most 100 %."),
    Rule("AS301", "tool-serves-nothing", "error", "Every tool serves at least one objective (no tools valley)."),
    Rule("AS302", "tool-unknown-objective", "error", "A tool serves objectives that exist in its plan."),
    Rule("AS303", "tools-over-focus-limit", "warning", "A plan uses no more tools than its focus limit."),
    Rule("AS304", "tools-same-platform", "warning", "A plan has one tool per platform."),
    Rule("AS401", "experiment-unknown-plan", "error", "An experiment's plan exists."),
    Rule("AS402", "experiment-unknown-objective", "error", "An experiment's objective exists (in its plan)."),
    Rule("AS403", "experiment-unknown-sprint", "error", "An experiment's sprint exists."),
    Rule("AS404", "experiment-metric-unknown", "error", "An experiment's primary metric is in the metric catalog."),
    Rule("AS405", "experiment-guardrail-unknown", "error", "An experiment's guardrails are in the metric catalog."),
    Rule("AS406", "experiment-no-hypothesis", "error", "An experiment has a hypothesis card."),
    Rule("AS407", "hypothesis-not-falsifiable", "warning", "'we_will_know_when' states a number that can fail."),
    Rule("AS408", "experiment-no-metric", "error", "An experiment has a primary metric."),
    Rule("AS409", "split-too-few-variants", "error", "A split experiment has a control and at least one treatment."),
    Rule("AS410", "before-after-no-intervention", "error", "A before_after experiment has an intervention_date."),
    Rule("AS411", "window-outside-sprint", "warning", "An experiment's (post-change) window lies within its sprint."),
    Rule("AS412", "stopped-without-five-whys", "warning", "A stopped experiment records its five whys."),
    Rule("AS413", "intervention-outside-window", "error", "The intervention_date lies inside the experiment window."),
    Rule("AS414", "variant-selects-everything", "error", "A split variant's selector has a condition (or rest: true)."),
    Rule("AS415", "rest-more-than-once", "error", "At most one variant of an experiment uses 'rest: true'."),
    Rule("AS416", "metric-not-exported", "warning", "The metric and guardrails are in the platform's exports."),
    Rule("AS501", "sprint-overlap", "error", "Sprints do not overlap."),
    Rule("AS502", "key-result-weeks", "warning", "A key result has one weekly target per sprint week."),
    Rule("AS503", "key-result-metric-unknown", "error", "A key result's metric is in the metric catalog."),
    Rule("AS601", "program-missing", "error", "A plan defines its operational program."),
    Rule("AS602", "program-no-success-measures", "error", "The program states its success measures."),
    Rule("AS603", "program-no-owner", "error", "The program has an owner."),
    Rule("AS701", "duplicate-id", "error", "Plan, experiment and sprint ids are unique across files."),
    Rule("AS801", "kpi-metric-unknown", "error", "A KPI's metric is in the metric catalog."),
    Rule("AS802", "kpi-no-weekly-target", "warning", "A KPI has a weekly target."),
)

#: Every rule by code, in code order.
RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}
