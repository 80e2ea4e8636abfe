"""Mapping files: the ``generic`` profile (and overrides of any profile), validated with ``file:line`` errors.

.. code-block:: yaml

    platform: mastodon          # required for the generic profile
    account: northwind
    columns:                    # canonical field -> source column name
      post_id: ID
      published_at: Posted at
      text: Content
      impressions: Views
      likes: Favourites
    labels: Tags                # a column of comma-separated labels
    datetime_format: "%d.%m.%Y %H:%M"
    timezone: Europe/Berlin
    delimiter: ";"
    decimal: ","
    thousands: "."
    header_rows: 1
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from agilesocial.errors import YamlError
from agilesocial.plan.common import StrictModel
from agilesocial.plan.metrics import METRIC_FIELDS
from agilesocial.warehouse.profiles import POST_FIELDS, ROW_DATE, Col, Conv, Shape, Target, shapes_for
from agilesocial.warehouse.schema import ACCOUNT_DAILY_FIELDS

POST_COLUMN_KEYS: tuple[str, ...] = (*POST_FIELDS, ROW_DATE, *METRIC_FIELDS)
ACCOUNT_COLUMN_KEYS: tuple[str, ...] = ("date", *ACCOUNT_DAILY_FIELDS)
_CONV: dict[str, Conv] = {
    "post_id": "id",
    "account": "text",
    "post_type": "text",
    "text": "text",
    "permalink": "text",
    "published_at": "datetime",
    "labels": "labels",
    ROW_DATE: "date",
    "date": "date",
    "watch_time_seconds": "duration",
    "duration_s": "duration",
}


class Mapping(StrictModel):
    """A mapping file: which source column holds each canonical field, and how the file is written."""

    platform: str | None = Field(
        None, pattern=r"^[a-z][a-z0-9_]{0,30}$", description="Platform name stored with every row (generic profile)."
    )
    account: str | None = Field(None, min_length=1, description="Account name stored with every row.")
    columns: dict[str, str] = Field(default_factory=dict, description="Canonical field -> source column name.")
    labels: str | None = Field(None, min_length=1, description="A column of comma-separated labels.")
    datetime_format: str | None = Field(None, description="strptime format of the time column, e.g. '%d.%m.%Y %H:%M'.")
    timezone: str | None = Field(None, description="IANA zone of naive times, e.g. Europe/Berlin.")
    delimiter: str | None = Field(None, min_length=1, max_length=1, description="Field delimiter (default: sniffed).")
    decimal: Literal[".", ","] | None = Field(None, description="Decimal separator (default '.', ',' with ';').")
    thousands: Literal[",", ".", " ", "'", ""] | None = Field(None, description="Thousands separator.")
    header_rows: int = Field(1, ge=1, le=3, description="Header rows (the second, if any, is descriptions).")

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, v: dict[str, str]) -> dict[str, str]:
        allowed = (*POST_COLUMN_KEYS, *ACCOUNT_COLUMN_KEYS)
        for key, source in v.items():
            if key not in allowed:
                raise ValueError(f"unknown canonical field {key!r}; use one of: {', '.join(dict.fromkeys(allowed))}")
            if not isinstance(source, str) or not source.strip():
                raise ValueError(f"columns.{key} must name a source column")
        return v

    @model_validator(mode="after")
    def _separators_differ(self) -> Mapping:
        if self.delimiter in ('"', "\n", "\r"):
            raise ValueError(f"delimiter {self.delimiter!r} cannot separate fields; use ',', ';' or a tab")
        if self.decimal is not None and self.decimal == self.thousands:
            raise ValueError(f"decimal and thousands are both {self.decimal!r}: a number could be read two ways")
        return self

    @field_validator("datetime_format")
    @classmethod
    def _format(cls, v: str | None) -> str | None:
        if v is not None and "%" not in v:
            raise ValueError("a strptime format needs % codes, e.g. '%Y-%m-%d %H:%M'")
        if v is not None and not any(code in v for code in ("%Y", "%y", "%G", "%c", "%x", "%D", "%F", "%s")):
            # without one, strptime silently dated every row in the year 1900
            raise ValueError(f"datetime_format {v!r} has no year (%Y or %y): every row would be dated 1900")
        return v

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}; use an IANA name such as Europe/Amsterdam") from None
        return v


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; the first problem is raised as a located :class:`YamlError` (exit 2)."""
    from agilesocial.plan.loader import Document, parse_document
    from agilesocial.plan.yamlload import load_yaml

    try:
        source = load_yaml(path)
    except YamlError as exc:
        exc.exit_code = 2
        raise
    columns = source.data.get("columns") if isinstance(source.data, dict) else None
    if isinstance(columns, dict):
        allowed = list(dict.fromkeys((*POST_COLUMN_KEYS, *ACCOUNT_COLUMN_KEYS)))
        for key in columns:
            if key not in allowed:
                line, col = source.locate(("columns", key))
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                raise YamlError(
                    f"unknown canonical field {key!r} in columns",
                    path=path,
                    line=line,
                    column=col,
                    hint=f"did you mean {close[0]!r}?" if close else f"use one of: {', '.join(allowed)}",
                    exit_code=2,
                )
    doc = parse_document(source, Mapping)
    if isinstance(doc, Document):
        mapping: Mapping = doc.model
        return mapping
    first = doc[0]
    more = f" (and {len(doc) - 1} more)" if len(doc) > 1 else ""
    raise YamlError(
        first.message + more, path=first.path, line=first.line, column=first.column, hint=first.hint, exit_code=2
    )


