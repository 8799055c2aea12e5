"""article.xml: one bilingual JATS 1.3 article (zh article, en translation as sub-article)."""

from __future__ import annotations

from pathlib import Path

from toolchain.cite import csl_items
from toolchain.load import Project
from toolchain.render.jats.assemble import assemble_article
from toolchain.render.jats.body import pandoc_parts


def render_jats(project: Project, zh_ast: dict, en_ast: dict | None, target: Path, zh_items: list[dict]) -> None:
    """Write the bilingual JATS article to ``target``."""
    zh = pandoc_parts(zh_ast)
    en = pandoc_parts(en_ast) if en_ast is not None else None
    target.write_bytes(assemble_article(project, zh, en, zh_items, csl_items(project, "en")))
