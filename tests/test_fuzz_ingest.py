"""Fuzzing ingest against an independent oracle, for every profile (issue 12, item 6).

Hypothesis mutates the real-shaped fixture of each profile: columns dropped, renamed (to a variant the docs say
still matches, or to an unknown name) and reordered; extra rows; junk and blank rows; summary rows (``Total``,
``Totals``, a blank id) anywhere, the id column not first; quotes, delimiters and line breaks in text; extreme and
malformed numbers; bad dates and ids; encodings (UTF-8, UTF-8 with BOM, UTF-16, cp1252); line endings (LF, CRLF,
CR, mixed); a file cut short. The oracle (:mod:`fuzz_oracle`) reads the same bytes with Python's ``csv`` module and
the documented conversions. The property: ingest exits 0 and every stored post id, publish time, text and count
equals the oracle's, or it exits 2 with one line naming the file (and the row or line when a row is at fault) and
the fix, and the warehouse is exactly as before. Where the oracle finds nothing wrong the file must load; where it
finds a bad row or value it must be refused.

About a minute in CI (``derandomize=True``: the same examples every run). ``AGILE_SOCIAL_FUZZ=2000`` runs 2,000
examples per profile (add ``--hypothesis-show-statistics`` for the accepted/refused counts).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from agilesocial.cli.app import app
from fuzz_oracle import COUNT_FIELDS, EITHER, MUST_ACCEPT, MUST_REFUSE, Spec, expect, norm
from fuzz_specs import EXPORTS, SPECS

EXAMPLES = int(os.environ.get("AGILE_SOCIAL_FUZZ", "0") or 0) or 12
METRICS = (*COUNT_FIELDS, "watch_time_seconds")
SCRATCH = Path(tempfile.mkdtemp(prefix="agile-social-fuzz-"))
runner = CliRunner()

COUNT_TEXTS = [
    "0", "7", "1777.0", "1777.", " 12 ", "+5", "-5", "-0", "1.5", "12%", "NaN", "nan", "-", "--", "", "n/a",
    "N/A", "undefined", "null", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "99999999999999999999", "1.2E+4", "1.2345E+2", "1E-3", "8.03E-4", "Infinity", "0x10", "1_000", "1e3",
    "1,234", "1,234.0", "1,234.5", "12,34", "1.234", "10.500,0", "1,5", "1 234", "1\u00a0234", "1'234",
    "=1+2", "abc",
]  # fmt: skip
DECIMAL_TEXTS = [
    "10.25", "10,25", "1,234.5", "1.234,5", "12%", "NaN", "", "-", "inf", "1e400", "8.03E-4", ".5", "1.", "0:03:11",
    "1:23:20", "3:05", "abc", "7",
]  # fmt: skip
TEXT_CHARS = st.sampled_from([*"ab Z,;\"'\n\r\t#=é€ü😀-", "\r\n", '""', "\u00a0"])
SUMMARY_IDS = ["Total", "Totals", "total ", "TOTAL", "Grand total", "Summary", "", " ", "-"]
BAD_DATES = ["", "not a date", "2026-02-30 10:00", "13/45/2026 10:00", "2026-11-02 16:00 +2500", "Lifetime"]


def _base(spec: Spec) -> tuple[list[str], list[str], list[list[str]]]:
    """The fixture as (preamble lines, header, rows)."""
    text = (EXPORTS / spec.fixture).read_text(encoding="utf-8-sig")
    recs = list(csv.reader(io.StringIO(text, newline=""), delimiter=spec.delimiter))
    pre = text.splitlines()[: spec.preamble]
    return pre, recs[spec.preamble], [r for r in recs[spec.preamble + 1 :] if r]


def _new_id(spec: Spec, old: str, k: int) -> str:
    """A fresh id for an extra row, in the column's form (a link keeps its shape)."""
    m = re.search(r"[0-9]{6,}", old)
    if m:
        return old[: m.start()] + str(int(m.group(0)) + 1000 + k) + old[m.end() :]
    return f"vid{k:03d}_ab-Z"  # YouTube's 11-character ids


def _variant(name: str, how: int) -> str:
    """A header name the docs say must still match (case, spacing, parentheses of an Excel re-save)."""
    return [name.upper(), f" {name} ", name.replace("(", "").replace(")", ""), name.title(), name.replace(" ", "  ")][
        how % 5
    ]


