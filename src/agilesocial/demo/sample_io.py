"""Shared bits of the sample-export generators: dates of the demo sprint, the page's time zone, CSV writing."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SPRINT_START, SPRINT_END = date(2026, 10, 26), date(2026, 11, 22)
TZ = ZoneInfo("Europe/Amsterdam")


def write_csv(
    path: Path,
    header: list[str],
    rows: list[list[Any]],
    *,
    encoding: str = "utf-8",
    quote_all: bool = False,
    preamble: list[str] | None = None,
    newline: str = "\n",
) -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        for line in preamble or []:
            fh.write(line + newline)
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(rows)


def cols(spec: str) -> list[str]:
    """Column names written as one '|'-separated string (they contain commas)."""
    return spec.split("|")


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
