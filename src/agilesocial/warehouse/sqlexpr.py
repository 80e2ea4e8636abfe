"""SQL expression builders for typed conversion of all-VARCHAR export columns.

Raw columns are named ``c0``, ``c1`` … by position, so header text never becomes an identifier; user-supplied strings
(time zones, date formats, file paths) travel as named parameters collected in :class:`Params`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agilesocial.warehouse import monthdates as md

#: ``--year`` (the year of a year-less file's most recent day), or a year function built from it (:mod:`.yearless`)
Year = int | md.YearFn | None

#: Values that mean "not applicable" rather than zero.
NULL_WORDS = ("", "-", "--", "undefined", "n/a", "nan", "null", "none")

#: What a post id is trimmed of at either end: blanks of every kind (tab, no-break and other Unicode spaces) and the
#: invisible characters a copy from a web page leaves (zero-width spaces and joiners, direction marks and isolates,
#: byte-order marks). Kept, ``'1001\u200b'`` became a second post beside ``'1001'`` that no one can tell apart.
ID_TRIM = (
    " \t\n\r\v\f\u00a0\u1680\u180e" + "".join(chr(c) for c in range(0x2000, 0x200F + 1))
    + "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u202f\u205f\u2060\u2066\u2067\u2068\u2069\u3000\ufeff"
)  # fmt: skip


def trim_id(v: str) -> str:
    """``v`` without the blanks and invisible characters of :data:`ID_TRIM` at either end. A value that starts and
    ends with a visible ASCII character (nearly every id) has none: it is taken as it is, since trimming a set of
    characters costs over a second per million cells."""
    visible = f"ascii({v}) BETWEEN 33 AND 126 AND ascii(right({v}, 1)) BETWEEN 33 AND 126"
    return f"CASE WHEN {visible} THEN {v} ELSE trim({v}, {quote_literal(ID_TRIM)}) END"


#: Time formats with an explicit offset, tried first (X: ``2021-11-30 16:00 +0000``).
ZONED_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
)
#: Naive time and date formats (read in the profile's / project's zone). Month-first, as the platforms write them.
#: Two-digit-year forms (Excel re-saves: ``10/1/24 3:30``, ``27-Apr-23``) come BEFORE their ``%Y`` twins: DuckDB's
#: ``%Y`` accepts ``24`` as the year 0024, while ``%y`` cannot match a four-digit year (the rest would not parse).
NAIVE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y",
    "%d-%b-%y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d-%b-%Y",
    "%b %d %Y",
    "%B %d %Y",
    "%a, %d %b %Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    # day-first with dots: an Excel re-save on a German-style locale (``02.11.2026 09:15``, ``02.11.26``)
    "%d.%m.%y %H:%M",
    "%d.%m.%y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y",
)
#: What a month-name date (``8 de marzo``, ``November 2``) is rewritten to before parsing (see :mod:`.monthdates`).
ISO_FORMATS: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
YEARLESS_RE = md.YEARLESS_RE
#: Parsed years before this are misreads (a two-digit year read by ``%Y`` in a user's format), not real posts.
MIN_YEAR = 1900
#: A trailing UTC offset no place has (real ones run from -12:00 to +14:00, minutes below 60).
BAD_OFFSET_RE = "[+-](1[5-9]|[2-9][0-9]):?[0-9]{2}$|[+-][0-9]{2}:?[6-9][0-9]$"


@dataclass
class Params:
    """Named query parameters, added as values are needed."""

    values: dict[str, Any] = field(default_factory=dict)

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def quote_ident(name: str) -> str:
    """A safely quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A safely quoted SQL string literal (only where DuckDB does not accept a parameter, e.g. COPY TO)."""
    return "'" + value.replace("'", "''") + "'"


#: Thousands separators a count may use between groups of three digits (besides the one that is not the decimal).
_GROUP_SEPARATORS = " \u00a0\u202f'"


def blank(v: str) -> str:
    words = ", ".join(f"'{w}'" for w in NULL_WORDS)
    return f"({v} IS NULL OR lower(trim({v})) IN ({words}))"


def number(v: str, decimal: str = ".") -> str:
    """A DOUBLE parsed from the text of a decimal cell (hours, seconds): see :func:`decimal_patterns`. Anything else
    gives NULL, which the check pass reports with the cell (``10,25`` in a file whose decimal point is ``.`` was read
    as 1025; ``12%`` of an hour as 12)."""
    plain, grouped, scientific = decimal_patterns(decimal)
    t = f"trim({v})"
    separators = quote_literal("[" + re.escape("," if decimal == "." else ".") + _GROUP_SEPARATORS + "]")
    ungrouped = f"regexp_replace({t}, {separators}, '', 'g')"
    if decimal == ",":
        plain_value, grouped_value = f"replace({t}, ',', '.')", f"replace({ungrouped}, ',', '.')"
    else:
        plain_value, grouped_value = t, ungrouped
    return (
        f"CASE WHEN regexp_full_match({t}, {quote_literal(plain)}) THEN TRY_CAST({plain_value} AS DOUBLE)"
        f" WHEN regexp_full_match({t}, {quote_literal(grouped)}) THEN TRY_CAST({grouped_value} AS DOUBLE)"
        f" WHEN regexp_full_match({t}, {quote_literal(scientific)}) THEN TRY_CAST({t} AS DOUBLE) END"
    )


def decimal_patterns(decimal: str = ".") -> tuple[str, str, str]:
    """(plain, grouped, scientific): the texts a decimal may be written as. Plain: digits with an optional fraction
    (``10.25``, ``.5``); grouped: thousands separators between groups of three (``1,234.5``; ``1.234,5`` when the
    decimal separator is ``,``); scientific: ``8.03E-4`` (exponents up to two digits). No ``%``, no infinity."""
    dec = re.escape(decimal)
    sep = re.escape("," if decimal == "." else ".") + _GROUP_SEPARATORS
    plain = f"[+-]?([0-9]+({dec}[0-9]*)?|{dec}[0-9]+)"
    grouped = f"[+-]?[0-9]{{1,3}}([{sep}][0-9]{{3}})+({dec}[0-9]*)?"
    return plain, grouped, "[+-]?[0-9]+([.][0-9]+)?[eE][+-]?[0-9]{1,2}"


#: A count in scientific notation (Excel: ``1.2E+4``): read exactly from its digits, kept only if whole.
SCIENTIFIC_RE = "[+-]?[0-9]+([.][0-9]+)?[eE][+]?[0-9]{1,2}"


def count_patterns(decimal: str = ".") -> tuple[str, str]:
    """(plain, grouped): the texts a count may be written as. Plain: digits with an optional all-zero fraction
    (``1777.0``); grouped: thousands separators between groups of three (``1,234``, ``1 234``, ``1.234`` when the
    decimal separator is ``,``). Besides these only :data:`SCIENTIFIC_RE` when it is a whole number. Nothing else:
    no ``%``, no ``NaN``, no non-zero fraction."""
    dec = re.escape(decimal)
    sep = re.escape("," if decimal == "." else ".") + _GROUP_SEPARATORS
    plain = f"[+-]?[0-9]+({dec}0*)?"
    grouped = f"[+-]?[0-9]{{1,3}}([{sep}][0-9]{{3}})+({dec}0*)?"
    return plain, grouped


def count(v: str, decimal: str = ".", scale: float = 1.0) -> str:
    """A BIGINT parsed exactly from the text of a count cell (never through floating point): see
    :func:`count_patterns`. Anything else, or a value beyond BIGINT, gives NULL, which the check pass reports with
    the cell. ``scale`` (mapping files) multiplies an exact decimal and must give a whole number."""
    plain, grouped = count_patterns(decimal)
    t = f"trim({v})"
    dec = "\\." if decimal == "." else ","
    whole = f"regexp_replace({t}, '{dec}0*$', '')"
    digits = f"regexp_replace({whole}, '[^0-9+-]', '', 'g')"
    exact = f"TRY_CAST({t} AS DECIMAL(38, 10))"  # exact from the text, exponent included
    value = (
        f"CASE WHEN regexp_full_match({t}, {quote_literal(plain)}) THEN TRY_CAST({whole} AS BIGINT)"
        f" WHEN regexp_full_match({t}, {quote_literal(grouped)}) THEN TRY_CAST({digits} AS BIGINT)"
        f" WHEN regexp_full_match({t}, '{SCIENTIFIC_RE}') AND {exact} = trunc({exact})"
        f" THEN TRY_CAST({exact} AS BIGINT) END"
    )
    if scale == 1.0:
        return f"coalesce({canonical_integer(v, decimal)}, {value})"
    exact = f"TRY_CAST(replace({t}, ',', '.') AS DECIMAL(38, 9)) * {Decimal(repr(float(scale)))}"
    return f"(SELECT CASE WHEN x = round(x) THEN TRY_CAST(x AS BIGINT) END FROM (SELECT {exact} AS x))"


def canonical_integer(v: str, decimal: str = ".") -> str:
    """The BIGINT a cell holds when its text is exactly how that integer prints (``1777``, ``-5``), optionally
    followed by ``.0`` (``,0`` when ``,`` is the decimal separator): else NULL. Cheap (two casts, no regular
    expression), and exact: such a text is one the patterns of :func:`count_patterns` read as the same integer, so
    :func:`count` tries this first and runs its regular expressions only on the cells it leaves NULL (``-``,
    ``1,234``, ``007``, bad cells)."""
    zero = quote_literal(("." if decimal == "." else ",") + "0")
    digits = f"CASE WHEN suffix({v}, {zero}) THEN left({v}, -2) ELSE {v} END"
    return f"CASE WHEN TRY_CAST({digits} AS BIGINT)::VARCHAR = {digits} THEN TRY_CAST({digits} AS BIGINT) END"


def decimal_value(v: str, decimal: str = ".", scale: float = 1.0) -> str:
    """A DOUBLE (hours, seconds) from its text (:func:`number`) times ``scale``."""
    # ``NaN``, ``NAN`` (TikTok) are missing words, never parsed; ``inf`` and ``%`` are no decimal's text
    return number(v, decimal) if scale == 1.0 else f"({number(v, decimal)} * {float(scale)!r})"


def duration(v: str, decimal: str = ".", scale: float = 1.0) -> str:
    """Seconds from ``h:mm:ss``, ``m:ss`` or a plain number (times ``scale``)."""
    t = f"trim({v})"
    hms = (
        f"TRY_CAST(split_part({t}, ':', 1) AS DOUBLE) * 3600 + TRY_CAST(split_part({t}, ':', 2) AS DOUBLE) * 60"
        f" + TRY_CAST(split_part({t}, ':', 3) AS DOUBLE)"
    )
    ms = f"TRY_CAST(split_part({t}, ':', 1) AS DOUBLE) * 60 + TRY_CAST(split_part({t}, ':', 2) AS DOUBLE)"
    return (
        f"CASE WHEN regexp_full_match({t}, '[0-9]+:[0-9]{{1,2}}:[0-9]{{1,2}}(\\.[0-9]+)?') THEN {hms}"
        f" WHEN regexp_full_match({t}, '[0-9]+:[0-9]{{1,2}}(\\.[0-9]+)?') THEN {ms}"
        f" ELSE {decimal_value(v, decimal, scale)} END"
    )


def date_text(v: str, params: Params, year: Year = None, seen: frozenset[str] = frozenset()) -> str:
    """The text a date/time cell is parsed from: trimmed; month-name dates (``8 de marzo``, ``November 2``) rewritten
    to ``YYYY-MM-DD`` when a sample of the file has such dates the formats cannot read (``seen``), year-less ones
    taking ``year``. Other columns pay nothing for the rewrite (regular expressions per cell), even with ``--year``."""
    if md.REWRITE not in seen:
        return f"trim({v})"
    year_fn: md.YearFn | None = year if callable(year) else None
    if isinstance(year, int):
        fixed = params.add(year)
        year_fn = lambda _md: fixed  # noqa: E731
    return f"coalesce({md.iso_text(v, params, year_fn)}, trim({v}))"


def _with_iso(formats: list[str], t: str) -> list[str]:
    """A mapping's own formats, plus the forms month-name dates are rewritten to (when they are)."""
    return formats if t.startswith("trim(") else [*formats, *(f for f in ISO_FORMATS if f not in formats)]