@st.composite
def cases(draw: st.DrawFn, spec: Spec) -> dict[str, Any]:
    pre, header, rows = _base(spec)
    header, rows = list(header), [list(r) for r in rows]
    id_at = next(i for i, h in enumerate(header) if norm(h) == spec.id_column)
    counted = [i for i, h in enumerate(header) if any(norm(h) in names for names in spec.counts.values())]
    dated = next((i for i, h in enumerate(header) if norm(h) == spec.published), None)
    text_at = [i for i, h in enumerate(header) if norm(h) in spec.text]
    kinds: list[str] = []
    for k in range(draw(st.integers(0, 4))):  # extra posts, values drawn below
        row = list(draw(st.sampled_from(rows)))
        row[id_at] = _new_id(spec, row[id_at], k)
        rows.append(row)
    for _ in range(draw(st.integers(0, 5))):  # counts: good, extreme and malformed texts
        r, c = draw(st.integers(0, len(rows) - 1)), draw(st.sampled_from(counted))
        rows[r][c] = draw(st.sampled_from(COUNT_TEXTS) | st.integers(0, 10**12).map(str))
        kinds.append("count")
    watched = [i for i, h in enumerate(header) if norm(h) in spec.watch]
    for _ in range(draw(st.integers(0, 2)) if watched else 0):  # watch time: hours, seconds, h:mm:ss
        rows[draw(st.integers(0, len(rows) - 1))][watched[0]] = draw(st.sampled_from(DECIMAL_TEXTS))
        kinds.append("decimal")
    for _ in range(draw(st.integers(0, 3))):  # text with quotes, delimiters, line breaks, emoji
        if text_at:
            r = draw(st.integers(0, len(rows) - 1))
            rows[r][draw(st.sampled_from(text_at))] = "".join(draw(st.lists(TEXT_CHARS, max_size=12)))
            kinds.append("text")
    if dated is not None and draw(st.integers(0, 5)) == 0:
        rows[draw(st.integers(0, len(rows) - 1))][dated] = draw(st.sampled_from(BAD_DATES))
        kinds.append("date")
    if draw(st.integers(0, 6)) == 0:  # ids: padded, mangled by Excel
        r = draw(st.integers(0, len(rows) - 1))
        old = rows[r][id_at]
        rows[r][id_at] = draw(st.sampled_from([f" {old} ", "1.22158E+17", "122158000000000000.00"]))
        kinds.append("id")
    for _ in range(draw(st.integers(0, 2))):  # summary rows, anywhere
        row = [draw(st.sampled_from(COUNT_TEXTS)) for _ in header]
        row[id_at] = draw(st.sampled_from(SUMMARY_IDS))
        rows.insert(draw(st.integers(0, len(rows))), row)
        kinds.append("summary")
    if draw(st.integers(0, 5)) == 0:  # a junk row: wrong width, or garbage in a count
        width = draw(st.integers(1, len(header) + 2))
        rows.insert(draw(st.integers(0, len(rows))), [draw(st.sampled_from(["junk", "1", ""])) for _ in range(width)])
        kinds.append("junk")
    if draw(st.integers(0, 5)) == 0:
        rows.insert(draw(st.integers(0, len(rows))), [])  # a blank line
        kinds.append("blank")
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
    # bytes: quoting, line endings, encoding, truncation
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
    tz = spec.zone or draw(st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata"]))
    return {"raw": raw, "encoding": encoding, "tz": tz, "may_refuse": mixed or cut is not None, "kinds": kinds}


_TEMPLATE: dict[str, Any] = {}


def _template_db() -> tuple[Path, dict[str, list[tuple[Any, ...]]]]:
    """A warehouse that already holds a file (another profile's), so 'unchanged' has something to lose; its dump."""
    if "db" not in _TEMPLATE:
        db = SCRATCH / "template.duckdb"
        res = runner.invoke(app, ["ingest", str(EXPORTS / "facebook_insights_posts.csv"), "--db", str(db), "-q"])
        assert res.exit_code == 0, res.output
        _TEMPLATE["db"], _TEMPLATE["dump"] = db, dump(db)
        assert _TEMPLATE["dump"]["posts"], "the template holds posts"
    return _TEMPLATE["db"], _TEMPLATE["dump"]


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in sorted(names)}
    finally:
        con.close()


