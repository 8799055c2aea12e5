"""Alignment: zh.md and en.md have the same headings, paragraphs and front-matter keys."""

from __future__ import annotations

from collections.abc import Iterator

from toolchain.check._align import Group, alignment
from toolchain.check._pairwise import pair_gaps
from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import RuleContext, rule
from toolchain.load import Project
from toolchain.load.markdown import Block, Document
from toolchain.load.source import Location


def neighbour(groups: tuple[Group, ...], index: int, lang: str, document: Document) -> Location:
    """The unit of ``lang`` nearest before group ``index`` (else after it; else the file start)."""
    for group in reversed(groups[:index]):
        side = group.zh if lang == "zh" else group.en
        if side:
            return side[-1].span.start
    for group in groups[index + 1:]:
        side = group.zh if lang == "zh" else group.en
        if side:
            return side[0].span.start
    return Location(document.path, 1, 1)


def unmatched(project: Project, headings: bool) -> Iterator[Finding]:
    """One finding per heading (or paragraph-like unit) without a counterpart, at its own place."""
    groups = alignment(project).body
    for index, group in enumerate(groups):
        if group.matched or (group.kind == "heading") != headings:
            continue
        lang, other = ("zh", "en") if group.zh else ("en", "zh")
        unit = (group.zh or group.en)[0]
        where = neighbour(groups, index, other, project.document(other))
        what = f"heading “{unit.block.title}”" if headings and unit.block else f"this {unit.kind}"
        file = project.document(other).path.rsplit("/", 1)[-1]
        yield Finding(unit.span.start, f"{what} has no counterpart in {file} (its neighbour there is line {where.line}); "
                      f"the units before and after it are aligned", related=(where,))


@rule("ALIGN001", "heading-count-mismatch")
def heading_count_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """A heading has no counterpart in the other language, or its level differs.

    Why: the n-th heading of one language must correspond to the n-th of the other. Headings and
    paragraphs are aligned on what both languages share (see ALIGN002), so a missing heading is
    reported once, where it stands, and the sections around it are still compared.
    """
    project = ctx.project
    yield from unmatched(project, headings=True)
    for a, b in aligned_headings(project):
        if a.level != b.level:
            yield Finding(b.span.start, f"heading “{b.title}” is level {b.level} but its zh counterpart “{a.title}” is level {a.level}",
                          related=(a.span.start,))


@rule("ALIGN002", "paragraph-count-mismatch")
def paragraph_count_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """A paragraph, list, table or figure has no counterpart in the other language.

    Why: aligned paragraphs are how terms, numbers and citations are compared. The units of
    zh.md and en.md are aligned as translation tools align them, on citation keys, numbers,
    glossary terms, heading ids, Latin names and relative length: an omitted paragraph is
    reported once at its place (the other language's neighbouring unit as related location),
    and the pairwise rules (NUM, TERM, REF007) compare only the units that match.
    """
    project = ctx.project
    yield from unmatched(project, headings=False)


@rule("ALIGN005", "paragraph-split", Severity.INFO)
def paragraph_split(ctx: RuleContext) -> Iterator[Finding]:
    """A paragraph of one language is split in two in the other.

    Why: the contract pairs paragraphs one to one; a split is no mistranslation, but the layouts
    differ. The two paragraphs are compared with their counterpart as one unit.
    """
    project = ctx.project
    for group in alignment(project).body:
        if len(group.zh) + len(group.en) == 3:
            pair, single = (group.zh, group.en) if len(group.zh) == 2 else (group.en, group.zh)
            file = single[0].span.source.path.rsplit("/", 1)[-1]
            yield Finding(pair[1].span.start, f"this {pair[1].kind} and the one before it are one {single[0].kind} in {file}",
                          related=(single[0].span.start,))


@rule("ALIGN007", "paragraphs-run-together", Severity.WARNING)
def paragraphs_run_together(ctx: RuleContext) -> Iterator[Finding]:
    """One paragraph holds three or more units of the other language (a paste).

    Why: text pasted from a PDF arrives as one line. Without this rule the paragraph would be
    matched with one of its counterparts and every other one reported missing, and numbers,
    terms and citations compared with the wrong text. The paragraph is compared with the whole
    run instead, and the lost structure is reported once.
    """
    for group in alignment(ctx.project).body:
        if not group.run_together:
            continue
        single, run = (group.zh[0], group.en) if len(group.zh) == 1 else (group.en[0], group.zh)
        file = run[0].span.source.path.rsplit("/", 1)[-1]
        headings = sum(u.kind == "heading" for u in run)
        what = f"{len(run) - headings} units" + (f" and {headings} heading{'s' * (headings > 1)}" if headings else "")
        yield Finding(single.span.start, f"this {single.kind} stands for {what} of {file} (lines {run[0].span.start.line}–"
                      f"{run[-1].span.start.line}): its paragraph breaks{' and headings' if headings else ''} are missing, "
                      f"as in text pasted from a PDF", related=(run[0].span.start, run[-1].span.start))


@rule("ALIGN006", "sentence-without-counterpart", Severity.INFO)
def sentence_without_counterpart(ctx: RuleContext) -> Iterator[Finding]:
    """A sentence with numbers or terms has no counterpart in the other language.

    Why: an English abstract often adds a sentence (or the Chinese one says more); its numbers
    and terms are then not mistranslated but untranslated: one note for the sentence instead
    of a NUM001 or TERM001 per number and term. The sentences of two aligned units are aligned
    on their numbers, citations, terms, Latin names and length, as the units themselves are.
    """
    for pair in pair_gaps(ctx.project):
        for index, group in enumerate(pair.groups):
            if group.matched:
                continue
            lang, other = ("zh", "en") if group.zh else ("en", "zh")
            here = pair.span(lang)
            missing = [f"“{n.text}”" for n in pair.numbers[lang].get(index, [])]
            missing += list(dict.fromkeys(f"“{here.text[o.start:o.end]}”" for o in pair.terms[lang].get(index, [])))
            if missing:
                start = (group.zh or group.en)[0].offset
                start += len(here.text[start:]) - len(here.text[start:].lstrip())
                yield Finding(here.location(start), f"this sentence of the {pair.kind} has no counterpart in {other}.md "
                              f"({', '.join(missing)} not there)", related=(pair.span(other).start,))


def aligned_headings(project: Project) -> Iterator[tuple[Block, Block]]:
    """Pairs of aligned headings (zh, en)."""
    for group in alignment(project).body:
        if group.matched and group.kind == "heading" and group.zh[0].block and group.en[0].block:
            yield group.zh[0].block, group.en[0].block


@rule("ALIGN003", "section-id-mismatch")
def section_id_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """Aligned headings carry different explicit identifiers ``{#sec-x}``.

    Why: the contract requires matching ids when both headings have one.
    """
    project = ctx.project
    for a, b in aligned_headings(project):
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
