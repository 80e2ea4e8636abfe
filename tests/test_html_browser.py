"""End to end: the HTML retro opened in headless Chromium renders its charts and tables, and runs no post text."""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from agilesocial.config import Project
from agilesocial.retro.model import Retro
from agilesocial.retro.render import render
from test_retro_fixtures import XSS, fixed_retro, make_project

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CSP = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")


@pytest.fixture
def retro(project: Project) -> Retro:
    return fixed_retro(project)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed once when missing; skipped only when it cannot be installed."""
    if not Path(CHROMIUM).exists():
        if shutil.which("apt-get") is None:
            pytest.skip("chromium is missing and apt-get is not available to install it")
        try:
            subprocess.run(["apt-get", "install", "-y", "chromium"], capture_output=True, timeout=900, check=False)
            if not Path(CHROMIUM).exists():
                subprocess.run(["apt-get", "update"], capture_output=True, timeout=600, check=False)
                subprocess.run(["apt-get", "install", "-y", "chromium"], capture_output=True, timeout=900, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"chromium could not be installed: {exc}")
        if not Path(CHROMIUM).exists():
            pytest.skip("chromium could not be installed with apt-get (no permission or no package source)")
    return CHROMIUM


def dump_dom(browser: str, page: Path, profile: Path) -> str:
    """The DOM after load (scripts, if any, have run), as Chromium serialises it."""
    cmd = [browser, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_html_renders_charts_tables_and_shows_script_as_text(chromium: str, retro: Retro, tmp_path: Path) -> None:
    html = render(retro, "html")
    # no network: nothing is loaded from anywhere; the only links are the posts' own permalinks
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r'\bsrc="', html)
    assert all(h.startswith("https://example.com/") for h in re.findall(r'href="([^"]*)"', html))
    assert 'rel="noopener noreferrer"' in html
    # take the CSP off so that only escaping can stop the post's <script> (the test must be able to fail)
    page = tmp_path / "retro.html"
    page.write_text(CSP.sub("", html), encoding="utf-8")
    dom = dump_dom(chromium, page, tmp_path / "profile")

    # charts: two objective trajectories, two key-result bar charts, a forest plot per experiment
    titles = re.findall(r'<svg[^>]*aria-label="([^"]*)"', dom)
    assert sum(t.endswith("actual vs plan and target") for t in titles) == 2
    assert sum(t.endswith("weekly actual vs target") for t in titles) == 2
    assert sum("relative lift vs control" in t for t in titles) == 4
    assert dom.count('class="actual"') == 2 and dom.count('class="plan"') == 2 and dom.count('class="target"') >= 2
    assert len(re.findall(r'<rect[^>]*class="bar (met|missed)"', dom)) == 8
    assert len(re.findall(r'class="estimate (better|worse|inconclusive)"', dom)) == 6  # 4 primary + 2 guardrails

    # one result table per experiment, one row per result, the decisions shown
    tables = re.findall(r'<table class="results">(.*?)</table>', dom, re.S)
    assert [len(re.findall(r"<tr>", t)) for t in tables] == [3, 3, 2, 2]
    for label in ("SCALE", "STOP", "ITERATE", "KEEP RUNNING"):
        assert f">{label}</span>" in dom

    # the post's <script> is text: not an element, not run (it would have set document.title)
    assert "<script" not in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt; Brew &lt;b&gt;bold&lt;/b&gt; &amp; more" in dom
    title = re.search(r"<title>(.*?)</title>", dom)
    assert title is not None and title.group(1).startswith("Sprint retrospective 2026-s01")
    assert "pwned" not in title.group(1)
    assert XSS.startswith("<script>")


PROBE = """<script>
window.addEventListener('load', () => {
  const vw = document.documentElement.clientWidth;
  const over = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > vw + 1) over.push(el.tagName + '.' + (el.getAttribute('class') || ''));
  }
  const results = [...document.querySelectorAll('table.results td[data-label="result"] span:first-child')].map(
    s => [s.textContent, getComputedStyle(s).color]);
  const dots = [...document.querySelectorAll('circle.estimate')].map(
    c => [c.getAttribute('class'), c.getAttribute('fill')]);
  const clipped = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5) clipped.push(t.textContent);
    }
  }
  const labels = [...document.querySelectorAll('svg.chart text')].map(t => t.textContent);
  parent.postMessage(JSON.stringify({vw, sw: document.documentElement.scrollWidth, over: over.slice(0, 10),
    results, dots, clipped, labels}), '*');
});
</script>"""


def _probe(browser: str, html: str, width: int, tmp_path: Path) -> dict[str, Any]:
    """Lay the page out in a ``width`` px wide frame and measure it (scripts only in this test copy)."""
    folder = tmp_path / f"w{width}"
    folder.mkdir()
    (folder / "retro.html").write_text(CSP.sub("", html).replace("</body>", PROBE + "</body>"), encoding="utf-8")
    host = (
        '<!DOCTYPE html><html><body style="margin:0"><div id="out"></div><script>'
        "window.addEventListener('message', e => document.getElementById('out').setAttribute('data-probe', e.data));"
        f'</script><iframe src="retro.html" width="{width}" height="900" style="border:0"></iframe></body></html>'
    )
    (folder / "host.html").write_text(host, encoding="utf-8")
    cmd = [browser, *FLAGS, f"--user-data-dir={folder / 'profile'}", "--virtual-time-budget=10000", "--dump-dom"]
    done = subprocess.run([*cmd, (folder / "host.html").as_uri()], capture_output=True, text=True, timeout=120)
    found = re.search(r'data-probe="([^"]*)"', done.stdout)
    assert found is not None, done.stderr[-2000:]
    return dict(json.loads(htmllib.unescape(found.group(1))))


@pytest.mark.parametrize("width", [1280, 390])
def test_html_fits_laptop_and_phone_with_full_labels_and_honest_colours(
    chromium: str, retro: Retro, tmp_path: Path, width: int
) -> None:
    m = _probe(chromium, render(retro, "html"), width, tmp_path)
    assert m["vw"] <= width and m["sw"] <= m["vw"], m  # no horizontal scrolling
    assert m["over"] == [], m["over"]  # no element reaches past the right edge
    assert m["clipped"] == []  # every chart label lies inside its chart
    # full forest-plot labels, never cut
    assert "question · engagement_rate (guardrail)" in m["labels"] and "reels · comment_rate (guardrail)" in m["labels"]
    # a significantly worse result (a harmed guardrail) is red; a better one green; never the other way
    colours = {text: colour for text, colour in m["results"]}
    assert set(colours) == {"better", "WORSE", "inconclusive", "HARM", "cannot tell yet"}
    assert colours["WORSE"] == colours["HARM"] == "rgb(207, 34, 46)" and colours["better"] == "rgb(26, 127, 55)"
    assert colours["cannot tell yet"] != colours["better"]
    assert [c for c in m["dots"] if "worse" in c[0]] == [["estimate worse", "#cf222e"]] * 2
