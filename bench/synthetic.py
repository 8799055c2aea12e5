"""Synthetic manuscripts for the scaling benchmark: the article's body repeated N times."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

FRONT = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", re.S)
IDENTIFIER = re.compile(r"\{#([^\s{}]+)")  # {#sec-x} on headings (and figures, tables)


def split_front(text: str) -> tuple[str, str]:
    """Split a Markdown file into its front matter (with fences) and its body."""
    match = FRONT.match(text)
    return (text[: match.end()], text[match.end():]) if match else ("", text)


def repeat_body(body: str, times: int) -> str:
    """The body ``times`` times; each copy after the first gets distinct ``{#id-rK}`` identifiers."""
    copies = [body.strip("\n")]
    for k in range(2, times + 1):
        copies.append(IDENTIFIER.sub(lambda m, k=k: "{#" + m.group(1) + f"-r{k}", body.strip("\n")))
    return "\n\n".join(c for c in copies if c) + "\n"


def multiply(repo: Path, target: Path, times: int) -> Path:
    """Write a project at ``target`` whose zh.md and en.md hold the repo's body ``times`` times.

    Citations, glossary, metadata and bibliography are the article's own, so every copy cites
    the same works consistently; ``times`` = 0 keeps only the front matter (the fixed cost).
    """
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(repo / "manuscript", target / "manuscript")
    shutil.copytree(repo / "bib", target / "bib")
    if (repo / "pyproject.toml").is_file():
        shutil.copy2(repo / "pyproject.toml", target / "pyproject.toml")
    for lang in ("zh", "en"):
        path = target / "manuscript" / f"{lang}.md"
        front, body = split_front(path.read_text(encoding="utf-8"))
        path.write_text(front + "\n" + (repeat_body(body, times) if times else ""), encoding="utf-8")
    return target
