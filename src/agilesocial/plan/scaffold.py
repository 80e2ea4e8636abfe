"""``agile-social init``: scaffold a commented project that a marketer can fill in and that validates clean."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from agilesocial.errors import EXIT_USAGE, AgileSocialError
from agilesocial.plan.strategy import BaseGoal, Platform

#: Per base goal: metric, baseline, target, objective statement, guardrail, organisational goal it supports.
GOAL_DEFAULTS: dict[str, tuple[str, float, float, str, str, str]] = {
    "listening": (
        "comments", 5, 8, "Learn what people say about {brand} and its products.", "engagement_rate",
        "better product decisions",
    ),
    "talking": (
        "engagement_rate", 0.02, 0.03, "Make {brand}'s messages interactive and worth talking about.",
        "comment_rate", "brand awareness",
    ),
    "energizing": (
        "share_rate", 0.002, 0.003, "Turn {brand}'s most enthusiastic customers into advocates.",
        "engagement_rate", "grow repeat purchases",
    ),
    "supporting": (
        "comment_rate", 0.003, 0.005, "Help {brand}'s customers, and let them help each other.",
        "engagement_rate", "fewer support tickets",
    ),
    "embracing": (
        "comment_rate", 0.004, 0.006, "Bring customer feedback into how {brand} develops its products.",
        "engagement_rate", "customer-led product development",
    ),
}  # fmt: skip

PLATFORM_NAMES = {
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "other": "social",
}
MAX_SPRINT_WEEKS = 8
OBJECTIVE_WEEKS = 26


def slugify(text: str) -> str:
    """Lowercase id from free text: letters and digits joined by '-' (at most 64 characters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"['’`]", "", ascii_text)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")


def next_monday(today: dt.date) -> dt.date:
    """The first Monday after ``today`` (a week later when today is a Monday)."""
    return today + dt.timedelta(days=7 - today.weekday())


def _q(text: str) -> str:
    """A YAML-safe scalar (a JSON string is a valid double-quoted YAML scalar)."""
    return json.dumps(text, ensure_ascii=False)


def _num(value: float) -> str:
    return f"{round(value, 6):g}"


