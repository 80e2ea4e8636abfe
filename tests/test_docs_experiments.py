"""The five experiments of docs/selectors.md validate cleanly and analyse to the counts and rates of the CSV."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from agilesocial.cli.app import app
from attribute_oracle import FB_FILE, X_FILE, YT_FILE, Row, facebook_rows, x_rows, youtube_rows

DOC = Path(__file__).resolve().parents[1] / "docs" / "selectors.md"
runner = CliRunner()
# id -> (rows, control predicate, treatment predicate), written from the CSV columns, not from the YAML
EXPECTED: dict[str, tuple[Callable[[], list[Row]], Callable[[Row], bool], Callable[[Row], bool]]] = {
    "brew-tag-vs-rest": (x_rows, lambda r: "brew" not in r.tags, lambda r: "brew" in r.tags),
    "replies-vs-originals": (x_rows, lambda r: not r.is_reply and not r.is_repost, lambda r: r.is_reply),
    "link-vs-no-link": (x_rows, lambda r: r.has_link, lambda r: not r.has_link),
    "shorts-vs-long": (youtube_rows, lambda r: not r.is_short, lambda r: bool(r.is_short)),
    "morning-vs-evening": (facebook_rows, lambda r: 6 <= r.local.hour <= 11, lambda r: 18 <= r.local.hour <= 22),
}


def _blocks() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text[text.index("## Five experiments") :], re.DOTALL)


def test_docs_list_every_selector() -> None:
    from agilesocial.plan.experiment import Selector

    text = DOC.read_text(encoding="utf-8")
    for name, info in Selector.model_fields.items():
        key = info.alias or name
        assert re.search(rf"^\| `{key}` \|.*\| `\{{", text, re.MULTILINE), f"docs/selectors.md lacks {key}"


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    root = tmp_path_factory.mktemp("docs")
    (root / "agile-social.yaml").write_text("version: 1\ntimezone: Europe/Amsterdam\n", encoding="utf-8")
    (root / "experiments").mkdir()
    blocks = _blocks()
    assert len(blocks) == 5
    for block in blocks:
        exp_id = yaml.safe_load(block)["id"]
        (root / "experiments" / f"{exp_id}.yaml").write_text(block, encoding="utf-8")
    db = str(root / "w.duckdb")
    for path, extra in ((X_FILE, []), (FB_FILE, []), (YT_FILE, ["--account", "Northwind TV"])):
        assert runner.invoke(app, ["ingest", str(path), "--db", db, *extra]).exit_code == 0
    cwd = os.getcwd()
    os.chdir(root)
    try:
        checked = runner.invoke(app, ["validate"])
        assert checked.exit_code == 0 and "no problems found" in checked.output, checked.output
        res = runner.invoke(app, ["analyze", "--db", db, "--format", "json"])
    finally:
        os.chdir(cwd)
    assert res.exit_code == 0, res.output
    return {e["id"]: e for e in json.loads(res.stdout)["experiments"]}


@pytest.mark.parametrize("exp_id", sorted(EXPECTED))
def test_doc_experiment_matches_the_csv(analysed: dict[str, dict], exp_id: str) -> None:  # type: ignore[type-arg]
    rows_of, control, treatment = EXPECTED[exp_id]
    rows = rows_of()
    arms = [[r for r in rows if control(r)], [r for r in rows if treatment(r)]]
    (result,) = analysed[exp_id]["results"]
    assert (result["n_control"], result["n_variant"]) == (len(arms[0]), len(arms[1]))
    for value, arm in zip((result["control_value"], result["variant_value"]), arms, strict=True):
        assert value == pytest.approx(sum(r.engagements for r in arm) / sum(r.impressions for r in arm), rel=1e-12)
