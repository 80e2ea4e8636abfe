"""Compile an experiment's selectors into parameterised SQL over the ``post_latest`` view.

Every value reaches DuckDB as a parameter; only column names and metric fields from the fixed catalog appear in the
SQL text. Dates are calendar days in the project's time zone: a window ``2026-10-26..2026-11-22`` covers posts
published from local midnight of the 26th up to (not including) local midnight of the 23rd.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agilesocial.errors import ConfigError
from agilesocial.plan.experiment import FLAG_ATTRIBUTES, WEEKDAYS, DateRange, Experiment, NumberRange, Selector
from agilesocial.plan.metrics import METRIC_FIELDS
from agilesocial.warehouse.attributes import ATTRIBUTE_COLUMNS

#: Columns of ``post_latest`` the analysis reads (besides metric fields).
POST_COLUMNS: tuple[str, ...] = (
    "platform",
    "account",
    "post_id",
    "published_at",
    "post_type",
    "text",
    "labels",
    *ATTRIBUTE_COLUMNS,
)
#: Hashtags as stored, else as found in the text; without '#', lower case.
HASHTAG_SQL = (
    "list_transform(coalesce(hashtags, regexp_extract_all(text, '#(\\w+)', 1)), lambda h: lower(ltrim(h, '#')))"
)
LABEL_SQL = "list_transform(labels, lambda l: lower(trim(l)))"
#: The normalised match keys selectors compare against (computed once when the scope is materialised).
KEY_COLUMNS = f"{HASHTAG_SQL} AS tag_keys, {LABEL_SQL} AS label_keys"


def keyed(source: str) -> str:
    """``source`` (a table or view with the post_latest columns) plus the ``tag_keys`` and ``label_keys`` columns."""
    return f"(SELECT *, {KEY_COLUMNS} FROM {source})"


@dataclass
class Clause:
    """A boolean SQL expression and its positional parameters."""

    sql: str
    params: list[Any] = field(default_factory=list)

    @staticmethod
    def all_of(parts: list[Clause]) -> Clause:
        if not parts:
            return Clause("TRUE")
        return Clause(" AND ".join(f"({p.sql})" for p in parts), [v for p in parts for v in p.params])

    @staticmethod
    def any_of(parts: list[Clause]) -> Clause:
        if not parts:
            return Clause("FALSE")
        return Clause(" OR ".join(f"({p.sql})" for p in parts), [v for p in parts for v in p.params])


def project_zone(name: str) -> ZoneInfo:
    """The project's time zone, or a ConfigError naming the bad value."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {name!r} in agile-social.yaml", hint="use an IANA name such as Europe/Amsterdam"
        ) from None


