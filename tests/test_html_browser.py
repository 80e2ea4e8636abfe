"""End to end: the HTML retro opened in headless Chromium renders its charts and tables, and runs no post text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from agilesocial.config import Project
from agilesocial.retro.html import render_html
from agilesocial.retro.model import Retro
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
    html = render_html(retro)
    # no network: nothing is loaded from anywhere
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r'\b(src|href)="(https?:)?//', html)
    # take the CSP off so that only escaping can stop the post's <script> (the test must be able to fail)
    page = tmp_path / "retro.html"
    page.write_text(CSP.sub("", html), encoding="utf-8")
    dom = dump_dom(chromium, page, tmp_path / "profile")

    # charts: two objective trajectories, two key-result bar charts, one forest plot, drawn with real shapes
    charts = re.findall(r'<svg[^>]*class="chart ([a-z-]+)"', dom)
    assert charts.count("trajectory") == 2 and charts.count("key-result") == 2 and charts.count("forest") == 1
    assert dom.count('class="actual"') == 2 and dom.count('class="plan"') == 2
    assert len(re.findall(r'<rect[^>]*class="bar (met|missed)"', dom)) == 8
    assert dom.count('class="estimate"') == 6  # 4 primary + 2 guardrail lifts with CIs

    # the experiment table: one row per result, decisions shown
    table = re.search(r'<table class="experiments">(.*?)</table>', dom, re.S)
    assert table is not None
    body = table.group(1)
    assert len(re.findall(r"<tr>", body)) == 1 + 6
    for label in ("SCALE", "STOP", "ITERATE", "KEEP RUNNING"):
        assert label in body

    # the post's <script> is text: not an element, not run (it would have set document.title)
    assert "<script" not in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt; Brew &lt;b&gt;bold&lt;/b&gt; &amp; more" in dom
    title = re.search(r"<title>(.*?)</title>", dom)
    assert title is not None and title.group(1).startswith("Sprint retrospective 2026-s01")
    assert "pwned" not in title.group(1)
    assert XSS.startswith("<script>")
