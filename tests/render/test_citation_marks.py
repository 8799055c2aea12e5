"""Citation marks as the style prints them: ranges, consecutive pairs, and keys that resolve."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.cli import main
from toolchain.config import Settings
from toolchain.errors import InputError
from toolchain.load import load_project
from toolchain.render.ast import text_of, walk
from toolchain.render.manuscript import prepare_ast

REPO = Path(__file__).resolve().parents[2]
ENTRIES = "\n".join(
    f"@book{{{key}, author = {{Smith, J.}}, title = {{Book {key}}}, address = {{London}}, publisher = {{Press}}, year = {{200{n}}}}}"
    for n, key in enumerate(("a1", "b2", "c3", "d4", "e5"))
)


def project(tmp_path: Path, zh: str, bib: str = ENTRIES) -> Path:
    """The base project with five books and ``zh`` as its Chinese body."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", root)
    shutil.copy(REPO / "bib" / "journal.csl", root / "bib" / "journal.csl")
    (root / "bib" / "references.bib").write_text(bib, encoding="utf-8")
    (root / "manuscript" / "zh.md").write_text(f"---\ntitle: 例\nlang: zh\n---\n\n# 引言\n\n{zh}\n", encoding="utf-8")
    return root


def marks(root: Path, csl: str, tmp_path: Path) -> list[str]:
    """The text of every citation of zh.md as rendered with ``csl``."""
    ast, _ = prepare_ast(load_project(root), replace(Settings(), csl=csl), "zh", tmp_path)
    found: list[str] = []

    def visit(node: dict) -> None:
        """Collect the Cite texts among ``node``'s inlines."""
        for item in node.get("c", []):
            if isinstance(item, dict) and item.get("t") == "Cite":
                found.append(text_of(item["c"][1]))

    walk(ast["blocks"], visit)
    return found


@pytest.mark.parametrize(("csl", "expected"), [
    ("bib/journal.csl", ["[1]", "[2-3]", "[1-4]", "[3,5]"]),
    ("gb-t-7714-2025-numeric", ["[1]", "[2-3]", "[1-4]", "[3,5]"]),  # 9.2.1.2: [260，262-263]
    ("gb-t-7714-2015-numeric", ["[1]", "[2,3]", "[1-4]", "[3,5]"]),
])
def test_ranges_and_pairs_as_the_style_joins_them(tmp_path: Path, csl: str, expected: list[str]) -> None:
    root = project(tmp_path, "甲[@a1]。乙[@b2; @c3]。丙[@a1; @b2; @c3; @d4]。丁[@e5; @c3]。")
    assert marks(root, csl, tmp_path) == expected


def test_an_unresolved_key_stops_the_build_with_its_line(tmp_path: Path) -> None:
    bib = ENTRIES + "\n@book{xu2010--, author = {徐光宪}, title = {物质结构}, address = {北京}, publisher = {科学出版社}, year = {2010}}\n"
    root = project(tmp_path, "甲[@a1]。\n\n乙的研究[@xu2010--]。", bib)
    with pytest.raises(InputError) as raised:
        prepare_ast(load_project(root), Settings(), "zh", tmp_path)
    assert (raised.value.file, raised.value.line) == ("manuscript/zh.md", 10)
    assert "“@xu2010”" in raised.value.message and "@{xu2010--}" in raised.value.message
    assert main(["build", str(root), "--to", "jats", "--quiet", "--out", str(tmp_path / "out"), "--no-check"]) == 1  # the renderer refuses it, as a finding
    assert main(["build", str(root), "--to", "jats", "--quiet", "--out", str(tmp_path / "out")]) == 1  # the check reports it first
    assert not (tmp_path / "out" / "article.xml").exists()


def test_a_key_in_braces_resolves(tmp_path: Path) -> None:
    bib = ENTRIES + "\n@book{xu2010--, author = {徐光宪}, title = {物质结构}, address = {北京}, publisher = {科学出版社}, year = {2010}}\n"
    root = project(tmp_path, "乙的研究[@{xu2010--}]。", bib)
    assert marks(root, "gb-t-7714-2025-numeric", tmp_path) == ["[1]"]
