"""Stage 1: read a project directory into typed, positioned objects."""

from __future__ import annotations

from pathlib import Path

from toolchain.errors import InputError
from toolchain.load._yaml import describe, key_line, parse_yaml, safe_data
from toolchain.load._yaml_values import LineList, LineMap
from toolchain.load.bibliography import parse_bibliography
from toolchain.load.glossary import parse_glossary
from toolchain.load.lock import read_lock
from toolchain.load.markdown import parse_document
from toolchain.load.metadata import parse_metadata
from toolchain.load.project import Project
from toolchain.load.source import read_source

FILES = {
    "zh": "manuscript/zh.md",
    "en": "manuscript/en.md",
    "metadata": "manuscript/metadata.yaml",
    "glossary": "manuscript/glossary.yaml",
    "bibliography": "bib/references.bib",
}


def load_project(root: Path | str) -> Project:
    """Load every file of the contract; raise InputError on the first one that cannot be read or parsed."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(str(root), None, "project directory does not exist")
    if not (root / "manuscript").is_dir():
        raise InputError("manuscript", None, "no manuscript/ directory: is this a manuscript project?")
    sources = {name: read_source(root, path) for name, path in FILES.items()}
    zh = parse_document(sources["zh"], "zh")
    en = parse_document(sources["en"], "en")
    styles = tuple(sorted(p.relative_to(root).as_posix() for p in (root / "bib").glob("*.csl")))
    return Project(
        root=root,
        zh=zh,
        en=en,
        metadata=parse_metadata(sources["metadata"]),
        glossary=parse_glossary(sources["glossary"]),
        bibliography=parse_bibliography(sources["bibliography"]),
        sources=tuple(sources.values()),
        styles=styles,
        lock=read_lock(root),
    )


__all__ = ["FILES", "LineList", "LineMap", "Project", "describe", "key_line", "load_project", "parse_yaml", "safe_data"]
