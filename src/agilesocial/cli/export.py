"""``agile-social export --parquet DIR``: the warehouse as a versioned, hive-partitioned Parquet lake."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agilesocial.cli.common import DbOption, QuietOption, console, handle_errors

EPILOG = """\b
Examples:
  agile-social export --parquet lake/
  agile-social export --parquet /data/social-lake --db .agile-social/warehouse.duckdb

\b
Point 'warehouse:' in agile-social.yaml at the folder to analyse the lake (see docs/engines.md).
Exit codes: 0 written, 2 no warehouse, a non-empty folder, or it cannot be written."""


def register(app: typer.Typer) -> None:
    """Add the ``export`` command."""
    app.command("export", epilog=EPILOG)(export)


@handle_errors
def export(
    parquet: Annotated[
        Path, typer.Option("--parquet", help="Write the warehouse as a Parquet lake into this new folder.")
    ],
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Export the warehouse (posts, post_current, post_metrics, account_daily) as a Parquet lake."""
    from agilesocial.config import load_project
    from agilesocial.warehouse.connection import warehouse
    from agilesocial.warehouse.lake import export_lake

    path = load_project().warehouse_path(db)
    with warehouse(path, read_only=True) as con:
        manifest = export_lake(con, parquet)
    if not quiet:
        rows = ", ".join(f"{t} {info['rows']:,}" for t, info in manifest["tables"].items())
        console().print(f"wrote lake {parquet} (lake v{manifest['lake_version']}): {rows}", markup=False)
