"""Before/after KEEP RUNNING says how many more days the planned effect needs (or that days alone will not do).

The projection (:mod:`agilesocial.stats.its_power`) is checked three ways: at zero extra days it reproduces the
fit's own standard error; a seeded simulation shows the projected number of days gives about the planned power
(the independent check: fresh series of that length, analysed by the model, counted); and with a fixed before
period the trend's extrapolation makes more days useless, which it says. Then through the CLI on the demo.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy import special
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.stats.its import interrupted_time_series
from agilesocial.stats.its_power import Detect, days_to_detect
from agilesocial.stats.timeseries import segmented_fit

CHANGE = 738_000


def _span(after: int) -> int:  # the default rule: the before period as long as the after period, 14 to 56 days
    return min(max(after, 14), 56)


def _series(rng: np.random.Generator, before: int, after: int, lift: float, sd: float) -> tuple[list[int], list[float]]:
    days = np.arange(CHANGE - before, CHANGE + after)
    y = 1.0 + rng.normal(0.0, sd, days.size) + np.where(days >= CHANGE, lift, 0.0)
    return days.tolist(), y.tolist()


def test_zero_extra_days_is_the_fit_itself() -> None:
    days, y = _series(np.random.default_rng(7), 28, 14, 0.0, 0.1)
    fit = segmented_fit(days, y, CHANGE)
    r = interrupted_time_series(days, y, CHANGE)
    reach = r.se * (float(special.stdtrit(r.dof, 0.975)) + float(special.stdtrit(r.dof, 0.8)))
    assert days_to_detect(fit, reach * 1.0001, alpha=0.05, power=0.8) == 0
    assert days_to_detect(fit, reach * 0.999, alpha=0.05, power=0.8, before_span=_span) not in (0, None)


def test_a_fixed_before_period_cannot_be_rescued_by_more_days() -> None:
    """The counterfactual extrapolates the before line: its uncertainty grows with the after period."""
    days, y = _series(np.random.default_rng(3), 14, 14, 0.0, 0.1)
    fit = segmented_fit(days, y, CHANGE)
    assert days_to_detect(fit, 0.3, alpha=0.05, power=0.8) is None
    grown = days_to_detect(fit, 0.3, alpha=0.05, power=0.8, before_span=_span)
    assert grown is not None and 0 < grown < 30


@pytest.mark.parametrize("sd, lift, seed", [(0.05, 0.1, 0), (0.1, 0.2, 1)])
def test_the_projected_days_give_about_the_planned_power(sd: float, lift: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    needs = []
    for _ in range(15):
        days, y = _series(rng, 14, 14, 0.0, sd)
        r = interrupted_time_series(days, y, CHANGE, detect=Detect(lift, 0.8, _span))
        assert r.projected
        needs.append(r.days_needed if r.days_needed is not None else math.inf)
    after = 14 + int(np.median(needs))
    reps = 300
    hits = 0
    for _ in range(reps):
        days, y = _series(rng, _span(after), after, lift, sd)
        hits += interrupted_time_series(days, y, CHANGE).p_value < 0.05
    assert 0.68 <= hits / reps <= 0.92, (after, hits / reps)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("its-days") / "northwind"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AGILE_SOCIAL_DB", raising=False)
        res = CliRunner().invoke(app, ["demo", "--dir", str(folder)])
        assert res.exit_code == 0, res.output
    return folder


def _decision(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edits: dict[str, str]) -> dict:  # type: ignore[type-arg]
    project = tmp_path / "p"
    shutil.copytree(folder, project)
    path = project / "experiments" / "x-morning-posting.yaml"
    text = path.read_text()
    for pattern, new in edits.items():
        text = re.sub(pattern, new, text, flags=re.M)
    path.write_text(text)
    monkeypatch.chdir(project)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    res = CliRunner().invoke(app, ["analyze", "--format", "json"])
    assert res.exit_code in (0, 1), res.output
    exp = next(e for e in json.loads(res.stdout)["experiments"] if e["id"] == "x-morning-posting")
    return exp  # type: ignore[no-any-return]


def test_keep_running_names_the_days_and_the_date(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exp = _decision(
        demo,
        tmp_path,
        monkeypatch,
        {
            r"^status: completed": "status: running",
            r"^pre_period: .*$": "",
            r"^mde: .*$": "mde: 1.0",
            r"start: 2026-10-05": "start: 2026-09-01",
        },
    )
    d = exp["decision"]
    assert d["action"] == "keep_running" and d["days_needed"] == 4 and d["weeks_needed"] == 1
    assert "collect about 4 more days after the change (to 2026-11-26) to detect the planned +100 %" in d["reason"]
    assert exp["results"][0]["its"]["days_needed"] == 4
    assert exp["results"][0]["its"]["days_needed_date"] == "2026-11-26"


def test_keep_running_says_when_days_alone_will_not_do(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp = _decision(demo, tmp_path, monkeypatch, {r"^status: completed": "status: running"})
    d = exp["decision"]
    assert d["action"] == "keep_running" and d["days_needed"] is None
    assert "more days alone will not make the planned +10 % detectable at this noise" in d["reason"]
    assert "add a comparison series (control:)" in d["reason"]
