"""Fuzzing ingest against an independent oracle, for every profile and shape (issue 12, item 6).

Hypothesis (:mod:`fuzz_cases`) mutates the real-shaped fixture of each export: per-post files of every profile,
account-level daily files (X, legacy Facebook Insights page, LinkedIn content/followers/visitors, TikTok overview
and follower history, Instagram's daily download) and the two-header Facebook Insights exports: columns dropped,
renamed and reordered; extra and repeated rows; junk, blank and summary rows anywhere; quotes, delimiters and line
breaks in text; extreme and malformed numbers; bad dates and ids; encodings; line endings; a file cut short; the
same table as an ``.xlsx`` workbook (text or typed cells); and a third of the runs use ``--skip-bad-rows``. The
oracle (:mod:`fuzz_oracle`, :mod:`fuzz_expect`) reads the same bytes with Python's ``csv`` module (the workbook
with openpyxl) and applies the documented conversions. The property: ingest exits 0 (1 when rows were set aside)
and every stored value equals the oracle's, or it exits 2 with one line naming the file, the first bad row (its
file line, or its data row and column) and the fix, and the warehouse is exactly as before. With
``--skip-bad-rows`` every bad row is in the rejects file with its row or line and column, nothing else, and the
report's counts are the oracle's.

About a minute of CPU in CI (``derandomize=True``: the same examples every run). A long campaign:
``AGILE_SOCIAL_FUZZ=300 AGILE_SOCIAL_FUZZ_SEED=1 AGILE_SOCIAL_FUZZ_SHRINK=0 AGILE_SOCIAL_FUZZ_KEEP=/tmp/failed``
(examples per profile, other examples than CI's, no shrinking, failing files kept; add
``--hypothesis-show-statistics`` for the accepted/refused counts).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, event, given, seed, settings
from typer.testing import CliRunner

from agilesocial.cli.app import app
from fuzz_cases import cases
from fuzz_expect import expect
from fuzz_oracle import COUNT_FIELDS, EITHER, MUST_ACCEPT, MUST_REFUSE, Spec, norm
from fuzz_specs import EXPORTS, SPECS

EXAMPLES = int(os.environ.get("AGILE_SOCIAL_FUZZ", "0") or 0) or 12
#: a long campaign: ``AGILE_SOCIAL_FUZZ_SEED=N`` draws other examples than CI's; ``AGILE_SOCIAL_FUZZ_SHRINK=0``
#: reports a failing example as found (shrinking reruns ingest hundreds of times)
KEEP = Path(os.environ["AGILE_SOCIAL_FUZZ_KEEP"]) if os.environ.get("AGILE_SOCIAL_FUZZ_KEEP") else None
SEED = int(os.environ.get("AGILE_SOCIAL_FUZZ_SEED", "0") or 0)
PHASES = tuple(p for p in Phase if p is not Phase.shrink or os.environ.get("AGILE_SOCIAL_FUZZ_SHRINK", "1") != "0")
METRICS = (*COUNT_FIELDS, "watch_time_seconds")
SCRATCH = Path(tempfile.mkdtemp(prefix="agile-social-fuzz-"))
runner = CliRunner()

_TEMPLATE: dict[str, Any] = {}


#: the file a template warehouse holds (its ids are none of the fuzzed files')
_TEMPLATE_FILE = 'Date,Content,Video title,Video publish time,Views\n2026-11-01,tmpl0000001,Template,"Nov 1, 2026",5\n'


def _template_db() -> tuple[Path, dict[str, list[tuple[Any, ...]]]]:
    """A warehouse that already holds a file, so 'unchanged' has something to lose; its dump."""
    if "db" not in _TEMPLATE:
        db = SCRATCH / "template.duckdb"
        (SCRATCH / "Chart data.csv").write_text(_TEMPLATE_FILE, encoding="utf-8")
        res = runner.invoke(app, ["ingest", str(SCRATCH / "Chart data.csv"), "--db", str(db), "-q"])
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


def stored(db: Path, spec: Spec) -> dict[str, dict[str, Any]]:
    """What the last ingest stored: post id -> publish time, text and every count (or, for an account-level file,
    ISO date -> every value, checking the account)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        last = "(SELECT max(ingest_id) FROM ingests)"
        if spec.target == "account_daily":
            sql = (
                f"SELECT strftime(date, '%Y-%m-%d'), account, {', '.join(spec.fields)} FROM account_daily"
                f" WHERE platform = $p AND ingest_id = {last}"
            )
            rows = con.execute(sql, {"p": spec.platform}).fetchall()
            assert {r[1] for r in rows} <= {spec.account}, f"stored under account {rows[0][1]!r}"
            return {r[0]: dict(zip(spec.fields, r[2:], strict=True)) for r in rows}
        sql = (  # a file without metric columns stores posts without a metrics row
            f"SELECT p.post_id, p.published_at, p.text, {', '.join('m.' + f for f in spec.fields)} FROM posts p"
            f" LEFT JOIN post_metrics m ON m.platform = p.platform AND m.post_id = p.post_id AND m.ingest_id = {last}"
            f" WHERE p.platform = $p AND (m.ingest_id IS NOT NULL OR p.ingest_id = {last})"
        )
        rows = con.execute(sql, {"p": spec.platform}).fetchall()
        assert len(rows) == len({r[0] for r in rows}), "every stored post has at most one metrics row"
    finally:
        con.close()
    keys = ("published_at", "text", *spec.fields)
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}


