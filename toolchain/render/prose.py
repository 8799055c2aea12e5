"""Metadata prose (biographies, affiliations, funding, COI) read as Markdown: ``*Blood*`` prints in italics.

Pandoc reads the texts (one run for all that hold a markup character); only character markup is
kept (emphasis, strong, superscript, subscript, small capitals), anything else prints as its text.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable

from toolchain.pandoc import markdown_values
from toolchain.render.ast import inlines, text_of

MARKUP = frozenset("*_^~`\\[<&")
KEPT = frozenset({"Emph", "Strong", "Superscript", "Subscript", "SmallCaps"})
_READ: dict[str, list[dict]] = {}
_LOCK = threading.Lock()


def plain(node: dict) -> list[dict]:
    """Inlines of character markup only: a kept node with its content cleaned, any other as its text."""
    kind = node.get("t")
    if kind in ("Str", "Space"):
        return [node]
    if kind in ("SoftBreak", "LineBreak"):
        return [{"t": "Space"}]
    if kind in KEPT:
        return [{"t": kind, "c": clean(node["c"])}]
    if kind in ("Span", "Link"):
        return clean(node["c"][1])
    return inlines(text_of(node))


def clean(nodes: list) -> list[dict]:
    """``plain`` over a list of inlines."""
    return [item for node in nodes if isinstance(node, dict) for item in plain(node)]


def read(texts: Iterable[str]) -> None:
    """Read every text not read yet that holds a markup character (one Pandoc run)."""
    with _LOCK:
        pending = sorted({t for t in texts if t and t not in _READ and MARKUP.intersection(t)})
        if not pending:
            return
        for text, value in zip(pending, markdown_values(pending, "metadata prose"), strict=True):
            _READ[text] = clean(value["c"]) if value.get("t") == "MetaInlines" else inlines(text)


def prose(text: str) -> list[dict]:
    """The inlines of one text of metadata prose (read with ``read`` first, else read now)."""
    if not MARKUP.intersection(text):
        return inlines(text)
    read([text])
    return copy.deepcopy(_READ[text])
