"""Shared, fixed inputs for the retro tests: the demo plan files, SQL-inserted posts and a hand-built analysis.

Imported by the other ``test_retro*`` modules; it holds no tests itself.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from agilesocial.analysis.model import AnalysisReport, Decision, ExperimentAnalysis, MetricResult, Srm
from agilesocial.config import Project, load_project
from agilesocial.retro.model import Retro

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "src/agilesocial/demo/data/project"
TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
XSS = "<script>document.title='pwned'</script> Brew <b>bold</b> & more"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def make_project(root: Path) -> Project:
    """The demo project's YAML (plan, sprint, experiments) with a fixed, SQL-built warehouse."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("agile-social.yaml", "plans", "sprints", "experiments"):
        src = SHIPPED / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        else:
            shutil.copy(src, root / name)
    project = load_project(root)
    fill_warehouse(project.warehouse_path())
    return project


def fill_warehouse(path: Path) -> None:
    """One post a day per platform from 5 Oct to 26 Nov 2026, with deterministic metrics that improve slowly."""
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.current import rebuild_current

    with warehouse(path) as con:
        for platform, account, types, tags in (
            ("instagram", "northwindcoffee", ["IG image", "IG reel"], [["nwdaily"], ["asknorthwind"]]),
            ("facebook", "Northwind Coffee", ["Photos", "Reels"], [[], []]),
            ("x", "northwindcoffee", ["Text", "Text"], [["nwtip"], ["nwthread"]]),
        ):
            con.execute(
                """
                INSERT INTO posts (platform, account, post_id, published_at, post_type, text, permalink, labels,
                    hashtags)
                SELECT $platform, $account, $platform || '-' || i,
                    TIMESTAMPTZ '2026-10-05 09:00:00+00' + to_days(i::INTEGER),
                    $types[1 + i % 2], 'Brew guide number ' || i, 'https://example.com/' || $platform || '/' || i,
                    [], $tags[1 + i % 2]
                FROM range(53) t(i)
                """,
                {"platform": platform, "account": account, "types": types, "tags": tags},
            )
            con.execute(
                """
                INSERT INTO post_metrics (platform, post_id, kind, metric_date, impressions, reach, engagements, likes,
                    comments, shares, saves, clicks, link_clicks, follows)
                SELECT $platform, $platform || '-' || i, 'lifetime', DATE '2026-11-26',
                    1000 + (i * 37) % 500, 800 + (i * 29) % 400,
                    35 + i // 2 + (i * 13) % 17 + CASE WHEN i % 2 = 1 THEN 8 ELSE 0 END,
                    20 + (i * 7) % 11, 3 + i % 5, 2 + i % 4, 1 + i % 3, 10 + i % 9, 4 + i % 6, 4 + i % 5
                FROM range(53) t(i)
                """,
                {"platform": platform},
            )
        # untrusted text: a script, markup and a spreadsheet formula; a tiny post that must not top the rate list
        con.execute(
            """
            INSERT INTO posts (platform, account, post_id, published_at, post_type, text) VALUES
                ('instagram', 'northwindcoffee', 'xss', TIMESTAMPTZ '2026-11-03 10:00:00+00', 'IG image', $xss),
                ('instagram', 'northwindcoffee', 'formula', TIMESTAMPTZ '2026-11-04 10:00:00+00', 'IG image', $f),
                ('instagram', 'northwindcoffee', 'tiny', TIMESTAMPTZ '2026-11-05 10:00:00+00', 'IG image', 'tiny')
            """,
            {"xss": XSS, "f": FORMULA},
        )
        con.execute(
            """
            INSERT INTO post_metrics (platform, post_id, kind, metric_date, impressions, reach, engagements, comments)
            VALUES ('instagram', 'xss', 'lifetime', DATE '2026-11-26', 5000, 4000, 900, 40),
                   ('instagram', 'formula', 'lifetime', DATE '2026-11-26', 4000, 3000, 400, 10),
                   ('instagram', 'tiny', 'lifetime', DATE '2026-11-26', 3, 3, 3, 0)
            """
        )
        rebuild_current(con)  # rows written by hand, not by ingest