def stored(db: Path, platform: str) -> dict[str, dict[str, Any]]:
    """What the last ingest stored: post id -> publish time, text and every count."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        sql = (
            f"SELECT p.post_id, p.published_at, p.text, {', '.join('m.' + f for f in METRICS)} FROM posts p"
            " JOIN post_metrics m USING (platform, post_id) WHERE p.platform = $p"
            " AND m.ingest_id = (SELECT max(ingest_id) FROM ingests)"
        )
        rows = con.execute(sql, {"p": platform}).fetchall()
        n_posts = con.execute("SELECT count(*) FROM posts WHERE ingest_id = (SELECT max(ingest_id) FROM ingests)")
        assert len(rows) == (n_posts.fetchone() or (0,))[0], "every stored post has its one metrics row"
    finally:
        con.close()
    keys = ("published_at", "text", *METRICS)
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}


def check(spec: Spec, case: dict[str, Any]) -> str:
    """Ingest one mutated file and hold the result to the oracle; returns 'accepted' or 'refused'."""
    work = Path(tempfile.mkdtemp(dir=SCRATCH))
    try:
        path = work / spec.file_name
        path.write_bytes(case["raw"])
        db = work / "w.duckdb"
        template, before = _template_db()
        shutil.copy(template, db)
        exp = expect(spec, case["raw"], case["encoding"], case["tz"], may_refuse=case["may_refuse"])
        args = ["ingest", str(path), "--db", str(db), "--timezone", case["tz"], "--quiet", *spec.args]
        res = runner.invoke(app, args)
        err = res.stderr
        assert "Traceback" not in res.output, res.output
        assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
        if res.exit_code == 0:
            assert exp.verdict != MUST_REFUSE, f"loaded a file the oracle refuses ({exp.reason})"
            got = stored(db, spec.platform)
            for post_id, want in exp.rows.items():
                want = {**want, "published_at": _utc(want["published_at"])}
                assert got.get(post_id) == want, f"post {post_id!r}: stored {got.get(post_id)} != oracle {want}"
            others = [got[i] for i in sorted(set(got) - set(exp.rows))]
            unkeyed = [{**u, "published_at": _utc(u["published_at"])} for u in exp.unkeyed]
            assert len(others) <= len(unkeyed) and all(o in unkeyed for o in others), (
                f"stored posts {sorted(got)} != oracle {sorted(exp.rows)} (+ {len(unkeyed)} with mangled ids)"
            )
            assert others or not unkeyed, "the posts whose ids were mangled are stored (under derived ids)"
            return "accepted"
        assert exp.verdict != MUST_ACCEPT, f"refused a file the oracle reads: {err}"
        assert res.exit_code == 2, res.output
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert spec.file_name in err and err.rstrip().endswith(")"), f"names the file and the fix: {err}"
        if exp.located:
            assert re.search(r"\b(rows?|line) [0-9]+|:[0-9]+: ", err), f"names the row or line: {err}"
        assert dump(db) == before, "a refused file changed the warehouse"
        return "refused"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


@pytest.mark.parametrize("profile", sorted(SPECS))
def test_mutated_exports_load_exactly_or_are_refused_cleanly(profile: str) -> None:
    spec = SPECS[profile]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(cases(spec))
    def run(case: dict[str, Any]) -> None:
        outcome = check(spec, case)
        event(outcome)
        for kind in sorted(set(case["kinds"])):
            event(f"{outcome} with {kind}")

    run()


def test_the_oracle_is_not_vacuous() -> None:
    """The unmutated fixtures must load, and each known-bad change must be refused by the oracle too."""
    for spec in SPECS.values():
        raw = (EXPORTS / spec.fixture).read_bytes()
        exp = expect(spec, raw, "utf-8", "UTC", may_refuse=False)
        assert exp.verdict == MUST_ACCEPT and exp.rows, (spec.profile, exp.reason)
        assert check(spec, {"raw": raw, "encoding": "utf-8", "tz": "UTC", "may_refuse": False}) == "accepted"
    spec = SPECS["youtube"]
    raw = (EXPORTS / spec.fixture).read_bytes().replace(b",50,4,3,", b",-50,4,3,")
    assert expect(spec, raw, "utf-8", "UTC", may_refuse=False).verdict == MUST_REFUSE
    assert expect(spec, raw[:-30], "utf-8", "UTC", may_refuse=True).verdict in (EITHER, MUST_REFUSE)
