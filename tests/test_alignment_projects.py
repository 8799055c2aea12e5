"""A heading or paragraph deleted from en.md is one alignment finding at its place, and no pairwise rule cascades.

For the real article (manuscript/) and other test projects: each heading, and every third
paragraph-like unit, is deleted in turn from a copy of en.md; the check must then report exactly
one new ALIGN001/ALIGN002 finding, at the zh unit that lost its counterpart, with the en unit
before the gap as related location, and nothing new from NUM001, TERM001 or REF007.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.check import run_checks
from toolchain.config import load_settings
from toolchain.load import load_project

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = {"manuscript": ROOT, "other-cardiology": ROOT / "tests/projects/other-cardiology",
            "render-features": ROOT / "tests/projects/render-features"}
PAIRWISE = ("ALIGN", "NUM001", "TERM001", "REF007")


def findings(root: Path) -> list:
    """The alignment and pairwise diagnostics of a project."""
    settings = replace(load_settings(root), select=PAIRWISE, ignore=())
    return list(run_checks(load_project(root), settings).diagnostics)


def deletions(root: Path) -> list[tuple[int, str]]:
    """(index among en's body units, kind) of every heading and every third other unit."""
    project = load_project(root)
    units = [b for b in project.en.blocks if b.kind == "heading" or (b.is_unit and not b.footnote_label)]
    return [(i, b.kind) for i, b in enumerate(units) if b.kind == "heading" or i % 3 == 0]


CASES = [(name, index, kind) for name, root in PROJECTS.items() for index, kind in deletions(root)]


def copy_project(source: Path, target: Path) -> Path:
    """Copy a project's manuscript/, bib/ and pyproject.toml."""
    target.mkdir()
    for part in ("manuscript", "bib"):
        shutil.copytree(source / part, target / part)
    if (source / "pyproject.toml").is_file():
        shutil.copy(source / "pyproject.toml", target / "pyproject.toml")
    return target


@pytest.mark.parametrize(("name", "index", "kind"), CASES, ids=[f"{n}-{k}{i}" for n, i, k in CASES])
def test_deleted_unit_is_one_finding_at_its_place(name: str, index: int, kind: str, tmp_path: Path) -> None:
    """Delete the index-th body unit of en.md: one ALIGN finding at zh's counterpart, no pairwise finding."""
    source = PROJECTS[name]
    assert findings(source) == [], "the project must start clean for these rules"
    project = load_project(source)
    zh_units = [b for b in project.zh.blocks if b.kind == "heading" or (b.is_unit and not b.footnote_label)]
    en_units = [b for b in project.en.blocks if b.kind == "heading" or (b.is_unit and not b.footnote_label)]
    assert len(zh_units) == len(en_units)
    deleted = en_units[index]
    text = project.en.source.text
    start = deleted.span.anchors[0][1]
    end = start + len(deleted.span.text)
    while text.startswith("\n", end):
        end += 1
    root = copy_project(source, tmp_path / "project")
    (root / "manuscript/en.md").write_text(text[:start] + text[end:], encoding="utf-8")
    found = findings(root)
    assert [d.rule for d in found] == ["ALIGN001" if kind == "heading" else "ALIGN002"], [f"{d.location} {d.rule} {d.message}" for d in found]
    (diagnostic,) = found
    assert (diagnostic.location.file, diagnostic.location.line) == (project.zh.path, zh_units[index].span.start.line)
    if index:
        neighbour = en_units[index - 1].span.start.line
        assert [(r.file, r.line) for r in diagnostic.related] == [(project.en.path, neighbour)]
