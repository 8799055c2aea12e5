"""YAML with line marks (ruamel.yaml), errors turned into InputError with the file's line."""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from toolchain.errors import InputError


def parse_yaml(text: str, path: str, first_line: int = 1) -> Any:
    """Parse YAML text that starts at ``first_line`` of ``path``; duplicate keys are errors."""
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else first_line
        problem = (exc.problem or exc.context or "malformed YAML").strip()
        raise InputError(path, line, f"malformed YAML: {problem}") from None
    except YAMLError as exc:
        raise InputError(path, first_line, f"malformed YAML: {exc}") from None


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


class Fields:
    """Typed access to a YAML mapping that raises InputError naming the key's path and line."""

    def __init__(self, node: Any, path: str, where: str, first_line: int = 1, line: int | None = None) -> None:
        """Wrap ``node`` found at dotted location ``where`` in ``path``."""
        self.path = path
        self.where = where
        self.first_line = first_line
        self.line = line if line is not None else node_line(node, first_line)
        if not isinstance(node, dict):
            kind = type(node).__name__ if node is not None else "nothing"
            raise InputError(path, self.line, f"{where or 'the document'} must be a mapping, found {kind}")
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
            raise InputError(self.path, self.line_of(key), f"{self._name(key)} must be text, found a {'mapping' if isinstance(value, dict) else 'list'}")
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
            raise InputError(self.path, self.line_of(key), f"{self._name(key)} must be a list, found {type(value).__name__}")
        return [(item, key_line(value, i, self.first_line)) for i, item in enumerate(value)]

    def texts(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        """Return a list of scalars as text."""
        result = []
        for item, line in self.items(key, required=required):
            if isinstance(item, (dict, list)) or item is None:
                raise InputError(self.path, line, f"{self._name(key)} must list text items")
            result.append(str(item).strip())
        return tuple(result)
