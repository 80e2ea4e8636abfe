"""Overlaps between experiments, computed from the warehouse selection (review/overlaps.py), and how they read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from agilesocial.analysis.selection import project_zone
from agilesocial.plan.experiment import Experiment
from agilesocial.retro.page_review import overlap_sentence
from agilesocial.review.overlaps import TABLE, find_overlaps, post_marks, select_experiment_posts
from test_retro_fixtures import make_project

# the fixture posts one post a day per platform from 5 Oct 2026 (i = 0): x-<i>, tagged nwtip (even i) / nwthread (odd)


def experiment(**kw: Any) -> Experiment:
    base: dict[str, Any] = {"platform": "x", "account": "northwindcoffee", "metric": "engagement_rate"}
    return Experiment.model_validate(base | kw)


SPLIT = {
    "window": {"start": "2026-10-26", "end": "2026-11-22"},
    "variants": [
        {"name": "single", "selector": {"hashtags": ["nwtip"]}},
        {"name": "thread", "selector": {"hashtags": ["nwthread"]}},
    ],
}
BEFORE_AFTER = {
    "design": "before_after",
    "window": {"start": "2026-10-05", "end": "2026-11-22"},
    "intervention_date": "2026-11-09",
    "hypothesis": {"we_believe": "moving all X posts to 8:00", "will_result_in": "more", "we_will_know_when": "up"},
}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from agilesocial.warehouse.connection import warehouse

    project = make_project(tmp_path_factory.mktemp("overlaps") / "proj")
    with warehouse(project.warehouse_path()) as c:
        yield c


def run(con: Any, *experiments: Experiment) -> dict[tuple[str, str], Any]:
    select_experiment_posts(con, experiments, project_zone("Europe/Amsterdam"))
    return {(o.experiment, o.other): o for o in find_overlaps(con, experiments)}


def test_a_split_test_during_a_before_after_change_is_flagged_on_both(con: Any) -> None:
    split, change = experiment(id="threads", **SPLIT), experiment(id="morning", **BEFORE_AFTER)
    found = run(con, split, change)
    assert set(found) == {("threads", "morning"), ("morning", "threads")}
    threads = found[("threads", "morning")]
    # 28 days of x posts in the split window; posts from 9 Nov on (i >= 35) were published after the change
    assert (threads.posts, threads.shared, threads.change) == (28, 28, dt.date(2026, 11, 9))
    assert [(a.arm, a.after, a.posts) for a in threads.arms] == [("single", 7, 14), ("thread", 7, 14)]
    assert overlap_sentence(threads) == (
        "ran while morning changed x posts of northwindcoffee on 09 Nov (moving all X posts to 8:00); published "
        "after that change: single 7 of 14, thread 7 of 14 posts; its result may mix both changes; all 28 of its "
        "posts are also counted in morning"
    )
    morning = found[("morning", "threads")]
    assert morning.during_own_change == dt.date(2026, 11, 9) and morning.change is None
    assert overlap_sentence(morning).startswith("threads ran on x posts of northwindcoffee across this change (09 Nov)")


def test_split_tests_sharing_posts_are_flagged(con: Any) -> None:
    a = experiment(id="a", **SPLIT)
    b = experiment(
        id="b",
        window={"start": "2026-11-16", "end": "2026-11-29"},
        variants=[
            {"name": "short", "selector": {"hashtags": ["nwthread"]}},
            {"name": "long", "selector": {"rest": True}},
        ],
    )
    found = run(con, a, b)
    ab = found[("a", "b")]
    assert ab.change is None and ab.during_own_change is None
    assert (ab.shared, ab.posts) == (7, 28)  # 16-22 Nov: in both windows
    assert overlap_sentence(ab) == "7 of its 28 posts are also counted in b; read both results with that in mind"


def test_other_accounts_platforms_and_windows_do_not_overlap(con: Any) -> None:
    change = experiment(id="morning", **BEFORE_AFTER)
    other_platform = experiment(id="fb", **(SPLIT | {"platform": "facebook", "account": "Northwind Coffee"}))
    before = experiment(id="early", **(SPLIT | {"window": {"start": "2026-11-23", "end": "2026-11-29"}}))
    assert run(con, change, other_platform, before) == {}


def test_post_marks_name_experiment_and_arm(con: Any) -> None:
    run(con, experiment(id="threads", **SPLIT), experiment(id="morning", **BEFORE_AFTER))
    marks = post_marks(con, [("x", "northwindcoffee", "x-35"), ("x", "northwindcoffee", "x-0"), ("x", None, "x-35")])
    assert marks == {
        ("x", "northwindcoffee", "x-35"): ("morning: after the change", "threads: thread"),
        ("x", "northwindcoffee", "x-0"): ("morning: before the change",),  # 5 Oct: before the split test's window
    }
    assert con.execute(f"SELECT count(DISTINCT experiment) FROM {TABLE}").fetchone() == (2,)


def test_no_experiments_no_rows(con: Any) -> None:
    assert select_experiment_posts(con, [], project_zone("UTC")) == 0
    assert find_overlaps(con, []) == [] and post_marks(con, []) == {}