def candidate_formats(formats: tuple[str, ...] = (), *, zoned: bool = True) -> list[str]:
    """Every format :func:`timestamp` (``zoned``) or :func:`date` may try, in their order of precedence."""
    if formats:
        return [f for f in formats if zoned or "%z" not in f]
    return [*(ZONED_FORMATS if zoned else ()), *NAIVE_FORMATS]


def _attempts(t: str, formats: list[str], seen: frozenset[str], params: Params, sql_type: str) -> str:
    """``try_strptime`` over ``formats``, the ones a sample of the file matched (``seen``) tried first on their own.

    A failing ``try_strptime`` costs about a microsecond a row, so a column whose format sat 15th in the list took
    15 s per million rows; now it parses at the first attempt. The full list, in its order, stays behind as the
    fallback: a row the seen formats cannot read, or read as an implausible year (``6/11/26`` through ``%Y`` when
    the sample only held ``6/1/2026``), gets exactly the old result.
    """
    full = _strptime(t, formats, params)
    first = [f for f in formats if f in seen]
    if not first or first == formats[: len(first)]:
        return full
    return f"coalesce({_plausible(_strptime(t, first, params), sql_type)}, {full})"


def _strptime(t: str, formats: list[str], params: Params) -> str:
    """``try_strptime`` over ``formats``. Formats with an offset are tried one call each: DuckDB 2.0's list form skips
    the day-of-month check when the text has an offset (``2026-02-30 10:00 +0000`` became 2 March)."""
    if not any("%z" in f or "%Z" in f for f in formats):
        return f"try_strptime({t}, {params.add(formats)})"
    calls = [f"try_strptime({t}, {params.add(f)})" for f in formats]
    return calls[0] if len(calls) == 1 else f"coalesce({', '.join(calls)})"


