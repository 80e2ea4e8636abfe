"""Shared building blocks of the plan models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

Id = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
        description="Identifier: letters, digits, '-', '_' or '.', at most 64 characters.",
        examples=["acme-social"],
    ),
]
NonEmptyStr = Annotated[str, Field(min_length=1)]
#: The dates a plan may name (a sprint, a window, a deadline): wide enough for any real plan, narrow enough that a
#: week or a day added to them stays a date.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2999, 12, 31)
Percent = Annotated[float, Field(ge=0, le=100)]
Probability = Annotated[float, Field(gt=0, lt=1)]


class StrictModel(BaseModel):
    """Base for every YAML model: unknown keys are errors, strings are stripped, numbers are finite (``.inf``,
    ``.nan`` and ``1e400`` are refused where they are written, not met later as a crash in the statistics)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _dates_in_range(cls, value: Any) -> Any:
        """Dates from 1900 to 2999: ``9999-12-31`` as a window's end overflowed the day after it (a traceback in
        ``analyze`` and ``retro``)."""
        day = value.date() if isinstance(value, datetime) else value
        if isinstance(day, date) and not FIRST_DATE <= day <= LAST_DATE:
            raise ValueError(f"date {day.isoformat()} is outside {FIRST_DATE.year}-{LAST_DATE.year}")
        return value
