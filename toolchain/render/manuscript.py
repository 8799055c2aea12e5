"""One language of the manuscript as a Pandoc AST, ready for every writer.

Citations are resolved, references localised and metadata.yaml merged in for the templates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from toolchain.cite import SECTION_TITLE, Citations, et_al
from toolchain.config import Settings
from toolchain.errors import InputError
from toolchain.limits import TOO_DEEP
from toolchain.load import Project
from toolchain.load.markdown import PANDOC_READER, front_matter, pandoc_body
from toolchain.load.metadata import Affiliation, Funding, Journal, Metadata
from toolchain.pandoc import markdown_to_ast
from toolchain.render.active import drop_active_content
from toolchain.render.ast import inlines, meta_text, text_of
from toolchain.render.citations import fix_reference_languages, require_resolved, write_items
from toolchain.render.crossref import resolve_cross_references
from toolchain.render.intext import citation_marks, fix_in_text_citations, is_author_date, suppress_named_authors
from toolchain.render.prose import prose, read
from toolchain.render.rawhtml import convert_inline_html

PANDOC_METADATA = ("title", "abstract", "keywords")  # the front-matter keys handed to Pandoc (lang is set by the build)
# Column heading (栏目) for an article type when metadata gives no article.heading.
HEADINGS = {
    "review-article": ("综述", "Review"), "research-article": ("论著", "Original Article"),
    "case-report": ("病例报告", "Case Report"), "editorial": ("述评", "Editorial"), "letter": ("读者来信", "Letter"),
    "brief-report": ("短篇论著", "Brief Report"), "systematic-review": ("系统评价", "Systematic Review"),
}
LABELS = {
    "zh": {"abstract": "摘要", "keywords": "关键词", "doi": "DOI", "clc": "中图分类号", "document-code": "文献标志码",
           "corresp": "通信作者", "funding": "基金项目", "bio": "专家简介", "received": "收稿日期", "revised": "修回日期",
           "accepted": "录用日期", "cite": "引用本文",
           "figure": "图", "table": "表", "coi": "利益冲突"},
    "en": {"abstract": "Abstract", "keywords": "Key words", "doi": "DOI", "clc": "CLC number", "document-code": "Document code",
           "corresp": "Corresponding author", "funding": "Funding", "bio": "Biography", "received": "Received", "revised": "Revised",
           "accepted": "Accepted", "cite": "Cite this article",
           "figure": "Figure", "table": "Table", "coi": "Conflict of interest"},
}
COLON = {"zh": "：", "en": ": "}


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
    """The how-to-cite line (引用本文) built from metadata, in the journal's reference form."""
    j = metadata.journal
    names = [display_name(a.name.get(lang), lang) for a in metadata.authors]
    if lang == "en":
        names = [n.title() if n.isupper() else n for n in names]
    shown = ", ".join(names[:3]) + (f", {et_al(lang).removesuffix('.')}" if len(names) > 3 else "")
    # The journal prints no space between the colon and the pages: 37(5):306-311; an absent element is left out.
    issue = f"({j.issue})" if j.issue else ""
    where = ", ".join(part for part in (metadata.journal_title.get(lang), j.get("year", ""), j.get("volume", "") + issue) if part)
    pages = page_range(j)
    return f"{shown}. {title}[J]. {where}{':' + pages if pages else ''}."


def page_range(journal: Journal) -> str:
    """“306-311”, or the one page given, or ''."""
    return f"{journal.get('fpage', '')}-{journal.get('lpage', '')}".strip("-")


def labelled(labels: dict[str, str], key: str, text: str | list[dict], lang: str) -> dict:
    """A note as a MetaMap of ``label``, ``punct`` (full-width colon in Chinese) and ``text`` (plain text or inlines)."""
    return {"t": "MetaMap", "c": {"label": meta_text(labels[key] if key else ""), "punct": meta_text(COLON[lang] if key else ""),
                                  "text": meta_text(text) if isinstance(text, str) else {"t": "MetaInlines", "c": text}}}


def joined(parts: list[list[dict]], separator: str) -> list[dict]:
    """Inline lists joined by a plain-text separator."""
    result: list[dict] = []
    for i, part in enumerate(parts):
        result += (inlines(separator) if i else []) + part
    return result


def prose_texts(md: Metadata) -> list[str]:
    """Every text of metadata prose in both languages (read as Markdown in one run)."""
    fields = [a.bio for a in md.authors] + [a.name for a in md.affiliations] + [f.name for f in md.funding] + [md.conflict_of_interest]
    return [field.get(lang) for field in fields if field is not None for lang in ("zh", "en")]


def note_line(note: dict) -> str:
    """A structured note as one line of text: “基金项目：…”."""
    return "".join(text_of(note["c"][part]) for part in ("label", "punct", "text"))


