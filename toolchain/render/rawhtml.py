"""Inline HTML formatting tags (``m<sup>2</sup>``, ``H<sub>2</sub>O``, ``<br>``) as Pandoc inlines.

Text pasted from Word or a web page keeps such tags. Pandoc reads each tag as a raw HTML
inline, which the typst, docx and JATS writers drop: “m<sup>2</sup>” would print “m2”. The
tags Markdown has an equivalent for become that element; any other tag is left to the writers.
"""

from __future__ import annotations

import re

from toolchain.render.ast import walk

ELEMENTS = {"sup": "Superscript", "sub": "Subscript", "i": "Emph", "em": "Emph", "b": "Strong", "strong": "Strong",
            "u": "Underline", "s": "Strikeout", "del": "Strikeout"}
OPENING = re.compile(r"<\s*([a-zA-Z]+)(?:\s[^>]*)?>")
CLOSING = re.compile(r"<\s*/\s*([a-zA-Z]+)\s*>")
BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)


def html_tag(node: object, pattern: re.Pattern[str]) -> str | None:
    """The lower-case name of the tag a raw HTML inline holds, if it is one matching ``pattern``."""
    if not isinstance(node, dict) or node.get("t") != "RawInline" or node["c"][0] != "html":
        return None
    match = pattern.fullmatch(node["c"][1].strip())
    return match.group(1).lower() if match else None


def convert(inlines: list) -> list:
    """``inlines`` with every matched pair of formatting tags replaced by its element (recursively)."""
    result: list = []
    index = 0
    while index < len(inlines):
        item = inlines[index]
        if isinstance(item, dict) and item.get("t") == "RawInline" and item["c"][0] == "html" and BREAK.fullmatch(item["c"][1].strip()):
            result.append({"t": "LineBreak"})
            index += 1
            continue
        name = html_tag(item, OPENING)
        if name in ELEMENTS:
            depth, end = 1, None
            for later in range(index + 1, len(inlines)):
                if html_tag(inlines[later], OPENING) == name:
                    depth += 1
                elif html_tag(inlines[later], CLOSING) == name:
                    depth -= 1
                    if depth == 0:
                        end = later
                        break
            if end is not None:
                result.append({"t": ELEMENTS[name], "c": convert(inlines[index + 1 : end])})
                index = end + 1
                continue
        result.append(item)
        index += 1
    return result


def convert_inline_html(ast: dict) -> None:
    """Rewrite every inline list of the document (in place)."""
    def visit(node: dict) -> None:
        """Convert the tags among the inlines of ``node``."""
        content = node.get("c")
        if not isinstance(content, list):
            return
        for part in (content, *[c for c in content if isinstance(c, list)]):
            if any(isinstance(i, dict) and i.get("t") == "RawInline" for i in part):
                part[:] = convert(part)

    walk(ast["blocks"], visit)
