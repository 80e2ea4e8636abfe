"""``ingest`` into a Parquet lake: one ingest run is one atomic commit of new partition files and a new manifest.

1. A scratch DuckDB warehouse in the lake's transaction folder (``DIR/_txn-<id>/``) starts with the lake's
   bookkeeping (``ingests``, ``export_coverage``, ``calibrations``): a file already ingested is known by its sha256
   and ingest ids continue the lake's.
2. Inside each file's load transaction, before its rows are written, the lake's stored rows for the keys the file
   holds are copied in (the posts, every metric row and the current row of its posts; the account days of its
   dates), so the warehouse's upsert rules (newer values win, lifetime totals of one day keep the larger value) and
   ``post_current``'s derivation run unchanged.
3. At the end, each partition (table, platform, month) that holds a touched key is written anew into the transaction
   folder: its other rows as the lake has them plus the touched keys' rows from the scratch warehouse.
4. The new files move into the tables' folders under new names, then ``manifest.json`` (which lists every live file)
   is replaced with one rename: the commit. The replaced files are deleted after it.

Any failure before the manifest's rename removes the new files and the transaction folder: the lake is unchanged.
A process killed half-way leaves files no manifest lists; the next ingest deletes them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agilesocial.errors import DataError
from agilesocial.warehouse.lake import (
    LAKE_TABLES,
    MANIFEST,
    META_DIR,
    META_TABLES,
    lake_relation,
    literal,
    read_manifest,
    table_files,
)

if TYPE_CHECKING:
    import duckdb

    from agilesocial.warehouse.stage import Stage

TXN_PREFIX = "_txn-"
LOCK_FILE = ".ingest.lock"
SEEDED_POSTS = "_lake_seeded_posts"  # (platform, post_id) whose lake rows are in the scratch warehouse
SEEDED_DAYS = "_lake_seeded_days"  # (platform, account, date) likewise for account_daily
#: Each lake table and the key that identifies its rows (a touched key's rows come from the scratch warehouse).
TABLE_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "posts": (SEEDED_POSTS, ("platform", "post_id")),
    "post_metrics": (SEEDED_POSTS, ("platform", "post_id")),
    "post_current": (SEEDED_POSTS, ("platform", "post_id")),
    "account_daily": (SEEDED_DAYS, ("platform", "account", "date")),
}


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One writer per lake: an exclusive lock on ``DIR/.ingest.lock`` (released when the process ends)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no advisory locks on this platform
        yield
        return
    with open(root / LOCK_FILE, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise DataError(
                "the lake is busy: another agile-social process is ingesting into it",
                path=root,
                hint="wait for it to finish and run the command again",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class LakeAppend:
    """``with LakeAppend(DIR) as con:`` ingest into ``con`` (a scratch warehouse, with :meth:`prepare` as the load
    hook); leaving the block without an exception commits the new rows to the lake, with one leaves it unchanged."""

    def __init__(self, root: Path) -> None:
        from agilesocial.warehouse.schema import SCHEMA_VERSION

        self.root = root
        self.manifest = read_manifest(root)
        if self.manifest.get("warehouse_schema") != SCHEMA_VERSION:
            raise DataError(
                f"the lake was exported with warehouse schema {self.manifest.get('warehouse_schema')!r}; this version"
                f" ingests into schema {SCHEMA_VERSION}",
                path=root / MANIFEST,
                hint="export the lake again with this version ('export --parquet DIR' of an upgraded warehouse)",
            )
        self.txn = root / f"{TXN_PREFIX}{uuid.uuid4().hex[:12]}"
        self.scratch = self.txn / "scratch.duckdb"  # the run's warehouse (DuckDB spills beside it, in the txn folder)
        self.files = {t: table_files(root, self.manifest, t) for t in LAKE_TABLES}
        self._stack = contextlib.ExitStack()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.last_ingest = 0  # the lake's highest ingest id: later ones are this run's

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        import duckdb

        from agilesocial.warehouse.schema import migrate

        self._stack.enter_context(_locked(self.root))
        try:
            self._remove_leftovers()
            self.txn.mkdir()
            self._stack.callback(shutil.rmtree, self.txn, True)
            con = duckdb.connect(str(self.scratch))
            self._stack.callback(con.close)
            migrate(con)
            self._attach(con)
        except BaseException:
            self._stack.close()
            raise
        self.con = con
        return con

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        import duckdb

        try:
            if exc_type is None and self.con is not None:
                self._commit(self.con)
        except (OSError, duckdb.Error) as err:
            raise DataError(
                f"cannot write the lake: {str(err).splitlines()[0]}; the lake is unchanged",
                path=self.root,
                hint="fix the cause (disk space, permissions) and run the ingest again",
            ) from None
        finally:
            self._stack.close()

    # --- setting up -------------------------------------------------------------------------------------------
    def _remove_leftovers(self) -> None:
        """Files of a killed ingest: transaction folders and data files the manifest does not list."""
        for old in self.root.glob(f"{TXN_PREFIX}*"):
            shutil.rmtree(old, ignore_errors=True)
        for table, files in self.files.items():
            live = set(files)
            for f in (self.root / table).glob("**/*.parquet"):
                if f.relative_to(self.root).as_posix() not in live:
                    f.unlink(missing_ok=True)

    def _attach(self, con: duckdb.DuckDBPyConnection) -> None:
        """Views ``lake_<table>`` over the lake's files, the bookkeeping copied in, the seeded-key tables."""
        for table in LAKE_TABLES:
            info = self.manifest["tables"].get(table) or {}
            relation = lake_relation(self.root, table, info.get("columns") or [], self.files[table])
            con.execute(f"CREATE VIEW lake_{table} AS {relation or f'SELECT * FROM {table} WHERE FALSE'}")
        for table in META_TABLES:
            file = (self.manifest.get("meta") or {}).get(table)
            if file and (self.root / file).is_file():
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet({literal(str(self.root / file))})")
        row = con.execute("SELECT coalesce(max(ingest_id), 0) FROM ingests").fetchone()
        self.last_ingest = int(row[0]) if row else 0
        if self.last_ingest:  # new ingest ids continue after the lake's
            con.execute(f"SELECT max(nextval('ingest_id_seq')) FROM range({self.last_ingest})").fetchall()
        con.execute(f"CREATE TABLE {SEEDED_POSTS} (platform VARCHAR, post_id VARCHAR)")
        con.execute(f"CREATE TABLE {SEEDED_DAYS} (platform VARCHAR, account VARCHAR, date DATE)")

    def prepare(self, con: duckdb.DuckDBPyConnection, stage: Stage) -> None:
        """Before a file's rows are written (inside its transaction): copy in the lake's rows for its keys."""
        from agilesocial.warehouse.stage import STAGE

        p = {"platform": stage.shape.platform}
        if stage.shape.target == "account_daily":
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _lake_new AS SELECT DISTINCT $platform AS platform, account, date"
                f" FROM {STAGE} s WHERE date IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {SEEDED_DAYS} k"
                " WHERE k.platform = $platform AND k.account IS NOT DISTINCT FROM s.account AND k.date = s.date)",
                p,
            )
            con.execute(f"INSERT INTO {SEEDED_DAYS} SELECT * FROM _lake_new")
            seeded = con.execute(
                "INSERT INTO account_daily BY NAME SELECT * FROM lake_account_daily l WHERE platform = $platform"
                " AND EXISTS (SELECT 1 FROM _lake_new k WHERE k.account IS NOT DISTINCT FROM l.account"
                " AND k.date = l.date)",
                p,
            ).fetchone()
        else:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _lake_new AS SELECT DISTINCT $platform AS platform, post_id"
                f" FROM {STAGE} s WHERE post_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {SEEDED_POSTS} k"
                " WHERE k.platform = $platform AND k.post_id = s.post_id)",
                p,
            )
            con.execute(f"INSERT INTO {SEEDED_POSTS} SELECT * FROM _lake_new")
            total = 0
            for table in ("posts", "post_metrics", "post_current"):
                got = con.execute(
                    f"INSERT INTO {table} BY NAME SELECT * FROM lake_{table} l WHERE platform = $platform"
                    " AND post_id IN (SELECT post_id FROM _lake_new)",
                    p,
                ).fetchone()
                total += int(got[0]) if got else 0
            seeded = (total,)
        con.execute("DROP TABLE _lake_new")
        if seeded and seeded[0]:  # the file replaces stored rows: the load must merge, not only insert
            stage.overlap = max(stage.overlap, int(seeded[0]))

    # --- committing -------------------------------------------------------------------------------------------
    def _commit(self, con: duckdb.DuckDBPyConnection) -> None:
        added: list[Path] = []
        try:
            manifest = self._write(con, added)
            if manifest is None:  # nothing new (every file already ingested, or none loaded)
                return
            tmp = self.txn / MANIFEST  # in the lake's folder tree: the rename below is atomic
            tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            os.replace(tmp, self.root / MANIFEST)  # the commit
        except BaseException:
            for f in added:
                f.unlink(missing_ok=True)
            raise
        for table, files in self.files.items():  # the replaced files, now listed nowhere
            for rel in set(files) - set(manifest["tables"][table].get("files") or []):
                (self.root / rel).unlink(missing_ok=True)
        for table in META_TABLES:
            old = (self.manifest.get("meta") or {}).get(table)
            if old and old != manifest["meta"][table]:
                (self.root / old).unlink(missing_ok=True)

    def _write(self, con: duckdb.DuckDBPyConnection, added: list[Path]) -> dict[str, Any] | None:
        """Write the rewritten partitions and the bookkeeping; returns the new manifest (None: nothing changed)."""
        fresh = [
            str(r[0])
            for r in con.execute(
                "SELECT sha256 FROM ingests WHERE ingest_id > ? ORDER BY ingest_id", [self.last_ingest]
            ).fetchall()
        ]
        if not fresh:  # every file was already ingested, empty or refused: the lake stays as it is
            return None
        tag = self.txn.name.removeprefix(TXN_PREFIX)
        manifest = json.loads(json.dumps(self.manifest))
        for table, month in LAKE_TABLES.items():
            info = manifest["tables"].setdefault(table, {"partitioned_by": ["platform", "month"], "rows": 0})
            info["columns"] = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            info["files"], info["rows"] = self._rewrite(con, table, month, tag, added, int(info.get("rows") or 0))
        meta = self.txn / "meta"
        meta.mkdir()
        for table in META_TABLES:
            target = self.root / META_DIR / f"{table}-{tag}.parquet"
            con.execute(
                f"COPY (SELECT * FROM {table} ORDER BY ALL) TO {literal(str(meta / target.name))} (FORMAT parquet)"
            )
            target.parent.mkdir(exist_ok=True)
            os.replace(meta / target.name, target)
            added.append(target)
            manifest["meta"][table] = target.relative_to(self.root).as_posix()
        manifest.setdefault("appends", []).append(
            {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "sha256": fresh}
        )
        return manifest

    def _rewrite(
        self, con: duckdb.DuckDBPyConnection, table: str, month: str, tag: str, added: list[Path], rows: int
    ) -> tuple[list[str], int]:
        """Rewrite the partitions of ``table`` that hold a touched key; returns (its live files, its row count)."""
        seeded, key = TABLE_KEYS[table]
        match = " AND ".join(f"k.{c} IS NOT DISTINCT FROM t.{c}" for c in key)
        touched = f"EXISTS (SELECT 1 FROM {seeded} k WHERE {match})"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _lake_parts AS SELECT DISTINCT platform, {month} AS month FROM"
            f" (SELECT * FROM lake_{table} t WHERE {touched} UNION ALL BY NAME SELECT * FROM {table} t WHERE {touched})"
        )
        parts = {(str(p), str(m)) for p, m in con.execute("SELECT platform, month FROM _lake_parts").fetchall()}
        if not parts:
            return list(self.files[table]), rows
        prefixes = {f"{table}/platform={p}/month={m}/" for p, m in parts}
        old = [f for f in self.files[table] if any(f.startswith(x) for x in prefixes)]
        kept = [f for f in self.files[table] if f not in old]
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        info = self.manifest["tables"].get(table) or {}
        relation = lake_relation(self.root, table, info.get("columns") or cols, old)
        in_parts = f"EXISTS (SELECT 1 FROM _lake_parts q WHERE q.platform = t.platform AND q.month = {month})"
        sources = [f"SELECT * FROM {table} t WHERE {touched} AND {in_parts}"]
        if relation:
            sources.append(f"SELECT * FROM ({relation}) t WHERE NOT {touched}")
        removed = 0
        if relation:
            got = con.execute(f"SELECT count(*) FROM ({relation})").fetchone()
            removed = int(got[0]) if got else 0
        out = self.txn / table
        body = " UNION ALL BY NAME ".join(sources)
        select = ", ".join(f'"{c}"' for c in cols)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _lake_out AS SELECT {select}, {month} AS month FROM ({body}) t")
        got = con.execute("SELECT count(*) FROM _lake_out").fetchone()
        written = int(got[0]) if got else 0
        if written:
            con.execute(
                f"COPY (SELECT * FROM _lake_out ORDER BY ALL) TO {literal(str(out))}"
                " (FORMAT parquet, PARTITION_BY (platform, month))"
            )
        con.execute("DROP TABLE _lake_out")
        new: list[str] = []
        for f in sorted(out.glob("**/*.parquet")) if written else []:
            rel = f.relative_to(out)
            target = self.root / table / rel.parent / f"part-{tag}-{rel.stem}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(f, target)
            added.append(target)
            new.append(target.relative_to(self.root).as_posix())
        return sorted(kept + new), rows - removed + written
