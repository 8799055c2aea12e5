"""A heading or paragraph deleted from en.md is one alignment finding at its place, and no pairwise rule cascades.

For the real article (manuscript/) and other test projects: each heading, and every third
paragraph-like unit, is deleted in turn from a copy of en.md (and every sixth from zh.md); the
check must then report exactly one ALIGN001/ALIGN002 finding, at the unit of the other language
that lost its counterpart, with the unit before the gap as related location, and nothing from
NUM001, TERM001 or REF007.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.check import run_checks
from toolchain.config import load_settings
from toolchain.load import load_project
from toolchain.load.markdown import Block, Document

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = {"manuscript": ROOT, "other-cardiology": ROOT / "tests/projects/other-cardiology",
            "render-features": ROOT / "tests/projects/render-features"}
PAIRWISE = ("ALIGN", "NUM001", "TERM001", "REF007")


def findings(root: Path) -> list:
    """The alignment and pairwise diagnostics of a project."""
    settings = replace(load_settings(root), select=PAIRWISE, ignore=())
    return list(run_checks(load_project(root), settings).diagnostics)


def body_units(document: Document) -> list[Block]:
    """Headings and paragraph-like units of a body, as the aligner takes them."""
    return list(document.body_units(footnotes=False))


def deletions(root: Path) -> list[tuple[str, int, str]]:
    """(language, index among its body units, kind): in en every heading and every third other unit, in zh every sixth."""
    project = load_project(root)
    en = [("en", i, b.kind) for i, b in enumerate(body_units(project.en)) if b.kind == "heading" or i % 3 == 0]
    return en + [("zh", i, b.kind) for i, b in enumerate(body_units(project.zh)) if i % 6 == 1]


CASES = [(name, *case) for name, root in PROJECTS.items() for case in deletions(root)]


def copy_project(source: Path, target: Path) -> Path:
    """Copy a project's manuscript/, bib/ and pyproject.toml."""
    target.mkdir()
    for part in ("manuscript", "bib"):
        shutil.copytree(source / part, target / part)
    if (source / "pyproject.toml").is_file():
        shutil.copy(source / "pyproject.toml", target / "pyproject.toml")
    return target


@pytest.mark.parametrize(("name", "lang", "index", "kind"), CASES, ids=[f"{n}-{lang}-{k}{i}" for n, lang, i, k in CASES])
def test_deleted_unit_is_one_finding_at_its_place(name: str, lang: str, index: int, kind: str, tmp_path: Path) -> None:
    """Delete the index-th body unit of one language: one ALIGN finding at the other's counterpart, no pairwise finding."""
    source = PROJECTS[name]
    assert findings(source) == [], "the project must start clean for these rules"
    project = load_project(source)
    edited, other = project.document(lang), project.document("en" if lang == "zh" else "zh")
    kept_units, edited_units = body_units(other), body_units(edited)
    assert len(kept_units) == len(edited_units)
    deleted = edited_units[index]
    text = edited.source.text
    start = deleted.span.anchors[0][1]
    end = start + len(deleted.span.text)
    while text.startswith("\n", end):
        end += 1
    root = copy_project(source, tmp_path / "project")
    (root / edited.path).write_text(text[:start] + text[end:], encoding="utf-8")
    left = [(b.kind, b.span.text) for b in body_units(load_project(root).document(lang))]
    if left != [(b.kind, b.span.text) for b in edited_units if b is not deleted]:
        pytest.skip(f"without unit {index} ({kind}) Pandoc reads its neighbours as other blocks: {sorted({k for k, _ in left})}")
    found = findings(root)
    assert [d.rule for d in found] == ["ALIGN001" if kind == "heading" else "ALIGN002"], [f"{d.location} {d.rule} {d.message}" for d in found]
    (diagnostic,) = found
    assert (diagnostic.location.file, diagnostic.location.line) == (other.path, kept_units[index].span.start.line)
    if index:
        neighbour = edited_units[index - 1].span.start.line
        assert [(r.file, r.line) for r in diagnostic.related] == [(edited.path, neighbour)]
