"""The target fields of a staged export: how posts and account-day rows get their id, account, kind and date.

Used by :mod:`agilesocial.warehouse.stage` when it builds the converting SELECT; a :class:`Check` is one bad-value
condition the stage's checking pass runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from agilesocial.errors import DataError
from agilesocial.plan.metrics import METRIC_FIELDS
from agilesocial.warehouse import sqlexpr as sx
from agilesocial.warehouse.accounts import HANDLE_RE
from agilesocial.warehouse.profiles import ROW_DATE, Col, Shape
from agilesocial.warehouse.schema import ACCOUNT_DAILY_FIELDS
from agilesocial.warehouse.sniff import Layout


@dataclass(frozen=True)
class Check:
    """A bad-value condition: ``cond`` with ``{E}`` standing for the converted value ``expr`` of raw cell ``raw``."""

    expr: str
    cond: str
    header: str
    raw: str
    #: why the row is bad, when the cell's text does not say it (a sum of several cells)
    reason: str = ""


def post_fields(
    shape: Shape,
    used: dict[str, tuple[int, Col]],
    exprs: dict[str, str],
    checks: list[Check],
    layout: Layout,
    params: sx.Params,
    fixed_account: str | None,
    snapshot: date,
) -> list[str]:
    """The post target's fields; fills ``exprs`` with the id, account, kind and date expressions."""
    if "post_id" not in exprs:
        if shape.post_id_from_permalink and "permalink" in exprs:
            pos = used["permalink"][0]
            exprs["post_id"] = f"nullif(regexp_extract(c{pos}, {params.add(shape.post_id_from_permalink)}, 1), '')"
        else:
            raise DataError(
                f"{shape.kind_label}: no column holds the post id",
                path=layout.path,
                hint="map post_id in a --mapping file",
            )
    id_pos = used["permalink"][0] if "post_id" not in used else used["post_id"][0]
    checks.insert(0, Check(exprs["post_id"], "({E} IS NULL)", layout.header[id_pos], f"c{id_pos}"))
    if "permalink" not in exprs and shape.permalink_template:
        exprs["permalink"] = f"{params.add(shape.permalink_template)} || ({exprs['post_id']})"
    if "post_type" not in exprs and shape.post_type:
        exprs["post_type"] = params.add(shape.post_type)
    if fixed_account:
        exprs["account"] = params.add(fixed_account)
    if "account" not in exprs and "permalink" in exprs:  # X: the handle is in every permalink
        exprs["account"] = f"nullif(regexp_extract({exprs['permalink']}, {params.add(HANDLE_RE)}, 1), '')"
    exprs.setdefault("account", "NULL::VARCHAR")
    if "text" in exprs:
        exprs["hashtags"] = sx.hashtags(exprs["text"])
    if "engagements" not in exprs:
        _engagements_sum(shape, used, exprs, checks, layout)
    snap = params.add(snapshot)
    if ROW_DATE in exprs:
        day = exprs[ROW_DATE]
        exprs["kind"] = f"CASE WHEN ({day}) IS NULL THEN 'lifetime' ELSE 'daily' END"
        exprs[ROW_DATE] = f"coalesce({day}, {snap}::DATE)"
    else:
        exprs["kind"] = "'lifetime'"
        exprs[ROW_DATE] = f"{snap}::DATE"
    post = ("account", "post_id", "published_at", "post_type", "text", "permalink", "labels", "hashtags", "duration_s")
    return [*post, "kind", ROW_DATE, *METRIC_FIELDS]


def _engagements_sum(
    shape: Shape, used: dict[str, tuple[int, Col]], exprs: dict[str, str], checks: list[Check], layout: Layout
) -> None:
    """``engagements`` as the sum of the shape's parts (NULL when all are missing), exact: a sum beyond BIGINT is a
    bad row naming the columns added (DuckDB would fail the whole file with an overflow and no row)."""
    parts = [f for f in shape.engagements_sum if f in exprs and f in used]
    if not parts:
        return
    none = " AND ".join(f"({exprs[f]}) IS NULL" for f in parts)
    total = " + ".join(f"coalesce({exprs[f]}, 0)::HUGEINT" for f in parts)
    exprs["engagements"] = f"CASE WHEN {none} THEN NULL ELSE TRY_CAST({total} AS BIGINT) END"
    any_part = " OR ".join(f"{sx.quote_ident(f)} IS NOT NULL" for f in parts)
    checks.append(
        Check(
            exprs["engagements"],
            f"({{E}} IS NULL AND ({any_part}))",
            f"engagements ({' + '.join(layout.header[used[f][0]] for f in parts)})",
            f"c{used[parts[0]][0]}",
            reason="the sum is beyond the 64-bit integer range",
        )
    )


def account_fields(
    shape: Shape,
    used: dict[str, tuple[int, Col]],
    exprs: dict[str, str],
    checks: list[Check],
    layout: Layout,
    params: sx.Params,
    fixed_account: str | None,
) -> list[str]:
    """The account-day target's fields; the date is required and the account fixed."""
    if "date" not in exprs:
        raise DataError(f"{shape.kind_label}: no date column", path=layout.path)
    pos = used["date"][0]
    checks.insert(0, Check(exprs["date"], "({E} IS NULL)", layout.header[pos], f"c{pos}"))
    exprs["account"] = params.add(fixed_account)
    return ["account", "date", *ACCOUNT_DAILY_FIELDS]
