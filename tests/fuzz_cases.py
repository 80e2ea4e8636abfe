"""The fuzz suite's files: hypothesis strategies that mutate the real-shaped export of a profile (rows, values,
columns, bytes) and write it as a CSV file or an ``.xlsx`` workbook (see test_fuzz_ingest.py)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from fuzz_oracle import Spec, norm
from fuzz_specs import EXPORTS

COUNT_TEXTS = [
    "0", "7", "1777.0", "1777.", " 12 ", "+5", "-5", "-0", "1.5", "12%", "NaN", "nan", "-", "--", "", "n/a",
    "N/A", "undefined", "null", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "99999999999999999999", "1.2E+4", "1.2345E+2", "1E-3", "8.03E-4", "Infinity", "0x10", "1_000", "1e3",
    "1,234", "1,234.0", "1,234.5", "12,34", "1.234", "10.500,0", "1,5", "1 234", "1\u00a0234", "1'234",
    "=1+2", "abc",
]  # fmt: skip
DECIMAL_TEXTS = [
    "10.25", "10,25", "1,234.5", "1.234,5", "12%", "NaN", "", "-", "inf", "1e400", "8.03E-4", ".5", "1.", "0:03:11",
    "1:23:20", "3:05", "abc", "7", "-1.5", "-0:30",
]  # fmt: skip
TEXT_CHARS = st.sampled_from([*"ab Z,;\"'\n\r\t#=é€ü😀-", "\r\n", '""', "\u00a0"])
SUMMARY_IDS = ["Total", "Totals", "total ", "TOTAL", "Grand total", "Summary", "", " ", "-"]
BAD_DATES = ["", "not a date", "2026-02-30 10:00", "13/45/2026 10:00", "2026-11-02 16:00 +2500", "Lifetime"]
BAD_DAYS = ["", " ", "-", "not a date", "2026-02-30", "13/45/2026", "Lifetime", "1899-12-31", "Total"]


def _base(spec: Spec) -> tuple[list[str], list[str], list[list[str]]]:
    """The fixture as (preamble lines, header, rows); a description row (two-header files) is the first row."""
    text = spec.inline or (EXPORTS / spec.fixture).read_text(encoding=spec.source_encoding).removeprefix("\ufeff")
    recs = list(csv.reader(io.StringIO(text, newline=""), delimiter=spec.delimiter))
    pre = text.splitlines()[: spec.preamble]
    return pre, recs[spec.preamble], [r for r in recs[spec.preamble + 1 :] if r]


def _new_id(spec: Spec, old: str, k: int) -> str:
    """A fresh key for an extra row, in the column's form (a link keeps its shape; a date moves on)."""
    if spec.target == "account_daily":
        fmt = spec.date_formats[0]
        return (datetime.strptime(old.strip(), fmt) + timedelta(days=40 + k)).strftime(fmt)
    m = re.search(r"[0-9]{6,}", old)
    if m:
        return old[: m.start()] + str(int(m.group(0)) + 1000 + k) + old[m.end() :]
    return f"vid{k:03d}_ab-Z"  # YouTube's 11-character ids


def _variant(name: str, how: int) -> str:
    """A header name the docs say must still match (case, spacing, parentheses of an Excel re-save)."""
    return [name.upper(), f" {name} ", name.replace("(", "").replace(")", ""), name.title(), name.replace(" ", "  ")][
        how % 5
    ]


