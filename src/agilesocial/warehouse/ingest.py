"""Loading platform exports into the warehouse: one transaction per file, idempotent by sha256.

Per file: sniff the layout (:mod:`.sniff`), read every used column as VARCHAR with DuckDB ``read_csv``, convert in
SQL (:mod:`.sqlexpr`), find bad rows, then in ONE transaction record the ingest and upsert ``posts`` +
``post_metrics`` (or ``account_daily``). A killed process leaves nothing behind: DuckDB discards the uncommitted
transaction. Into a Parquet lake (:mod:`.lakeingest`) the same loads run in a scratch warehouse and the run's
rows are committed to the lake's files at the end, all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agilesocial import __version__
from agilesocial.errors import DataError, is_input_error
from agilesocial.warehouse.accounts import reingest_hint, settle_account
from agilesocial.warehouse.attributes import derive_attributes
from agilesocial.warehouse.coverage import record_coverage
from agilesocial.warehouse.csvcheck import explain_cell
from agilesocial.warehouse.current import refresh_current
from agilesocial.warehouse.inputs import account_for, check_options, expand_paths, file_sha256, snapshot_date
from agilesocial.warehouse.loadsql import load_staged, write_rejects
from agilesocial.warehouse.mapping import apply_mapping, load_mapping
from agilesocial.warehouse.profiles import Shape
from agilesocial.warehouse.progress import ProgressCallback, Tracker
from agilesocial.warehouse.quotescan import fingerprint
from agilesocial.warehouse.sniff import Layout, sniff
from agilesocial.warehouse.stage import STAGE, Stage, build_stage
from agilesocial.warehouse.workbook import ingest_workbook, sheet_shapes, workbook_kind

if TYPE_CHECKING:
    import duckdb

#: Called inside a file's load transaction before its rows are written (a lake copies in the rows they replace).
Prepare = Callable[["duckdb.DuckDBPyConnection", Stage], None]


@dataclass
class FileResult:
    """What happened to one file."""

    path: str
    profile: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    already_ingested: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    target_table: str = ""
    shape: str = ""
    platform: str | None = None
    account: str | None = None
    rejects_path: str | None = None
    note: str | None = None
    #: how dates were placed: years inferred, publish times taken from video ids
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestReport:
    """The result of one ``ingest`` run."""

    db: str
    files: list[FileResult] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def errors(self) -> list[FileResult]:
        """Files that could not be loaded (nothing of them is in the warehouse)."""
        return [f for f in self.files if f.error]

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` contract: ``{"files": [{"path", "profile", "sha256", "rows_read", ...}]}``."""
        return {"schema_version": 1, "db": self.db, "files": [f.to_dict() for f in self.files]}


def ingest_paths(
    paths: Sequence[Path],
    *,
    db: Path,
    profile: str | None = None,
    mapping: Path | None = None,
    account: str | None = None,
    skip_bad_rows: bool = False,
    year: int | None = None,
    timezone: str = "UTC",
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest export files (files, folders, globs) into the warehouse at ``db``; see the module docstring.

    ``progress`` hears each file's phases (parse, convert, load; :mod:`.progress`)."""
    from agilesocial.warehouse.connection import bound_memory, warehouse
    from agilesocial.warehouse.lake import is_lake

    opened: Any = warehouse(db) if not is_lake(db) else None
    prepare = None
    if opened is None:  # a Parquet lake: the run's rows are committed to it at the end, all or nothing
        from agilesocial.warehouse.lakeingest import LakeAppend

        opened = LakeAppend(db)
        prepare = opened.prepare
    mapping_model = load_mapping(mapping) if mapping is not None else None
    shapes = apply_mapping(profile, mapping_model, mapping)
    account = check_options(account, year, timezone)
    files = expand_paths(paths)
    report = IngestReport(str(db))
    tracker = Tracker(progress, len(files))
    try:
        with opened as con:
            bound_memory(con, db if prepare is None else opened.scratch)
            for path in files:
                tracker.start_file(path, con)
                one = partial(_ingest_file, con, shapes=shapes, db=db, account=account, skip_bad_rows=skip_bad_rows)
                one = partial(one, year=year, tz=timezone, tracker=tracker, prepare=prepare)
                if workbook_kind(path):  # every sheet a profile recognises, through the same path as a CSV
                    report.files.extend(ingest_workbook(path, file_sha256(path), db.parent, one, shapes))
                else:
                    report.files.append(one(path))
    finally:
        tracker.stop()
    return report


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    shapes: tuple[Shape, ...],
    *,
    db: Path,
    account: str | None,
    skip_bad_rows: bool,
    year: int | None,
    tz: str,
    tracker: Tracker,
    source: Path | None = None,
    sha: str | None = None,
    prepare: Prepare | None = None,
) -> FileResult:
    """Load one export; ``source`` is the CSV actually read when ``path`` is only its name (a workbook's sheet)."""
    parse = tracker.begin("parse", 3, path=path)  # checksum, structure scan, format sample
    suspects = None  # one read of a plain file: its checksum and the structure scan
    if sha is None:
        sha, suspects = fingerprint(path, parse.part)
    parse.step()
    seen = con.execute(
        "SELECT profile, rows_read, target_table, platform, account FROM ingests WHERE sha256 = $s", {"s": sha}
    ).fetchone()
    if seen is not None:
        tracker.end()  # nothing more to read
        return FileResult(
            str(path),
            seen[0],
            sha,
            rows_read=int(seen[1]),
            already_ingested=True,
            target_table=seen[2],
            platform=seen[3],
            account=seen[4],
            error=reingest_hint(seen[4], account, seen[3]) if account and account != seen[4] else None,
        )
    delimiter = shapes[0].delimiter if len(shapes) == 1 else None
    if source is not None:  # a workbook's sheet: a comma-separated CSV whatever a mapping says, dates as written
        delimiter, shapes = ",", sheet_shapes(shapes)
    try:
        layout = sniff(source or path, shapes, delimiter=delimiter)
    except DataError as exc:
        exc.path = str(path)
        return FileResult(str(path), "-", sha, error=str(exc))
    layout.path = path
    try:
        if layout.empty:
            name = shapes[0].profile if len(shapes) <= 2 and len({s.profile for s in shapes}) == 1 else "-"
            tracker.end()
            return FileResult(str(path), name, sha, note="empty file: nothing to load")
        load = partial(_load, db=db, account=account, skip_bad_rows=skip_bad_rows, year=year, tz=tz, tracker=tracker)
        scanned = suspects if layout.read_path == path else None  # a transcoded copy is scanned itself
        return load(con, path, sha, layout, prepare=prepare, scanned=scanned)
    except Exception as exc:
        tracker.stop()
        if not isinstance(exc, DataError) and not is_input_error(exc):  # a bug in our SQL or Python fails loudly
            raise
        shape = layout.shape
        return FileResult(
            str(path),
            shape.profile if shape else "-",
            sha,
            shape=shape.name if shape else "",
            error=str(exc) if isinstance(exc, DataError) else f"{path}: {str(exc).splitlines()[0]}",
            target_table=shape.target if shape else "",
            platform=shape.platform if shape else None,
        )
    finally:
        layout.cleanup()