def generic_shape(mapping: Mapping, mapping_path: Path) -> Shape:
    """The ``generic`` profile's shape for a mapping file."""
    cols = dict(mapping.columns)
    if mapping.labels:
        cols["labels"] = mapping.labels
    if not cols:
        raise YamlError(
            "the generic profile needs 'columns'",
            path=mapping_path,
            line=1,
            exit_code=2,
            hint="map at least post_id (or date) and one metric",
        )
    if mapping.platform is None:
        raise YamlError(
            "the generic profile needs 'platform'",
            path=mapping_path,
            line=1,
            exit_code=2,
            hint="add e.g. 'platform: mastodon'",
        )
    if not {"post_id", "permalink", "date"} & set(cols):
        raise YamlError(
            "columns must map post_id (a per-post file) or date (an account-level file)",
            path=mapping_path,
            line=1,
            exit_code=2,
        )
    target: Target = (
        "account_daily" if "date" in cols and "post_id" not in cols and "permalink" not in cols else "posts"
    )
    return Shape(
        profile="generic",
        name="generic",
        platform=mapping.platform,
        target=target,
        signature=tuple((name,) for name in cols.values()),
        columns={k: Col((v,), _CONV.get(k, "count")) for k, v in cols.items()},
        description=f"mapping {mapping_path.name}",
        engagements_sum=("likes", "comments", "shares", "saves"),
        header_rows=mapping.header_rows,
        timezone=mapping.timezone,
        datetime_formats=(mapping.datetime_format,) if mapping.datetime_format else (),
        decimal=mapping.decimal,
        thousands=mapping.thousands,
        delimiter=mapping.delimiter,
        account=mapping.account,
    )


def apply_mapping(profile: str | None, mapping: Mapping | None, mapping_path: Path | None) -> tuple[Shape, ...]:
    """The shapes to try for a file: the generic shape, a profile's shapes (extended by the mapping), or all."""
    if mapping is None or mapping_path is None:
        if profile == "generic":
            raise YamlError(
                "the generic profile needs --mapping FILE", exit_code=2, hint="write a mapping YAML (see the README)"
            )
        return shapes_for(profile)
    if profile in (None, "generic"):
        return (generic_shape(mapping, mapping_path),)
    shapes = []
    for shape in shapes_for(profile):
        cols = dict(shape.columns)
        for key, source in mapping.columns.items():
            cols[key] = Col((source,), _CONV.get(key, "count"))
        if mapping.labels:
            cols["labels"] = Col((mapping.labels,), "labels")
        shapes.append(
            Shape(
                **{
                    **shape.__dict__,
                    "columns": cols,
                    "platform": mapping.platform or shape.platform,
                    "account": mapping.account or shape.account,
                    "timezone": mapping.timezone or shape.timezone,
                    "datetime_formats": (mapping.datetime_format,)
                    if mapping.datetime_format
                    else shape.datetime_formats,
                    "decimal": mapping.decimal or shape.decimal,
                    "thousands": mapping.thousands if mapping.thousands is not None else shape.thousands,
                    "delimiter": mapping.delimiter or shape.delimiter,
                    "header_rows": mapping.header_rows if mapping.header_rows != 1 else shape.header_rows,
                }
            )
        )
    return tuple(shapes)