def _render(name: str, values: dict[str, str]) -> str:
    text = resources.files("agilesocial.plan").joinpath("templates", name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    leftover = re.search(r"\{\{\w+\}\}", text)
    if leftover:  # pragma: no cover - a template/code mismatch, caught by the tests
        raise RuntimeError(f"template {name} has no value for {leftover.group(0)}")
    return text


def _check_options(brand: str, goal: str, channels: Sequence[str], sprint_weeks: int) -> list[str]:
    if not brand.strip():
        raise AgileSocialError("--brand must not be empty", hint="e.g. --brand 'Acme Coffee'")
    if goal not in GOAL_DEFAULTS:
        raise AgileSocialError(
            f"unknown base goal {goal!r}", hint=f"use one of: {', '.join(g.value for g in BaseGoal)}"
        )
    platforms = [p.value for p in Platform]
    unique: list[str] = []
    for channel in channels:
        name = channel.strip().lower()
        if name not in platforms:
            raise AgileSocialError(f"unknown channel {channel!r}", hint=f"use one of: {', '.join(platforms)}")
        if name not in unique:
            unique.append(name)
    if not unique:
        raise AgileSocialError("at least one --channel is needed", hint="e.g. --channel instagram")
    if not 1 <= sprint_weeks <= MAX_SPRINT_WEEKS:
        raise AgileSocialError(
            f"--sprint-weeks {sprint_weeks} is out of range", hint=f"sprints last 1 to {MAX_SPRINT_WEEKS} weeks"
        )
    return unique


def _tools_block(channels: list[str], handle: str, goal: str) -> str:
    lines = []
    for channel in channels:
        lines += [
            f"  - id: {channel}",
            f"    platform: {channel}",
            f"    account: {handle}          # the account name as your {channel} exports show it",
            f"    purpose: {_q(f'What we do on {channel} for the {goal} objective.')}",
            f"    serves: [{goal}]",
        ]
    return "\n".join(lines) + "\n"


def project_files(
    *, brand: str, goal: str, channels: Sequence[str], sprint_weeks: int, today: dt.date
) -> dict[str, str]:
    """The scaffold's files (relative path -> text), without touching the disk."""
    from agilesocial.plan.schema import SCHEMA_KINDS, render_schema, schema_filename

    chosen = _check_options(brand, goal, channels, sprint_weeks)
    metric, baseline, target, statement, guardrail, supports = GOAL_DEFAULTS[goal]
    slug = slugify(brand) or "social-plan"
    start = next_monday(today)
    end = start + dt.timedelta(days=7 * sprint_weeks - 1)
    deadline = start + dt.timedelta(weeks=OBJECTIVE_WEEKS)
    sprint_id = f"{start.year}-s01"
    experiment_id = f"{chosen[0]}-question-posts"
    # the first sprint covers a quarter of the way from the baseline to the target, week by week
    weekly = [baseline + (target - baseline) * 0.25 * (week + 1) / sprint_weeks for week in range(sprint_weeks)]
    values = {
        "brand": _q(brand),
        "brand_comment": " ".join(brand.split()),
        "plan_id": slug,
        "plan_name": _q(f"{brand} social plan {start.year}"),
        "goal": goal,
        "statement": _q(statement.format(brand=brand)),
        "metric": metric,
        "metric_words": metric.replace("_", " "),
        "baseline": _num(baseline),
        "target": _num(target),
        "deadline": deadline.isoformat(),
        "supports": supports,
        "tools": _tools_block(chosen, slug.replace("-", ""), goal),
        "sprint_weeks": str(sprint_weeks),
        "program_start": start.isoformat(),
        "success": _q(f"{metric.replace('_', ' ')} from {_num(baseline)} to {_num(target)} by {deadline}"),
        "experiment_id": experiment_id,
        "sprint_id": sprint_id,
        "sprint_start": start.isoformat(),
        "sprint_end": end.isoformat(),
        "platform": chosen[0],
        "platform_name": PLATFORM_NAMES[chosen[0]],
        "outcome": f"more {metric} per post" if "_" not in metric else f"a higher {metric.replace('_', ' ')}",
        "kpi_target": _num(weekly[-1]),
        "account": slug.replace("-", ""),
        "tag": slug.replace("-", "")[:20] or "brand",
        "guardrail": guardrail,
        "weekly_targets": ", ".join(_num(w) for w in weekly),
    }
    files = {
        "agile-social.yaml": _render("config.yaml.tmpl", values),
        f"plans/{slug}.yaml": _render("plan.yaml.tmpl", values),
        f"experiments/{experiment_id}.yaml": _render("experiment.yaml.tmpl", values),
        f"sprints/{sprint_id}.yaml": _render("sprint.yaml.tmpl", values),
    }
    for kind in SCHEMA_KINDS:
        files[f"schemas/{schema_filename(kind)}"] = render_schema(kind)
    return files


def scaffold_project(
    root: Path,
    *,
    brand: str,
    goal: str = "talking",
    channels: Sequence[str] = ("instagram",),
    sprint_weeks: int = 2,
    force: bool = False,
    today: dt.date | None = None,
) -> list[Path]:
    """Write a new project under ``root``; returns the files written.

    Raises :class:`AgileSocialError` (exit 2) for bad options, or — before writing anything — when a file exists
    with different content and ``force`` is not set.
    """
    files = project_files(
        brand=brand, goal=goal, channels=channels, sprint_weeks=sprint_weeks, today=today or dt.date.today()
    )
    if root.exists() and not root.is_dir():
        raise AgileSocialError("exists and is not a folder", path=root, hint="choose another folder")
    if not force:
        for relative, text in files.items():
            target = root / relative
            if target.exists() and (not target.is_file() or target.read_bytes() != text.encode("utf-8")):
                raise AgileSocialError(
                    "already exists; not overwriting it",
                    path=target,
                    hint="use --force to overwrite, or another folder",
                )
    written = []
    try:
        for relative, text in files.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
    except OSError as exc:
        raise AgileSocialError(
            f"cannot write: {exc.strerror or exc}", path=exc.filename, exit_code=EXIT_USAGE
        ) from None
    return written
