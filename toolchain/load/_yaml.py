"""YAML with line marks, errors turned into InputError with the file's line.

Parsing is libyaml's (PyYAML's C composer, or its pure-Python one where the C library is
missing); typing the values is ours, in _yaml_values (YAML 1.2, no object construction).
"""

from __future__ import annotations

from typing import Any

import yaml

from toolchain.errors import InputError
from toolchain.load._yaml_values import Builder, LineList, LineMap
from toolchain.load.source import SourceFile, Span

LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # Base: no YAML 1.1 typing, no constructors
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_data(text: str) -> Any:
    """The toolchain's own data files, typed as ``yaml.safe_load`` types them, parsed by libyaml where it is present."""
    return yaml.load(text, Loader=SAFE_LOADER)


def parse_yaml(text: str, path: str, first_line: int = 1) -> Any:
    """Parse YAML text that starts at ``first_line`` of ``path``; duplicate keys are errors."""
    try:
        node = yaml.compose(text, Loader=LOADER)
        return None if node is None else Builder(path, first_line).value(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # libyaml may put the end-of-stream mark one line past the last one
        line = first_line + min(mark.line, text.count("\n")) if mark is not None else first_line
        problem = (exc.problem or exc.context or "malformed YAML").strip()
        if problem == "found character that cannot start any token" and exc.problem_mark is not None:
            lines = text.split("\n")  # libyaml does not say which character: a tab, mostly
            row = lines[exc.problem_mark.line] if exc.problem_mark.line < len(lines) else ""
            found = row[exc.problem_mark.column:exc.problem_mark.column + 1]
            problem = f"found character {found!r} that cannot start any token" if found else problem
        if exc.problem and exc.context and exc.context_mark is not None and exc.context_mark.line != (mark.line if mark else -1):
            # the mistake is often where the construct began: an unclosed quote or bracket
            problem += f" ({exc.context.strip()} that starts at line {first_line + exc.context_mark.line})"
        raise InputError(path, line, f"malformed YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a C0 control
        # libyaml counts the position in UTF-8 bytes, the Python reader in characters
        before = text.encode("utf-8")[: exc.position] if LOADER is not yaml.BaseLoader else text[: exc.position].encode("utf-8")
        line = first_line + before.count(b"\n")
        raise InputError(path, line, f"malformed YAML: character #x{exc.character:04x} is not allowed in YAML") from None
    except yaml.YAMLError as exc:
        raise InputError(path, first_line, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise InputError(path, first_line, "malformed YAML: nested too deeply") from None


def key_line(node: Any, key: Any, first_line: int = 1) -> int:
    """Return the file line of ``key`` in a mapping, or of an index in a sequence."""
    try:
        if isinstance(node, LineMap):
            return first_line + node.lc.key(key)[0]
        if isinstance(node, LineList):
            return first_line + node.lc.item(key)[0]
    except (KeyError, IndexError, TypeError, AttributeError):
        pass
    return node_line(node, first_line)


def node_line(node: Any, first_line: int = 1) -> int:
    """Return the file line where a mapping or sequence starts."""
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        return first_line + lc.line
    return first_line


def as_text(value: Any) -> str:
    """A scalar as text: '' for nothing, a list or a mapping (rules report a wrong type), booleans in lower case."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value).strip()


def describe(value: Any) -> str:
    """Say what a YAML value is, for messages: ``a list``, ``text “a, b”``, ``nothing``."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"text “{text[:60]}{'…' if len(text) > 60 else ''}”"


def value_span(source: SourceFile, node: Any, key: Any, value: str, first_line: int = 1) -> Span | None:
    """The Span of a scalar value of ``node[key]`` in ``source``, its anchors following YAML's folding.

    The value is walked against the source between the node's marks: quotes, indentation, line
    breaks and a block header are stepped over, so that each run of the value maps onto the
    source characters it was read from (linear in the value's length).
    """
    places = node.lc.value(key) if isinstance(node, (LineMap, LineList)) else None
    if places is None or not value:
        return None
    start = source.offset(first_line + places[0], places[1] + 1)
    end = source.offset(first_line + places[2], places[3] + 1)
    raw = source.text
    anchors: list[tuple[int, int]] = []
    i = j = 0
    while i < len(value) and start + j < end:
        if value[i] == raw[start + j]:
            if not anchors or anchors[-1][1] - anchors[-1][0] != start + j - i:
                anchors.append((i, start + j))
            i, j = i + 1, j + 1
        elif raw[start + j] in " \t\n\"'>|-+" or not value[i].isspace():
            j += 1
        else:
            i += 1
    return Span(value, source, tuple(anchors) or ((0, start),))
