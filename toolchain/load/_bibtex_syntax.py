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
from toolchain.limits import MAX_BIB_FIELD_CHARS

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


def check_expansion(path: str, blocks: list[model.Block]) -> None:
    """Raise InputError when a field or @string would expand (through ``#`` and @string names) beyond the limit.

    Pandoc expands them all: a macro doubled thirty times would take all the memory there is.
    """
    strings: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, model.String) and isinstance(block.value, str):
            size = expanded_length(block.value, strings)
            if size > MAX_BIB_FIELD_CHARS:
                raise InputError(path, (block.start_line or 0) + 1, f"@string “{block.key}” expands to {size} characters "
                                 f"(the limit is {MAX_BIB_FIELD_CHARS})")
            strings[block.key.lower()] = size
        elif isinstance(block, model.Entry):
            for field in block.fields:
                if isinstance(field.value, str) and "#" in field.value:
                    size = expanded_length(field.value, strings)
                    if size > MAX_BIB_FIELD_CHARS:
                        raise InputError(path, (field.start_line or block.start_line or 0) + 1, f"{field.key} of “{block.key}” "
                                         f"expands to {size} characters (the limit is {MAX_BIB_FIELD_CHARS})")


def expanded_length(value: str, strings: dict[str, int]) -> int:
    """The length of a raw value once its ``#``-joined parts and @string names are expanded."""
    total, index, length = 0, 0, len(value)
    while True:
        index = skip_space(value, index)
        if index >= length:
            return total
        end = token_end(value, index) or length
        token = value[index:end]
        total += len(token) - 2 if token[0] in "{\"" else strings.get(token.lower(), len(token))
        index = skip_space(value, end)
        if index >= length or value[index] != "#":
            return total
        index += 1


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