def _r(metric: str, variant: str, method: str, cv: float, vv: float, ci: tuple[float, float], p: float,
       padj: float, n: tuple[int, int] = (14, 14), guard: bool = False) -> MetricResult:  # fmt: skip
    rel = vv / cv - 1
    return MetricResult(
        metric=metric,
        variant=variant,
        method=method,
        n_control=n[0],
        n_variant=n[1],
        control_value=cv,
        variant_value=vv,
        abs_lift=vv - cv,
        abs_ci=(ci[0] * cv, ci[1] * cv),
        rel_lift=rel,
        rel_ci=ci,
        p_value=p,
        p_adjusted=padj,
        significant=padj < 0.05,
        chance_to_beat=None,
        is_guardrail=guard,
        unit="percent",
    )


def hand_built_analysis() -> AnalysisReport:
    """A fixed analysis of sprint 2026-s01: one scale, one stop, one iterate, one keep-running."""
    s = "2026-s01"
    return AnalysisReport(
        generated_at=NOW,
        sprint=s,
        correction="holm",
        experiments=(
            ExperimentAnalysis(
                id="fb-reels-vs-photos",
                design="split",
                status="completed",
                sprint=s,
                metric="engagement_rate",
                platform="facebook",
                srm=Srm(0.71, True),
                warnings=(),
                decision=Decision("scale", "Reels earned 31 % more engagement per impression than photos (p = 0.004)."),
                results=(
                    _r("engagement_rate", "reels", "ratio_delta", 0.036, 0.0472, (0.12, 0.52), 0.002, 0.004),
                    _r("comment_rate", "reels", "ratio_delta", 0.004, 0.0037, (-0.31, 0.18), 0.41, 0.41, guard=True),
                ),
            ),
            ExperimentAnalysis(
                id="ig-question-captions",
                design="split",
                status="completed",
                sprint=s,
                metric="comment_rate",
                platform="instagram",
                srm=Srm(0.9, True),
                warnings=(),
                decision=Decision("stop", "Question captions did not raise the comment rate (-2 %, p = 0.81)."),
                results=(
                    _r("comment_rate", "question", "ratio_delta", 0.0041, 0.0031, (-0.41, -0.08), 0.004, 0.008),
                    _r(
                        "engagement_rate",
                        "question",
                        "ratio_delta",
                        0.04,
                        0.036,
                        (-0.18, -0.02),
                        0.01,
                        0.02,
                        guard=True,
                    ),
                ),
            ),
            ExperimentAnalysis(
                id="x-morning-posting",
                design="before_after",
                status="completed",
                sprint=s,
                metric="engagement_rate",
                platform="x",
                srm=None,
                warnings=("the daily series has 3 days with no posts",),
                decision=Decision("iterate", "Morning posts lifted the level by 6 %, short of the 10 % we planned."),
                results=(_r("engagement_rate", "after", "its", 0.039, 0.0413, (-0.01, 0.13), 0.09, 0.09, (35, 14)),),
            ),
            ExperimentAnalysis(
                id="x-thread-vs-single",
                design="split",
                status="running",
                sprint=s,
                metric="link_ctr",
                platform="x",
                srm=Srm(0.5, True),
                warnings=("only 12 posts per variant; the plan needs 30",),
                decision=Decision("keep_running", "Too few posts to tell yet.", posts_needed=18),
                results=(_r("link_ctr", "thread", "ratio_delta", 0.005, 0.0061, (-0.15, 0.59), 0.22, 0.22, (12, 12)),),
            ),
        ),
    )


def fixed_retro(project: Project) -> Retro:
    """The retro of sprint 2026-s01 from the hand-built analysis, as of :data:`TODAY`, generated at :data:`NOW`."""
    from agilesocial.review.sprint import build_retro

    return build_retro(project, sprint="2026-s01", analysis=hand_built_analysis(), today=TODAY, now=NOW)
