"""The images zh.md and en.md show: where each is named and what is wrong with its file, if anything.

Both the checker (FIG001, FIG002) and the build (which refuses to start) read figures through
``figure_problem``, so the two always agree on which image cannot be printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from toolchain.load.markdown import COMMENT, Document, mask
from toolchain.load.source import Location

FIGURES = "figures"
IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)")
INLINE_CODE = re.compile(r"`[^`\n]*`")
URL_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
# What every output embeds: typst (PDF) reads PNG, JPEG, GIF, SVG and WebP; Word and JATS viewers show them too.
PRINTABLE = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})


@dataclass(frozen=True, slots=True)
class Figure:
    """One image of a document: its target as written and where it stands."""

    target: str
    location: Location


def figures(document: Document) -> Iterator[Figure]:
    """Every image ``![…](target)`` of a document's body, outside code and comments, in order."""
    for block in document.blocks:
        if block.kind == "code" or "![" not in block.text:
            continue
        for match in IMAGE.finditer(mask(block.text, COMMENT, INLINE_CODE)):
            yield Figure(match.group(1), block.span.location(match.start(1)))


def figure_problem(root: Path, target: str) -> str | None:
    """Why the image ``target`` of a manuscript cannot be printed (None when it is a file the outputs embed)."""
    if URL_SCHEME.match(target):
        return f"figure “{target}” is not a file: the build fetches nothing; save the image in manuscript/{FIGURES}/"
    manuscript = (root / "manuscript").resolve()
    path = (manuscript / unquote(target)).resolve()  # pandoc reads figures/a%20b.png as "a b"
    if manuscript / FIGURES not in path.parents:
        return f"figure “{target}” is outside manuscript/{FIGURES}/, the only place the build reads images from"
    if not path.is_file():
        return f"figure “{target}” not found (no file manuscript/{target})"
    return None


def unprintable_format(target: str) -> str | None:
    """The suffix of an image the PDF cannot embed (``.tif``, ``.eps``, ``.pdf`` …), else None."""
    suffix = Path(unquote(target)).suffix.lower()
    return None if suffix in PRINTABLE else suffix or "(none)"
