"""Against the best: one- and two-sample tests against R literals, the section in every format of the demo retro,
and competitors' posts kept out of the team's experiments, KPIs and key results."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from agilesocial.analysis.benchmarking import _competitor_ref, _Posts, verdict
from agilesocial.analysis.standing import AHEAD, BEHIND, LEVEL
from agilesocial.plan.metrics import BUILTIN_METRICS
from agilesocial.stats.onesample import one_sample_test

# Eight posts (engagements, impressions) against a benchmark of 2.1 %. R 4.x, exact enumeration of the 2^8 sign
# vectors of d = y - b x with the one-sample t statistic, and bisection on the p-value for the interval:
#   signs <- as.matrix(expand.grid(rep(list(c(1,-1)), n)))
#   tstat <- function(d) mean(d) / (sd(d) / sqrt(n));  pval(b): mean(abs(ts) >= abs(obs) * (1 - 1e-9))
Y = [12, 30, 7, 22, 15, 40, 9, 18]
X = [400, 900, 350, 800, 500, 1000, 420, 610]


def test_one_sample_ratio_matches_r() -> None:
    r = one_sample_test(Y, X, 0.021)
    assert r.exact and r.resamples == 256
    assert r.variant_value == pytest.approx(0.0307228915662651, rel=1e-12)
    assert r.p_value == pytest.approx(0.0234375, abs=1e-12)
    assert r.statistic == pytest.approx(2.71409364252673, rel=1e-10)
    assert r.abs_ci is not None and r.rel_ci is not None
    lower, upper = (0.021 + b for b in r.abs_ci)
    assert lower == pytest.approx(0.024409448811, abs=1e-8) and upper == pytest.approx(0.0356521739158, abs=1e-8)
    assert r.rel_ci[0] == pytest.approx(0.024409448811 / 0.021 - 1, abs=1e-6)
    assert one_sample_test(Y, X, 0.021, alternative="greater").p_value == pytest.approx(0.01171875, abs=1e-12)
    assert one_sample_test(Y, X, 0.021, alternative="less").p_value == pytest.approx(0.9921875, abs=1e-12)
    greater = one_sample_test(Y, X, 0.021, alternative="greater")
    assert greater.abs_ci is not None and 0.021 + greater.abs_ci[0] == pytest.approx(0.0256038647299, abs=1e-8)
    assert greater.abs_ci[1] == float("inf")


def test_one_sample_count_matches_r() -> None:
    # mean comments per post against 20: R, all 2^10 sign vectors -> p 0.630859375, t 0.559226808333712
    r = one_sample_test([14, 31, 8, 25, 19, 44, 11, 21, 17, 29], None, 20.0)
    assert r.p_value == pytest.approx(0.630859375, abs=1e-12)
    assert r.statistic == pytest.approx(0.559226808333712, rel=1e-10)
    assert r.abs_ci is not None and r.abs_ci[0] < 0 < r.abs_ci[1]  # level with the benchmark


def test_one_sample_degenerate_inputs_give_reasons() -> None:
    assert one_sample_test([3], [100], 0.02).reason == "1 post(s): a comparison with the benchmark needs at least 2"
    assert one_sample_test([1, 2], [0, 0], 0.02).reason == "the posts have no denominator (e.g. no impressions)"
    with pytest.raises(ValueError, match=r"alpha == 1\.5"):
        one_sample_test(Y, X, 0.02, alpha=1.5)


def test_one_sample_false_positive_rate_and_coverage() -> None:
    """Seeded simulation: posts whose true rate IS the benchmark; the test rejects about alpha of the time and the
    interval covers the true rate about 1 - alpha of the time."""
    import numpy as np

    rng = np.random.default_rng(7)
    rejected = covered = 0
    runs = 300
    for i in range(runs):
        x = rng.lognormal(6.5, 0.6, size=30).round() + 1
        y = rng.binomial(x.astype(int), np.clip(rng.gamma(4.0, 0.03 / 4.0, size=30), 0, 1))
        truth = 0.03
        r = one_sample_test(y, x, truth, seed=i, resamples=999)
        rejected += r.p_value is not None and r.p_value < 0.05
        assert r.abs_ci is not None
        covered += r.abs_ci[0] <= 0 <= r.abs_ci[1]
    assert rejected == runs - covered  # the interval excludes the benchmark exactly when p < alpha
    assert rejected / runs < 0.09


def test_two_sample_against_a_competitor_matches_r() -> None:
    # team (variant) vs competitor (control), 6 posts each: all choose(12, 6) = 924 assignments in R with the
    # studentised difference of ratios of sums (delta-method variance sum((y - R x)^2) n / ((n - 1) (sum x)^2))
    team = _Posts([12, 30, 7, 22, 15, 40], [400, 900, 350, 800, 500, 1000])
    rival = _Posts([9, 14, 5, 11, 20, 8], [520, 610, 300, 700, 880, 450])
    ref = _competitor_ref(team, rival, BUILTIN_METRICS["engagement_rate"], "Rival", "rival", "higher", 0.05, 10, 1)
    assert ref.method == "permutation"
    assert ref.p_value == pytest.approx(0.00432900432900433, abs=1e-12)
    assert ref.value == pytest.approx(0.019364161849711, rel=1e-12)
    assert ref.diff == pytest.approx(0.0318987341772152 - 0.019364161849711, rel=1e-10)
    assert ref.verdict == AHEAD and ref.posts == 6


def test_verdict_follows_the_direction() -> None:
    from agilesocial.stats import TestResult

    r = TestResult("x", 1.0, 2.0, 1.0, (0.5, 1.5), 1.0, (0.5, 1.5), 0.01)
    assert verdict(r, "higher", 0.05) == AHEAD and verdict(r, "lower", 0.05) == BEHIND
    assert verdict(replace(r, p_value=0.2), "higher", 0.05) == LEVEL


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from agilesocial.demo.runner import run_demo

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AGILE_SOCIAL_DB", raising=False)
        yield run_demo(tmp_path_factory.mktemp("bench") / "northwind")


def test_the_demo_retro_shows_the_section_in_every_format(demo: Any) -> None:
    from agilesocial.retro.render import renderer

    retro = demo.retro
    (standing,) = retro.standings
    assert (standing.objective, standing.metric, standing.platform) == ("engagement", "engagement_rate", "instagram")
    kinds = [(r.kind, r.name) for r in standing.references]
    assert kinds == [
        ("benchmark", "Fictional coffee-shop median (demo only)"),
        ("benchmark", "Fictional best in class (demo only)"),
        ("competitor", "Harbor Street Roasters (fictional)"),
    ]
    assert standing.team_posts == 44 and standing.references[2].posts == 27
    text = renderer("text").retro(retro)
    assert "Against the best" in text and "Harbor Street Roasters" in text
    assert "the team: 6.46 %" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    md = renderer("md").retro(retro)
    assert "## Against the best" in md and "| **ahead of** | Fictional best in class (demo only)" in md
    data = json.loads(renderer("json").retro(retro))
    (section,) = data["against_the_best"]
    assert section["team"]["posts"] == 44 and section["references"][2]["kind"] == "competitor"
    assert section["references"][0]["verdict"] in (AHEAD, BEHIND, LEVEL)
    html = renderer("html").retro(retro)
    assert 'id="against-the-best"' in html and "the team against benchmarks and competitors" in html
    assert html.count('class="benchmark"') == 2 and html.count('class="interval"') == 2


def test_the_demo_section_snapshot(demo: Any) -> None:
    """The section of the demo retro as Markdown and plain text (seeded data: the numbers are stable)."""
    import os

    from agilesocial.retro.blocks import Document
    from agilesocial.retro.markdown import markdown
    from agilesocial.retro.standing_render import standing_section
    from agilesocial.retro.terminal import plain

    section = standing_section(demo.retro)
    assert section is not None
    doc = Document("Against the best (demo)", (), (section,))
    text = markdown(doc) + "\n---\n\n" + plain(doc)
    path = Path(__file__).parent / "snapshots" / "against-the-best-demo.md"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), "rerun with UPDATE_SNAPSHOTS=1 if the change is intended"


def test_competitors_never_mix_into_the_team_analyses(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The competitor's instagram posts are in the warehouse; the team's experiments, objectives, key results and
    top posts are the same as without them; without 'role: competitor' they would change."""
    from agilesocial.analysis import run_analysis
    from agilesocial.config import load_project
    from agilesocial.review.sprint import build_retro
    from agilesocial.warehouse.connection import warehouse

    project = load_project(demo.dir)
    with warehouse(demo.warehouse, read_only=True) as con:
        rival = con.execute("SELECT count(*) FROM post_latest WHERE account = 'harborstreet_fictional'").fetchone()
    assert rival == (27,)

    def team_view(p: Any) -> Any:
        a = run_analysis(p, sprint="2026-s01", store=False, today=demo.retro.today)
        r = build_retro(p, sprint="2026-s01", analysis=a, today=demo.retro.today, store=False)
        results = [
            (e.id, m.metric, m.variant, m.n_control, m.n_variant, m.variant_value)
            for e in a.experiments
            for m in e.results
        ]
        return results, r.objectives, r.key_results, r.top_posts

    with_role = team_view(project)
    # the same warehouse without the competitor's posts: the team's numbers must not move
    import shutil

    clean = demo.dir.parent / "without-competitor"
    shutil.copytree(demo.dir, clean)
    with warehouse(clean / ".agile-social/warehouse.duckdb") as con:
        con.execute(
            "DELETE FROM post_metrics WHERE (platform, post_id) IN "
            "(SELECT (platform, post_id) FROM posts WHERE account = 'harborstreet_fictional')"
        )
        con.execute("DELETE FROM posts WHERE account = 'harborstreet_fictional'")
    assert team_view(load_project(clean)) == with_role
    # and the check can fail: the same posts without 'role: competitor' do change the team's numbers
    unmarked = replace(project, config=project.config.model_copy(update={"accounts": []}))
    assert team_view(unmarked) != with_role