def day_start(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """Local midnight of ``day`` as an aware datetime."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone)


def date_clause(dates: DateRange | None, zone: ZoneInfo, column: str = "published_at") -> Clause:
    """``column`` within the inclusive local-date range (sargable: compares timestamps, not converted dates)."""
    parts: list[Clause] = []
    if dates is not None and dates.start is not None:
        parts.append(Clause(f"{column} >= ?", [day_start(dates.start, zone)]))
    if dates is not None and dates.end is not None:
        parts.append(Clause(f"{column} < ?", [day_start(dates.end + dt.timedelta(days=1), zone)]))
    return Clause.all_of(parts)


def normalise_tag(tag: str) -> str:
    return tag.strip().lstrip("#").lower()


def _range(column: str, rng: NumberRange) -> Clause:
    parts = []
    if rng.min is not None:
        parts.append(Clause(f"{column} >= ?", [rng.min]))
    if rng.max is not None:
        parts.append(Clause(f"{column} <= ?", [rng.max]))
    return Clause.all_of(parts)


def _local(zone: ZoneInfo) -> Clause:
    """The publish time as local wall-clock time in the project's zone."""
    return Clause("timezone(?, published_at)", [zone.key])


def _attribute_parts(selector: Selector, zone: ZoneInfo) -> list[Clause]:
    """Derived attributes (stored per post at ingest) and the time selectors."""
    parts: list[Clause] = []
    for flag in FLAG_ATTRIBUTES:
        value = getattr(selector, flag)
        if value is not None:
            parts.append(Clause(f"{flag} = ?", [value]))
    if selector.hashtag_count is not None:
        parts.append(_range("hashtag_count", selector.hashtag_count))
    if selector.duration_s is not None:
        parts.append(_range("duration_s", selector.duration_s))
    if selector.format:
        parts.append(Clause("format IN (SELECT unnest(?::VARCHAR[]))", [sorted(set(selector.format))]))
    if selector.weekdays:
        days = sorted({WEEKDAYS.index(d) + 1 for d in selector.weekdays})
        local = _local(zone)
        parts.append(Clause(f"isodow({local.sql}) IN (SELECT unnest(?::INTEGER[]))", [*local.params, days]))
    if selector.hours:
        local = _local(zone)
        parts.append(
            Clause(f"hour({local.sql}) IN (SELECT unnest(?::INTEGER[]))", [*local.params, sorted(set(selector.hours))])
        )
    return parts


def selector_clause(selector: Selector, zone: ZoneInfo) -> Clause:
    """All given conditions of a selector (AND); each list matches any of its values (OR); ``not:`` negates its
    selector. Never NULL: a post whose attribute is unknown (NULL) matches neither ``true`` nor ``false``.
    ``rest`` is not resolved here (see :func:`variant_clauses`); only the selector's other conditions are.

    Reads the ``tag_keys`` and ``label_keys`` columns (see :func:`keyed`).
    """
    parts: list[Clause] = []
    if selector.labels:
        labels = sorted({label.strip().lower() for label in selector.labels})
        parts.append(Clause("list_has_any(label_keys, ?::VARCHAR[])", [labels]))
    if selector.hashtags:
        tags = sorted({normalise_tag(t) for t in selector.hashtags})
        parts.append(Clause("list_has_any(tag_keys, ?::VARCHAR[])", [tags]))
    if selector.post_ids:
        parts.append(Clause("post_id IN (SELECT unnest(?::VARCHAR[]))", [list(selector.post_ids)]))
    if selector.post_type:
        types = sorted({t.strip().lower() for t in selector.post_type})
        parts.append(Clause("lower(post_type) IN (SELECT unnest(?::VARCHAR[]))", [types]))
    if selector.text_contains:
        parts.append(Clause("strpos(lower(text), ?) > 0", [selector.text_contains.lower()]))
    if selector.published is not None:
        parts.append(date_clause(selector.published, zone))
    parts.extend(_attribute_parts(selector, zone))
    if selector.not_ is not None:
        negated = selector_clause(selector.not_, zone)
        parts.append(Clause(f"NOT ({negated.sql})", negated.params))
    inner = Clause.all_of(parts)
    return Clause(f"coalesce({inner.sql}, FALSE)", inner.params)


def variant_clauses(selectors: list[Selector], zone: ZoneInfo) -> list[Clause]:
    """One match clause per variant; a ``rest: true`` variant matches its own conditions and no other variant."""
    own = [selector_clause(s, zone) for s in selectors]
    out = []
    for k, s in enumerate(selectors):
        if not s.rest:
            out.append(own[k])
            continue
        others = Clause.any_of([c for j, c in enumerate(own) if j != k and not selectors[j].rest])
        out.append(Clause(f"({own[k].sql}) AND NOT ({others.sql})", [*own[k].params, *others.params]))
    return out


def scope_clause(experiment: Experiment, zone: ZoneInfo) -> Clause:
    """The experiment's platform, account and window."""
    parts: list[Clause] = []
    if experiment.platform is not None:
        parts.append(Clause("platform = ?", [str(experiment.platform)]))
    if experiment.account:
        parts.append(Clause("lower(account) = ?", [experiment.account.strip().lower()]))
    if experiment.window is not None:
        parts.append(date_clause(experiment.window, zone))
    return Clause.all_of(parts)


def describe_scope(experiment: Experiment) -> str:
    """Plain words for what to ingest: 'facebook posts of account 'X' published 2026-10-26 to 2026-11-22'."""
    what = f"{experiment.platform} posts" if experiment.platform else "posts"
    if experiment.account:
        what += f" of account {experiment.account!r}"
    window = experiment.window
    if window is not None and (window.start or window.end):
        start = window.start.isoformat() if window.start else "the beginning"
        end = window.end.isoformat() if window.end else "today"
        what += f" published {start} to {end}"
    return what


@dataclass(frozen=True)
class VariantSql:
    """The variant-assignment query of one experiment: one row per post in scope, with its variant index."""

    sql: str
    params: list[Any]
    variant_names: tuple[str, ...]


def variant_sql(
    experiment: Experiment, zone: ZoneInfo, source: str, fields: tuple[str, ...], *, has_keys: bool = False
) -> VariantSql:
    """SELECT of the posts in scope with ``m0..mK`` (matches variant k), ``nm`` (how many) and ``v`` (assigned).

    ``source`` is a table or view name with the ``post_latest`` columns (and ``tag_keys``/``label_keys`` when
    ``has_keys``; otherwise they are computed); ``fields`` the metric fields needed.
    A before/after experiment without variants treats every post in scope as one series named 'all'.
    """
    unknown = [f for f in fields if f not in METRIC_FIELDS]
    if unknown:  # pragma: no cover - the catalog only holds canonical fields
        raise ValueError(f"unknown metric fields {unknown}")
    selectors = [v.selector for v in experiment.variants] or [Selector()]
    names = tuple(v.name for v in experiment.variants) or ("all",)
    match_parts = variant_clauses(selectors, zone)
    scope = scope_clause(experiment, zone)
    flags = ", ".join(f"{m.sql} AS m{k}" for k, m in enumerate(match_parts))
    cols = ", ".join(("post_id", "published_at", *fields))
    nm = " + ".join(f"m{k}::INTEGER" for k in range(len(match_parts)))
    case = " ".join(f"WHEN m{k} THEN {k}" for k in range(len(match_parts)))
    src = source if has_keys else keyed(source)
    sql = f"SELECT *, {nm} AS nm, CASE {case} END AS v FROM (SELECT {cols}, {flags} FROM {src} WHERE {scope.sql})"
    params = [p for m in match_parts for p in m.params] + scope.params
    return VariantSql(sql, params, names)