def timestamp(
    v: str,
    params: Params,
    tz: str,
    formats: tuple[str, ...] = (),
    year: Year = None,
    seen: frozenset[str] = frozenset(),
) -> str:
    """A TIMESTAMPTZ: offsets in the text win; naive times are read in ``tz``. ``seen``: formats to try first."""
    t = date_text(v, params, year, seen)
    naive = _with_iso(list(formats), t) if formats else list(NAIVE_FORMATS)
    zoned = [f for f in formats if "%z" in f or "%Z" in f] if formats else list(ZONED_FORMATS)
    naive = [f for f in naive if f not in zoned]
    parts = []
    if zoned:
        parts.append(_attempts(t, zoned, seen, params, "TIMESTAMPTZ"))
    if naive:
        parts.append(f"timezone({params.add(tz)}, ({_attempts(t, naive, seen, params, 'TIMESTAMP')})::TIMESTAMP)")
    if zoned:  # DuckDB's %z takes any offset (+2500 shifted a post by 25 hours): only real ones are read
        # (an offset is at most the last 6 characters: matching only those is the same test, at a fraction of the cost)
        parts[0] = f"CASE WHEN NOT regexp_matches(right({t}, 6), '{BAD_OFFSET_RE}') THEN {parts[0]} END"
    if len(parts) == 2 and seen & set(naive) and not seen & set(zoned):
        parts.reverse()  # a text matches a zoned or a naive format, never both: try the file's kind first
    return _plausible(parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})")


