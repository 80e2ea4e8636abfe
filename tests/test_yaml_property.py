"""Property tests: random YAML documents and random bytes never crash the loaders."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agilesocial.errors import YamlError
from agilesocial.plan.loader import Document, SchemaIssue, load_document
from agilesocial.plan.yamlload import load_yaml

SCRATCH = Path(tempfile.mkdtemp(prefix="agile-social-prop-"))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(),
)
keys = st.one_of(
    st.sampled_from(["id", "plan", "variants", "metric", "objectives", "start", "end", "goal", "hypothesis"]),
    st.text(max_size=10),
    st.integers(),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=5)),
    max_leaves=30,
)


def _write(name: str, raw: bytes) -> Path:
    path = SCRATCH / name
    path.write_bytes(raw)
    return path


def _check_load_yaml(path: Path) -> None:
    try:
        loaded = load_yaml(path)
    except YamlError as exc:
        assert exc.path and "\n" not in str(exc)
        return
    assert loaded.path == path


def _check_load_document(path: Path) -> None:
    for kind in (None, "plan", "experiment", "sprint", "config"):
        _, doc = load_document(path, kind)  # type: ignore[arg-type]
        if isinstance(doc, Document):
            continue
        assert doc and all(isinstance(issue, SchemaIssue) and (issue.line is None or issue.line >= 1) for issue in doc)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_random_documents(doc: object) -> None:
    path = _write("doc.yaml", yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))
    _check_load_yaml(path)
    _check_load_document(path)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(raw: bytes) -> None:
    path = _write("bytes.yaml", raw)
    _check_load_yaml(path)
    _check_load_document(path)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#,? \n\t%@`0.")), max_size=80))
def test_random_yaml_like_text(text: str) -> None:
    path = _write("text.yaml", text.encode("utf-8"))
    _check_load_yaml(path)
    _check_load_document(path)


def test_round_trip_keeps_data() -> None:
    data = {"id": "x", "variants": [{"name": "a"}, {"name": "b"}], "mde": 0.1}
    path = _write("rt.yaml", yaml.safe_dump(data).encode())
    loaded = load_yaml(path)
    assert loaded.data == data
    assert loaded.locate(("variants", 1, "name")) == (loaded.positions[("variants", 1, "name")])