def check(spec: Spec, case: dict[str, Any]) -> str:
    """Ingest one mutated file and hold the result to the oracle; returns 'accepted' or 'refused'."""
    work = Path(tempfile.mkdtemp(dir=SCRATCH))
    try:
        path = work / case["name"]
        path.write_bytes(case["raw"])
        db = work / "w.duckdb"
        template, before = _template_db()
        shutil.copy(template, db)
        source = path if case.get("xlsx") else case["raw"]
        skip = case.get("skip", False)
        exp = expect(spec, source, case["encoding"], case["tz"], may_refuse=case["may_refuse"], skip=skip)
        mode = ["--skip-bad-rows", "--format", "json"] if skip else ["--quiet"]
        res = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--timezone", case["tz"], *mode, *spec.args])
        err = res.stderr
        assert "Traceback" not in res.output, res.output
        assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
        if res.exit_code in (0, 1):
            assert exp.verdict != MUST_REFUSE, f"loaded a file the oracle refuses ({exp.reason}): {exp.rejects[:1]}"
            exact = exp.verdict == MUST_ACCEPT
            _compare(spec, exp, stored(db, spec), exact=exact)
            assert skip or res.exit_code == 0, res.output
            if skip and exact:
                assert res.exit_code == (1 if exp.rejects else 0), (res.exit_code, exp.rejects)
                _check_report(json.loads(res.stdout)["files"][0], exp, work)
            return "accepted"
        assert exp.verdict != MUST_ACCEPT, f"refused a file the oracle reads: {err}"
        assert res.exit_code == 2, res.output
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert case["name"] in err and err.rstrip().endswith(")"), f"names the file and the fix: {err}"
        if exp.located:
            assert re.search(r"\b(rows?|line) [0-9]+|:[0-9]+: ", err), f"names the row or line: {err}"
        if exp.rejects and not (skip or case["may_refuse"] or exp.unkeyed or exp.mixed):
            _names_first_fault(err, exp.rejects[0])
        assert dump(db) == before, "a refused file changed the warehouse"
        return "refused"
    except AssertionError:
        if KEEP:  # the failing file, to reproduce by hand
            KEEP.mkdir(parents=True, exist_ok=True)
            shutil.copy(
                path, KEEP / f"{spec.profile}{'-skip' if skip else ''}-{case['tz'].replace('/', '_')}-{path.name}"
            )
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _compare(spec: Spec, exp: Any, got: dict[str, dict[str, Any]], *, exact: bool) -> None:
    """Stored rows equal the oracle's (all of them when ``exact``; else every stored one is right)."""
    for key, want in exp.rows.items():
        if spec.target == "posts":
            want = {**want, "published_at": _utc(want["published_at"])}
        if exact or key in got:
            assert got.get(key) == want, f"{key!r}: stored {got.get(key)} != oracle {want}"
    others = [got[i] for i in sorted(set(got) - set(exp.rows))]
    unkeyed = [{**u, "published_at": _utc(u["published_at"])} for u in exp.unkeyed]
    assert len(others) <= len(unkeyed) and all(o in unkeyed for o in others), (
        f"stored {sorted(got)} != oracle {sorted(exp.rows)} (+ {len(unkeyed)} with mangled ids)"
    )
    assert others or not unkeyed or not exact, "the posts whose ids were mangled are stored (under derived ids)"


