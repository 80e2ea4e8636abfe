"""``agile-social init``: scaffold a commented plan-as-code project that validates clean."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agilesocial.cli.common import QuietOption, console, handle_errors

EPILOG = """\b
Examples:
  agile-social init --brand "Acme Coffee"
  agile-social init acme-social --brand "Acme Coffee" --goal energizing --channel instagram --channel x
  agile-social init --brand Acme --sprint-weeks 1 --force      # overwrite an earlier scaffold

\b
Base goals: listening, talking, energizing, supporting, embracing.
Channels: x, facebook, instagram, linkedin, tiktok, youtube, other."""


def register(app: typer.Typer) -> None:
    @app.command("init", epilog=EPILOG)
    @handle_errors
    def init(
        directory: Annotated[Path, typer.Argument(help="Folder to create the project in.", metavar="DIR")] = Path("."),
        brand: Annotated[
            str, typer.Option("--brand", "-b", help="Brand the plan is for.", show_default=False, metavar="BRAND")
        ] = "",
        goal: Annotated[
            str, typer.Option("--goal", "-g", help="Base goal of the first objective.", metavar="GOAL")
        ] = "talking",
        channels: Annotated[
            list[str] | None,
            typer.Option(
                "--channel",
                "-c",
                help="A channel (repeat for more).  [default: instagram]",
                show_default=False,
                metavar="CHANNEL",
            ),
        ] = None,
        sprint_weeks: Annotated[
            int, typer.Option("--sprint-weeks", "-w", help="Sprint length in weeks (1-8).", metavar="N")
        ] = 2,
        force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
        quiet: QuietOption = False,
    ) -> None:
        """Scaffold agile-social.yaml, a strategy plan, an example experiment, the first sprint and the schemas."""
        from agilesocial.errors import AgileSocialError
        from agilesocial.lint.runner import display_path
        from agilesocial.plan.scaffold import scaffold_project

        if not brand.strip():
            raise AgileSocialError("--brand is required", hint='e.g. agile-social init --brand "Acme Coffee"')
        written = scaffold_project(
            directory,
            brand=brand,
            goal=goal,
            channels=channels or ["instagram"],
            sprint_weeks=sprint_weeks,
            force=force,
        )
        out = console(quiet=quiet)
        for path in written:
            out.print(f"created {display_path(path)}")
        where = "" if directory.resolve() == Path.cwd().resolve() else f"cd {directory} && "
        out.print(f"next: fill in the plan, then run: {where}agile-social validate")
