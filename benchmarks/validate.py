"""Benchmark: ``agile-social validate`` vs ``check-jsonschema`` on the same generated files, plus ``--help`` start-up.

    .venv/bin/python benchmarks/validate.py                 # 200 files, best of 5
    .venv/bin/python benchmarks/validate.py --files 20 --repeat 2

Both tools run as subprocesses (as in CI / pre-commit), in the same run, on the same files. check-jsonschema needs one
invocation per schema (plans, experiments); agile-social checks both kinds, plus its lint rules, in one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

BIN = Path(sys.executable).parent


def generate(root: Path, n_files: int) -> None:
    """``n_files`` files: half strategy plans, half experiments that reference them."""
    (root / "plans").mkdir(parents=True)
    (root / "experiments").mkdir()
    n_plans = max(1, n_files // 2)
    for i in range(n_plans):
        plan = {
            "id": f"plan-{i}",
            "name": f"Plan {i}",
            "brand": f"Brand {i}",
            "objectives": [
                {
                    "id": "eng",
                    "goal": "talking",
                    "statement": "Spread the word.",
                    "metric": "engagement_rate",
                    "baseline": 0.02,
                    "target": 0.03,
                    "deadline": "2099-06-30",
                    "supports": ["brand awareness"],
                },
                {
                    "id": "svc",
                    "goal": "supporting",
                    "statement": "Help customers.",
                    "metric": "comment_rate",
                    "baseline": 0.003,
                    "target": 0.005,
                    "deadline": "2099-06-30",
                },
            ],
            "target": {
                "segments": [
                    {
                        "name": "fans",
                        "technographics": {"creators": 10, "critics": 20, "joiners": 30, "spectators": 40},
                        "motivations": ["affinity_impulse"],
                    }
                ]
            },
            "differentiator": {"value_proposition": "Guides nobody else has.", "expectations": ["community"]},
            "tools": [
                {"id": "ig", "platform": "instagram", "account": "brand", "serves": ["eng"]},
                {"id": "x", "platform": "x", "account": "brand", "serves": ["svc"]},
            ],
            "evaluation": {"kpis": [{"metric": "engagement_rate", "weekly_target": 0.025}], "cadence": "monthly"},
            "program": {
                "mission": "Be recommended.",
                "costs": {"currency": "EUR", "direct": [{"item": "Boosts", "amount": 500}]},
                "start": "2026-01-01",
                "end": "2099-06-30",
                "success_measures": ["engagement rate 3 %"],
                "owner": "Dana",
                "raci": {"informed": ["sales"]},
            },
        }
        (root / "plans" / f"plan-{i}.yaml").write_text(yaml.safe_dump(plan, sort_keys=False))
    for i in range(n_files - n_plans):
        experiment = {
            "id": f"exp-{i}",
            "plan": f"plan-{i % n_plans}",
            "objective": "eng",
            "hypothesis": {
                "question": "Do questions start conversations?",
                "we_believe": "ending captions with a question",
                "will_result_in": "more engagement per impression",
                "we_will_know_when": "engagement rate rises by at least 10 %",
            },
            "design": "split",
            "platform": "instagram",
            "window": {"start": "2026-10-26", "end": "2026-11-22"},
            "variants": [
                {"name": "statement", "selector": {"hashtags": ["daily"]}},
                {"name": "question", "selector": {"hashtags": ["asks"]}},
            ],
            "metric": "engagement_rate",
            "guardrails": ["comment_rate"],
            "mde": 0.1,
            "status": "planned",
        }
        (root / "experiments" / f"exp-{i}.yaml").write_text(yaml.safe_dump(experiment, sort_keys=False))


def best_of(repeat: int, commands: list[list[str]], cwd: Path) -> float:
    """Best wall time (s) of running ``commands`` one after the other; each must exit 0."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for cmd in commands:
            out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
            if out.returncode != 0:
                raise SystemExit(f"{' '.join(cmd[:3])} ... failed ({out.returncode}):\n{out.stdout}{out.stderr}")
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200, help="number of plan/experiment files (default 200)")
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs (default 5)")
    parser.add_argument("--json", action="store_true", help="print the numbers as one JSON object")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="agile-social-bench-") as tmp:
        root = Path(tmp)
        generate(root, args.files)
        schemas = root / "schemas"
        subprocess.run([str(BIN / "agile-social"), "schema", "--out", str(schemas), "--quiet"], check=True)
        plans = sorted(str(p) for p in (root / "plans").glob("*.yaml"))
        experiments = sorted(str(p) for p in (root / "experiments").glob("*.yaml"))
        ours = best_of(args.repeat, [[str(BIN / "agile-social"), "validate", "--quiet"]], root)
        cj = str(BIN / "check-jsonschema")
        theirs = best_of(
            args.repeat,
            [
                [cj, "--schemafile", str(schemas / "plan.schema.json"), *plans],
                [cj, "--schemafile", str(schemas / "experiment.schema.json"), *experiments],
            ],
            root,
        )
        help_time = best_of(args.repeat, [[str(BIN / "agile-social"), "--help"]], root)

    result = {
        "files": args.files,
        "repeat": args.repeat,
        "agile_social_validate_s": round(ours, 3),
        "check_jsonschema_s": round(theirs, 3),
        "ratio_check_jsonschema_over_agile_social": round(theirs / ours, 2),
        "agile_social_help_s": round(help_time, 3),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{args.files} files, best of {args.repeat}")
    print(f"  agile-social validate (schema + lint): {ours:.3f} s")
    print(f"  check-jsonschema (schema only, 2 runs): {theirs:.3f} s")
    verdict = "faster" if ours < theirs else "SLOWER"
    print(f"  ratio: check-jsonschema / agile-social = {theirs / ours:.2f}x  (agile-social is {verdict})")
    target = "ok" if help_time < 0.3 else "over the 0.3 s target"
    print(f"  agile-social --help: {help_time:.3f} s  ({target})")


if __name__ == "__main__":
    main()
