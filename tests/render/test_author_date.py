"""A house author-date style: a sentence that names the authors does not print them twice."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.config import load_settings
from toolchain.load import load_project
from toolchain.render.ast import divs, text_of
from toolchain.render.manuscript import prepare_ast


def printed(root: Path, csl: str, lang: str) -> tuple[list[str], list[str]]:
    """The body paragraphs and the reference entries of one language, as plain text."""
    project, settings = load_project(root), replace(load_settings(root), csl=csl)
    with tempfile.TemporaryDirectory() as work:
        ast, _ = prepare_ast(project, settings, lang, Path(work))
    paragraphs = [text_of(block["c"]) for block in ast["blocks"] if block["t"] == "Para"]
    return paragraphs, [text_of(div["c"][1][0]["c"]) for div in divs(ast["blocks"], "csl-entry")]


@pytest.mark.parametrize(("lang", "named", "twice"), [
    ("zh", "Xuan等(2020)", "Xuan等(Xuan"),
    ("en", "Xuan et al. (2020)", "Xuan et al. (Xuan"),
])
def test_named_authors_are_not_repeated_by_an_author_date_style(base_copy: Path, lang: str, named: str, twice: str) -> None:
    paragraphs, references = printed(base_copy, "apa", lang)
    body = " ".join(paragraphs)
    assert named in body and twice not in body, body
    assert any("et al." in entry or "等" in entry for entry in references)
    assert not any("& et al." in entry or "& 等" in entry for entry in references), references  # BibTeX's “and others”


def test_a_chinese_name_in_full_and_a_numeric_style_untouched(base_copy: Path) -> None:
    zh = base_copy / "manuscript" / "zh.md"
    bib = base_copy / "bib" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Xuan, L. and", "宣, 丽 and", 1), encoding="utf-8")
    zh.write_text(zh.read_text(encoding="utf-8").replace("Xuan等[@xuan2020]", "宣丽等[@xuan2020]"), encoding="utf-8")
    paragraphs, _ = printed(base_copy, "apa", "zh")
    assert any("宣丽等(2020)" in p for p in paragraphs), paragraphs
    numeric, _ = printed(base_copy, "gb-t-7714-2025", "zh")
    assert any("宣丽等[" in p for p in numeric), numeric  # a numeric style prints the number after the name
