r"""What Pandoc's BibTeX reader refuses although bibtexparser reads it, checked on the raw entries.

bibtexparser is lenient where pandoc is not: ``@article{}`` (no key), ``@article{a b, …}``,
``@article{key}`` (no comma), ``@article(key, …)``, and a forgotten comma between two fields,
which bibtexparser silently folds into the first field's value (``title = {x}\\n year = {2}``
gives the title ``{x} year = {2}``). The build would then fail in pandoc with a bare line and
column; the loader names the entry and the line instead.
"""

from __future__ import annotations

import re

from bibtexparser import model

from toolchain.errors import InputError

HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)?\s*([{(])")


def check_entry(path: str, block: model.Entry) -> None:
    """Raise InputError when pandoc could not read this entry as bibtexparser did."""
    line = (block.start_line or 0) + 1
    head = HEAD.match(block.raw)
    if head is None or not head.group(1):
        raise InputError(path, line, "entry has no type: write @article{key, …}")
    if head.group(2) == "(":
        raise InputError(path, line, f"entry “{block.key}” is enclosed in parentheses; Pandoc reads only @type{{key, …}}")
    key = block.key
    if not key.strip():
        raise InputError(path, line, "entry has no key: write @type{key, …}")
    if re.search(r"\s", key):
        raise InputError(path, line, f"key “{key}” contains a space")
    after = block.raw[head.end():].lstrip()
    rest = after[len(key):].lstrip() if after.startswith(key) else after
    if not rest.startswith(","):
        raise InputError(path, line, f"a comma must follow the key “{key}”")
    for field in block.fields:
        if not isinstance(field.value, str):
            continue
        stray = trailing_text(field.value)
        if stray is not None:
            offset, text = stray
            where = (field.start_line or block.start_line or 0) + 1 + field.value.count("\n", 0, offset)
            raise InputError(path, where, f"“{text.strip()[:40]}” follows the value of {field.key} in “{key}”: "
                             "a comma is missing before it")


def trailing_text(value: str) -> tuple[int, str] | None:
    """Offset and text of what follows a whole raw field value (``{…}``, ``"…"``, a word, joined by ``#``)."""
    index, length = 0, len(value)
    while True:
        index = skip_space(value, index)
        if index >= length:
            return None
        end = token_end(value, index)
        if end is None:
            return None  # unbalanced: bibtexparser reports that itself
        index = skip_space(value, end)
        if index >= length:
            return None
        if value[index] != "#":
            return index, value[index:]
        index += 1


def skip_space(value: str, index: int) -> int:
    """The first non-space offset at or after ``index``."""
    while index < len(value) and value[index].isspace():
        index += 1
    return index


def token_end(value: str, start: int) -> int | None:
    """The offset just after the value token starting at ``start`` (None when it never closes)."""
    opening = value[start]
    if opening not in "{\"":
        end = start
        while end < len(value) and not value[end].isspace() and value[end] not in "#{\"":
            end += 1
        return end
    depth = 0
    for index in range(start, len(value)):
        char = value[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and opening == "{":
                return index + 1
        elif char == '"' and opening == '"' and index > start and depth == 0:
            return index + 1
    return None