def _row_mutations(draw: st.DrawFn, spec: Spec, header: list[str], rows: list[list[str]], kinds: list[str]) -> None:
    """Extra and repeated rows, good and bad values, text, dates, ids, summary, junk and blank rows (in place)."""
    data = rows[spec.header_rows - 1 :]
    described = rows[: spec.header_rows - 1]
    id_at = next(i for i, h in enumerate(header) if norm(h) == spec.id_column)
    counted = [i for i, h in enumerate(header) if any(norm(h) in names for names in spec.counts.values())]
    dated = next((i for i, h in enumerate(header) if norm(h) == (spec.published or spec.id_column)), None)
    text_at = [i for i, h in enumerate(header) if norm(h) in spec.text]
    for k in range(draw(st.integers(0, 4))):  # extra rows, values drawn below
        row = list(draw(st.sampled_from(data)))
        row[id_at] = _new_id(spec, row[id_at], k)
        data.append(row)
    if draw(st.integers(0, 5)) == 0:  # a repeated key: the last row wins
        data.append(list(draw(st.sampled_from(data))))
        kinds.append("repeated")
    for _ in range(draw(st.integers(0, 5))):  # counts: good, extreme and malformed texts
        r, c = draw(st.integers(0, len(data) - 1)), draw(st.sampled_from(counted))
        data[r][c] = draw(st.sampled_from(COUNT_TEXTS) | st.integers(0, 10**12).map(str))
        kinds.append("count")
    watched = [i for i, h in enumerate(header) if norm(h) in spec.watch]
    for _ in range(draw(st.integers(0, 2)) if watched else 0):  # watch time: hours, seconds, h:mm:ss
        data[draw(st.integers(0, len(data) - 1))][watched[0]] = draw(st.sampled_from(DECIMAL_TEXTS))
        kinds.append("decimal")
    for _ in range(draw(st.integers(0, 3))):  # text with quotes, delimiters, line breaks, emoji
        if text_at:
            r = draw(st.integers(0, len(data) - 1))
            data[r][draw(st.sampled_from(text_at))] = "".join(draw(st.lists(TEXT_CHARS, max_size=12)))
            kinds.append("text")
    if dated is not None and draw(st.integers(0, 5)) == 0:
        bad = BAD_DAYS if spec.target == "account_daily" else BAD_DATES
        data[draw(st.integers(0, len(data) - 1))][dated] = draw(st.sampled_from(bad))
        kinds.append("date")
    if spec.target == "posts" and draw(st.integers(0, 6)) == 0:  # ids: padded, mangled by Excel
        r = draw(st.integers(0, len(data) - 1))
        old = data[r][id_at]
        data[r][id_at] = draw(st.sampled_from([f" {old} ", "1.22158E+17", "122158000000000000.00"]))
        kinds.append("id")
    for _ in range(draw(st.integers(0, 2))):  # summary rows, anywhere
        row = [draw(st.sampled_from(COUNT_TEXTS)) for _ in header]
        row[id_at] = draw(st.sampled_from(SUMMARY_IDS))
        data.insert(draw(st.integers(0, len(data))), row)
        kinds.append("summary")
    if draw(st.integers(0, 5)) == 0:  # a junk row: wrong width, or garbage in a count
        width = draw(st.integers(1, len(header) + 2))
        data.insert(draw(st.integers(0, len(data))), [draw(st.sampled_from(["junk", "1", ""])) for _ in range(width)])
        kinds.append("junk")
    if draw(st.integers(0, 5)) == 0:
        data.insert(draw(st.integers(0, len(data))), [])  # a blank line
        kinds.append("blank")
    rows[:] = described + data


