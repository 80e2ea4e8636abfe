"""Dates written with a month NAME, in the account's language and often without a year: ``November 2``,
``8 de marzo``, ``8. März``, ``1er mars``, ``8 de março de 2025``, ``Jul 16, 18:05``.

Such a cell is rewritten in SQL to ``YYYY-MM-DD[ HH:MM[:SS]]`` text (which the ordinary formats parse); a year-less
one takes its year from a *year function* (see :mod:`.yearless`): SQL for the year, given SQL for the cell's
``month * 100 + day``. Month names: English, Spanish, French, German, Portuguese, Italian and Dutch, full and
abbreviated, compared lower-case without accents (``März`` → ``marz``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agilesocial.warehouse.sqlexpr import Params

#: SQL giving the year of a year-less cell, from SQL giving its ``month * 100 + day`` (None: no year is known).
YearFn = Callable[[str], str]

#: Pseudo-formats in a column's ``seen`` set (see :mod:`.datesample`): the sample held month-name dates / year-less.
MONTH_NAMES = "%<month name>"
YEARLESS = "%<no year>"
#: ... and some of them are not read by the formats as written (year-less, or not English): rewrite the column
REWRITE = "%<rewrite month names>"

_NAMES: tuple[tuple[int, str], ...] = (
    (1, "january jan enero ene janvier janv januar janner jaenner janeiro gennaio gen januari"),
    (2, "february feb febrero febr fevrier fevr fev februar fevereiro febbraio februari"),
    (3, "march mar marzo mars marz mrz marco maart mrt"),
    (4, "april apr abril abr avril avr aprile"),
    (5, "may mayo mai maio maggio mag mei"),
    (6, "june jun junio juin juni junho giugno giu"),
    (7, "july jul julio juillet juil juli julho luglio lug"),
    (8, "august aug agosto ago aout augustus"),
    (9, "september sep sept septiembre setiembre set septembre setembro settembre"),
    (10, "october oct octubre octobre oktober okt outubro out ottobre ott"),
    (11, "november nov noviembre novembre novembro"),
    (12, "december dec diciembre dic decembre dezember dez dezembro dicembre"),
)
MONTHS: dict[str, int] = {word: month for month, words in _NAMES for word in words.split()}

_TIME = r"(?:,?\s+([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?))?"
#: month first (``november 2``, ``sep 27, 2026``) -> day first, so one pattern reads both
_MONTH_FIRST = r"^([a-z]+)\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?((?:,?\s.*)?)$"
#: day first, on lower-cased accent-free text: ``8 de marzo``, ``8. marz``, ``1er mars``, ``2 november, 2026``
DAY_FIRST = (
    r"^([0-9]{1,2})(?:\.|º|°|o|er|st|nd|rd|th)?\s+(?:de\s+)?([a-z]+)\.?(?:,?\s+(?:de\s+)?([0-9]{4}))?" + _TIME + "$"
)
#: A year-less month-name date as written (any case and accents), for the "has no year" message (RE2 and Python).
YEARLESS_RE = (
    r"(?i)(?:\pL+\.?\s+[0-9]{1,2}(?:st|nd|rd|th)?|[0-9]{1,2}(?:\.|º|°|er|st|nd|rd|th)?\s+(?:de\s+)?\pL+\.?)"
    r"(?:,?\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
)


def parts(v: str, params: Params) -> str:
    """SQL: ``STRUCT(d, m, y, t)`` of a month-name date cell (``y`` NULL when year-less, ``t`` the time or ''), or
    NULL when the cell is not a month-name date."""
    text = f"strip_accents(lower(trim({v})))"
    day_first = f"regexp_replace({text}, {params.add(_MONTH_FIRST)}, '\\2 \\1\\3')"
    raw = f"regexp_extract({day_first}, {params.add(DAY_FIRST)}, ['d', 'm', 'y', 't'])"
    months = f"MAP({params.add(list(MONTHS))}, {params.add(list(MONTHS.values()))})"
    struct = (
        "{'d': TRY_CAST(r.d AS INTEGER), 'm': "
        + f"{months}[r.m]"
        + ", 'y': TRY_CAST(nullif(r.y, '') AS INTEGER), 't': r.t}"
    )
    return f"list_transform([{raw}], lambda r: CASE WHEN {months}[r.m] IS NULL THEN NULL ELSE {struct} END)[1]"


def iso_text(v: str, params: Params, year: YearFn | None) -> str:
    """SQL: a month-name date cell as ``YYYY-MM-DD[ time]`` text; NULL when it is none, or year-less and ``year`` is
    None (or gives NULL)."""
    year_sql = year("(p.m * 100 + p.d)") if year is not None else "NULL"
    y = f"coalesce(p.y, {year_sql})"
    text = f"printf('%04d-%02d-%02d', {y}, p.m, p.d) || CASE WHEN p.t = '' THEN '' ELSE ' ' || p.t END"
    return f"list_transform([{parts(v, params)}], lambda p: CASE WHEN {y} IS NULL THEN NULL ELSE {text} END)[1]"


def day_of_year(md: str) -> str:
    """SQL: day of the (leap) year 2000 of a ``month * 100 + day`` value, so Feb 29 has a place; NULL if invalid."""
    return f"dayofyear(TRY_CAST(printf('2000-%02d-%02d', ({md}) // 100, ({md}) % 100) AS DATE))"
