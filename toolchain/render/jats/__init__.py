"""article.xml: one bilingual JATS 1.3 (or 1.4) article (zh article, en translation as sub-article)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from toolchain.cite import csl_items
from toolchain.load import Project
from toolchain.render.jats.assemble import assemble_article
from toolchain.render.jats.body import pandoc_parts


def render_jats(project: Project, zh_ast: dict, en_ast: dict | None, target: Path, zh_items: list[dict],
                en_items: list[dict] | None = None, version: str = "1.3") -> None:
    """Write the bilingual JATS ``version`` article to ``target`` (``en_items``: the English list's CSL items, else the default style's).

    Pandoc's JATS writer runs on both languages at once (two processes; this thread waits for them).
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        translation = pool.submit(pandoc_parts, en_ast) if en_ast is not None else None
        zh = pandoc_parts(zh_ast)
        en = translation.result() if translation is not None else None
    target.write_bytes(assemble_article(project, zh, en, zh_items, en_items if en_items is not None else csl_items(project, "en"),
                                       version))
