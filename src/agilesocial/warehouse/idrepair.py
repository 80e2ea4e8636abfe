"""Post ids a spreadsheet mangled (``1.22158E+17``, ``122158000000000000.00``), taken back from the permalinks.

Excel keeps 15 significant digits of a number, so an 18-digit Meta or 19-digit X id re-saved from Excel comes back
rounded (two posts can then share one id) in scientific notation or with ``.00``. Such ids cannot identify posts.
When the file has a permalink column that is unique per post, each mangled id is replaced, in this order, by:

1. the id itself when nothing was lost (``12345678901234.00``: at most 15 digits before the ``.00``);
2. the id of the post the warehouse already holds under the same platform and permalink (an earlier, clean export);
3. the id segment of the permalink (``…/status/<id>``, ``…/posts/<id>``, ``?story_fbid=<id>``, ``/p/<code>/``);
4. the whole permalink, when segments are missing or two posts' segments are the same.

Every choice depends only on the file and the warehouse, so re-ingesting the same rows gives the same ids. When no
unique permalink is left (no permalink column, a blank one, two posts sharing one), the file is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agilesocial.errors import DataError
from agilesocial.warehouse import sqlexpr as sx
from agilesocial.warehouse.shapes import ROW_DATE

if TYPE_CHECKING:
    import duckdb

    from agilesocial.warehouse.stage import Stage

#: A mangled id that still holds every digit: at most 15 digits (Excel's precision) before ``.0…``.
EXACT_ID_RE = r"[0-9]{1,15}\.0+"
#: Where a post link keeps the post's id (group 1): a query parameter (Facebook's ``permalink.php?story_fbid=``,
#: ``photo.php?fbid=``, ``watch?v=``), else the last path segment (``/status/<id>``, ``/posts/<id>``, ``/p/<code>/``,
#: ``/reel/<id>``, ``/feed/update/urn:li:activity:<id>/``).
SEGMENT_RES = (
    r"[?&](?:story_fbid|fbid|v)=([A-Za-z0-9_-]+)",
    r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]+/(?:[^?#]*/)?([A-Za-z0-9_:.-]+)/?(?:[?#].*)?$",
)
_HINT = "download the export again and load it without opening and re-saving it in Excel"


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None) -> object:
    row = con.execute(sql, params or {}).fetchone()
    return row[0] if row else None


def repair_mangled_ids(con: duckdb.DuckDBPyConnection, stage: Stage, table: str, mangled: str) -> str:
    """Replace the mangled post ids of the materialised, numbered stage ``table``; return the one-line warning.

    Raises :class:`DataError` (naming the row and the fix) when no unique permalink is left to take ids from.
    """
    path = stage.layout.path
    p: dict[str, object] = {"mangled": mangled, "exact": EXACT_ID_RE}
    where = "regexp_full_match(post_id, $mangled) AND NOT regexp_full_match(post_id, $exact)"
    first = con.execute(f"SELECT _row, post_id FROM {table} WHERE {where} ORDER BY _row LIMIT 1", p).fetchone()
    if first is None:  # every mangled id kept its digits: nothing else is needed
        n = _scalar(
            con, f"SELECT count(*) FROM {table} WHERE regexp_full_match(post_id, $exact)", {"exact": EXACT_ID_RE}
        )
        con.execute(
            f"UPDATE {table} SET post_id = split_part(post_id, '.', 1) WHERE regexp_full_match(post_id, $exact)",
            {"exact": EXACT_ID_RE},
        )
        return f"warning: {n} post ids were re-saved by a spreadsheet with '.00' added; loaded without it"
    example = f"row {first[0]}: post id {first[1]!r} was mangled by a spreadsheet (ids must stay text)"
    if not stage.permalink_column:
        raise DataError(
            f"{example}; the file has no permalink column to take the ids from, so it is refused",
            path=path,
            hint=_HINT,
        )
    blank = con.execute(
        f"SELECT _row FROM {table} WHERE {where} AND {sx.blank('permalink')} ORDER BY _row LIMIT 1", p
    ).fetchone()
    if blank:
        raise DataError(
            f"{example}, and row {blank[0]} has no permalink to take its id from, so the file is refused",
            path=path,
            hint=_HINT,
        )
    p["platform"] = stage.shape.platform
    p.update({f"seg{i}": r for i, r in enumerate(SEGMENT_RES)})
    segment = "coalesce(" + ", ".join(f"nullif(regexp_extract(s.permalink, $seg{i}, 1), '')" for i in range(2)) + ")"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table}_ids AS"
        f" SELECT s._row, trim(s.permalink) AS permalink,"
        f" CASE WHEN regexp_full_match(s.post_id, $exact) THEN split_part(s.post_id, '.', 1) END AS exact,"
        f" w.post_id AS known, {segment} AS segment"
        f" FROM {table} s LEFT JOIN (SELECT trim(permalink) AS permalink, min(post_id) AS post_id FROM posts"
        f" WHERE platform = $platform AND permalink IS NOT NULL GROUP BY ALL) w ON w.permalink = trim(s.permalink)"
        f" WHERE regexp_full_match(s.post_id, $mangled)",
        p,
    )
    # segments serve only when every row needing one has one and no two posts share one
    segments_ok = _scalar(
        con,
        f"SELECT count(*) FILTER (WHERE segment IS NULL) = 0"
        f" AND count(DISTINCT segment) = count(DISTINCT permalink)"
        f" FROM {table}_ids WHERE exact IS NULL AND known IS NULL",
    )
    pick = "coalesce(exact, known, segment)" if segments_ok else "coalesce(exact, known, permalink)"
    con.execute(f"UPDATE {table} s SET post_id = {pick} FROM {table}_ids i WHERE i._row = s._row")
    counts = con.execute(
        f"SELECT count(*), count(exact), count(known) FILTER (WHERE exact IS NULL) FROM {table}_ids"
    ).fetchone() or (0, 0, 0)
    con.execute(f"DROP TABLE {table}_ids")
    _check_unique(con, stage, table)
    n, exact, known = (int(v) for v in counts)
    parts = [f"{exact} kept their digits (only '.00' was added)"] if exact else []
    parts += [f"{known} matched posts already loaded by permalink"] if known else []
    rest = n - exact - known
    if rest:
        parts.append(f"{rest} taken from the {'id in the permalink' if segments_ok else 'whole permalink'}")
    return (
        f"warning: {n} post ids were mangled by a spreadsheet (e.g. {first[1]!r}): loaded with ids derived from the"
        f" permalinks ({'; '.join(parts)}); load an export that was never re-saved in Excel to keep the platform's ids"
    )


def _check_unique(con: duckdb.DuckDBPyConnection, stage: Stage, table: str) -> None:
    """Posts and permalinks must still correspond one to one, and no two rows may be the same post on the same day
    (rows of one permalink are days of one post, or two posts nothing tells apart); else the file is refused."""
    linked = f"_bad_field IS NULL AND NOT {sx.blank('permalink')}"
    day = f"kind, {ROW_DATE}"
    clash = con.execute(
        f"SELECT min(_row), max(_row), any_value(post_id) FROM {table} WHERE {linked}"
        f" GROUP BY post_id HAVING count(DISTINCT trim(permalink)) > 1"
        f" UNION ALL SELECT min(_row), max(_row), any_value(trim(permalink)) FROM {table} WHERE {linked}"
        f" GROUP BY trim(permalink) HAVING count(DISTINCT post_id) > 1"
        f" UNION ALL SELECT min(_row), max(_row), any_value(trim(permalink)) FROM {table} WHERE {linked}"
        f" GROUP BY post_id, {day} HAVING count(*) > 1 ORDER BY 1 LIMIT 1"
    ).fetchone()
    if clash is None:
        return
    raise DataError(
        f"post ids were mangled by a spreadsheet and rows {clash[0]} and {clash[1]} still share {clash[2]!r}:"
        " nothing unique is left to tell their posts apart, so the file is refused",
        path=stage.layout.path,
        hint=_HINT,
    )