def journal_issue(journal: Journal, lang: str) -> str:
    """“2024年第37卷第5期” or “2024, Vol. 37, No. 5”; an absent year, volume or issue is left out."""
    year, volume, issue = (journal.get(key, "") for key in ("year", "volume", "issue"))
    if lang == "zh":
        return (f"{year}年" if year else "") + (f"第{volume}卷" if volume else "") + (f"第{issue}期" if issue else "")
    return ", ".join(part for part in (year, f"Vol. {volume}" if volume else "", f"No. {issue}" if issue else "") if part)


def affiliation_text(affiliation: Affiliation, lang: str) -> list[dict]:
    """Name (Markdown), city, postcode and country of an affiliation as inlines, joined as the language does."""
    parts = [affiliation.city.get(lang) if affiliation.city else "", affiliation.postcode,
             affiliation.country.get(lang) if affiliation.country else ""]
    name = [prose(affiliation.name.get(lang))] if affiliation.name.get(lang) else []
    return joined(name + [inlines(part) for part in parts if part], "，" if lang == "zh" else ", ")


def first_page_notes(md: Metadata, lang: str) -> list[dict]:
    """Footnotes of the first page (funding, affiliations, corresponding author, conflict of interest)."""
    labels = LABELS[lang]
    notes = []
    funded = [f for f in md.funding if f.name.get(lang)]  # a programme named in one language only is left out of the other
    if funded:
        def awards(f: Funding) -> list[dict]:
            if not f.awards:
                return []
            listed = ("，" if lang == "zh" else ", ").join(f.awards)
            return inlines(f"（No.{listed}）" if lang == "zh" else f" (No. {listed})")
        text = joined([prose(f.name.get(lang)) + awards(f) for f in funded], "；" if lang == "zh" else "; ")
        notes.append(labelled(labels, "funding", text, lang))
        notes[-1]["c"]["mark"] = meta_text("*")  # the funding note answers the star after the title
    for i, aff in enumerate(md.affiliations, 1):
        if (len(md.affiliations) > 1 or lang == "zh") and aff.name.get(lang):
            notes.append(labelled(labels, "", inlines(f"{i}" if lang == "zh" else f"{i} ") + prose(aff.name.get(lang)), lang))
    for author in md.authors:
        if author.corresponding:
            name = display_name(author.name.get(lang), lang)
            email = (f"，E-mail：{author.email}" if lang == "zh" else f", E-mail: {author.email}") if author.email else ""
            notes.append(labelled(labels, "corresp", name + email, lang))
    if md.conflict_of_interest and md.conflict_of_interest.get(lang):
        notes.append(labelled(labels, "coi", prose(md.conflict_of_interest.get(lang)), lang))
    return notes


def column_heading(md: Metadata, lang: str) -> str:
    """The journal column (栏目) the article appears under: ``article.heading``, else named after its type."""
    heading = md.heading.get(lang) if md.heading else ""
    article_type = md.article.type or "review-article"
    return heading or dict(zip(("zh", "en"), HEADINGS.get(article_type, (article_type, article_type)), strict=True))[lang]


def metadata_fields(project: Project, lang: str, title: str) -> dict:
    """Template variables from metadata.yaml, as Pandoc metadata values.

    ``notes`` (plain lines, biographies included) is read by other writers; the PDF and DOCX use
    the structured ``footnotes`` (label, punct, text) and ``bios`` instead.
    """
    md = project.metadata
    read(prose_texts(md))  # both languages' prose in one Pandoc run, shared with the other writers
    labels = LABELS[lang]
    other = "en" if lang == "zh" else "zh"
    j = md.journal
    fields: dict = {
        "journal-title": meta_text(md.journal_title.get(lang)),
        "journal-issue": meta_text(journal_issue(j, lang)),
        "journal-title-other": meta_text(md.journal_title.get(other)),
        "journal-issue-other": meta_text(journal_issue(j, other)),
        "page-range": meta_text(page_range(j)),
        "cite-as": meta_text(f"{labels['cite']}{COLON[lang]}{cite_as(md, title, lang)}"),
        "cite-as-text": meta_text(cite_as(md, title, lang)),
        "labels": {"t": "MetaMap", "c": {k: meta_text(v) for k, v in labels.items()}},
    }
    if j.fpage.isdigit():
        fields["fpage"] = meta_text(j.fpage)
    if j.issn:
        fields["issn"] = meta_text(j.issn)
    for key in ("doi", "clc", "document-code"):
        if md.article.get(key):
            fields[key] = meta_text(md.article.get(key))
    fields["heading"] = meta_text(column_heading(md, lang))
    fields["authors"] = {"t": "MetaList", "c": [
        {"t": "MetaMap", "c": {
            "name": meta_text(display_name(a.name.get(lang), lang)),
            "marks": meta_text(author_marks(md, i)),  # as printed: the 通信作者 note names the corresponding author
        }} for i, a in enumerate(md.authors)
    ]}
    fields["affiliations"] = {"t": "MetaList", "c": [
        {"t": "MetaMap", "c": {"mark": meta_text(str(i)), "text": {"t": "MetaInlines", "c": affiliation_text(aff, lang)}}}
        for i, aff in enumerate(md.affiliations, 1)
    ]}
    footnotes = first_page_notes(md, lang)
    bios = [labelled(labels, "bio", prose(a.bio.get(lang)), lang) for a in md.authors if a.bio and a.bio.get(lang)]
    fields["footnotes"] = {"t": "MetaList", "c": footnotes}
    fields["bios"] = {"t": "MetaList", "c": bios}
    lines = [note_line(n) for n in footnotes]
    before_coi = len(lines) - 1 if md.conflict_of_interest and md.conflict_of_interest.get(lang) else len(lines)
    lines[before_coi:before_coi] = [note_line(b) for b in bios]  # the order other writers expect
    fields["notes"] = {"t": "MetaList", "c": [meta_text(line) for line in lines]}
    for author in md.authors:
        if author.corresponding:
            name = display_name(author.name.get(lang), lang)
            email = f"{'，' if lang == 'zh' else ', '}E-mail{COLON[lang]}{author.email}" if author.email else ""
            fields["corresp-line"] = meta_text(f"{labels['corresp']}{COLON[lang]}{name}{email}")
            break
    if any(f.name.get(lang) for f in md.funding):  # the star answers a funding note this edition prints
        fields["title-mark"] = meta_text("*")
    if md.article.received:  # the revised and accepted dates print after it, as journals set them
        later = [f"{labels[key]}{COLON[lang]}{md.article.get(key)}" for key in ("revised", "accepted") if md.article.get(key)]
        fields["received"] = meta_text(("；" if lang == "zh" else "; ").join([md.article.received, *later]))
    return fields


