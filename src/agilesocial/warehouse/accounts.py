"""Accounts in the warehouse: inferring them at ingest, listing them, renaming or merging one (one transaction).

An export that names no account (YouTube, legacy Facebook, an X file saved under another name) gets its account
from the X or TikTok handle in the permalinks (``https://twitter.com/<handle>/status/<id>``); whatever still names
none is loaded under no account ('-') with a warning that says how to fix it: ``agile-social accounts rename - NAME``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from agilesocial.errors import EXIT_USAGE, AgileSocialError, DataError

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb

#: The handle in a post link (X: twitter.com / x.com /<handle>/status/, TikTok: tiktok.com/@<handle>/video/); group 1.
HANDLE_RE = r"^https?://(?:www\.|mobile\.|m\.)?(?:twitter\.com/|x\.com/|tiktok\.com/@)([A-Za-z0-9_.]{1,30})/(?:status|video|photo)/"
#: How the CLI writes 'no account'.
NO_ACCOUNT = "-"
#: Tables that carry an account column, and their natural keys (for merging).
_TABLES: dict[str, tuple[str, ...]] = {
    "posts": ("platform", "post_id"),
    "post_current": ("platform", "post_id"),
    "account_daily": ("platform", "date"),
    "ingests": (),
    "export_coverage": (),
}


def settle_account(con: duckdb.DuckDBPyConnection, ingest_id: int) -> tuple[str | None, str | None]:
    """After a posts file without a fixed account was loaded: (its one account, a warning when posts name none)."""
    row = con.execute(
        "SELECT list(DISTINCT account) FILTER (WHERE account IS NOT NULL), count(*) FILTER (WHERE account IS NULL)"
        " FROM posts WHERE ingest_id = ?",
        [ingest_id],
    ).fetchone()
    names, unknown = (row[0] or [], int(row[1])) if row else ([], 0)
    account = names[0] if len(names) == 1 else None
    if account is not None:
        con.execute("UPDATE ingests SET account = ? WHERE ingest_id = ?", [account, ingest_id])
    if not unknown:
        return account, None
    return account, (
        f"{unknown} posts name no account (the export has no account column and the file name none): they are "
        f"stored under '{NO_ACCOUNT}'; name it with 'agile-social accounts rename {NO_ACCOUNT} NAME --platform P', "
        "or ingest with --account NAME next time"
    )


def reingest_hint(stored: str | None, wanted: str, platform: str | None) -> str:
    """Why a re-ingest with a different --account changes nothing, and the command that does."""
    old = stored or NO_ACCOUNT
    where = f" --platform {platform}" if platform else ""
    return (
        f"already ingested under account {old!r}, not {wanted!r}: a file is loaded once; "
        f"to change its account run 'agile-social accounts rename {old} {wanted}{where}'"
    )


@dataclass(frozen=True)
class AccountRow:
    """One line of ``agile-social accounts``."""

    platform: str
    account: str | None
    posts: int
    days: int
    first: str | None
    last: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_accounts(db: Path) -> list[AccountRow]:
    """Every platform/account with its posts, account-level days and publication range."""
    from agilesocial.warehouse.connection import warehouse

    sql = """
    WITH k AS (SELECT platform, account FROM posts UNION SELECT platform, account FROM account_daily),
    p AS (SELECT platform, account, count(*) AS n, min(published_at)::DATE AS f, max(published_at)::DATE AS l
          FROM posts GROUP BY ALL),
    a AS (SELECT platform, account, count(*) AS n, min(date) AS f, max(date) AS l FROM account_daily GROUP BY ALL)
    SELECT k.platform, k.account, coalesce(p.n, 0), coalesce(a.n, 0),
        CAST(least(p.f, a.f) AS VARCHAR), CAST(greatest(p.l, a.l) AS VARCHAR)
    FROM k LEFT JOIN p ON p.platform = k.platform AND p.account IS NOT DISTINCT FROM k.account
    LEFT JOIN a ON a.platform = k.platform AND a.account IS NOT DISTINCT FROM k.account
    ORDER BY k.platform, k.account NULLS FIRST
    """
    with warehouse(db, read_only=True) as con:
        rows = con.execute(sql).fetchall()
    return [AccountRow(r[0], r[1], int(r[2]), int(r[3]), r[4], r[5]) for r in rows]


@dataclass(frozen=True)
class RenameResult:
    """What ``accounts rename`` changed."""

    old: str
    new: str
    platforms: tuple[str, ...]
    rows: dict[str, int]
    merged: bool

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "platforms": list(self.platforms)}


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> Any:
    """Execute with only the named parameters ``sql`` uses (DuckDB refuses extra ones)."""
    return con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})


def _match(platform: str | None) -> str:
    scope = " AND platform = $platform" if platform else ""
    return f"account IS NOT DISTINCT FROM $old{scope}"


def rename_account(db: Path, old: str, new: str, *, platform: str | None = None) -> RenameResult:
    """Rename account ``old`` ('-' = no account) to ``new`` in every table, in one transaction; when ``new``
    already exists the two merge (account-level days of both: ``new``'s values win, ``old`` fills gaps)."""
    from agilesocial.warehouse.connection import warehouse

    if new in ("", NO_ACCOUNT):
        raise AgileSocialError(f"cannot rename to {new!r}: give the account's name", exit_code=EXIT_USAGE)
    old_value = None if old == NO_ACCOUNT else old
    params: dict[str, Any] = {"old": old_value, "new": new}
    if platform:
        params["platform"] = platform
    if not db.exists():  # renaming in a warehouse that is not there must not create an empty one
        raise DataError("no warehouse yet", path=db, hint="run 'agile-social ingest <exports>' to create it")
    with warehouse(db) as con:
        found = _run(
            con,
            f"SELECT list(DISTINCT platform ORDER BY platform) FROM (SELECT platform, account FROM posts "
            f"UNION ALL SELECT platform, account FROM account_daily) WHERE {_match(platform)}",
            params,
        ).fetchone()
        platforms = tuple(found[0] or []) if found else ()
        if not platforms:
            known = (
                ", ".join(
                    f"{r[0]}/{r[1] or NO_ACCOUNT}"
                    for r in con.execute("SELECT DISTINCT platform, account FROM posts ORDER BY ALL").fetchall()
                )
                or "none"
            )
            raise AgileSocialError(
                f"no account {old!r}{f' on {platform}' if platform else ''} in the warehouse",
                hint=f"accounts: {known} (see 'agile-social accounts')",
                exit_code=EXIT_USAGE,
            )
        merged_row = con.execute(
            "SELECT count(*) > 0 FROM posts WHERE account = $new AND platform IN (SELECT unnest($p::VARCHAR[]))",
            {"new": new, "p": list(platforms)},
        ).fetchone()
        rows: dict[str, int] = {}
        con.execute("BEGIN TRANSACTION")
        try:
            _merge_daily(con, params, platform)
            for table in _TABLES:
                changed = con.execute(f"UPDATE {table} SET account = $new WHERE {_match(platform)}", params).fetchone()
                rows[table] = int(changed[0]) if changed else 0
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return RenameResult(old, new, platforms, rows, bool(merged_row and merged_row[0]))


def _merge_daily(con: duckdb.DuckDBPyConnection, params: dict[str, Any], platform: str | None) -> None:
    """Days both accounts have: fold ``old``'s values into ``new``'s row (new wins) and drop ``old``'s row."""
    from agilesocial.warehouse.schema import ACCOUNT_DAILY_FIELDS

    sets = ", ".join(f"{f} = coalesce(account_daily.{f}, o.{f})" for f in ACCOUNT_DAILY_FIELDS)
    scope = " AND o.platform = $platform" if platform else ""
    _run(
        con,
        f"UPDATE account_daily SET {sets} FROM account_daily o WHERE account_daily.account = $new"
        f" AND o.account IS NOT DISTINCT FROM $old AND o.platform = account_daily.platform"
        f" AND o.date = account_daily.date{scope}",
        params,
    )
    _run(
        con,
        f"DELETE FROM account_daily WHERE {_match(platform)} AND EXISTS (SELECT 1 FROM account_daily n"
        " WHERE n.account = $new AND n.platform = account_daily.platform AND n.date = account_daily.date)",
        params,
    )