@st.composite
def cases(draw: st.DrawFn, spec: Spec) -> dict[str, Any]:
    pre, header, rows = _base(spec)
    header, rows = list(header), [list(r) for r in rows]
    kinds: list[str] = []
    _row_mutations(draw, spec, header, rows, kinds)
    # columns: drop, rename, reorder
    keep = [i for i, h in enumerate(header) if norm(h) in spec.protected or draw(st.integers(0, 5)) != 0]
    names = list(header)
    for i in range(len(header)):
        how = draw(st.integers(0, 12))
        if how < 5:
            names[i] = _variant(header[i], how)
        elif how == 5 and norm(header[i]) not in spec.protected:
            names[i] = f"Extra column {i}"
    order = draw(st.permutations(keep))
    table = [[names[i] for i in order]] + [[r[i] for i in order] if len(r) == len(header) else r for r in rows]
    if len(keep) < len(header):
        kinds.append("drop")
    skip = draw(st.integers(0, 2)) == 0  # --skip-bad-rows
    tz = spec.zone or draw(st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata"]))
    case = {"tz": tz, "skip": skip, "kinds": kinds, "name": spec.file_name, "encoding": "utf-8"}
    if spec.sheets and draw(st.integers(0, 5)) == 0:  # an .xlsx workbook
        kinds.append("xlsx")
        return {**case, **workbook(draw, spec, pre, table), "may_refuse": False}
    return {**case, **_csv_bytes(draw, spec, pre, table, kinds)}


def _csv_bytes(draw: st.DrawFn, spec: Spec, pre: list[str], table: list[list[str]], kinds: list[str]) -> dict[str, Any]:
    """The table as a CSV file: quoting, line endings, encoding, truncation."""
    quote_all = spec.quote_all or draw(st.booleans())
    eol = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    ends = [
        draw(st.sampled_from(["\n", "\r\n", "\r"])) if eol == "mixed" else eol for _ in range(len(pre) + len(table))
    ]
    out = io.StringIO()
    for line, end in zip(pre, ends, strict=False):
        out.write(line + end)
    for rec, end in zip(table, ends[len(pre) :], strict=True):
        w = csv.writer(out, delimiter=spec.delimiter, lineterminator=end, quoting=csv.QUOTE_ALL if quote_all else 0)
        w.writerow(rec)
    text = out.getvalue()
    if not draw(st.integers(0, 5)):
        text = text.rstrip("\r\n")  # no line break after the last row
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        encoding, raw = "utf-8", text.encode("utf-8")
    cut = None
    if draw(st.integers(0, 7)) == 0:
        cut = draw(st.integers(len(raw) // 2, len(raw) - 1))
        raw = raw[:cut]
        kinds.append("truncated")
    mixed = len(set(ends)) > 1
    if mixed:
        kinds.append("mixed_eol")
    return {"raw": raw, "encoding": encoding, "may_refuse": mixed or cut is not None}


def workbook(draw: st.DrawFn, spec: Spec, pre: list[str], table: list[list[str]]) -> dict[str, Any]:
    """The table as the first sheet of an ``.xlsx`` workbook (openpyxl): text cells, or (drawn) typed cells as a
    spreadsheet stores them: whole and decimal numbers in count columns, dates and times in date columns."""
    import openpyxl

    typed = draw(st.booleans())
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(draw(st.sampled_from(["Sheet1", "All posts", "Data"])))
    for line in pre:
        sheet.append([line])
    header = [norm(h) for h in table[0]]
    date_at = header.index(spec.published or spec.id_column) if (spec.published or spec.id_column) in header else -1
    counted = {i for i, h in enumerate(header) if any(h in names for names in spec.counts.values())}
    for n, rec in enumerate(table):
        cells: list[Any] = list(rec)
        if typed and n >= spec.header_rows and len(rec) == len(header):
            cells = [_typed(spec, c, i == date_at, i in counted) for i, c in enumerate(rec)]
        sheet.append(cells)
    if draw(st.booleans()):
        book.create_sheet("Read me").append(["Exported from the page's analytics; see the other sheet."])
    out = io.BytesIO()
    book.save(out)
    return {"raw": out.getvalue(), "name": Path(spec.file_name).stem + ".xlsx", "xlsx": True}


def _typed(spec: Spec, cell: str, dated: bool, counted: bool) -> Any:
    if counted and re.fullmatch(r"[0-9]{1,15}", cell):
        return int(cell)
    if counted and spec.decimal == "." and re.fullmatch(r"[0-9]{1,12}\.[0-9]{1,3}", cell):
        return float(cell)
    if dated:
        for fmt in spec.date_formats:
            if "%z" not in fmt:
                try:
                    return datetime.strptime(cell, fmt)
                except ValueError:
                    pass
    return cell
