"""The files an ingest reads and what their names say: paths, folders and globs expanded to export files, each
file's sha256 (the idempotency key), the snapshot date and the account a file name carries."""

from __future__ import annotations

import glob
import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from agilesocial.errors import DataError
from agilesocial.warehouse.profiles import Shape
from agilesocial.warehouse.workbook import WORKBOOK_SUFFIXES

CSV_SUFFIXES = (".csv", ".tsv")
EXPORT_SUFFIXES = (*CSV_SUFFIXES, *WORKBOOK_SUFFIXES)


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files, folders (their CSV files, sorted) and globs -> a de-duplicated, ordered list of files."""
    out: dict[Path, None] = {}
    for p in paths:
        text = str(p)
        if not p.exists() and any(ch in text for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))
            if not matches:
                raise DataError("no files match this pattern", path=text)
            for m in matches:
                if m.is_file():
                    out.setdefault(m, None)
        elif p.is_dir():
            for m in sorted(p.rglob("*")):
                if m.is_file() and m.suffix.lower() in EXPORT_SUFFIXES and not _skipped_in_folder(m.relative_to(p)):
                    out.setdefault(m, None)
        elif p.is_file():
            out.setdefault(p, None)
        elif p.exists():  # /dev/stdin, a named pipe, a device: nothing to checksum or read twice
            raise DataError(
                "not a file or folder (a device, pipe or socket)", path=p, hint="give export files or folders"
            )
        elif p.is_symlink():
            raise DataError(
                "a link to nothing (its target is missing, or links loop)", path=p, hint="link to the export itself"
            )
        else:
            raise DataError("no such file or folder", path=p)
    if not out:
        shown = ", ".join(str(p) for p in paths) or "(nothing given)"
        raise DataError(
            f"no export files found in {shown}",
            hint=f"give exports ({', '.join(sorted(EXPORT_SUFFIXES))}) or folders that hold them",
        )
    return list(out)


def _skipped_in_folder(rel: Path) -> bool:
    """Inside a folder: hidden folders (``.agile-social/`` with its rejects CSVs, ``.venv/``) and rejects files are
    not exports; named explicitly, they are still read."""
    hidden = any(part.startswith(".") for part in rel.parts[:-1]) or rel.name.startswith("~$")  # Excel's lock file
    return hidden or rel.name.endswith(".rejects.csv")


def file_sha256(path: Path, on_part: Callable[[float], None] | None = None) -> str:
    """The file's sha256; ``on_part`` hears the fraction read so far."""
    digest = hashlib.sha256()
    size, done = max(path.stat().st_size, 1), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            done += len(chunk)
            if on_part is not None:
                on_part(done / size)
    return digest.hexdigest()


def snapshot_date(shape: Shape, path: Path, today: date) -> date:
    """Lifetime snapshots are dated by the file name's end date where it has one (X), else by the ingest date."""
    if shape.snapshot_from_filename:
        m = re.search(shape.snapshot_from_filename, path.name, re.IGNORECASE)
        if m:
            try:
                return datetime.strptime(m.group(1), "%Y%m%d").date()
            except ValueError:
                pass
    return today


def account_for(shape: Shape, path: Path, override: str | None) -> str | None:
    """--account, else the mapping's account, else the file name (X, LinkedIn, legacy Facebook Insights) or, for a
    file a platform names generically, its folder's name (YouTube's ``Content <dates> <channel>/Table data.csv``);
    None means 'from a column, if any'."""
    if override:
        return override
    if shape.account:
        return shape.account
    if shape.account_from_filename:
        for name in (path.name, f"{path.parent.name}/{path.name}"):
            m = re.search(shape.account_from_filename, name)
            if m and m.group(1).strip():
                return m.group(1).strip()
    return None


def check_options(account: str | None, year: int | None, timezone: str) -> str | None:
    """Refuse option values no export can use, before any file is read (they used to surface as a bad cell or a
    "malformed CSV" in the first file, or to store an account name with escape sequences); returns the account."""
    if year is not None and not 1900 <= year <= 9999:
        raise DataError(
            f"--year {year} is not a year of a platform export",
            hint="pass the year of the file's most recent day, e.g. --year 2026",
        )
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise DataError(
            f"unknown time zone {timezone!r}", hint="use an IANA name such as Europe/Amsterdam, America/New_York or UTC"
        ) from None
    if account is None:
        return None
    if not account.strip() or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in account):
        raise DataError(
            f"--account {account!r} is empty or holds control characters",
            hint="pass the account's name as the platform shows it, e.g. --account northwindcoffee",
        )
    return account.strip()
