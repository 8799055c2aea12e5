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


def missing_sections(groups: tuple[Group, ...]) -> dict[int, int]:
    """Each unmatched heading's group index → the index after the last unit of its section that is unmatched too.

    A section one language lacks is its heading and the units after it that have no counterpart
    either (until a matched unit): one finding at the heading, none per paragraph.
    """
    sections: dict[int, int] = {}
    index = 0
    while index < len(groups):
        group = groups[index]
        end = index + 1
        if not group.matched and group.kind == "heading":
            lang = "zh" if group.zh else "en"
            while end < len(groups) and not groups[end].matched and bool(groups[end].zh) == (lang == "zh"):
                end += 1
            sections[index] = end
        index = end
    return sections


def unmatched(project: Project, headings: bool) -> Iterator[Finding]:
    """One finding per heading (or paragraph-like unit) without a counterpart, at its own place; one per missing section."""
    groups = alignment(project).body
    sections = missing_sections(groups)
    inside = {i for start, end in sections.items() for i in range(start + 1, end)}
    for index, group in enumerate(groups):
        if group.matched or (group.kind == "heading") != headings or index in inside:
            continue
        lang, other = ("zh", "en") if group.zh else ("en", "zh")
        unit = (group.zh or group.en)[0]
        where = neighbour(groups, index, other, project.document(other))
        what = f"heading “{unit.block.title}”" if headings and unit.block else f"this {unit.kind}"
        end = sections.get(index, index + 1)
        if end - index > 1:
            last = (groups[end - 1].zh or groups[end - 1].en)[-1]
            what = f"the section under {what} ({end - index - 1} more unit{'s' * (end - index > 2)}, up to line {last.span.start.line})"
        file = project.document(other).path.rsplit("/", 1)[-1]
        yield Finding(unit.span.start, f"{what} has no counterpart in {file} (its neighbour there is line {where.line}); "
                      f"the units before and after it are aligned", related=(where,))


@rule("ALIGN001", "heading-count-mismatch")
def heading_count_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """A heading has no counterpart in the other language, or its level differs.

    Why: the n-th heading of one language must correspond to the n-th of the other. Headings and
    paragraphs are aligned on what both languages share (see ALIGN002), so a missing heading is
    reported once, where it stands, and the sections around it are still compared. A whole
    section missing (its heading and the units under it) is this one finding, not one per unit.
    """
    project = ctx.project
    yield from unmatched(project, headings=True)
    pairs = list(aligned_headings(project))
    shifts = {b.level - a.level for a, b in pairs}
    if len(pairs) >= 3 and len(shifts) == 1 and 0 not in shifts:  # one systematic shift is one finding
        shift = shifts.pop()
        a, b = pairs[0]
        yield Finding(b.span.start, f"every heading of en.md is {abs(shift)} level{'s' * (abs(shift) > 1)} "
                      f"{'deeper' if shift > 0 else 'higher'} than its zh counterpart ({len(pairs)} headings; "
                      f"“{'#' * b.level}” for “{'#' * a.level}” here): shift them all", related=(a.span.start,))
        return
    for a, b in pairs:
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


@rule("ALIGN008", "units-in-another-order", Severity.WARNING)
def units_in_another_order(ctx: RuleContext) -> Iterator[Finding]:
    """Neighbouring paragraphs stand in another order in the two languages.

    Why: paired in order, a moved paragraph and the one it passed would each report every
    number, term and citation as missing. The two languages' units are paired where they
    translate each other, and the different order is reported once, at the moved en unit.
    """
    furthest = 0  # the last en line of the units paired so far
    for group in alignment(ctx.project).body:
        if not group.matched:
            continue
        line = group.en[-1].span.start.line
        if group.crossed and line < furthest:
            unit = group.en[0]
            yield Finding(unit.span.start, f"this {unit.kind} translates zh.md line {group.zh[0].span.start.line}, which stands in "
                          f"another place among its neighbours there: the two languages order these units differently",
                          related=(group.zh[0].span.start,))
        furthest = max(furthest, line)


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
