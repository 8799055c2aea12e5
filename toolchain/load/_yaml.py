"""YAML with line marks (ruamel.yaml), errors turned into InputError with the file's line."""

from __future__ import annotations

import re
import warnings
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from toolchain.errors import InputError


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that keeps dates as written: ``2024-13-45`` must not crash the loader."""


# YAML 1.1 timestamps would become datetime objects, and an impossible date raises a bare
# ValueError deep inside ruamel; metadata.py validates dates itself, with the key's line.
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


def parse_yaml(text: str, path: str, first_line: int = 1) -> Any:
    """Parse YAML text that starts at ``first_line`` of ``path``; duplicate keys are errors."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ruamel warns on stderr (reused anchors): not our output
            return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else first_line
        problem = (exc.problem or exc.context or "malformed YAML").strip()
        # ruamel appends both values of a duplicate key, which can be whole mappings
        problem = re.sub(r"^(found duplicate key \S+) with value .*", r"\1", problem, flags=re.S)
        if exc.problem and exc.context and exc.context_mark is not None and exc.context_mark.line != (mark.line if mark else -1):
            # the mistake is often where the construct began: an unclosed quote or bracket
            problem += f" ({exc.context.strip()} that starts at line {first_line + exc.context_mark.line})"
        raise InputError(path, line, f"malformed YAML: {problem}") from None
    except YAMLError as exc:
        raise InputError(path, first_line, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise InputError(path, first_line, "malformed YAML: nested too deeply") from None
    except Exception as exc:  # ruamel's constructors fail on explicit tags (``!!int x``) with any type
        raise InputError(path, first_line, f"malformed YAML: {type(exc).__name__}: {exc}") from None


def key_line(node: Any, key: Any, first_line: int = 1) -> int:
    """Return the file line of ``key`` in a mapping, or of an index in a sequence."""
    try:
        if isinstance(node, CommentedMap):
            return first_line + node.lc.key(key)[0]
        if isinstance(node, CommentedSeq):
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


class Fields:
    """Typed access to a YAML mapping that raises InputError naming the key's path and line."""

    def __init__(self, node: Any, path: str, where: str, first_line: int = 1, line: int | None = None,
                 label: str = "") -> None:
        """Wrap ``node`` found at dotted location ``where`` in ``path`` (``label`` names a root node)."""
        self.path = path
        self.where = where
        self.first_line = first_line
        self.line = line if line is not None else node_line(node, first_line)
        if not isinstance(node, dict):
            raise InputError(path, self.line, f"{where or label or 'the document'} must be a mapping, found {describe(node)}")
        self.node = node

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def line_of(self, key: str) -> int:
        """Return the line of ``key`` (the mapping's line when absent)."""
        return key_line(self.node, key, self.first_line) if key in self.node else self.line

    def has(self, key: str) -> bool:
        """Tell whether the key is present and not null."""
        return self.node.get(key) is not None

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        """Return a scalar as text (numbers and dates are accepted and turned into text)."""
        value = self.node.get(key)
        if value is None:
            if required:
                raise InputError(self.path, self.line, f"{self._name(key)} is missing")
            return default
        if isinstance(value, (dict, list)):
            raise InputError(self.path, self.line_of(key), f"{self._name(key)} must be text, found {describe(value)}")
        return str(value).strip() if not isinstance(value, bool) else str(value).lower()

    def mapping(self, key: str, *, required: bool = True) -> Fields | None:
        """Return a nested mapping wrapped as Fields."""
        value = self.node.get(key)
        if value is None:
            if required:
                raise InputError(self.path, self.line, f"{self._name(key)} is missing")
            return None
        return Fields(value, self.path, self._name(key), self.first_line, self.line_of(key))

    def items(self, key: str, *, required: bool = True) -> list[tuple[Any, int]]:
        """Return a list value with the line of each item."""
        value = self.node.get(key)
        if value is None:
            if required:
                raise InputError(self.path, self.line, f"{self._name(key)} is missing")
            return []
        if not isinstance(value, list):
            parts = re.split(r"\s*[,，;；、]\s*", value.strip()) if isinstance(value, str) else []
            hint = f" (write {key}: [{', '.join(p for p in parts if p)}])" if len(parts) > 1 else ""
            raise InputError(self.path, self.line_of(key), f"{self._name(key)} must be a list, found {describe(value)}{hint}")
        return [(item, key_line(value, i, self.first_line)) for i, item in enumerate(value)]

    def texts(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        """Return a list of scalars as text."""
        result = []
        for item, line in self.items(key, required=required):
            if isinstance(item, (dict, list)) or item is None:
                raise InputError(self.path, line, f"{self._name(key)} must list text items, found {describe(item)}")
            result.append(str(item).strip())
        return tuple(result)
