"""Rules on reference benchmarks and competitor accounts in ``agile-social.yaml`` (AS9xx)."""

from __future__ import annotations

from agilesocial.lint.rule import CATALOG, CATALOG_FIX, Rule

BENCH_RULES = (
    Rule(
        "AS901",
        "benchmark-metric-unknown",
        "warning",
        "A benchmark's metric is in the metric catalog.",
        f"A benchmark is compared with the team's value of its metric; an unknown metric cannot be. {CATALOG}",
        CATALOG_FIX,
        "project",
    ),
    Rule(
        "AS902",
        "benchmark-no-source",
        "warning",
        "A benchmark names its source.",
        "A figure without a source cannot be checked or updated, and reads as a fact about the industry.",
        "Add 'source:' with the report's name or URL.",
    ),
    Rule(
        "AS903",
        "benchmark-no-date",
        "warning",
        "A benchmark states when it was published.",
        "Engagement levels drift year by year; an undated figure cannot be judged current.",
        "Add 'published: YYYY-MM-DD', the report's publication date.",
    ),
    Rule(
        "AS904",
        "benchmark-stale",
        "warning",
        "A benchmark was published in the last two years.",
        "Platform reach and engagement change fast: a figure older than two years is likely no longer the level to "
        "beat.",
        "Paste the figure of a newer edition of the report, or remove the benchmark.",
    ),
    Rule(
        "AS905",
        "target-below-best-in-class",
        "warning",
        "An objective's target aims for the best-in-class benchmark on its metric.",
        "Best-in-class peers set the level worth aiming for: a target below the best-in-class benchmark (for a "
        "metric where lower is better: above it) on a platform the objective's tools use does not aim for best in "
        "class.",
        "Raise the target to the best-in-class level, or say in the objective's statement why the team aims lower.",
        "project",
    ),
    Rule(
        "AS906",
        "competitor-is-own-account",
        "error",
        "A competitor account is not one of the team's own tools' accounts.",
        "A competitor's posts are kept out of the team's experiments and KPIs; an account that is both would be "
        "counted as the team's and excluded at once.",
        "Fix the account name in 'accounts:' (agile-social.yaml) or in the plan's tool.",
        "project",
    ),
)
