"""The shapes of the YAML files (toolchain/data/schema.yaml) and the findings for values that do not have them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from toolchain.check.diagnostic import Finding
from toolchain.load import LineList, LineMap, describe, parse_yaml
from toolchain.load.source import Location

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "schema.yaml"
TYPE_NAMES = {"text": "text", "number": "a whole number in digits (37)", "boolean": "true or false",
              "bilingual": "a mapping {zh: …, en: …}", "mapping": "a mapping",
              "list": "a list", "languages": "a mapping {zh: […], en: […]}"}


@cache
def schema() -> dict[str, Any]:
    """The shapes of metadata.yaml, glossary.yaml and the front matter."""
    return parse_yaml(SCHEMA_FILE.read_text(encoding="utf-8"), "schema.yaml")



def fits(value: Any, kind: str) -> bool:
    """Whether a YAML value has the schema type ``kind``."""
    if kind == "text":
        return not isinstance(value, (dict, list, bool))
    if kind == "number":  # 37 or "37"; not 四十, 37.5 or "vol. 37"
        return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.strip().isascii() and value.strip().isdigit())
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    return isinstance(value, dict)


def shape_findings(path: str, value: Any, spec: Any, where: str, line: int, column: int, first: int = 1,
                   label: str = "the document") -> Iterator[Finding]:
    """Findings for a value that does not have the shape ``spec`` says (recursively); the YAML starts at line ``first``.

    ``where`` is the value's dotted name ('' for the root, which ``label`` names).
    """
    spec = {"type": spec} if isinstance(spec, str) else spec
    kind = spec["type"]
    if kind == "text" and spec.get("required") and isinstance(value, str) and not value.strip():
        yield Finding(Location(path, line, column), f"{where} is empty")
        return
    if not fits(value, kind):
        parts = [p for p in re.split(r"\s*[,，;；、]\s*", value) if p] if isinstance(value, str) and kind == "list" else []
        hint = f" (write {where.rsplit('.', 1)[-1]}: [{', '.join(parts)}])" if len(parts) > 1 else ""
        yield Finding(Location(path, line, column), f"{where or label} must be {TYPE_NAMES[kind]}, found {describe(value)}{hint}")
        return
    if kind == "bilingual":
        spec = {"keys": {"zh": "text", "en": "text"}}
    if kind == "languages":  # {zh: [forms], en: form}: a text or a list of texts per language
        for key in value:
            if key not in ("zh", "en"):
                at = value.lc.key(key) if isinstance(value, LineMap) else (line - first, column - 1)
                yield Finding(Location(path, at[0] + first, at[1] + 1), f"{where} has unknown language “{key}” (use zh or en)")
        spec = {"keys": {lang: "text" if isinstance(value.get(lang), str) else {"type": "list", "items": "text"} for lang in ("zh", "en")}}
    for key, inner in (spec.get("keys") or {}).items():
        name = f"{where}.{key}" if where else key
        if value.get(key) is None:
            required = isinstance(inner, dict) and inner.get("required")
            if required:
                yield Finding(Location(path, line, column), f"{name} is missing")
            continue
        key_at = value.lc.key(key) if isinstance(value, LineMap) else (line - first, column - 1)
        yield from shape_findings(path, value[key], inner, name, key_at[0] + first, key_at[1] + 1, first)
    if kind == "list" and "items" in spec:
        if not value and spec.get("required"):
            yield Finding(Location(path, line, column), f"{where} is empty: list at least one item")
        for i, item in enumerate(value):
            item_at = value.lc.item(i) if isinstance(value, LineList) else (line - first, column - 1)
            yield from shape_findings(path, item, spec["items"], f"{where}[{i}]", item_at[0] + first, item_at[1] + 1, first)
