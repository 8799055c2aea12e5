"""Alignment: zh.md and en.md have the same headings, paragraphs and front-matter keys."""

from __future__ import annotations

from collections.abc import Iterator

from toolchain.check._text import section_units
from toolchain.check.diagnostic import Finding
from toolchain.check.registry import RuleContext, rule
from toolchain.load import Project
from toolchain.load.markdown import Document
from toolchain.load.source import Location


def aligned_sections(project: Project) -> Iterator[tuple[int, Document, Document]]:
    """Section indexes present in both documents (0 = before the first heading)."""
    if project.en.body_is_empty:
        return
    count = min(len(project.zh.headings), len(project.en.headings))
    yield from ((i, project.zh, project.en) for i in range(count + 1))


@rule("ALIGN001", "heading-count-mismatch")
def heading_count_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """zh.md and en.md have different numbers of headings (or levels differ).

    Why: the n-th heading of one language must correspond to the n-th of the other.
    """
    project = ctx.project
    zh, en = project.zh.headings, project.en.headings
    if project.en.body_is_empty:
        return
    if len(zh) != len(en):
        longer, shorter = (zh, en) if len(zh) > len(en) else (en, zh)
        extra = longer[len(shorter)] if len(shorter) < len(longer) else longer[-1]
        yield Finding(extra.span.start, f"{len(zh)} headings in zh.md but {len(en)} in en.md; first unmatched: “{extra.title}”",
                      related=(shorter[-1].span.start,) if shorter else ())
    for a, b in zip(zh, en):
        if a.level != b.level:
            yield Finding(b.span.start, f"heading “{b.title}” is level {b.level} but its zh counterpart “{a.title}” is level {a.level}",
                          related=(a.span.start,))


@rule("ALIGN002", "paragraph-count-mismatch")
def paragraph_count_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """A section has different numbers of paragraphs in zh.md and en.md.

    Why: aligned paragraphs are how terms, numbers and citations are compared.
    """
    project = ctx.project
    for section, zh, en in aligned_sections(project):
        zh_units, en_units = section_units(zh, section), section_units(en, section)
        if len(zh_units) != len(en_units):
            title = zh.headings[section - 1].title if section else "(before the first heading)"
            longer, shorter = (zh_units, en_units) if len(zh_units) > len(en_units) else (en_units, zh_units)
            other = en if longer is zh_units else zh
            related = shorter[-1].span.start if shorter else heading_location(other, section)
            yield Finding(longer[len(shorter)].span.start,
                          f"section “{title}” has {len(zh_units)} paragraphs in zh.md but {len(en_units)} in en.md; "
                          f"this is the first without a counterpart", related=(related,))


@rule("ALIGN003", "section-id-mismatch")
def section_id_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """Aligned headings carry different explicit identifiers ``{#sec-x}``.

    Why: the contract requires matching ids when both headings have one.
    """
    project = ctx.project
    for a, b in zip(project.zh.headings, project.en.headings):
        if a.identifier and b.identifier and a.identifier != b.identifier:
            yield Finding(b.span.start, f"heading id “#{b.identifier}” differs from zh.md's “#{a.identifier}”",
                          related=(a.span.start,))


@rule("ALIGN004", "front-matter-key-missing")
def front_matter_key_missing(ctx: RuleContext) -> Iterator[Finding]:
    """A front-matter key (title, abstract, keywords, lang) is missing in one language.

    Why: the English title, abstract and keywords are printed with every article.
    """
    project = ctx.project
    expected_lang = {"zh": ("zh", "zh-cn", "zh-hans"), "en": ("en", "en-us", "en-gb")}
    for document in project.documents:
        for key in ("lang", "title", "abstract", "keywords"):
            if key not in document.front_lines:
                yield Finding(Location(document.path, 1, 1), f"front matter has no “{key}”")
        declared = document.declared_lang.lower()
        if declared and declared not in expected_lang[document.lang]:
            yield Finding(Location(document.path, document.front_lines["lang"], 1),
                          f"lang is “{document.declared_lang}” in {document.path.rsplit('/', 1)[-1]}")


def heading_location(document: Document, section: int) -> Location:
    """Location of a section's heading (the file start for section 0)."""
    if section:
        return document.headings[section - 1].span.start
    return Location(document.path, 1, 1)