def _check_report(report: dict[str, Any], exp: Any, work: Path) -> None:
    """--skip-bad-rows: the counts in the report, and every bad row in the rejects file (and nothing else)."""
    assert (report["rows_read"], report["rows_loaded"], report["rows_rejected"]) == (
        exp.read,
        exp.loaded,
        len(exp.rejects),
    ), f"counts {report} != oracle read {exp.read}, loaded {exp.loaded}, rejects {exp.rejects}"
    if not exp.rejects:
        assert report["rejects_path"] is None
        return
    with open(Path(report["rejects_path"]), encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))
    want = sorted(exp.rejects, key=lambda r: (r.row or 0, r.line or 0))
    pairs = [(int(r["row"]) if r["row"] else None, int(r["line"]) if r.get("line") else None) for r in got]
    assert pairs == [(r.row, r.line) for r in want], f"rejects (row, line) {pairs} != oracle {want}"
    for line, reject in zip(got, want, strict=True):
        named = norm(line["rejected_column"].removeprefix("'"))
        if reject.row is not None:
            allowed = {norm(c) for c in reject.columns}
            assert named in allowed or ("engagements" in allowed and named.startswith("engagements ")), (
                f"row {reject.row}: rejected column {line['rejected_column']!r}, the bad cells are {reject.columns}"
            )
        elif reject.columns:  # too few values: the first missing column
            assert named == norm(reject.columns[0]), f"line {reject.line}: {line['rejected_column']!r}"


def _names_first_fault(err: str, first: Any) -> None:
    """The refusal names the first bad row: a malformed row's line, else the first bad value's row and column."""
    if first.row is None:
        assert f"line {first.line}" in err, f"names line {first.line}: {err}"
        return
    assert f"row {first.row}, column " in err, f"names row {first.row}: {err}"
    named = any(f"column {c!r}" in err for c in first.columns if c != "engagements")
    assert named or ("engagements" in first.columns and "column 'engagements (" in err), f"{first.columns}: {err}"


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


@pytest.mark.parametrize("profile", sorted(SPECS))
def test_mutated_exports_load_exactly_or_are_refused_cleanly(profile: str) -> None:
    spec = SPECS[profile]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not SEED,
        database=None,
        phases=PHASES,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @seed(SEED + sorted(SPECS).index(profile))
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
        raw = spec.inline.encode() if spec.inline else (EXPORTS / spec.fixture).read_bytes()
        encoding = "utf-8" if spec.inline else spec.source_encoding
        exp = expect(spec, raw, encoding, "UTC", may_refuse=False)
        assert exp.verdict == MUST_ACCEPT and exp.rows, (spec.profile, exp.reason)
        case = {"raw": raw, "encoding": encoding, "tz": "UTC", "may_refuse": False, "name": spec.file_name}
        assert check(spec, case) == "accepted"
    spec = SPECS["youtube"]
    raw = (EXPORTS / spec.fixture).read_bytes().replace(b",50,4,3,", b",-50,4,3,")
    assert expect(spec, raw, "utf-8", "UTC", may_refuse=False).verdict == MUST_REFUSE
    assert expect(spec, raw[:-30], "utf-8", "UTC", may_refuse=True).verdict in (EITHER, MUST_REFUSE)
