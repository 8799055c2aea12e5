"""One language of the manuscript as a Pandoc AST: citations resolved, references localised,
metadata.yaml merged in for the templates."""

from __future__ import annotations

from pathlib import Path

from toolchain.config import Settings
from toolchain.load import Project
from toolchain.load.metadata import Metadata
from toolchain.render.ast import meta_text
from toolchain.render.citations import SECTION_TITLE, csl_items, fix_reference_languages, style_path, write_items
from toolchain.render.pandoc import markdown_to_ast

LABELS = {
    "zh": {"abstract": "摘要", "keywords": "关键词", "doi": "DOI", "clc": "中图分类号", "document-code": "文献标志码",
           "corresp": "通信作者", "funding": "基金项目", "bio": "专家简介", "received": "收稿日期", "cite": "引用本文",
           "figure": "图", "table": "表", "coi": "利益冲突"},
    "en": {"abstract": "Abstract", "keywords": "Key words", "doi": "DOI", "clc": "CLC number", "document-code": "Document code",
           "corresp": "Corresponding author", "funding": "Funding", "bio": "Biography", "received": "Received", "cite": "Cite this article",
           "figure": "Figure", "table": "Table", "coi": "Conflict of interest"},
}


def author_marks(metadata: Metadata, author_index: int) -> str:
    """Affiliation numbers of an author, as printed after the name (1,2)."""
    order = [a.id for a in metadata.affiliations]
    author = metadata.authors[author_index]
    return ",".join(str(order.index(i) + 1) for i in author.affiliations if i in order)


def display_name(name: str, lang: str) -> str:
    """The printed form of a name: ``ZHANG Yu`` in English (family name in capitals)."""
    if lang == "zh":
        return name
    family, _, given = name.partition(" ")
    return f"{family.upper()} {given}".strip()


def cite_as(metadata: Metadata, title: str, lang: str) -> str:
    """The how-to-cite line (引用本文) built from metadata."""
    j = metadata.journal
    names = [display_name(a.name.get(lang), lang) for a in metadata.authors]
    if lang == "en":
        names = [n.title() if n.isupper() else n for n in names]
    shown = ", ".join(names[:3]) + ((", 等" if lang == "zh" else ", et al") if len(names) > 3 else "")
    pages = f"{j.get('fpage', '')}-{j.get('lpage', '')}".strip("-")
    return f"{shown}. {title}[J]. {metadata.journal_title.get(lang)}, {j.get('year', '')}, {j.get('volume', '')}({j.get('issue', '')}): {pages}."


def metadata_fields(project: Project, lang: str, title: str) -> dict:
    """Template variables from metadata.yaml, as Pandoc metadata values."""
    md = project.metadata
    labels = LABELS[lang]
    j = md.journal
    fields: dict = {
        "journal-title": meta_text(md.journal_title.get(lang)),
        "journal-issue": meta_text(
            f"{j.get('year', '')}年第{j.get('volume', '')}卷第{j.get('issue', '')}期" if lang == "zh"
            else f"{j.get('year', '')}, Vol. {j.get('volume', '')}, No. {j.get('issue', '')}"
        ),
        "page-range": meta_text(f"{j.get('fpage', '')}-{j.get('lpage', '')}".strip("-")),
        "cite-as": meta_text(f"{labels['cite']}: {cite_as(md, title, lang)}"),
        "labels": {"t": "MetaMap", "c": {k: meta_text(v) for k, v in labels.items()}},
    }
    for key in ("doi", "clc", "document-code"):
        if md.article.get(key):
            fields[key] = meta_text(md.article[key])
    if md.heading:
        fields["heading"] = meta_text(md.heading.get(lang))
    fields["authors"] = {"t": "MetaList", "c": [
        {"t": "MetaMap", "c": {
            "name": meta_text(display_name(a.name.get(lang), lang)),
            "marks": meta_text(author_marks(md, i) + ("*" if a.corresponding else "")),
        }} for i, a in enumerate(md.authors)
    ]}
    affiliations = []
    for i, aff in enumerate(md.affiliations, 1):
        parts = [aff.name.get(lang)]
        if aff.city:
            parts.append(aff.city.get(lang))
        if aff.postcode:
            parts.append(aff.postcode)
        if aff.country:
            parts.append(aff.country.get(lang))
        affiliations.append({"t": "MetaMap", "c": {"mark": meta_text(str(i)), "text": meta_text(("，" if lang == "zh" else ", ").join(parts))}})
    fields["affiliations"] = {"t": "MetaList", "c": affiliations}
    notes = []
    if md.funding:
        awards = lambda f: ("，" if lang == "zh" else ", ").join(f.awards)  # noqa: E731
        text = "；".join(f"{f.name.zh}（No.{awards(f)}）" for f in md.funding) if lang == "zh" \
            else "; ".join(f"{f.name.en} (No. {awards(f)})" for f in md.funding)
        notes.append(f"{labels['funding']}：{text}" if lang == "zh" else f"{labels['funding']}: {text}")
    for i, aff in enumerate(md.affiliations, 1):
        if len(md.affiliations) > 1 or lang == "zh":
            notes.append(f"{i}{aff.name.get(lang)}" if lang == "zh" else f"{i} {aff.name.en}")
    for author in md.authors:
        if author.corresponding:
            name = display_name(author.name.get(lang), lang)
            notes.append(f"{labels['corresp']}：{name}，E-mail：{author.email}" if lang == "zh" else f"{labels['corresp']}: {name}, E-mail: {author.email}")
    for author in md.authors:
        if author.bio and author.bio.get(lang):
            notes.append(f"{labels['bio']}：{author.bio.get(lang)}" if lang == "zh" else f"{labels['bio']}: {author.bio.get(lang)}")
    if md.conflict_of_interest:
        coi = md.conflict_of_interest.get(lang)
        notes.append(f"{labels['coi']}：{coi}" if lang == "zh" else f"{labels['coi']}: {coi}")
    fields["notes"] = {"t": "MetaList", "c": [meta_text(n) for n in notes]}
    if md.article.get("received"):
        fields["received"] = meta_text(md.article["received"])
    return fields


def prepare_ast(project: Project, settings: Settings, lang: str, workdir: Path) -> tuple[dict, list[dict]]:
    """Parse one language with citeproc; return the AST and the CSL items used."""
    document = project.document(lang)
    items = csl_items(project, lang)
    bibliography = write_items(items, workdir, lang)
    csl = style_path(project, settings)
    args = [
        "--citeproc", f"--bibliography={bibliography}", f"--csl={csl}",
        f"--metadata=reference-section-title:{SECTION_TITLE[lang]}",
        f"--metadata=lang:{'zh-CN' if lang == 'zh' else 'en'}",
        "--metadata=link-citations:true",
    ]
    ast = markdown_to_ast(document.source.text, args, f"{lang} manuscript", cwd=project.root / "manuscript")
    fix_reference_languages(ast, project, lang, items)
    title = document.title.text if document.title else ""
    ast["meta"].update(metadata_fields(project, lang, title))
    return ast, items


def add_translation(ast: dict, other: dict) -> None:
    """Copy the other language's title, abstract, keywords and names into ``trans-*`` fields."""
    meta = other["meta"]
    for key in ("title", "abstract", "keywords", "authors", "affiliations"):
        if key in meta:
            ast["meta"][f"trans-{key}"] = meta[key]
    if "labels" in meta:
        ast["meta"]["trans-labels"] = meta["labels"]
