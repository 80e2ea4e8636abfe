"""Shared building blocks of the plan models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
        description="Identifier: letters, digits, '-', '_' or '.', at most 64 characters.",
        examples=["acme-social"],
    ),
]
NonEmptyStr = Annotated[str, Field(min_length=1)]
Percent = Annotated[float, Field(ge=0, le=100)]
Probability = Annotated[float, Field(gt=0, lt=1)]


class StrictModel(BaseModel):
    """Base for every YAML model: unknown keys are errors, strings are stripped, numbers are finite (``.inf``,
    ``.nan`` and ``1e400`` are refused where they are written, not met later as a crash in the statistics)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=True, allow_inf_nan=False)
