"""Every lint rule: a failing fixture that produces exactly its code, and a passing near-miss fixture."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agilesocial.config import load_project
from agilesocial.lint.registry import RULES
from agilesocial.lint.runner import run_validation
from test_lint_project import TODAY, Link, base_files, write_project

Files = dict[str, Any]
Mutation = Callable[[Files], None]


def plan(f: Files) -> dict[str, Any]:
    return f["plans/acme.yaml"]


def obj(f: Files, i: int = 0) -> dict[str, Any]:
    return plan(f)["objectives"][i]


def exp(f: Files) -> dict[str, Any]:
    return f["experiments/e1.yaml"]


def sprint(f: Files, i: int = 1) -> dict[str, Any]:
    return f[f"sprints/s{i}.yaml"]


def before_after(intervention: str | None, window: tuple[str, str] = ("2026-12-07", "2026-12-20")) -> Mutation:
    def mutate(f: Files) -> None:
        e = exp(f)
        e.update(design="before_after", variants=[], window={"start": window[0], "end": window[1]})
        if intervention:
            e["intervention_date"] = intervention

    return mutate


def extra_tools(n: int, focus_limit: int | None = None) -> Mutation:
    def mutate(f: Files) -> None:
        for platform in ("facebook", "linkedin", "tiktok", "youtube")[:n]:
            plan(f)["tools"].append({"id": platform, "platform": platform, "serves": ["eng"]})
        if focus_limit:
            plan(f)["focus_limit"] = focus_limit

    return mutate


def copy_experiment(new_id: str) -> Mutation:
    def mutate(f: Files) -> None:
        f["experiments/e2.yaml"] = {**exp(f), "id": new_id}

    return mutate


def benchmark(**changes: Any) -> Mutation:
    """A benchmark in agile-social.yaml (complete unless ``changes`` drop or change fields)."""

    def mutate(f: Files) -> None:
        entry = {
            "name": "Retail median",
            "platform": "instagram",
            "metric": "engagement_rate",
            "value": 0.021,
            "population": "retail brands, 10k-50k followers",
            "source": "Example benchmark report",
            "published": "2026-03-01",
        }
        entry.update(changes)
        f["agile-social.yaml"]["benchmarks"] = [{k: v for k, v in entry.items() if v is not None}]

    return mutate


def competitor(account: str) -> Mutation:
    def mutate(f: Files) -> None:
        plan(f)["tools"][0]["account"] = "acme"
        f["agile-social.yaml"]["accounts"] = [
            {"account": account, "platform": "instagram", "role": "competitor", "name": "Rival (fictional)"}
        ]

    return mutate


# code -> (failing mutation, passing near-miss mutation)
CASES: dict[str, tuple[Mutation, Mutation]] = {
    "AS001": (lambda f: exp(f).update(unit="person"), lambda f: exp(f).update(unit="user")),
    "AS002": (  # a dangling link hides a sprint; a dangling link to a non-YAML file hides nothing
        lambda f: f.update({"sprints/s3.yaml": Link("gone.yaml")}),
        lambda f: f.update({"sprints/notes.txt": Link("gone.txt")}),
    ),
    "AS009": (
        lambda f: sprint(f)["key_results"][0].update(weekly_targets=[2.1, 0.022]),
        lambda f: sprint(f)["key_results"][0].update(weekly_targets=[1.0, 0.022]),
    ),
    "AS101": (lambda f: obj(f).pop("metric"), lambda f: obj(f).update(metric="like_rate")),
    "AS102": (lambda f: obj(f).pop("baseline"), lambda f: obj(f).update(baseline=0)),
    "AS103": (lambda f: obj(f).pop("target"), lambda f: obj(f).update(target=0.025)),
    "AS104": (lambda f: obj(f).pop("deadline"), lambda f: obj(f).update(deadline="2027-03-31")),
    "AS105": (lambda f: obj(f).update(deadline="2026-11-26"), lambda f: obj(f).update(deadline="2026-11-27")),
    "AS106": (lambda f: obj(f).update(target=0.02), lambda f: obj(f).update(target=0.01, direction="lower")),
    "AS107": (lambda f: obj(f).update(metric="engagment_rate"), lambda f: obj(f).update(metric="link_click_per_reach")),
    "AS108": (
        lambda f: plan(f)["objectives"].append(dict(obj(f))),
        lambda f: plan(f)["objectives"].append({**obj(f), "id": "eng2"}),
    ),
    "AS201": (
        lambda f: plan(f)["target"]["segments"][0].update(technographics={"creators": 60, "joiners": 41}),
        lambda f: plan(f)["target"]["segments"][0].update(technographics={"creators": 60, "joiners": 40}),
    ),
    "AS301": (lambda f: plan(f)["tools"][0].update(serves=[]), lambda f: plan(f)["tools"][0].update(serves=["svc"])),
    "AS302": (
        lambda f: plan(f)["tools"][0].update(serves=["eng", "sales"]),
        lambda f: plan(f)["tools"][0].update(serves=["eng", "svc"]),
    ),
    "AS303": (extra_tools(2), extra_tools(2, focus_limit=4)),
    "AS304": (
        lambda f: plan(f)["tools"][1].update(platform="instagram"),
        lambda f: plan(f)["tools"].append({"id": "fb", "platform": "facebook", "serves": ["svc"]}),
    ),
    "AS401": (lambda f: exp(f).update(plan="acme-2027"), lambda f: exp(f).pop("plan")),  # one plan: it is implied
    "AS402": (
        lambda f: exp(f).update(objective="sales"),
        lambda f: (exp(f).pop("plan"), exp(f).update(objective="svc")),
    ),
    "AS403": (
        lambda f: exp(f).update(sprint="s9"),
        lambda f: exp(f).update(sprint="s2", window={"start": "2026-12-21", "end": "2027-01-03"}),
    ),
    "AS404": (
        lambda f: exp(f).update(metric="engagement"),
        lambda f: exp(f).update(metric="link_click_per_reach", platform="facebook"),
    ),
    "AS405": (
        lambda f: exp(f).update(guardrails=["comment_rate", "coments"]),
        lambda f: exp(f).update(guardrails=["comment_rate", "share_rate"]),
    ),
    "AS406": (
        lambda f: exp(f).pop("hypothesis"),
        lambda f: exp(f)["hypothesis"].update(we_believe="questions in the first line of captions"),
    ),
    "AS407": (
        lambda f: exp(f)["hypothesis"].update(we_will_know_when="people like it more"),
        lambda f: exp(f)["hypothesis"].update(we_will_know_when="comments rise by 2 per post"),
    ),
    "AS408": (lambda f: exp(f).pop("metric"), lambda f: exp(f).update(metric="save_rate")),
    "AS409": (
        lambda f: exp(f).update(variants=[{"name": "only", "selector": {"is_reply": True}}]),
        before_after("2026-12-14"),
    ),
    "AS410": (before_after(None), before_after("2026-12-14")),
    "AS411": (
        lambda f: exp(f).update(window={"start": "2026-12-07", "end": "2026-12-24"}),
        before_after("2026-12-07", window=("2026-11-01", "2026-12-20")),
    ),
    "AS412": (
        lambda f: exp(f).update(status="stopped"),
        lambda f: exp(f).update(status="stopped", five_whys=["Why? Nobody saw the posts."]),
    ),
    "AS413": (before_after("2026-12-30"), before_after("2026-12-20")),
    "AS414": (
        lambda f: exp(f)["variants"][1].update(selector={}),
        lambda f: exp(f)["variants"][1].update(selector={"not": {"has_link": True}}),
    ),
    "AS415": (
        lambda f: exp(f)["variants"][1].update(selector={"rest": True}),
        lambda f: exp(f)["variants"][1].update(selector={"weekdays": ["sat", "sun"], "hours": [7, 8]}),
    ),
    "AS416": (
        lambda f: exp(f).update(platform="x", metric="save_rate"),
        lambda f: exp(f).update(platform="instagram", metric="save_rate"),
    ),
    "AS420": (lambda f: exp(f).update(method="chi_square"), lambda f: exp(f).update(method="poisson_exact")),
    "AS421": (
        lambda f: exp(f).update(exact=True, method="welch_t"),
        lambda f: exp(f).update(exact=True, method="mann_whitney"),
    ),
    "AS501": (lambda f: sprint(f, 2).update(start="2026-12-20"), lambda f: sprint(f, 2).update(start="2026-12-22")),
    "AS502": (
        lambda f: sprint(f)["key_results"][0].update(weekly_targets=[0.021, 0.022, 0.023]),
        lambda f: (
            sprint(f).update(end="2026-12-27", key_results=[{"metric": "likes", "weekly_targets": [1, 2, 3]}])
            or sprint(f, 2).update(start="2026-12-28")
        ),
    ),
    "AS503": (
        lambda f: sprint(f)["key_results"][0].update(metric="er"),
        lambda f: sprint(f)["key_results"][0].update(metric="engagement_per_reach"),
    ),
    "AS601": (lambda f: plan(f).pop("program"), lambda f: plan(f)["program"].update(owner="Sam")),
    "AS602": (
        lambda f: plan(f)["program"].update(success_measures=[]),
        lambda f: plan(f)["program"].update(success_measures=["2 leads a week"]),
    ),
    "AS603": (lambda f: plan(f)["program"].pop("owner"), lambda f: plan(f)["program"].update(owner="Social team")),
    "AS701": (copy_experiment("e1"), copy_experiment("e2")),
    "AS801": (
        lambda f: plan(f)["evaluation"]["kpis"][0].update(metric="engagements_rate"),
        lambda f: plan(f)["evaluation"]["kpis"][0].update(metric="engagement_per_reach"),
    ),
    "AS901": (benchmark(metric="engagment_rate"), benchmark()),
    "AS902": (benchmark(source=None), benchmark(source="a report")),
    "AS903": (benchmark(published=None), benchmark(published="2025-01-01")),
    "AS904": (benchmark(published="2024-11-26"), benchmark(published="2024-11-28")),
    "AS905": (
        benchmark(statistic="best_in_class", value=0.031),  # objective 'eng' (instagram, x) aims for 0.03
        benchmark(statistic="best_in_class", value=0.03),
    ),
    "AS906": (competitor("ACME"), competitor("rival")),
    "AS802": (
        lambda f: plan(f)["evaluation"]["kpis"][0].pop("weekly_target"),
        lambda f: plan(f)["evaluation"]["kpis"][0].update(weekly_target=None, weekly_targets=[0.024, 0.026]),
    ),
}


def mutated(mutate: Mutation) -> Files:
    files = base_files()
    mutate(files)
    return files


def codes_after(tmp_path: Path, mutate: Mutation) -> list[str]:
    write_project(tmp_path, mutated(mutate))
    report = run_validation(load_project(tmp_path), today=TODAY)
    return [f.code for f in report.findings]


def test_every_rule_has_a_case() -> None:
    assert sorted(CASES) == sorted(RULES)


def test_the_base_project_triggers_no_rule(tmp_path: Path) -> None:
    assert codes_after(tmp_path, lambda f: None) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails(tmp_path: Path, code: str) -> None:
    codes = codes_after(tmp_path, CASES[code][0])
    assert code in codes, codes
    # the failing fixture produces its own code and nothing unrelated
    assert set(codes) == {code}, codes


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_passes(tmp_path: Path, code: str) -> None:
    """The near-miss is a real change to the base project (not the base itself), close to the failing one, and
    triggers nothing."""
    failing, near_miss = CASES[code]
    assert mutated(near_miss) != base_files(), f"{code}: the near-miss must change the base project"
    assert mutated(near_miss) != mutated(failing), f"{code}: the near-miss must differ from the failing fixture"
    assert codes_after(tmp_path, near_miss) == []


def test_severities_and_codes_are_stable() -> None:
    warnings = sorted(code for code, rule in RULES.items() if rule.severity == "warning")
    assert warnings == [
        "AS303",
        "AS304",
        "AS407",
        "AS411",
        "AS412",
        "AS416",
        "AS420",
        "AS421",
        "AS502",
        "AS802",
        "AS901",
        "AS902",
        "AS903",
        "AS904",
        "AS905",
    ]
    for code, rule in RULES.items():
        assert code.startswith("AS") and len(code) == 5 and rule.summary.endswith(".")
