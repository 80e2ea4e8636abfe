"""``agile-social calibrate``: A/A self-check of every method on an account's own history."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from agilesocial.cli.common import DbOption, QuietOption, handle_errors

if TYPE_CHECKING:
    from agilesocial.analysis.calibrate import CalibrationReport
    from agilesocial.stats.calibration import MethodCalibration

EPILOG = (
    "Examples:\n\n"
    "  agile-social calibrate --platform facebook --account 'Northwind Coffee'\n\n"
    "  agile-social calibrate --platform instagram --metric comment_rate --since 2026-01-01 --posts-per-arm 10,20\n\n"
    "  agile-social calibrate --platform x --runs 2000 --seed 7 --format json"
)


class Format(StrEnum):
    text = "text"
    json = "json"
    md = "md"


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a comma-separated list of whole numbers, e.g. 5,10,20") from None
    if not sizes or min(sizes) < 2:
        raise typer.BadParameter(f"{value!r}: every size must be 2 or more posts per arm")
    return sizes


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def _pct(v: float) -> str:
    return f"{v * 100:.1f} %"


def _mde(r: MethodCalibration) -> str:
    """The 80 %-power lift in the shared format ("+45 %", "more than +900 %"), or "-" when not reported."""
    from agilesocial.retro import fmt

    if r.mde is not None:
        return fmt.pct(r.mde)
    if r.mde_above is not None:
        return f"more than {fmt.pct(r.mde_above)}"
    return "-"


def _rows(report: CalibrationReport) -> list[list[str]]:
    return [
        [
            r.method,
            str(r.posts_per_arm),
            f"{r.rejections}/{r.runs}",
            _pct(r.rate),
            f"{_pct(r.ci[0])} - {_pct(r.ci[1])}",
            r.verdict,
            _mde(r),
        ]
        for r in report.results
    ]


HEADER = ["method", "posts/arm", "rejected", "A/A rate", "95 % CI", "verdict", "80 % power lift"]


def _intro(report: CalibrationReport) -> list[str]:
    who = f"{report.platform}" + (f" account {report.account!r}" if report.account else " (all accounts)")
    when = f", {report.since or 'start'} to {report.until or 'end'}" if report.since or report.until else ""
    lines = [
        f"A/A calibration of {report.metric} on {who}{when}: {report.posts} posts, {report.runs} random splits per "
        f"size, seed {report.seed}, alpha {report.alpha:g}.",
        f"Verdict: too hot when the {report.interval} interval of the false-positive rate lies above "
        f"{report.alpha * 1.2:g}, too cold when below {report.alpha * 0.8:g}, else calibrated.",
    ]
    if report.left_out:
        lines.append(f"{report.left_out} posts without a usable {report.metric} denominator were left out.")
    if report.skipped_sizes:
        sizes = ", ".join(str(s) for s in report.skipped_sizes)
        lines.append(f"Skipped posts per arm {sizes}: the history has too few posts for two such arms.")
    return lines


def _outro(report: CalibrationReport) -> list[str]:
    lines = [f"Not calibrated: {k} ({v})." for k, v in report.not_calibrated.items()]
    lines.append(
        "80 % power lift: the smallest rise of the metric detected in 80 % of the same splits (only for methods "
        "that hold their false-positive rate)."
    )
    if report.stored:
        lines.append("Stored in the warehouse (table calibrations); analyze and retro now use it.")
    return lines


def render_text(report: CalibrationReport) -> str:
    rows = [HEADER, *_rows(report)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    table = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join([*_intro(report), "", *table, "", *_outro(report)]) + "\n"


def render_md(report: CalibrationReport) -> str:
    lines = [f"# A/A calibration: {report.metric} on {report.platform}", "", *_intro(report), ""]
    lines.append("| " + " | ".join(HEADER) + " |")
    lines.append("|" + "---|" * len(HEADER))
    lines += ["| " + " | ".join(r) + " |" for r in _rows(report)]
    lines += ["", *(f"- {line}" for line in _outro(report))]
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    @app.command("calibrate", epilog=EPILOG)
    @handle_errors
    def calibrate(
        platform: Annotated[str, typer.Option("--platform", "-p", help="Platform whose posts to split.")],
        account: Annotated[
            str | None, typer.Option("--account", "-a", help="Account (default: every account of the platform).")
        ] = None,
        since: Annotated[str | None, typer.Option(help="First publication day, YYYY-MM-DD (default: all).")] = None,
        until: Annotated[str | None, typer.Option(help="Last publication day, YYYY-MM-DD (default: all).")] = None,
        metric: Annotated[str, typer.Option("--metric", "-m", help="Metric from the catalog.")] = "engagement_rate",
        runs: Annotated[int, typer.Option(help="Random A/A splits per size.")] = 1000,
        posts_per_arm: Annotated[
            str, typer.Option("--posts-per-arm", help="Comma-separated posts per arm, e.g. 5,10,20,50.")
        ] = "5,10,20,50",
        seed: Annotated[int, typer.Option(help="Seed of the random splits (same seed, same numbers).")] = 0,
        fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
        db: DbOption = None,
        quiet: QuietOption = False,
    ) -> None:
        """Check every method on your own history: A/A false-positive rate, verdict and detectable lift."""
        from agilesocial.analysis.calibrate import run_calibration
        from agilesocial.config import load_project

        report = run_calibration(
            load_project(),
            platform=platform,
            account=account,
            metric=metric,
            since=_date(since),
            until=_date(until),
            runs=runs,
            sizes=_sizes(posts_per_arm),
            seed=seed,
            db=db,
        )
        if fmt == Format.json:
            typer.echo(json.dumps(report.to_dict(), indent=2))
        elif fmt == Format.md:
            typer.echo(render_md(report), nl=False)
        else:
            text = render_text(report)
            if quiet:
                text = "\n".join(line for line in text.splitlines() if "  " in line) + "\n"
            typer.echo(text, nl=False)
