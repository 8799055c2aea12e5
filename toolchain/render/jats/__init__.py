"""article.xml: one bilingual JATS 1.3 article (zh article, en translation as sub-article)."""

from __future__ import annotations

from pathlib import Path

from toolchain.load import Project
from toolchain.render.jats.assemble import assemble_article
from toolchain.render.pandoc import ast_to


def render_jats(project: Project, zh_ast: dict, en_ast: dict | None, target: Path, zh_items: list[dict]) -> None:
    """Write the bilingual JATS article to ``target``."""
    zh_body = ast_to(zh_ast, "jats_publishing", ["--standalone"], "article.xml")
    en_body = ast_to(en_ast, "jats_publishing", ["--standalone"], "article.xml") if en_ast is not None else None
    target.write_bytes(assemble_article(project, zh_body, en_body, zh_items))
