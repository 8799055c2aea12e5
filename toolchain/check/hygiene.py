"""File hygiene: byte-order marks, CRLF line endings, stray control characters, code hidden in the text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from toolchain.check._text import typed_caption_match, typed_heading_number, written_in_other_language
from toolchain.check._typography import TAB_IN_LINE, word_lists
from toolchain.check.diagnostic import Finding, Severity
from toolchain.check.registry import RuleContext, rule
from toolchain.load.markdown import Block
from toolchain.load.source import Location, Span
from toolchain.load.unsafe import FIELD_CODE, RAW_OPENXML, RAW_TYPST, SCRIPT_LINK

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff\u202a-\u202e\u2066-\u2069]")
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# What a copy from a PDF leaves in the text: ligatures (ﬁ ﬂ), soft hyphens, and glyphs of the PDF's
# fonts that map to no character (private use area).
PDF_GLYPH = re.compile(r"[\ufb00-\ufb06\u00ad\ue000-\uf8ff]")
INDENT = re.compile(r"[\u3000\u00a0\u2002\u2003\u2007\u2009\u202f]+")  # spaces Markdown does not strip
# "表1 患者基线特征", "Table 2. Outcomes": a label, a separator (a mark, or spaces), a short text; a sentence
# about the table ("Table 1 shows …。", "表1显示…") is no caption.


@rule("SRC001", "byte-order-mark", Severity.WARNING)
def byte_order_mark(ctx: RuleContext) -> Iterator[Finding]:
    """A source file starts with a UTF-8 byte-order mark.

    Why: tolerated, but some tools print it as a stray character.
    """
    project = ctx.project
    for source in project.sources:
        if source.had_bom:
            yield Finding(Location(source.path, 1, 1), "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")


@rule("SRC002", "crlf-line-endings", Severity.WARNING)
def crlf_line_endings(ctx: RuleContext) -> Iterator[Finding]:
    """A source file uses CRLF (Windows) line endings.

    Why: tolerated, but diffs and some tools treat the carriage returns as text.
    """
    project = ctx.project
    for source in project.sources:
        if source.had_crlf:
            yield Finding(Location(source.path, 1, 1), "file uses CRLF line endings; save it with LF endings")


@rule("SRC003", "control-character")
def control_character(ctx: RuleContext) -> Iterator[Finding]:
    """A source file contains an invisible control or zero-width character.

    Why: invisible characters break searching, line breaking and identifiers.
    """
    project = ctx.project
    for source in project.sources:
        for match in CONTROL.finditer(source.text):
            line, column = source.position(match.start())
            kind = "bidirectional control character" if BIDI.match(match.group()) else "invisible character"
            yield Finding(Location(source.path, line, column), f"{kind} U+{ord(match.group()):04X}"
                          + (" (it reorders the text as displayed, not as read)" if kind.startswith("bidi") else ""))


@rule("SRC004", "raw-typst", Severity.WARNING)
def raw_typst(ctx: RuleContext) -> Iterator[Finding]:
    """A raw typst block or inline holds code that runs when the PDF is compiled.

    Why: raw typst is a program, not text: it can loop, read files of the build or import
    packages. The build refuses package imports and bounds time and memory; set this rule's
    severity to ``error`` to refuse raw typst altogether.
    """
    for document in ctx.project.documents:
        for match in RAW_TYPST.finditer(document.source.text, document.body_start):
            line, column = document.source.position(match.start())
            yield Finding(Location(document.path, line, column), "raw typst: code that runs when the PDF is compiled")


@rule("SRC005", "active-content")
def active_content(ctx: RuleContext) -> Iterator[Finding]:
    """A link runs script (javascript:) or raw OpenXML holds a fetching field.

    Why: such content acts when a reader opens the output. The outputs drop it.
    """
    for document in ctx.project.documents:
        text = document.source.text
        for match in SCRIPT_LINK.finditer(text, document.body_start):
            line, column = document.source.position(match.start())
            yield Finding(Location(document.path, line, column), "a link with a script URL (javascript:): dropped from the outputs")
        for raw in RAW_OPENXML.finditer(text, document.body_start):
            end = text.find("\n```", raw.end()) if raw.group().lstrip().startswith(("`" * 3, "~" * 3)) else raw.end()
            field = FIELD_CODE.search(text, raw.start(), end if end >= 0 else len(text))
            if field:
                line, column = document.source.position(field.start())
                yield Finding(Location(document.path, line, column),
                              f"raw OpenXML with an {field.group()} field, which fetches when the DOCX opens: dropped from the outputs")



@rule("SRC009", "pdf-glyph", Severity.WARNING)
def pdf_glyph(ctx: RuleContext) -> Iterator[Finding]:
    """A ligature (ﬁ), soft hyphen or private-use glyph pasted from a PDF.

    Why: “ﬁndings” is not “findings” to search, the glossary or a screen reader; a private-use
    character prints as a box. One finding per line, with a fix for the ligatures and soft hyphens.
    Example: ``ﬁndings`` → ``findings``.
    """
    for source in ctx.project.sources:
        text, line_start = source.text, 0
        for line in text.splitlines(keepends=True):
            found = list(PDF_GLYPH.finditer(line))
            if found:
                first, last = found[0].start(), found[-1].end()
                kinds = sorted({describe_glyph(m.group()) for m in found})
                fixable = not any("\ue000" <= m.group() <= "\uf8ff" for m in found)
                fixed = PDF_GLYPH.sub(lambda m: "" if m.group() == "\u00ad" else unicodedata.normalize("NFKC", m.group()), line[first:last])
                row, column = source.position(line_start + first)
                yield Finding(Location(source.path, row, column),
                              f"{len(found)} character{'s' if len(found) > 1 else ''} pasted from a PDF on this line ({', '.join(kinds)})",
                              suggestion=fixed if fixable else None,
                              fix=(line_start + first, line_start + last, fixed) if fixable else None)
            line_start += len(line)


def describe_glyph(char: str) -> str:
    """A pasted glyph in words: “ligature ﬁ → fi”, “soft hyphen”, “private-use U+E001”."""
    if char == "\u00ad":
        return "soft hyphen"
    if "\ufb00" <= char <= "\ufb06":
        return f"ligature {char} → {unicodedata.normalize('NFKC', char)}"
    return f"private-use U+{ord(char):04X}, a glyph of the PDF's font"


@rule("SRC010", "manual-indent")
def manual_indent(ctx: RuleContext) -> Iterator[Finding]:
    """A paragraph starts with typed indentation (full-width or no-break spaces).

    Why: Markdown keeps these spaces, and the layout indents paragraphs itself: the outputs
    print the indent twice (a copy from Word or a PDF brings “　　” along).
    Example: zh ``　　一项随机对照试验…`` → ``一项随机对照试验…``.
    """
    for document in ctx.project.documents:
        for block in document.blocks:
            if block.kind != "paragraph":
                continue
            indent = INDENT.match(block.span.text)
            if indent:
                start = block.span.source_offset(0)
                fix = (start, start + indent.end(), "") if document.source.text[start:start + indent.end()] == indent.group() else None
                yield Finding(block.span.location(0, indent.end()),
                              f"the paragraph starts with {indent.end()} typed space{'s' if indent.end() > 1 else ''} "
                              f"(U+{ord(indent.group()[0]):04X}); the layout indents paragraphs itself", fix=fix)


@rule("SRC011", "typed-caption")
def typed_caption(ctx: RuleContext) -> Iterator[Finding]:
    """A table or figure caption is typed as a paragraph (“表1 …”) beside it.

    Why: the renderers number and tag captions (JATS <caption>, Word's caption style, the list of
    tables); a typed one is an ordinary paragraph with a number that no cross reference follows.
    Example: zh ``表1 患者基线特征`` above a table → ``: 患者基线特征 {#tbl-baseline}`` below it.
    """
    for document in ctx.project.documents:
        blocks = document.blocks
        for index, block in enumerate(blocks):
            if block.kind != "paragraph" or typed_caption_match(block.span.text) is None:
                continue
            neighbours = ["table" if is_tab_table(blocks[i]) else blocks[i].kind for i in (index - 1, index + 1) if 0 <= i < len(blocks)]
            kind = next((k for k in neighbours if k in ("table", "figure")), None)
            if kind:
                how = "a caption line “: …” after the table" if kind == "table" else "the image's description ![…](…)"
                yield Finding(block.span.location(0, len(block.span.text.strip())),
                              f"“{block.span.text.strip()[:40]}” is a {kind} caption typed as a paragraph: write it as {how}, "
                              f"with an id ({{#{'tbl' if kind == 'table' else 'fig'}-…}}); the renderers number it")


@rule("SRC006", "hand-numbered-heading")
def hand_numbered_heading(ctx: RuleContext) -> Iterator[Finding]:
    """A heading starts with a hand-typed number, which the renderers add themselves.

    Why: the format contract writes headings without numbers; the outputs number them (1, 1.1 …), so a
    typed “1.1 ” prints twice and goes stale when a section moves. An ``{.unnumbered}`` heading is left alone.
    Example: ``## 1.1 索拉非尼联合强化疗`` → ``## 索拉非尼联合强化疗``.
    """
    for document in ctx.project.documents:
        for block in document.headings:
            found = typed_heading_number(block.span.text)
            if found is None:
                continue
            typed = block.span.text[found[0]:found[1]]
            rest = block.title[len(typed):] if block.title.startswith(typed) else block.title
            yield Finding(block.span.location(*found), f"heading “{block.title[:30]}” starts with the typed number “{typed.strip()}”; "
                          f"the outputs number headings, write “{rest[:30]}”")


@rule("SRC013", "title-final-stop")
def title_final_stop(ctx: RuleContext) -> Iterator[Finding]:
    """The article title or a heading ends with a full stop (“。”, “.”).

    Why: titles and headings take no final full stop (GB/T 15834-2011, 5.1.2; AMA 2.1); a question
    or exclamation mark, an ellipsis and an abbreviation's stop (“et al.”, “vs.”) are left alone.
    Example: ``title: 非奈利酮治疗糖尿病肾病的研究进展。`` → ``…研究进展``.
    """
    abbreviations = tuple(word_lists()["abbreviations"])
    for document in ctx.project.documents:
        units = [(document.title, document.title.text)] if document.title else []
        units += [(block.span, block.title) for block in document.headings]
        for span, title in units:
            text = title.rstrip()
            if not (text.endswith("。") or (text.endswith(".") and not text.endswith("..") and not text.endswith(abbreviations))):
                continue
            at = span.text.find(text)
            stop = (at if at >= 0 else 0) + len(text) - 1
            yield Finding(span.location(stop, stop + 1), f"“{text[-20:]}” ends with a full stop; titles and headings take none",
                          suggestion=text[:-1])


@rule("SRC007", "empty-manuscript")
def empty_manuscript(ctx: RuleContext) -> Iterator[Finding]:
    """zh.md has neither a body nor an abstract.

    Why: the Chinese manuscript is the article; en.md may have an empty body, zh.md may not.
    Example: an empty zh.md, or one with a front matter holding only ``title``.
    """
    zh = ctx.project.zh
    if zh.body_is_empty and not zh.abstract:
        yield Finding(Location(zh.path, 1, 1), "zh.md has no body and no abstract: the Chinese manuscript is empty")


LONG_UNIT = 20_000  # characters: a paragraph ten times as long as any an article prints is a paste, not prose


@rule("SRC012", "implausibly-long-paragraph", Severity.WARNING)
def implausibly_long_paragraph(ctx: RuleContext) -> Iterator[Finding]:
    """A paragraph, list item or table of the body holds more than 20,000 characters.

    Why: a review's longest paragraph holds about 1,000; one of 20,000 or more is text pasted from a PDF
    whose paragraph breaks were lost, which the outputs print as one block and the alignment cannot pair.
    Example: the whole body pasted as one line of zh.md → one paragraph per paragraph, a blank line between.
    """
    for document in ctx.project.documents:
        for block in document.body_units():
            length = len(block.span.text)
            if length > LONG_UNIT:
                yield Finding(block.span.location(0, 1), f"this {block.kind} holds {length:,} characters (more than {LONG_UNIT:,}): "
                              "text pasted without its paragraph breaks? Separate the paragraphs by blank lines")


@rule("SRC014", "typed-reference-list")
def typed_reference_list(ctx: RuleContext) -> Iterator[Finding]:
    """The body holds a typed reference list ([1] … [J]. …) instead of cited keys.

    Why: the outputs make the list from bib/references.bib; a typed one would be printed twice and
    its numbers would not follow the citations. The list is left out of every other rule (it is
    no prose to align or typeset) and reported once.
    Example: ``# 参考文献`` followed by ``[1] Xuan L, …[J]. Lancet Oncol, 2020, 21(9): 1201-1212.``
    """
    for document in ctx.project.documents:
        for run in document.typed_reference_lists:
            entries = [b for b in run if b.kind != "heading"]
            last = entries[-1].span
            yield Finding(run[0].span.location(0, 1),
                          f"a reference list typed into the body (lines {entries[0].span.start.line}–"
                          f"{last.location(len(last.text.rstrip())).line}): the list is made from bib/references.bib; "
                          "delete it and cite each work with its key ([@key])", related=(entries[0].span.start,))


def tab_lines(text: str) -> int:
    """How many lines of a text hold a tab after their first word."""
    return sum(1 for line in text.split("\n") if "\t" in line and TAB_IN_LINE.search(line)) if "\t" in text else 0


def is_tab_table(block: Block) -> bool:
    """Whether a paragraph is a table pasted as text: two or more of its lines hold tabs between words."""
    return block.kind == "paragraph" and tab_lines(block.span.text) > 1


@rule("SRC015", "tab-in-text", Severity.WARNING)
def tab_in_text(ctx: RuleContext) -> Iterator[Finding]:
    """A tab stands between the words of a paragraph (a table pasted as text).

    Why: Pandoc prints a tab as a space, so a table pasted as tab-separated lines is printed as
    one run-on paragraph. One finding per paragraph; the typography rules do not read its tabs
    as spaces. Example: ``研究<TAB>病例数<TAB>3年OS率`` on three lines → a pipe table with a caption.
    """
    for document in ctx.project.documents:
        for block in document.body_units():
            text = block.span.text
            if "\t" not in text:
                continue
            first = TAB_IN_LINE.search(text)
            if first is None:
                continue
            lines = tab_lines(text)
            what = (f"{lines} lines of this {block.kind} hold tabs: a table pasted as tab-separated text? "
                    "Write it as a pipe table with a caption (Table: …)") if lines > 1 else (
                    f"a tab stands in this {block.kind}'s text, which the outputs print as one space")
            yield Finding(block.span.location(first.start(), first.end()), what)


RUNNING_LINE = re.compile(r"\d+")
PAGE_NUMBER_LINE = re.compile(r"[\s\-–—·•.]*\d{1,4}[\s\-–—·•.]*")  # “- 3 -”, “· 256 ·”, “17” on a line of its own
RECURRING = 3  # a short line inside paragraphs this many times is a running header or footer


@rule("SRC016", "pdf-running-header", Severity.WARNING)
def pdf_running_header(ctx: RuleContext) -> Iterator[Finding]:
    """A running head or page number pasted from a PDF stands inside a paragraph.

    Why: text copied out of a PDF keeps the journal's running head (“Chin J Hematol, March 2024,
    Vol. 45, No. 3”) and the page numbers between its lines; the outputs would print them in the
    middle of sentences. One finding per recurring line (digits compared as any number), at its first place.
    """
    for document in ctx.project.documents:
        seen: dict[str, list[tuple[Span, int, str]]] = {}
        for block in document.body_units():
            if block.kind != "paragraph" or "\n" not in block.span.text:
                continue
            text = block.span.text
            offset = 0
            for line in text.split("\n"):
                stripped = line.strip()
                if stripped and len(stripped) <= 80 and offset:  # a paragraph's first line is its start, not a header
                    key = "page number" if PAGE_NUMBER_LINE.fullmatch(stripped) else RUNNING_LINE.sub("#", " ".join(stripped.split()))
                    if key == "page number" or len(stripped) >= 8:
                        seen.setdefault(key, []).append((block.span, offset + line.index(stripped[0]), stripped))
                offset += len(line) + 1
        for key, places in seen.items():
            if len(places) >= (2 if key == "page number" else RECURRING):
                span, start, shown = places[0]
                what = "page numbers stand on lines of their own" if key == "page number" else f"the line “{shown[:50]}” recurs"
                yield Finding(span.location(start, start + len(shown)), f"{what} {len(places)} times inside paragraphs: a running "
                              "header, footer or page number pasted from a PDF? Delete them")


@rule("SRC017", "untranslated-unit")
def untranslated_unit(ctx: RuleContext) -> Iterator[Finding]:
    """A paragraph of en.md is written in Chinese, or one of zh.md in English.

    Why: a paragraph left untranslated is one defect; read as English it would raise a
    typography error at every Chinese mark. It is reported once, and the typography and
    abbreviation rules of its file leave it alone.
    Example: en.md keeps the Chinese paragraph ``此后，Sasaki等……`` where its translation belongs.
    """
    for document in ctx.project.documents:
        other = "Chinese" if document.lang == "en" else "English"
        for span in document.text_spans:
            if len(span.text) >= 20 and written_in_other_language(span.text, document.lang):
                start = len(span.text) - len(span.text.lstrip())
                yield Finding(span.location(start, start + 1), f"this text of {document.path.rsplit('/', 1)[-1]} is written in "
                              f"{other}: translate it, or move it to the other file")
