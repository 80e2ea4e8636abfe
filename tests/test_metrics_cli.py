"""``agile-social metrics`` and metric availability: validate warns, analyze says what the exports lack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from agilesocial.cli.app import app
from attribute_oracle import X_FILE

runner = CliRunner()


def test_metrics_lists_the_catalogue_with_platforms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "agile-social.yaml").write_text(
        "version: 1\nmetrics:\n  - {name: link_click_per_reach, numerator: link_clicks, denominator: reach}\n"
    )
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["metrics", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {m["name"]: m for m in json.loads(res.stdout)["metrics"]}
    assert rows["engagement_rate"] == {
        "name": "engagement_rate",
        "kind": "ratio",
        "formula": "engagements / impressions",
        "unit": "rate",
        "direction": "higher",
        "platforms": ["x", "facebook", "instagram", "linkedin", "youtube"],
        "description": "engagements / impressions",
        "custom": False,
    }
    assert rows["save_rate"]["platforms"] == ["instagram"]
    assert rows["link_click_per_reach"]["custom"] and rows["link_click_per_reach"]["platforms"] == ["facebook"]
    res = runner.invoke(app, ["metrics", "--platform", "x", "--format", "json"])
    names = [m["name"] for m in json.loads(res.stdout)["metrics"]]
    assert "engagement_rate" in names and "save_rate" not in names and "reach" not in names
    text = runner.invoke(app, ["metrics", "--platform", "tiktok"]).output
    assert "engagement_rate" not in text and "watch_time_per_view" in text
    text = runner.invoke(app, ["metrics"]).output
    assert "save_rate" in text and "instagram" in text and "all but tiktok" in text


def test_metric_the_platform_never_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "agile-social.yaml").write_text("version: 1\ntimezone: Europe/Amsterdam\n")
    (tmp_path / "experiments").mkdir()
    doc = {
        "id": "x-saves",
        "hypothesis": {"we_believe": "a", "will_result_in": "b", "we_will_know_when": "saves rise by 10 %"},
        "platform": "x",
        "variants": [
            {"name": "originals", "selector": {"is_reply": False}},
            {"name": "replies", "selector": {"rest": True}},
        ],
        "metric": "save_rate",
    }
    (tmp_path / "experiments" / "x.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["validate"])
    assert res.exit_code == 0  # a warning
    assert "warning AS416 experiment 'x-saves': X exports have no saves" in " ".join(res.output.split())
    assert runner.invoke(app, ["ingest", str(X_FILE)]).exit_code == 0
    res = runner.invoke(app, ["analyze", "--format", "json"])
    (e,) = json.loads(res.stdout)["experiments"]
    assert e["decision"]["action"] == "iterate"
    assert e["decision"]["reason"].startswith("X exports have no saves")
    assert "more posts will not help" in e["decision"]["reason"]