def _plausible(value: str, sql_type: str = "TIMESTAMPTZ") -> str:
    """NULL (so: a bad row) for a parsed year before :data:`MIN_YEAR`, e.g. ``10/1/24`` read with ``%Y``.

    ``nullif(greatest(v, floor), floor)`` evaluates ``v`` once (a CASE would parse the text twice).
    """
    time = {"TIMESTAMPTZ": " 00:00:00+00", "TIMESTAMP": " 00:00:00"}.get(sql_type, "")
    floor = f"{sql_type} '{MIN_YEAR - 1}-12-31{time}'"
    return f"nullif(greatest({value}, {floor}), {floor})"


def date(
    v: str, params: Params, formats: tuple[str, ...] = (), year: Year = None, seen: frozenset[str] = frozenset()
) -> str:
    """A DATE (``Lifetime`` gives NULL). ``seen``: formats to try first."""
    t = date_text(v, params, year, seen)
    candidates = candidate_formats(formats, zoned=False)
    parsed = (
        f"CAST({_attempts(t, _with_iso(candidates, t) if formats else candidates, seen, params, 'TIMESTAMP')} AS DATE)"
    )
    return f"CASE WHEN lower({t}) = 'lifetime' THEN NULL ELSE {_plausible(parsed, 'DATE')} END"


def labels(v: str, sep: str, params: Params) -> str:
    parts = f"list_filter(list_transform(string_split({v}, {params.add(sep)}), lambda x: trim(x)), lambda x: x <> '')"
    return f"CASE WHEN {blank(v)} THEN NULL ELSE {parts} END"


def hashtags(text: str) -> str:
    """Lower-cased hashtags without '#', sorted and distinct (a list of at most one is both already: sorting and
    de-duplicating lists is what costs, and most posts have no or one hashtag)."""
    tags = f"regexp_extract_all(lower({text}), '#([\\p{{L}}\\p{{N}}_]+)', 1)"
    return f"CASE WHEN len({tags}) < 2 THEN {tags} ELSE list_sort(list_distinct({tags})) END"


MANGLED_ID_RE = r"[0-9](\.[0-9]+)?[eE][+][0-9]+|[0-9]+\.0+"
