"""``agile-social power``: posts (and impressions) needed per variant, or the MDE for a number of posts."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Annotated

import typer

from agilesocial.cli.common import DbOption, QuietOption, console, handle_errors
from agilesocial.errors import EXIT_USAGE, AgileSocialError

EPILOG = (
    "Examples:\n\n"
    "  agile-social power --kind proportion --baseline 0.03 --mde-rel 0.2\n\n"
    "  agile-social power --kind ratio --baseline 0.035 --sd 0.012 --n 30 --format json\n\n"
    "  agile-social power --kind ratio --mde-rel 0.2 --platform x --account nwdemo   (SD from the history)\n\n"
    "  agile-social power --experiment fb-reels-vs-photos   (baseline and SD from the warehouse history)\n\n"
    "  agile-social power -e fb-reels-vs-photos --since 2026-01-01   (only the history since then)"
)
_DATE = ["%Y-%m-%d"]


class Kind(StrEnum):
    proportion = "proportion"
    ratio = "ratio"
    mean = "mean"


class Format(StrEnum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    @app.command("power", epilog=EPILOG)
    @handle_errors
    def power(
        kind: Annotated[
            Kind | None,
            typer.Option(help="proportion (rate per person), ratio (rate per impression, per post) or mean per post."),
        ] = None,
        baseline: Annotated[float | None, typer.Option(help="Current value: rate, ratio or mean.")] = None,
        mde_rel: Annotated[
            float | None, typer.Option("--mde-rel", help="Relative lift to detect (0.15 = +15 %).")
        ] = None,
        n: Annotated[int | None, typer.Option("--n", help="Posts (people) per variant: report the MDE.")] = None,
        sd: Annotated[
            float | None,
            typer.Option(help="Per-post standard deviation (mean, ratio); default: estimated from the history."),
        ] = None,
        metric: Annotated[
            str | None,
            typer.Option("--metric", "-m", help="Without --sd: the metric whose history gives the SD.", metavar="NAME"),
        ] = None,
        platform: Annotated[
            str | None,
            typer.Option(
                "--platform", "-p", help="Without --sd: the platform whose history gives the SD.", metavar="P"
            ),
        ] = None,
        account: Annotated[
            str | None, typer.Option("--account", "-a", help="Without --sd: only this account's history.")
        ] = None,
        since: Annotated[
            dt.datetime | None,
            typer.Option(formats=_DATE, help="History: only posts published on or after this day.", show_default=False),
        ] = None,
        until: Annotated[
            dt.datetime | None,
            typer.Option(
                formats=_DATE, help="History: only posts published on or before this day.", show_default=False
            ),
        ] = None,
        alpha: Annotated[float | None, typer.Option(help="Significance level (default 0.05 or the config).")] = None,
        power_: Annotated[float | None, typer.Option("--power", help="Power (default 0.8 or the config).")] = None,
        sides: Annotated[
            int | None,
            typer.Option(help="1 or 2 sided test (default 2, or the experiment's alternative with --experiment)."),
        ] = None,
        experiment: Annotated[
            str | None,
            typer.Option(
                "--experiment",
                "-e",
                help="Take baseline, SD and posting rate from the history of this experiment's platform and account.",
            ),
        ] = None,
        simulate: Annotated[
            bool,
            typer.Option(
                "--simulate",
                help="With --experiment: also simulate the power of the randomisation test analyze runs, by "
                "resampling the history's posts.",
            ),
        ] = False,
        runs: Annotated[int, typer.Option("--runs", min=20, help="Simulated experiments for --simulate.")] = 400,
        seed: Annotated[
            int | None, typer.Option("--seed", min=0, help="Seed for --simulate (default: from the experiment id).")
        ] = None,
        fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
        db: DbOption = None,
        quiet: QuietOption = False,
    ) -> None:
        """How many posts per variant an experiment needs (or the smallest lift a number of posts can detect)."""
        from agilesocial.analysis.planning import plan_power, plan_power_for_scope, plan_power_from_history
        from agilesocial.config import load_project

        first = since.date() if since else None
        last = until.date() if until else None
        if experiment is not None and (metric or platform or account):
            raise AgileSocialError(
                "--metric, --platform and --account go with --kind; --experiment takes them from the experiment",
                exit_code=EXIT_USAGE,
            )
        if experiment is not None:
            plan = plan_power_from_history(
                load_project(required=True),
                experiment,
                db=db,
                mde_rel=mde_rel,
                n=n,
                alpha=alpha,
                power=power_,
                sides=sides,
                since=first,
                until=last,
                simulate=simulate,
                runs=runs,
                seed=seed,
            )
        else:
            if simulate:
                raise AgileSocialError("--simulate needs --experiment (it resamples its history)", exit_code=EXIT_USAGE)
            if kind is None or (baseline is None and (kind == Kind.proportion or sd is not None)):
                raise AgileSocialError("give --kind and --baseline, or --experiment ID", exit_code=EXIT_USAGE)
            if sd is not None and (metric or platform or account or since or until):
                raise AgileSocialError(
                    "--metric, --platform, --account, --since and --until choose the history the SD comes from;"
                    " drop them, or drop --sd to estimate it",
                    exit_code=EXIT_USAGE,
                )
            project = load_project()
            defaults = project.config.defaults
            if kind != Kind.proportion and sd is None:  # the SD (and the baseline if not given) from the history
                from agilesocial.analysis.engine import DEFAULT_METRIC

                plan = plan_power_for_scope(
                    project,
                    "ratio" if kind == Kind.ratio else "mean",
                    baseline,
                    metric_name=metric or DEFAULT_METRIC,
                    platform=platform,
                    account=account,
                    since=first,
                    until=last,
                    db=db,
                    mde_rel=mde_rel,
                    n=n,
                    alpha=alpha if alpha is not None else defaults.alpha,
                    power=power_ if power_ is not None else defaults.power,
                    sides=sides or 2,
                )
            else:
                assert baseline is not None
                plan = plan_power(
                    kind.value,
                    baseline,
                    mde_rel=mde_rel,
                    n=n,
                    sd=sd,
                    alpha=alpha if alpha is not None else defaults.alpha,
                    power=power_ if power_ is not None else defaults.power,
                    sides=sides or 2,
                )
        if fmt == Format.json:
            typer.echo(json.dumps({"schema_version": 1, **plan.to_dict()}, indent=2))
            return
        out = console(quiet=False)
        unit = "people" if plan.kind == "proportion" else "posts"
        if not quiet and plan.history_note:
            out.print(
                f"History{f' of {plan.experiment}' if plan.experiment else ''}: {plan.history_note}", soft_wrap=True
            )
            sd_text = f", per-post SD {plan.sd:.4g}" if plan.sd is not None else ""
            out.print(f"Baseline {plan.kind} {plan.baseline:.4g}{sd_text}")
        what = f"{plan.n_per_variant:,} {unit} per variant to detect a {plan.mde_rel * 100:+.1f} % change"
        if plan.impressions_per_variant:
            what += f" (about {plan.impressions_per_variant:,} impressions per variant)"
        side = "two-sided" if plan.sides == 2 else f"one-sided ({plan.alternative})"
        out.print(
            f"{what}; alpha {plan.alpha:g}, power {plan.power:g}, {side}, method {plan.method} "
            f"({plan.reference} reference).",
            soft_wrap=True,
        )
        if plan.rate_sentence:
            out.print(plan.rate_sentence, soft_wrap=True)
        if plan.simulated_power is not None:
            se = plan.simulated_se or 0.0
            out.print(
                f"Simulated from history: the {plan.method} test detects a {plan.mde_rel * 100:+.1f} % change with "
                f"{plan.n_per_variant:,} posts per variant in {plan.simulated_power * 100:.0f} % of "
                f"{plan.simulated_runs} runs (± {2 * se * 100:.0f} %).",
                soft_wrap=True,
            )
