"""Making untrusted text (post text, titles, file and column names from exports) inert in every output.

One place for the three defences every renderer and CSV writer shares:

- :func:`clean` removes terminal escape sequences (CSI ``ESC [ … m``, OSC ``ESC ] … BEL`` hyperlinks and titles,
  other ``ESC x`` and 8-bit C1 forms) and every other C0/C1 control character, so text cannot move the cursor,
  recolour, retitle or hyperlink a terminal, nor hide in Markdown/CSV/HTML. With ``keep_lines`` newlines and tabs
  stay (CSV cells keep their line breaks); otherwise they become spaces.
- Bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) are never passed through raw: they
  are replaced by a visible mark such as ``[U+202E]``, so reordered ("Trojan Source") text shows what it hides.
- :func:`neutralise_formula` makes a CSV cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
  their full-width forms, also after leading whitespace or line breaks, or a leading tab / CR) start with ``'``.
  :data:`FORMULA_RE` is the same rule as a regular expression that both Python ``re`` and DuckDB (RE2) accept, so
  the warehouse's rejects writer applies it in SQL.

:func:`clip` truncates AFTER cleaning, so a cut can never leave half an escape sequence behind.
Importable from anywhere (standard library only): it sits beside the flow, not in it.
"""

from __future__ import annotations

import re
from typing import Any

#: Bidirectional formatting characters (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

#: Escape sequences: CSI (7- and 8-bit), OSC/DCS/SOS/PM/APC strings up to BEL or ST, then any other ``ESC x``.
#: Written with ``\xNN`` escapes only, which Python ``re`` and RE2 (DuckDB) read the same way.
ESCAPE_RE = (
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x7e]?"
)
#: C0 controls except TAB/LF/CR, DEL, and C1 controls (what :data:`ESCAPE_RE` left over).
CONTROL_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
#: A cell a spreadsheet may run as a formula (see the module docstring). Python ``re`` and RE2 both accept it.
FORMULA_RE = "^[\\s\u00a0\u3000]*[=+\\-@\uff1d\uff0b\uff0d\uff20]|^[\\t\\r\\n]"

_ESCAPES = re.compile(ESCAPE_RE)
_CONTROLS = re.compile(CONTROL_RE)
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_FORMULA = re.compile(FORMULA_RE)
_JSON_RAW = re.compile(f"[\x7f-\x9f{BIDI_CONTROLS}]")


def bidi_mark(ch: str) -> str:
    """The visible stand-in for one bidi control character: ``[U+202E]``."""
    return f"[U+{ord(ch):04X}]"


def clean(text: Any, *, keep_lines: bool = False) -> str:
    """``text`` without escape sequences and control characters, bidi controls made visible.

    ``keep_lines``: keep newlines and tabs (CR LF and lone CR become LF); otherwise every run of whitespace,
    line breaks included, becomes one space and the ends are stripped.
    """
    s = "" if text is None else str(text)
    s = _CONTROLS.sub("", _ESCAPES.sub("", s))
    s = _BIDI.sub(lambda m: bidi_mark(m.group()), s)
    if keep_lines:
        return s.replace("\r\n", "\n").replace("\r", "\n")
    return " ".join(s.split())


def clip(text: Any, width: int) -> str:
    """One clean line of at most ``width`` characters, ending in ``…`` when cut."""
    one = clean(text)
    return one if len(one) <= width else one[: max(width - 1, 0)] + "…"


def json_inert(text: str) -> str:
    """JSON text (from ``json.dumps(ensure_ascii=False)``, which already escapes C0 controls) with DEL, C1 and bidi
    controls written as ``\\uXXXX`` escapes: the decoded data is unchanged, the raw characters never reach a screen."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def neutralise_formula(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if _FORMULA.search(text) else text


def csv_cell(cell: Any) -> Any:
    """A value for a CSV a user may open in a spreadsheet: numbers as numbers, text cleaned (line breaks kept)
    and formula-neutralised, ``None`` as an empty cell, booleans as ``true``/``false``."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, int | float):
        return cell
    return neutralise_formula(clean(cell, keep_lines=True))


def sql_clean(expr: str, params: dict[str, Any], prefix: str = "ts") -> str:
    """:func:`clean` (``keep_lines``) + :func:`neutralise_formula` as a DuckDB expression over ``expr``.

    The patterns travel as named parameters (added to ``params``); bidi controls are replaced one by one, so the
    SQL gives exactly what :func:`csv_cell` gives for text.
    """
    params[f"{prefix}_esc"] = ESCAPE_RE
    params[f"{prefix}_ctl"] = CONTROL_RE
    params[f"{prefix}_formula"] = FORMULA_RE
    s = f"regexp_replace(regexp_replace({expr}, ${prefix}_esc, '', 'g'), ${prefix}_ctl, '', 'g')"
    for i, ch in enumerate(BIDI_CONTROLS):
        params[f"{prefix}_b{i}"] = ch
        params[f"{prefix}_m{i}"] = bidi_mark(ch)
        s = f"replace({s}, ${prefix}_b{i}, ${prefix}_m{i})"
    s = f"replace(replace({s}, chr(13) || chr(10), chr(10)), chr(13), chr(10))"
    return f"(SELECT CASE WHEN regexp_matches(x, ${prefix}_formula) THEN '''' || x ELSE x END FROM (SELECT {s} AS x))"
