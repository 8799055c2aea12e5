"""Python values with line marks from a YAML node graph, typed by the YAML 1.2 core schema.

The loader composes with PyYAML's libyaml parser (30 times faster than ruamel's pure-Python
round-trip loader, which took a third of ``check``) and types plain scalars itself: YAML 1.2
as ruamel did, so ``no`` stays text and ``2024-03-20`` stays as written. Mappings and lists
carry ``lc`` (``line``, ``key(k)``, ``item(i)``, 0-based) in ruamel's shape.
"""

from __future__ import annotations

import math
import re
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from toolchain.errors import InputError
from toolchain.limits import MAX_YAML_NODES

TAG = "tag:yaml.org,2002:"
NULL = re.compile(r"~|null|Null|NULL|")
BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
SPECIAL = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}


class LineInfo:
    """Where a mapping or list and its entries start (0-based line and column), as ruamel's ``lc``."""

    __slots__ = ("_places", "_values", "col", "line")

    def __init__(self, node: Node) -> None:
        """Start at the node's first character."""
        self.line, self.col = node.start_mark.line, node.start_mark.column
        self._places: dict[Any, tuple[int, int]] = {}
        self._values: dict[Any, tuple[int, int, int, int]] = {}

    def key(self, key: Any) -> tuple[int, int]:
        """Line and column of a mapping key."""
        return self._places[key]

    def item(self, index: int) -> tuple[int, int]:
        """Line and column of a list item."""
        return self._places[index]

    def value(self, key: Any) -> tuple[int, int, int, int] | None:
        """Start line, start column, end line and end column of a key's (or an index's) value node."""
        return self._values.get(key)


class LineMap(dict):
    """A YAML mapping that knows its lines (``lc``)."""

    lc: LineInfo


class LineList(list):
    """A YAML sequence that knows its lines (``lc``)."""

    lc: LineInfo


class Builder:
    """Turns one document's node graph into values; aliases share their value, cycles are refused."""

    def __init__(self, path: str, first_line: int) -> None:
        """Build for ``path``, whose text starts at ``first_line``."""
        self.path, self.first_line = path, first_line
        self.done: dict[int, Any] = {}
        self.open: set[int] = set()
        self.weight: dict[int, int] = {}  # values a collection expands to, aliases counted at each use

    def fail(self, node: Node, message: str) -> InputError:
        """An InputError at the node's line."""
        return InputError(self.path, self.first_line + node.start_mark.line, f"malformed YAML: {message}")

    def value(self, node: Node) -> Any:
        """The value of any node."""
        if id(node) in self.done:
            return self.done[id(node)]
        if isinstance(node, ScalarNode):
            return scalar(node, self)
        if id(node) in self.open:
            raise self.fail(node, "an alias refers to the collection that contains it")
        self.open.add(id(node))
        result = self.mapping(node) if isinstance(node, MappingNode) else self.sequence(node)
        self.open.discard(id(node))
        self.done[id(node)] = result
        children = node.value if isinstance(node, SequenceNode) else [n for pair in node.value for n in pair]
        weight = 1 + sum(self.weight.get(id(child), 1 + len(child.value) // 64 if isinstance(child, ScalarNode) else 1)
                         for child in children)
        if weight > MAX_YAML_NODES:
            raise self.fail(node, f"aliases expand this to more than {MAX_YAML_NODES} values (an alias bomb?)")
        self.weight[id(node)] = weight
        return result

    def sequence(self, node: SequenceNode) -> LineList:
        """A list, with each item's place."""
        result = LineList()
        result.lc = LineInfo(node)
        for index, child in enumerate(node.value):
            result.append(self.value(child))
            result.lc._places[index] = (child.start_mark.line, child.start_mark.column)
            result.lc._values[index] = marks(child)
        return result

    def mapping(self, node: MappingNode) -> LineMap:
        """A dict, with each key's place; duplicate and non-text keys are errors; ``<<`` merges."""
        result = LineMap()
        result.lc = LineInfo(node)
        merged: list[tuple[Any, Any, tuple[int, int]]] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style:
                merged.extend(self.merge_source(value_node))
                continue
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "a key must be a single value, not a list or mapping")
            key = self.value(key_node)
            if key in result:
                raise self.fail(key_node, f'found duplicate key "{key}"')
            result[key] = self.value(value_node)
            result.lc._places[key] = (key_node.start_mark.line, key_node.start_mark.column)
            result.lc._values[key] = marks(value_node)
        for key, value, place in merged:  # explicit keys win over merged ones (YAML merge key)
            if key not in result:
                result[key] = value
                result.lc._places[key] = place
        return result

    def merge_source(self, node: Node) -> list[tuple[Any, Any, tuple[int, int]]]:
        """The entries a ``<<`` key merges in: a mapping or a list of mappings."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        entries = []
        for source in sources:
            if not isinstance(source, MappingNode):
                raise self.fail(source, "expected a mapping or list of mappings for merging")
            merged = self.value(source)
            entries += [(k, v, merged.lc.key(k)) for k, v in merged.items()]
        return entries


def marks(node: Node) -> tuple[int, int, int, int]:
    """Where a node starts and ends: 0-based line and column of each."""
    return node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column


def scalar(node: ScalarNode, builder: Builder) -> Any:
    """A scalar's value: plain ones typed by the YAML 1.2 core schema, explicit tags honoured."""
    text, tag = node.value, node.tag
    if tag == TAG + "str" and not node.style:  # plain (style None, or '' from libyaml) and untagged
        if NULL.fullmatch(text):
            return None
        if text in BOOL:
            return BOOL[text]
        if INT.fullmatch(text):
            try:
                return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
            except ValueError:  # more digits than Python converts: no number anyone means
                raise builder.fail(node, f"the number {text[:20]}… has {len(text)} digits; quote it if it is text") from None
        if text.lower() in SPECIAL:
            return SPECIAL[text.lower()]
        if FLOAT.fullmatch(text):
            return float(text)
        return text
    kind = tag[len(TAG):] if tag.startswith(TAG) else ""
    try:
        if kind == "int":
            return int(text, 0)
        if kind == "float":
            return float(text)
        if kind == "bool":
            return BOOL[text]
        if kind == "null":
            return None
    except (ValueError, KeyError):
        raise builder.fail(node, f"“{text}” is not a valid !!{kind}") from None
    return text  # str, timestamp (kept as written), binary and any custom tag: the text itself
