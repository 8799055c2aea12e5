"""The loader reads the structure Pandoc reads: headings (level, text) and the cited keys of each block.

Pinned three ways: every test project and the article, Pandoc's own Markdown test inputs
(../shared/external/pandoc-tests, read from there), and the edge cases in pandoc_edge_cases.yaml.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.load.pandoc_agreement import differences, figures, structures

REPO = Path(__file__).resolve().parents[2]
PANDOC_TESTS = REPO.parent / "shared" / "external" / "pandoc-tests" / "cases.json"
EDGE_CASES = yaml.safe_load((Path(__file__).with_name("pandoc_edge_cases.yaml")).read_text(encoding="utf-8"))
PROJECTS = [REPO, *sorted(p for p in (REPO / "tests" / "projects").iterdir() if p.is_dir())]
SOURCES = [(p, lang) for p in PROJECTS for lang in ("zh", "en") if (p / "manuscript" / f"{lang}.md").is_file()]


def readable(path: Path) -> str | None:
    """A manuscript's text, or None for the projects that test unreadable input."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


@pytest.mark.parametrize(("root", "lang"), SOURCES, ids=[f"{p.name}-{lang}" for p, lang in SOURCES])
def test_every_project_is_read_as_pandoc_reads_it(root: Path, lang: str) -> None:
    """Headings and cited keys per block of each manuscript equal Pandoc's."""
    text = readable(root / "manuscript" / f"{lang}.md")
    if text is None:
        pytest.skip("not UTF-8: this project tests the refusal of unreadable input")
    ((loader, pandoc),) = structures([text])
    assert differences(loader, pandoc) == []


def test_edge_cases_are_read_block_for_block_as_pandoc_reads_them() -> None:
    """Each edge case: the same sequence of blocks (heading / unit / other), headings and keys as Pandoc."""
    found = structures(list(EDGE_CASES.values()))
    wrong = {name: (loader.error or loader.records, pandoc.records) for name, (loader, pandoc) in zip(EDGE_CASES, found, strict=True)
             if loader.error or loader.records != pandoc.records}
    assert wrong == {}
    assert all(pandoc.records for _, pandoc in found), "every case must give Pandoc something to read"


def test_the_edge_cases_would_catch_a_wrong_heading() -> None:
    """The comparison is not blind: a text Pandoc reads as a paragraph is told apart from a heading."""
    ((loader, pandoc),) = structures(["正文一句。\n# 结论\n"])
    ((heading, _),) = structures(["正文一句。\n\n# 结论\n"])
    assert loader.records == pandoc.records != heading.records


def test_pandoc_test_inputs_agree() -> None:
    """Pandoc's own Markdown inputs: headings and keys agree in every text; the block counts nearly everywhere."""
    if not PANDOC_TESTS.is_file():
        pytest.skip(f"Pandoc's test inputs are not beside the repository ({PANDOC_TESTS.relative_to(REPO.parent)})")
    cases = json.loads(PANDOC_TESTS.read_text(encoding="utf-8"))["cases"]
    texts = [c["text"] for c in cases if c.get("format", "markdown") == "markdown"]  # as the build reads: no other extensions
    pairs = structures(texts)
    total = figures(pairs)
    print(f"\nPandoc's Markdown tests, {len(texts)} inputs: {total.summary()}")
    disagreeing = [i for i, (loader, pandoc) in enumerate(pairs) if differences(loader, pandoc)]
    assert disagreeing == []
    assert total.citations_agreeing == total.citations and total.loader_extra_citations == 0
    assert total.blocks_agreeing >= 0.92 * total.blocks