def test_init_writes_a_commented_example_that_validates_once_filled_in(tmp_path: Path) -> None:
    import yaml

    from agilesocial.plan.project import ProjectConfig
    from agilesocial.plan.scaffold import scaffold_project

    scaffold_project(tmp_path, brand="Acme", goal="talking", channels=["instagram"])
    text = (tmp_path / "agile-social.yaml").read_text()
    assert "# benchmarks:" in text and "paste the figures of the report you trust" in text
    assert ProjectConfig.model_validate(yaml.safe_load(text)).benchmarks == []
    start = text.index("# benchmarks:\n")
    example = "\n".join(line[2:] for line in text[start:].splitlines()[:9])
    filled = yaml.safe_load(example.replace("<", "").replace(">", ""))
    (bench,) = ProjectConfig.model_validate(filled).benchmarks
    assert bench.value == 0.021 and bench.statistic == "median"


def test_a_benchmark_rate_written_as_percent_is_as009(tmp_path: Path) -> None:
    from test_lint_rules import benchmark, codes_after

    assert codes_after(tmp_path / "a", benchmark(value=2.1)) == ["AS009"]
    assert codes_after(tmp_path / "b", benchmark(value=0.021)) == []
    assert codes_after(tmp_path / "c", benchmark(metric="comments", value=2.1)) == []  # a count per post