def _load(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha: str,
    layout: Layout,
    *,
    db: Path,
    account: str | None,
    skip_bad_rows: bool,
    year: int | None,
    tz: str,
    tracker: Tracker,
    prepare: Prepare | None = None,
    scanned: frozenset[str] | None = None,
) -> FileResult:
    shape = layout.shape
    assert shape is not None
    started = datetime.now(UTC)
    fixed_account = account_for(shape, path, account)
    stage = build_stage(
        con,
        layout,
        fixed_account=fixed_account,
        year=year,
        tz=shape.timezone or tz,
        snapshot=snapshot_date(shape, path, date.today()),
        skip_bad_rows=skip_bad_rows,
        on_progress=tracker.milestone,
        scanned=scanned,
    )
    tracker.end()
    result = FileResult(
        str(path),
        shape.profile,
        sha,
        rows_read=stage.rows_read,
        ignored_columns=stage.ignored,
        target_table=shape.target,
        shape=shape.name,
        platform=shape.platform,
        account=fixed_account,
        notes=stage.notes,
    )
    if stage.bad_rows and not skip_bad_rows:
        stage.drop(con)
        row, column, value = stage.first_bad
        what = stage.reasons.get(column) or explain_cell(
            value,
            count=column in stage.count_columns,
            decimal=stage.decimal,
            signed=column in stage.signed_columns,
        )
        hint = "fix the cell, or pass --skip-bad-rows to load the other rows and write the rejects to a CSV"
        if value is not None and value.strip().lower() == column.strip().lower():  # `cat a.csv b.csv > both.csv`
            what = f"the header again ({value!r}): two exports joined into one file"
            hint = "split the file at that row and load each export as a file of its own"
        raise DataError(f"row {row}, column {column!r}: {what}", path=path, hint=hint)
    result.rows_read = stage.rows_read + stage.malformed
    result.rows_rejected = stage.bad_rows + stage.malformed
    result.rows_loaded = stage.rows_read - stage.bad_rows
    load = tracker.begin("load", 5, poll=True)
    con.execute("BEGIN TRANSACTION")
    try:
        if prepare is not None:  # a lake: bring in the stored rows this file's keys may replace
            prepare(con, stage)
        ingest_id = con.execute(
            "INSERT INTO ingests (path, file_name, sha256, profile, platform, account, target_table, rows_read,"
            " rows_loaded, rows_rejected, started_at, finished_at, tool_version)"
            " VALUES ($path, $name, $sha, $profile, $platform, $account, $target, $read, $loaded, $rejected,"
            " $started, now(), $version) RETURNING ingest_id",
            {
                "path": str(path.resolve()),
                "name": path.name,
                "sha": sha,
                "profile": shape.profile,
                "platform": shape.platform,
                "account": fixed_account,
                "target": shape.target,
                "read": result.rows_read,
                "loaded": result.rows_loaded,
                "rejected": result.rows_rejected,
                "started": started,
                "version": __version__,
            },
        ).fetchone()
        assert ingest_id is not None
        fresh = load_staged(con, stage, int(ingest_id[0]), load.step)
        if shape.target == "posts":
            if not fresh:  # fresh posts were written with their attributes and current rows
                derive_attributes(con, ingest_id=int(ingest_id[0]))
                refresh_current(con, int(ingest_id[0]))
            load.reach(3)
            if not fixed_account:
                result.account, note = settle_account(con, int(ingest_id[0]))
                result.notes.extend([note] if note else [])
        record_coverage(
            con,
            STAGE,
            int(ingest_id[0]),
            target=shape.target,
            file_name=path.name,
            tz=shape.timezone or tz,
            fields=stage.fields,
        )
        load.step()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        stage.drop(con)
        raise
    try:
        if result.rows_rejected:
            result.rejects_path = str(write_rejects(con, stage, db.parent / "rejects", sha))
    finally:
        stage.drop(con)
    tracker.end()
    return result
