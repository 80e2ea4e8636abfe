"""The lint rule registry: stable codes, default severities and the documentation of every rule.

Codes never change meaning. Groups: AS0xx files and schema, AS1xx objective (SMART), AS2xx target (audience),
AS3xx tools (the "tools valley"), AS4xx experiments, AS5xx sprints, AS6xx program, AS7xx cross-file, AS8xx evaluation,
AS9xx benchmarks and competitors.

``docs/rules.md`` is generated from this registry (``python -m agilesocial.lint.rulesdoc``); a test keeps it current.
``scope="project"`` marks a rule whose finding in one file can be caused by another file (a renamed id, a deleted
sprint, a custom metric in ``agile-social.yaml``): ``validate PATH…`` reports those from the whole project.
"""

from __future__ import annotations

from agilesocial.lint.registry_bench import BENCH_RULES
from agilesocial.lint.registry_work import WORK_RULES
from agilesocial.lint.rule import CATALOG, CATALOG_FIX, Rule, Scope

__all__ = ["RULES", "Rule", "Scope"]

_FILE_AND_PLAN_RULES = (
    Rule(
        "AS001",
        "schema",
        "error",
        "File not valid YAML, or not matching its schema.",
        "Every plan, experiment, sprint and agile-social.yaml must be valid YAML that matches its JSON Schema "
        "(unknown keys, wrong types, dates not written as YYYY-MM-DD).",
        "Fix the value at the reported line; 'agile-social schema' writes the JSON Schemas so editors show these "
        "errors as you type.",
    ),
    Rule(
        "AS002",
        "io-error",
        "error",
        "A project file or folder can be read (exit 2 when not).",
        "An unreadable file or folder, a broken symbolic link or a link loop under the project's folders hides plans, "
        "experiments or sprints from every check: validate reports it and exits 2, like any other I/O error.",
        "Fix the permissions, restore the link's target or remove the dangling link.",
        "project",
    ),
    Rule(
        "AS009",
        "rate-written-as-percent",
        "error",
        "A rate of impressions is a fraction (0.02 = 2 %), not 2.",
        "Rates of impressions (engagement_rate, ctr, comment_rate, ...) are fractions; a baseline or target above 1 "
        "is a percentage written without dividing by 100 and reads as more than 100 %.",
        "Write the percentage as a fraction: 0.021 for 2.1 %.",
        "project",
    ),
    Rule(
        "AS101",
        "objective-metric-missing",
        "error",
        "A SMART objective names the metric that measures it.",
        "A SMART objective is Specific and Measurable: without a metric nobody can tell whether it was reached.",
        "Add 'metric: <catalog metric>' to the objective, e.g. metric: engagement_rate.",
    ),
    Rule(
        "AS102",
        "objective-baseline-missing",
        "error",
        "A SMART objective states the metric's baseline.",
        "Progress is measured from where the team starts; without a baseline a target is a guess.",
        "Add 'baseline: <today's value of the metric>'.",
    ),
    Rule(
        "AS103",
        "objective-target-missing",
        "error",
        "A SMART objective states the target value.",
        "An objective without a target value is not Achievable or Measurable: there is nothing to reach.",
        "Add 'target: <value to reach by the deadline>'.",
    ),
    Rule(
        "AS104",
        "objective-deadline-missing",
        "error",
        "A SMART objective is time-bound: it has a deadline.",
        "A SMART objective is Time-bound: the deadline says when the target is judged.",
        "Add 'deadline: YYYY-MM-DD'.",
    ),
    Rule(
        "AS105",
        "objective-deadline-past",
        "error",
        "The objective's deadline is not in the past.",
        "An objective whose deadline has passed no longer steers the work (today is the machine's date).",
        "Set a future deadline, or close the plan and start a new one.",
    ),
    Rule(
        "AS106",
        "objective-target-direction",
        "error",
        "The target lies beyond the baseline in the better direction.",
        "A target at or behind the baseline (given 'direction:' or the metric's own direction) asks for no progress.",
        "Set a target beyond the baseline, or set 'direction: lower' when a lower value is better.",
        "project",
    ),
    Rule(
        "AS107",
        "objective-metric-unknown",
        "error",
        "The objective's metric is in the metric catalog.",
        f"An objective's metric must exist to be measured. {CATALOG}",
        CATALOG_FIX,
        "project",
    ),
    Rule(
        "AS108",
        "objective-id-duplicate",
        "error",
        "Objective ids are unique within a plan.",
        "Experiments and tools refer to objectives by id; two objectives with one id make those references ambiguous.",
        "Rename one of the objectives (and the references to it).",
    ),
    Rule(
        "AS201",
        "technographics-over-100",
        "error",
        "A segment's technographics shares add up to at most 100 %.",
        "On the social technographics ladder each person counts once, on their highest rung, so the shares of a "
        "segment cannot add up to more than 100 %.",
        "Count each person on their highest rung only, so the shares sum to at most 100.",
    ),
    Rule(
        "AS301",
        "tool-serves-nothing",
        "error",
        "Every tool serves at least one objective (no tools valley).",
        "A tool chosen before the objectives it serves is the 'tools valley': effort on a platform for its own sake.",
        "Add 'serves: [<objective id>]' to the tool, or drop the tool.",
    ),
    Rule(
        "AS302",
        "tool-unknown-objective",
        "error",
        "A tool serves objectives that exist in its plan.",
        "A tool's 'serves:' names objectives of its own plan; an unknown id is a typo or a removed objective.",
        "Use one of the plan's objective ids (the message lists them).",
    ),
    Rule(
        "AS303",
        "tools-over-focus-limit",
        "warning",
        "A plan uses no more tools than its focus limit.",
        "Better great with one tool than average with three: a plan over its focus limit ('focus_limit:', else "
        "'defaults.focus_limit' in agile-social.yaml, 3) spreads the team thin.",
        "Drop tools, or raise 'focus_limit' if the team can really run them all.",
        "project",
    ),
    Rule(
        "AS304",
        "tools-same-platform",
        "warning",
        "A plan has one tool per platform.",
        "Two tools on one platform split the audience and the effort between two accounts.",
        "Merge the two tools, or keep one account per platform.",
    ),
)

#: Every rule by code, in code order.
RULES: dict[str, Rule] = {
    rule.code: rule for rule in sorted((*_FILE_AND_PLAN_RULES, *WORK_RULES, *BENCH_RULES), key=lambda r: r.code)
}
