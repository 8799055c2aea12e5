"""A Chinese line wrapped in the source is one line in the outputs: no space where the source broke it.

Authors' editors and pastes from PDF wrap Chinese paragraphs; Markdown reads a line break as a
space, which Chinese text must not get (Pandoc's east_asian_line_breaks reads it as nothing).
"""

from __future__ import annotations

from pathlib import Path

from toolchain.config import load_settings
from toolchain.load import load_project
from toolchain.render.ast import text_of
from toolchain.render.manuscript import prepare_ast


def wrapped(project: Path) -> None:
    """Break the Chinese body and abstract in the middle of a phrase, as a hard-wrapping editor does."""
    path = project / "manuscript" / "zh.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("是成人最常见的急性白血病", "是成人最常见的\n急性白血病").replace("是一种侵袭性血液肿瘤", "是一种侵袭性\n  血液肿瘤")
    path.write_text(text, encoding="utf-8")


def test_wrapped_chinese_reads_as_one_line(base_copy: Path, tmp_path: Path) -> None:
    wrapped(base_copy)
    ast, _ = prepare_ast(load_project(base_copy), load_settings(base_copy), "zh", tmp_path)
    body = " ".join(text_of(block.get("c", [])) for block in ast["blocks"] if block["t"] == "Para")
    assert "是成人最常见的急性白血病" in body
    abstract = text_of(ast["meta"]["abstract"]["c"])
    assert "是一种侵袭性血液肿瘤" in abstract


def test_wrapped_english_keeps_its_space(base_copy: Path, tmp_path: Path) -> None:
    path = base_copy / "manuscript" / "en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("most common acute", "most common\nacute"), encoding="utf-8")
    ast, _ = prepare_ast(load_project(base_copy), load_settings(base_copy), "en", tmp_path)
    body = " ".join(text_of(block.get("c", [])) for block in ast["blocks"] if block["t"] == "Para")
    assert "the most common acute leukemia" in body
