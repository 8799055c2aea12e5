"""Active content dropped from every output: script links and raw OpenXML fields that fetch.

``check`` reports the same constructs (SRC005); the outputs keep a script link's text and lose
its target, and lose the raw OpenXML or HTML that holds a fetching field or a script URL.
"""

from __future__ import annotations

from toolchain.load.unsafe import FIELD_CODE, SCRIPT_LINK, is_script_url
from toolchain.render.ast import walk

KINDS = ("Link", "RawInline", "RawBlock")


def is_active(node: dict) -> bool:
    """Whether a raw node acts when the output is opened."""
    if node.get("t") not in ("RawInline", "RawBlock"):
        return False
    fmt, code = node["c"]
    return (fmt == "openxml" and FIELD_CODE.search(code) is not None) or (fmt == "html" and SCRIPT_LINK.search(code) is not None)


def cleaned(items: list) -> list:
    """``items`` without active raw nodes, each script link turned into a Span of its text."""
    result = []
    for item in items:
        if not isinstance(item, dict) or item.get("t") not in KINDS:
            result.append(item)
        elif item["t"] == "Link" and is_script_url(item["c"][2][0]):
            result.append({"t": "Span", "c": [item["c"][0], item["c"][1]]})
        elif not is_active(item):
            result.append(item)
    return result


def drop_active_content(ast: dict) -> None:
    """Remove active content from the document's body and metadata (in place)."""
    def visit(node: dict) -> None:
        """Clean the lists of inlines or blocks directly under ``node``."""
        content = node.get("c")
        if not isinstance(content, list):
            return
        for part in (content, *[c for c in content if isinstance(c, list)]):
            if any(isinstance(i, dict) and i.get("t") in KINDS for i in part):
                part[:] = cleaned(part)

    ast["blocks"][:] = cleaned(ast["blocks"])
    walk(ast["blocks"], visit)
    walk(ast["meta"], visit)