@dataclass(frozen=True)
class ParseInput:
    """What Pandoc is given to parse one language: the body, its arguments, the CSL items and style."""

    body: str
    args: list[str]
    items: list[dict]
    csl: Path


def parse_input(project: Project, settings: Settings, lang: str, workdir: Path) -> ParseInput:
    """The body and citeproc arguments of one language, its bibliography and metadata files written to ``workdir``."""
    cite = Citations(project, settings)
    document = project.document(lang)
    items = cite.items(lang)
    bibliography = write_items(items, workdir, lang, settings.reference_doi)
    csl = cite.style()
    args = [
        "--citeproc", f"--bibliography={bibliography}", f"--csl={csl}",
        f"--metadata=reference-section-title:{SECTION_TITLE[lang]}",
        f"--metadata=lang:{'zh-CN' if lang == 'zh' else 'en'}",
        "--metadata=link-citations:true",
    ]
    # Pandoc sees only the front-matter keys the outputs use: others (citation-abbreviations,
    # bibliography, csl …) would make it open files the project does not control.
    values = front_matter(document)
    metadata = workdir / f"{lang}-metadata.json"
    metadata.write_text(json.dumps({k: values[k] for k in PANDOC_METADATA if k in values}, ensure_ascii=False), encoding="utf-8")
    args.append(f"--metadata-file={metadata}")
    body = pandoc_body(document)
    if is_author_date(csl):
        body = suppress_named_authors(body, len(document.source.text) - len(body), document, items)
    return ParseInput(body, args, items, csl)


def prepare_ast(project: Project, settings: Settings, lang: str, workdir: Path, given: ParseInput | None = None) -> tuple[dict, list[dict]]:
    """Parse one language with citeproc (from ``given`` when its input is ready); return the AST and the CSL items used."""
    given = given or parse_input(project, settings, lang, workdir)
    items, csl, document = given.items, given.csl, project.document(lang)
    try:
        ast = markdown_to_ast(given.body, given.args, document.path, cwd=project.root / "manuscript",
                              reader=PANDOC_READER)
        require_resolved(ast, project, lang, items)
        convert_inline_html(ast)
        drop_active_content(ast)
        fix_reference_languages(ast, project, lang, items)
        fix_in_text_citations(ast, items, lang, citation_marks(csl))
        resolve_cross_references(ast, lang)
    except RecursionError:  # deeper than Python reads or walks a tree: the input, not a bug
        raise InputError(document.path, None, TOO_DEEP) from None
    title = document.title.text if document.title else ""
    ast["meta"].update(metadata_fields(project, lang, title))
    return ast, items


def add_translation(ast: dict, other: dict) -> None:
    """Copy the other language's title, abstract, keywords and names into ``trans-*`` fields."""
    meta = other["meta"]
    for key in ("title", "abstract", "keywords", "authors", "affiliations", "corresp-line"):
        if key in meta:
            ast["meta"][f"trans-{key}"] = meta[key]
    if "labels" in meta:
        ast["meta"]["trans-labels"] = meta["labels"]
