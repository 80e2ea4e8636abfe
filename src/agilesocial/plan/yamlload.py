"""Safe YAML loading that remembers where every node came from.

``load_yaml`` parses one YAML document with PyYAML's *safe* composer, then builds plain Python objects itself so that
it can (a) record the line/column of every key and list item, (b) reject duplicate keys, (c) refuse alias bombs and
recursive aliases, and (d) turn every failure into a :class:`~agilesocial.errors.YamlError` with ``file:line:col``.
Nothing else escapes: the property tests feed random bytes to this function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agilesocial.errors import YamlError

try:  # the C composer is several times faster; both give the same nodes and marks
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 100_000

Loc = tuple[str | int, ...]

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
#: Scalars whose unreadable values (``2026-13-01``) are kept as text when collecting, so checking goes on.
_NULL_TAG = "tag:yaml.org,2002:null"
_NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))
#: Tags a plain (scalar) value may carry; anything else (``!!set``, ``!!binary``, ``!!python/…``) is refused.
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp"))
_LENIENT_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("timestamp", "int", "float", "bool"))


@dataclass
class LoadedYaml:
    """A parsed document plus the 1-based (line, column) of every key and list item, by path."""

    path: Path
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    #: Scalars that could not be read (e.g. the date ``2026-13-01``), kept as their raw text at ``loc`` so the rest
    #: of the file is still checked; only filled when loading with ``collect=True``.
    problems: list[tuple[Loc, YamlError]] = field(default_factory=list)

    def locate(self, loc: Loc) -> tuple[int, int]:
        """Position of ``loc`` or of its nearest ancestor that exists in the file."""
        probe = tuple(loc)
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))


class _Builder:
    def __init__(self, path: Path, collect: bool = False) -> None:
        self.path = path
        self.collect = collect
        self.problems: list[tuple[Loc, YamlError]] = []
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.count = 0
        self.active: set[int] = set()
        self.scalars = yaml.constructor.SafeConstructor()

    def error(self, node: yaml.Node, message: str, hint: str | None = None) -> YamlError:
        mark = node.start_mark
        return YamlError(message, path=self.path, line=mark.line + 1, column=mark.column + 1, hint=hint)

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.error(
                node,
                f"document expands to more than {MAX_NODES:,} nodes (alias bomb?)",
                "write the values out instead of repeating aliases",
            )
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR_TAG:  # fast path for the commonest scalar (same result as the constructor)
                return node.value
            if node.tag not in _SCALAR_TAGS:
                raise self.error(node, f"unsupported tag {_short(node.tag)!r} on a plain value", _value_hint(node))
            try:
                if node.tag == _NULL_TAG and node.value not in _NULL_WORDS:
                    raise LookupError("not a null")
                return self.scalars.construct_object(node)
            except yaml.MarkedYAMLError as exc:
                problem = self.error(node, f"invalid value {node.value!r}: {exc.problem}", _value_hint(node))
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:  # '2026-11-31': says which part
                problem = self.error(node, f"invalid value {node.value!r}: {exc}", _value_hint(node))
            except Exception:  # PyYAML's constructors raise KeyError, AttributeError... on other bad values
                problem = self.error(node, f"invalid value {node.value!r} for {_short(node.tag)}", _value_hint(node))
            if not self.collect or node.tag not in _LENIENT_TAGS or not isinstance(node.value, str):
                raise problem from None
            self.problems.append((loc, problem))
            return node.value
        if id(node) in self.active:
            raise self.error(node, "recursive alias", "an anchor cannot contain an alias to itself")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != _SEQ_TAG:
                    raise self.error(node, f"unsupported tag {_short(node.tag)!r}", _value_hint(node))
                items = []
                for i, child in enumerate(node.value):
                    self.positions.setdefault((*loc, i), _pos(child))
                    items.append(self.build(child, (*loc, i)))
                return items
            if isinstance(node, yaml.MappingNode):
                if node.tag != _MAP_TAG:
                    raise self.error(node, f"unsupported tag {_short(node.tag)!r}", _value_hint(node))
                result: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    if key_node.tag == _MERGE_TAG:
                        raise self.error(key_node, "merge keys (<<) are not supported", "write the keys out")
                    if not isinstance(key_node, yaml.ScalarNode):
                        raise self.error(key_node, "a mapping key must be a plain value")
                    key = self.build(key_node, loc)
                    if not isinstance(key, str | int | float | bool) and key is not None:
                        key = str(key)
                    if key in result:
                        first = self.positions.get((*loc, key))
                        where = f" (first at line {first[0]})" if first else ""
                        raise self.error(key_node, f"duplicate key {key!r}{where}", "keep one of them")
                    self.positions[(*loc, key)] = _pos(key_node)
                    result[key] = self.build(value_node, (*loc, key))
                return result
            raise self.error(node, "unsupported YAML node")  # pragma: no cover
        finally:
            self.active.discard(id(node))


_TAG_HINTS = {
    "timestamp": "write a real date as YYYY-MM-DD: month 1-12, a day that exists in that month",
    "bool": "use true or false",
    "int": "write a whole number such as 42, or remove the !!int tag",
    "float": "write a number such as 0.05, or remove the !!float tag",
    "null": "write null (or ~), or remove the !!null tag",
}


def _short(tag: str) -> str:
    """``tag:yaml.org,2002:bool`` -> ``!!bool``."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _value_hint(node: yaml.Node) -> str | None:
    name = node.tag.removeprefix("tag:yaml.org,2002:")
    return _TAG_HINTS.get(name, "remove the tag: plain YAML values need none")


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def decode_text(raw: bytes, path: Path) -> str:
    """Decode YAML bytes as UTF-8 (BOM allowed), with a located error for binary or non-UTF-8 input."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise YamlError("binary file (NUL byte), not YAML", path=path, line=line, hint="check the path")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            path=path,
            line=line,
            column=col,
            hint="save the file as UTF-8",
        ) from None


def load_yaml_text(text: str, path: Path, *, collect: bool = False) -> LoadedYaml:
    """Parse a YAML string (one document) into plain objects with positions.

    With ``collect``, a scalar that cannot be read (an impossible date) does not stop the file: it is kept as its
    text and recorded in ``problems``; otherwise it raises like every other failure."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise YamlError(f"YAML syntax error: {problem}", path=path, line=line, column=col) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}", path=path, line=1) from None
    except (RecursionError, ValueError, TypeError) as exc:
        raise YamlError(f"cannot parse YAML: {type(exc).__name__}", path=path, line=1) from None
    if node is None:
        raise YamlError(
            "empty file",
            path=path,
            line=1,
            hint="fill it in ('agile-social init' shows a commented example) or delete it",
        )
    builder = _Builder(path, collect)
    builder.positions[()] = _pos(node)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise YamlError("document is nested too deeply", path=path, line=1) from None
    return LoadedYaml(path=path, data=data, positions=builder.positions, problems=builder.problems)


def load_yaml(path: str | Path, *, collect: bool = False) -> LoadedYaml:
    """Read and parse a YAML file; every failure is a located :class:`YamlError`."""
    p = Path(path)
    try:
        if p.is_dir():
            raise YamlError("is a directory, not a YAML file", path=p)
        if p.exists() and not p.is_file():  # /dev/zero read "to the end" filled the memory until the OS killed us
            raise YamlError("not a regular file (a device, pipe or socket)", path=p, hint="give a YAML file")
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise YamlError(f"file is {size:,} bytes; the limit is {MAX_BYTES:,}", path=p)
        raw = p.read_bytes()
    except OSError as exc:
        raise YamlError(f"cannot read file: {exc.strerror or exc}", path=p, exit_code=2) from None
    return load_yaml_text(decode_text(raw, p), p, collect=collect)
