"""Retro defects found in the hardening pass: the five-whys prompt, a sprint without posts, the HTML layout."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest

from agilesocial.config import Project
from agilesocial.retro.model import Retro
from agilesocial.retro.render import render
from agilesocial.retro.sections import TopPosts
from agilesocial.review.sprint import build_retro
from test_retro_fixtures import TODAY, fixed_retro, hand_built_analysis, make_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")


def test_stopped_with_learnings_but_no_five_whys_still_prompts(project: Project) -> None:
    # a stopped experiment that wrote a learning but never asked 'why?' has no root cause: the retro must ask
    path = project.root / "experiments/x-thread-vs-single.yaml"
    text = path.read_text().replace("status: running", "status: stopped")
    path.write_text(text + "learnings: [Threads felt long]\n")
    r = build_retro(project, sprint="2026-s01", analysis=hand_built_analysis(), today=TODAY, store=False)
    failure = next(f for f in r.failures if f.experiment == "x-thread-vs-single")
    assert failure.learnings == ("Threads felt long",)
    assert failure.prompt is not None
    assert "add five_whys to experiments/x-thread-vs-single.yaml" in failure.prompt  # names only what is missing
    for fmt in ("md", "text", "html"):
        assert "Stopped without a root cause" in render(r, fmt), fmt


def _no_posts(retro: Retro) -> Retro:
    return replace(retro, top_posts=TopPosts(()))


def test_sprint_without_posts_says_so_instead_of_empty_tables(project: Project) -> None:
    retro = _no_posts(fixed_retro(project))
    md = render(retro, "md")
    assert "No posts were published in this sprint" in md
    assert "| platform | published | post |" not in md  # no header-only tables
    text = render(retro, "text")
    assert "No posts were published in this sprint" in text
    assert "impressions" not in text
    html = render(retro, "html")
    assert "No posts were published in this sprint" in html and 'class="top_posts_' not in html


def test_markdown_headings_are_separated_when_nothing_was_analysed(project: Project) -> None:
    retro = replace(fixed_retro(project), experiments=(), failures=())
    lines = render(retro, "md").splitlines()
    i = lines.index("## What failed and why")
    assert lines[i - 1] == "" and lines[i - 2] == "No experiments were analysed for this sprint."


def test_html_top_post_dates_do_not_wrap(project: Project) -> None:
    html = render(fixed_retro(project), "html")
    assert "td.num { white-space: nowrap; }" in html
    assert re.search(r'<td data-label="date" class="num"><span class="tone-none">\d\d [A-Z][a-z]{2}</span>', html)


def test_terminal_output_stays_within_100_columns_on_a_wide_terminal(project: Project) -> None:
    import io

    from rich.console import Console

    from agilesocial.retro.page import retro_document
    from agilesocial.retro.terminal import draw

    buf = io.StringIO()
    con = Console(file=buf, width=160, no_color=True, color_system=None, highlight=False)
    draw(retro_document(fixed_retro(project)), con)
    widths = [len(line.rstrip()) for line in buf.getvalue().splitlines()]
    assert max(widths) <= 100 and max(widths) >= 90  # rules still span the 100 columns
    assert con.width == 160  # the caller's console is left as it was


def test_html_without_experiments_says_so_instead_of_an_empty_table(project: Project) -> None:
    html = render(replace(fixed_retro(project), experiments=(), failures=()), "html")
    assert "No experiments were analysed for this sprint." in html
    assert '<table class="results">' not in html
    assert '<table class="results">' in render(fixed_retro(project), "html")


def test_objective_forecast_is_never_negative_and_ignores_the_running_week(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    import agilesocial.review.tracking as tracking
    from agilesocial.analysis.progress import WeekRow
    from agilesocial.plan.metrics import metric_catalog
    from agilesocial.plan.workspace import load_workspace

    plan = load_workspace(project).plans[0].model  # program start 2026-10-01, engagement_rate 3.5 % -> 5 % by June
    obj = next(o for o in plan.objectives if o.id == "engagement")
    anchor = dt.date(2026, 10, 26)
    # complete weeks falling 0.5 point a week, then a running week (ends after 'until') with a lucky 9 %
    values = {anchor + dt.timedelta(days=7 * k): 0.045 - 0.005 * k for k in range(4)}
    values[anchor + dt.timedelta(days=28)] = 0.09

    def fake_series(con: object, metric: object, **kw: object) -> list[WeekRow]:
        return [WeekRow(week, 10, v * 1000, 1000.0) for week, v in sorted(values.items())]

    monkeypatch.setattr(tracking, "weekly_series", fake_series)
    monkeypatch.setattr(tracking, "accounts_in", lambda con, **kw: [("facebook", "Northwind Coffee")])
    until = dt.date(2026, 11, 25)  # Wednesday of the week starting 23 Nov
    progress = tracking.objective_progress(
        None,  # type: ignore[arg-type]
        plan,
        obj,
        metric_catalog(),
        anchor=anchor,
        until=until,
        timezone="UTC",
    )
    assert progress.current == pytest.approx(0.09)  # 'now' is still the latest week ...
    assert progress.slope_per_week == pytest.approx(-0.005)  # ... but the trend uses the complete weeks only
    assert progress.forecast == 0.0  # the line crosses zero long before the deadline: floored, not negative
    assert progress.status == "at_risk" and "it ends at 0.00 % by 30 Jun 2027, short of" in progress.reason
    assert progress.status_why == "ahead now, but ends at 0.00 %"


def test_key_results_as_of_a_past_day_count_only_posts_up_to_that_day(project: Project) -> None:
    # the fixture posts one post a day per platform; as of Wednesday 28 Oct, week 1 (from Mon 26 Oct) has 3 days
    as_of = build_retro(project, sprint="2026-s01", analysis=hand_built_analysis(), today=dt.date(2026, 10, 28))
    full = fixed_retro(project)
    follows = next(k for k in as_of.key_results if k.metric == "follows")
    week1 = follows.weeks[0]
    assert week1.status == "in_progress" and week1.posts == 3  # before: 7, the posts of 29 Oct - 1 Nov too
    assert week1.value == sum(4 + i % 5 for i in range(21, 24))
    assert next(k for k in full.key_results if k.metric == "follows").weeks[0].posts == 7
