"""The before/after chart opened in headless Chromium: the daily series, the fitted line before the change, the
counterfactual with its band after it, and the change date -- drawn, inside the chart, on a laptop and a phone."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from agilesocial.analysis import run_analysis
from agilesocial.config import load_project
from agilesocial.retro.render import renderer
from agilesocial.warehouse.ingest import ingest_paths
from its_support import daily_rows, its_project, x_export
from test_html_browser import CSP, _probe, chromium, dump_dom  # noqa: F401  (chromium is a fixture)

D = dt.date


@pytest.fixture
def page_html(tmp_path: Path) -> str:
    change = D(2026, 11, 9)
    root = its_project(tmp_path / "p", intervention_date=str(change), window={"end": "2026-11-29"}, pre_period=35)
    rows = daily_rows(D(2026, 9, 20), D(2026, 11, 30), lambda d: 0.02 * (1.4 if d >= change else 1.0), seed=11)
    x_export(root / "exports", "nw", D(2026, 9, 20), D(2026, 11, 30), rows)
    ingest_paths([root / "exports"], db=root / "wh.duckdb")
    report = run_analysis(load_project(root), store=False)
    return renderer("html").analysis(report)


def test_before_after_chart_renders(chromium: str, page_html: str, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "analysis.html"
    page.write_text(CSP.sub("", page_html), encoding="utf-8")
    dom = dump_dom(chromium, page, tmp_path / "profile")
    charts = re.findall(r'<svg[^>]*aria-label="([^"]*)"[^>]*>(.*?)</svg>', dom, re.S)
    its = [body for label, body in charts if "with the model's expectation without the change from 2026-11-09" in label]
    assert len(its) == 1
    body = its[0]
    # 35 days before + 21 after, one dot each; one line each for observed, fitted and counterfactual; band; change
    assert len(re.findall(r'<circle[^>]*class="day"', body)) == 56
    for cls in ("observed", "fitted", "counterfactual", "band", "change"):
        assert f'class="{cls}"' in body, cls
    band = re.search(r'<polygon[^>]*points="([^"]*)"[^>]*class="band"', body)
    assert band is not None and len(band.group(1).split()) == 2 * 21  # upper and lower edge of the 21 after days
    assert "change 09 Nov" in body


@pytest.mark.parametrize("width", [1280, 390])
def test_before_after_page_fits_with_labels_inside_the_chart(
    chromium: str,  # noqa: F811
    page_html: str,
    tmp_path: Path,
    width: int,
) -> None:
    m = _probe(chromium, page_html, width, tmp_path)
    assert m["sw"] <= m["vw"] and m["over"] == [], m
    assert m["clipped"] == [], m["clipped"]
    assert "change 09 Nov" in m["labels"]
