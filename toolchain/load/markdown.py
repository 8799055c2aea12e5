"""zh.md / en.md: front matter and body blocks (headings, paragraphs) with source positions.

Pandoc reports no source positions for Pandoc Markdown, so the blocks are found in the text
itself; every block keeps its span so that rules can point at a line and column.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from toolchain.errors import InputError
from toolchain.limits import INLINE_BUDGET, MAX_EMPHASIS_NESTING, MAX_EMPHASIS_OPEN, MAX_INLINE_NESTING, MAX_NESTING, MAX_OPEN_LINKS, OPEN_TAG_BUDGET
from toolchain.load._blocks import split_lines
from toolchain.load._inline import Emphasis, blank_verbatim
from toolchain.load._yaml import as_text, key_line, parse_yaml
from toolchain.load.source import Location, SourceFile, Span

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
ATTRIBUTES = re.compile(r"\s*\{([^{}]*)\}\s*$")
COMMENT = re.compile(r"<!--.*?-->", re.S)  # searched only up to the last "-->" (``matches``): an unclosed one is text
# Pandoc citation keys: start with a letter, digit or _, may hold internal punctuation.
# ``@{key}`` holds any key, trailing punctuation included (``@{徐光宪2010--}``).
KEY = r"[\w](?:[\w]|[:.#$%&+?<>~/-](?=[\w])|[:/](?=/))*|\{[^{}\s]+\}"
# A group's brackets: an escaped bracket inside (a locator ``p. \\[4\\]``) is text.
CITE_GROUP = re.compile(r"\[(?:[^\[\]\\]|\\.)*?@(?:" + KEY + r")(?:[^\[\]\\]|\\.)*\]")
CITE_IN_GROUP = re.compile(r"(?<![\w@])-?@(" + KEY + r")")
# A key outside a group cites in the text, in a link's text or a note (``[see @a](url)``, ``^[@a]``) too.
CITE_BARE = re.compile(r"@(?<![\w@.\\]@)(" + KEY + r")")  # the @ first: the engine jumps from one @ to the next
EXAMPLE_LABEL = re.compile(r"^[ \t]*\(@([\w-]+)\)", re.MULTILINE)
FOOTNOTE_DEFINITION = re.compile(r"\s*\[\^([^\]\s]+)\]:")
FRONT_MATTER = re.compile(r"---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)", re.S)
NESTED_PREFIX = re.compile(r"[ \t]*(?:>[ \t]*|(?:[-*+]|\d{1,9}[.)])[ \t]+)+")  # > > > or - - - at a line's start
NESTED_MARKER = re.compile(r">|[-*+]|\d{1,9}[.)]")
BRACKET = re.compile(r"[\[\]]")  # escaped ones are blanked first (blank_verbatim)
QUOTE_MARKERS = re.compile(r"(?:[ \t]{0,3}>[ \t]?)*")  # the block quotes a line is in
LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")  # after them: a list item
DIV_FENCE = re.compile(r"[ \t]{0,3}:{3,}[ \t]*([^\s:])?")  # ::: {.class} opens a fenced div, ::: alone closes one
TOO_MANY_NESTED = "brackets [ nest inside one another in too many places (Pandoc would take minutes); the last ends here"
PARENTHESES = re.compile(r"(?<!\\)(?:\]\(|[()])")  # a link's destination opens with ](
ANGLES = re.compile(r"(?<!\\)<[A-Za-z!/?]|>")  # where a tag, comment or autolink may open, and where one closes
HTML_NESTING = re.compile(r"<(/?)(div|span)\b[^<>]*?(/?)>", re.IGNORECASE)  # Pandoc's native divs and spans
# The reader the build gives a body to: the front matter is the loader's, a YAML block further down is not metadata.
PANDOC_READER = "markdown-yaml_metadata_block+east_asian_line_breaks"


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited key: where it stands and the bracketed group it belongs to."""

    key: str
    span: Span  # the block or front-matter span holding it
    start: int  # offset of '@' in span.text
    end: int
    group_start: int  # offset of '[' (or of '@' for an in-text citation)
    group_end: int

    @property
    def location(self) -> Location:
        """Location of the key."""
        return self.span.location(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Block:
    """A body block: a heading, a paragraph-like block, or one the checker skips."""

    kind: str  # heading | paragraph | list | table | figure | code | comment | div
    span: Span
    section: int  # index of the heading this block follows (0 before the first heading)
    level: int = 0  # heading level
    title: str = ""  # heading text without attributes
    identifier: str = ""  # {#id} of a heading

    @property
    def text(self) -> str:
        """The block's raw Markdown text."""
        return self.span.text

    @property
    def footnote_label(self) -> str:
        """The label of a footnote definition (``[^1]: …`` → ``1``), '' for any other block."""
        match = FOOTNOTE_DEFINITION.match(self.span.text) if self.kind == "paragraph" else None
        return match.group(1) if match else ""

    @property
    def is_unit(self) -> bool:
        """Whether the block counts as a paragraph when aligning zh and en."""
        return self.kind in ("paragraph", "list", "table", "figure", "caption")


@dataclass(frozen=True, slots=True)
class Document:
    """One language of the manuscript: front matter fields and body blocks."""

    source: SourceFile
    lang: str  # "zh" or "en"
    declared_lang: str
    title: Span | None
    abstract: tuple[Span, ...]  # one span per abstract paragraph
    keywords: tuple[Span, ...]
    front_lines: dict[str, int]  # front-matter key → line
    blocks: tuple[Block, ...]
    body_start: int  # offset in source where the body begins
    front: Any = None  # the front matter as parsed (with lines), for the rules that check its shape
    _citations: list = field(default_factory=list, init=False, repr=False, compare=False)  # filled on first use
    _typed: list = field(default_factory=list, init=False, repr=False, compare=False)  # filled on first use

    @property
    def path(self) -> str:
        """The file's path relative to the project root."""
        return self.source.path

    @property
    def headings(self) -> tuple[Block, ...]:
        """Heading blocks in order."""
        return tuple(b for b in self.blocks if b.kind == "heading")

    def body_units(self, *, footnotes: bool = True, tables: bool = True) -> tuple[Block, ...]:
        """The units of aligned text in the body, in order: headings and paragraph-like blocks (``Block.is_unit``).

        The one definition every reader of units starts from. ``footnotes=False`` leaves out
        footnote definitions: Pandoc places a footnote where it is referenced, wherever its
        definition stands, so a translation may define it elsewhere and it is aligned by its label.
        """
        typed = self.typed_references
        return tuple(b for b in self.blocks if (b.kind == "heading" or b.is_unit) and (footnotes or not b.footnote_label)
                     and (tables or b.kind != "table") and not (typed and id(b) in typed))

    @property
    def typed_reference_lists(self) -> list[list[Block]]:
        """Each reference list typed into the body: its blocks (its heading first, when it has one), in order."""
        return self._typed_lists()[0]

    @property
    def typed_references(self) -> dict[int, Block]:
        """The blocks of the typed reference lists by ``id``: they are no units."""
        return self._typed_lists()[1]

    def _typed_lists(self) -> list:
        """[the typed reference lists, their blocks by id], found on first use."""
        if not self._typed:
            lists = typed_reference_blocks(self.blocks)
            self._typed.extend([lists, {id(b): b for run in lists for b in run}])
        return self._typed

    def units(self, section: int) -> tuple[Block, ...]:
        """The paragraph-like units of one section, in order; footnote definitions left out."""
        return tuple(b for b in self.body_units(footnotes=False) if b.section == section and b.kind != "heading")

    @property
    def front_spans(self) -> tuple[Span, ...]:
        """The units before the body: title, abstract paragraphs and keywords."""
        return (*([self.title] if self.title else []), *self.abstract, *self.keywords)

    @property
    def text_spans(self) -> tuple[Span, ...]:
        """Every unit of text: ``front_spans``, then the body's units (headings included)."""
        return (*self.front_spans, *(b.span for b in self.body_units()))

    @property
    def body_spans(self) -> tuple[Span, ...]:
        """The paragraph-like units of the body, in order (``body_units`` without headings)."""
        return tuple(b.span for b in self.body_units() if b.kind != "heading")

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Every citation in the abstract and body, in order (found once per document)."""
        if not self._citations:
            found: list[Citation] = []
            for span in [*self.abstract, *(b.span for b in self.blocks if b.kind != "code")]:
                found.extend(find_citations(span))
            self._citations.append(tuple(found))
        return self._citations[0]

    @property
    def body_is_empty(self) -> bool:
        """True when the body holds no heading and no paragraph."""
        return not self.body_units()


TYPED_REFERENCES = Path(__file__).resolve().parent.parent / "data" / "typed-references.yaml"
ENTRY_NUMBER = re.compile(r"^[ \t]*(?:[\[［]\d{1,4}[\]］]|\d{1,4}[.)、]|[(（]\d{1,4}[)）])[ \t]*\S", re.MULTILINE)
# year, volume(issue): pages as GB/T and Vancouver write them (2020, 21(9): 1201 / 2020;21(9):1201), or APA's 21(9), 1201
VOLUME_PAGES = re.compile(r"(?:19|20)\d\d[a-z]?\s*[,;，；]\s*\d{1,4}\s*(?:[(（][^()（）\n]{1,12}[)）])?\s*[:：]\s*[A-Za-z]?\d"
                          r"|\b\d{1,4}\(\d{1,4}\),\s*[A-Za-z]?\d{1,6}\s*[–-]")
HEADING_NUMBER = re.compile(r"^[\d.\s、]+|\s+")
LIST_ITEM_START = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)
NUMBERED_ITEM = re.compile(r"[ \t]*(?:\d{1,9}[.)]|[-*+][ \t]+[\[［(（]?\d)")  # 1. or - [1]
ENTRY_LENGTH = 1500  # characters: a typed reference is shorter; a longer item is prose


@lru_cache(maxsize=1)
def typed_reference_words() -> tuple[frozenset[str], re.Pattern[str]]:
    """The titles of a reference section and the pattern of a GB/T document-type mark ([J], [EB/OL] …)."""
    data = parse_yaml(TYPED_REFERENCES.read_text(encoding="utf-8"), "toolchain/data/typed-references.yaml")
    marks = "|".join(re.escape(m) for m in sorted(data["type_marks"], key=len, reverse=True))
    return frozenset(t.casefold().replace(" ", "") for t in data["titles"]), re.compile(rf"\[(?:{marks})\]")


def is_typed_entry(item: str) -> bool:
    """Whether one item reads as a typed reference: short, with a document-type mark or year, volume and pages."""
    return len(item) <= ENTRY_LENGTH and bool(typed_reference_words()[1].search(item) or VOLUME_PAGES.search(item))


def typed_entries(block: Block, numbered: bool) -> int:
    """How many typed references a paragraph or list holds (its lines that open with [1], 1. or (1)); 0 unless all are.

    Under a reference-section heading an unnumbered paragraph is one item (``numbered`` False).
    """
    if block.kind not in ("paragraph", "list") or len(block.text) > 200 * ENTRY_LENGTH:
        return 0
    text = block.text
    if block.kind == "list":  # each item opens with its marker; 1. and 1) number it
        starts = [m.start() for m in LIST_ITEM_START.finditer(text)]
        if not starts or (numbered and not NUMBERED_ITEM.match(text)):
            return 0
    else:
        starts = [m.start() for m in ENTRY_NUMBER.finditer(text)]
        if not starts or starts[0] != len(text) - len(text.lstrip()):
            if numbered:
                return 0
            starts = [0]
    items = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    return len(items) if all(is_typed_entry(item) for item in items) else 0


def typed_reference_blocks(blocks: tuple[Block, ...]) -> list[list[Block]]:
    """The blocks of each typed reference list: a reference-section heading with the entries under it, or two entries in a row."""
    titles = typed_reference_words()[0]
    found: list[list[Block]] = []
    run: list[Block] = []
    entries = 0
    heading: Block | None = None
    for block in (*blocks, None):
        if block is not None and (count := typed_entries(block, numbered=heading is None)):
            run.append(block)
            entries += count
            continue
        if block is not None and block.kind == "comment" and run:
            continue
        if run and (heading is not None or entries >= 2):
            found.append([heading, *run] if heading is not None else run)
        run, entries = [], 0
        heading = block if block is not None and block.kind == "heading" and HEADING_NUMBER.sub("", block.title).casefold() in titles else None
    return found


def unbraced(key: str) -> str:
    """A citation key without the braces of ``@{key}``."""
    return key[1:-1] if key.startswith("{") and key.endswith("}") else key


EMAIL_TAIL = re.compile(r"[\w.-]+\.[a-z]{2,}")


def find_citations(span: Span) -> tuple[Citation, ...]:
    """Find Pandoc citations ([@a; @b], @a) in a span, skipping comments and code.

    Linear in the span: bare keys are tested against the groups by bisection, and each text is
    read once per process however often the rules ask for its citations (the citations returned
    always belong to ``span`` itself).
    """
    labels = example_labels(span.source.text)
    return tuple(Citation(key, span, start, end, group_start, group_end)
                 for key, start, end, group_start, group_end in citation_offsets(span.text) if key not in labels)


@lru_cache(maxsize=64)
def example_labels(text: str) -> frozenset[str]:
    """The labels of a text's example list items (``(@good)``): ``@good`` refers to the example, it cites nothing."""
    return frozenset(EXAMPLE_LABEL.findall(text)) if "(@" in text else frozenset()


@lru_cache(maxsize=4096)
def citation_offsets(source_text: str) -> tuple[tuple[str, int, int, int, int], ...]:
    """(key, start, end, group start, group end) of each citation of a text, in order."""
    text = mask(source_text, COMMENT, re.compile(r"`[^`\n]*`"))
    found: list[tuple[str, int, int, int, int]] = []
    starts: list[int] = []
    ends: list[int] = []
    for group in CITE_GROUP.finditer(text):
        if text.startswith("](", group.end()):  # a link's text, not a citation group
            continue
        starts.append(group.start())
        ends.append(group.end())
        for m in CITE_IN_GROUP.finditer(text, group.start(), group.end()):
            found.append((unbraced(m.group(1)), m.start(1) - 1, m.end(1), group.start(), group.end()))
    for m in CITE_BARE.finditer(text):
        inside = bisect_right(starts, m.start()) - 1
        if inside >= 0 and m.start() < ends[inside]:
            continue
        if m.start() > 0 and text[m.start() - 1].isalnum() and EMAIL_TAIL.match(text, m.start(1)):
            continue  # an e-mail address
        found.append((unbraced(m.group(1)), m.start(), m.end(1), m.start(), m.end(1)))
    found.sort(key=lambda c: c[1])
    return tuple(found)


def matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of a pattern; comments are looked for only before the last ``-->`` (linear however many are unclosed)."""
    return pattern.finditer(text, 0, text.rfind("-->") + 3) if pattern is COMMENT else pattern.finditer(text)


def mask(text: str, *patterns: re.Pattern[str]) -> str:
    """Replace every match of the patterns by spaces (newlines kept) so offsets stay valid."""
    for pattern in patterns:
        parts, done = [], 0
        for match in matches(pattern, text):
            parts += [text[done:match.start()], re.sub(r"[^\n]", " ", match.group())]
            done = match.end()
        text = "".join([*parts, text[done:]])
    return text


def parse_document(source: SourceFile, lang: str) -> Document:
    """Split a Markdown source into front matter and blocks."""
    text = source.text
    front_end, front_lines = 0, {}
    title: Span | None = None
    abstract: tuple[Span, ...] = ()
    keywords: tuple[Span, ...] = ()
    declared = ""
    match = FRONT_MATTER.match(text)
    if re.match(r"---[ \t]*(?:\n|$)", text) and not match:  # a longer rule of dashes is a table's or a rule's
        raise InputError(source.path, 1, "front matter starts with '---' but is never closed")
    if match:
        front_end = match.end()
        raw = match.group(1) or ""
        data = parse_yaml(raw, source.path, first_line=2)
        fields = data if isinstance(data, dict) else {}  # another shape is META013's to report
        for key in fields:
            front_lines[str(key)] = key_line(fields, key, 2)
        declared = as_text(fields.get("lang"))
        title_text = as_text(fields.get("title"))
        if title_text:
            title = locate_value(source, title_text, front_lines["title"], front_end)
        abstract_text = as_text(fields.get("abstract"))
        if abstract_text:
            abstract = tuple(
                locate_value(source, para, front_lines["abstract"], front_end)
                for para in re.split(r"\n\s*\n", abstract_text)
                if para.strip()
            )
        value = fields.get("keywords")
        if isinstance(value, list):
            items = [(as_text(item), key_line(value, i, 2)) for i, item in enumerate(value)]
        else:  # keywords: "a, b": read as the list it means (META013 reports the type)
            items = [(part, front_lines.get("keywords", 1)) for part in re.split(r"\s*[,，;；、]\s*", as_text(value))]
        keywords = tuple(locate_value(source, text, line, front_end) for text, line in items if text)
    else:
        data = None
    check_nesting(source)
    blocks = tuple(split_blocks(source, front_end))
    return Document(source, lang, declared, title, abstract, keywords, front_lines, blocks, front_end, data)


def too_many(open_at_once: tuple[int, int]) -> bool:
    """Whether the delimiters a paragraph leaves open (count, runs of one kind) are past what Pandoc reads in time."""
    count, kinds = open_at_once
    return kinds > MAX_EMPHASIS_NESTING or count > MAX_EMPHASIS_OPEN


def check_nesting(source: SourceFile) -> None:
    """Raise InputError where brackets, block quotes, lists, fenced divs or HTML divs and spans nest too deeply.

    Pandoc's Markdown reader takes time and memory that grow much faster than the depth, and
    the renderers walk its tree: such input is refused before any of them sees it. Block
    structure may nest ``MAX_NESTING`` deep, each kind and all together (typst's limit);
    brackets and spans, which make Pandoc's inline parser backtrack, ``MAX_INLINE_NESTING``
    deep within a paragraph, and their groups together within ``INLINE_BUDGET``; emphasis
    delimiters may be left open ``MAX_EMPHASIS_NESTING`` at once. Fenced code, code spans, math
    and escaped characters are skipped (``_inline``); a blank line ends a bracket, span or
    emphasis run as it ends a paragraph. A list nests by markers on one
    line (``- - -``) and by items each indented further than the last.
    """
    fence = ""
    depth = peak = spent = 0  # brackets open now, the most open since none was, the budget used
    items: list[int] = []  # indentation of the list items the line may be inside, outermost first
    divs = 0
    html = {"div": 0, "span": 0}
    parentheses: list[int] = []  # the ( open in the paragraph: the line of a link's, 0 for another
    angles: list[tuple[int, int]] = []  # line and offset in the paragraph of each < opened since its last >
    read = 0  # the paragraph's characters before the line
    emphasis = Emphasis()  # the delimiters the paragraph leaves open

    def end_paragraph(number: int) -> None:
        """Refuse a paragraph with too many link destinations or tags left open."""
        links = [line for line in parentheses if line]
        if len(links) > MAX_OPEN_LINKS:
            raise InputError(source.path, links[MAX_OPEN_LINKS], f"more than {MAX_OPEN_LINKS} link destinations ]( are left open "
                                                                 f"in this paragraph (the paragraph ends at line {number}): close each with )")
        if angles and len(angles) * read - sum(offset for _, offset in angles) > OPEN_TAG_BUDGET:
            raise InputError(source.path, angles[0][0], f"{len(angles)} HTML tags, comments or autolinks < are left open from here "
                             f"to the paragraph's end at line {number} (no > after them): Pandoc would take minutes")
        parentheses.clear()
        angles.clear()

    lines = source.text.split("\n")
    in_code = []  # the fence lines and the code between them
    for line in lines:
        opening = FENCE.match(line)
        in_code.append(bool(fence or opening))
        if fence:
            fence = "" if opening and opening.group(1).startswith(fence) and not line.strip()[len(opening.group(1)):].strip() else fence
        elif opening:
            fence = opening.group(1)
    verbatim = blank_verbatim(lines, in_code)  # code spans, math and escapes set aside
    for number, line in enumerate(lines, 1):
        if in_code[number - 1]:
            continue
        if not line.strip():
            spent, depth, peak = spent + 4 ** (peak - 1) - 1 if peak else spent, 0, 0
            if spent > INLINE_BUDGET:
                raise InputError(source.path, number - 1, TOO_MANY_NESTED)
            html["span"] = 0
            emphasis.reset()
            if parentheses or angles:
                end_paragraph(number - 1)
            read = 0
            continue
        prefix = NESTED_PREFIX.match(line)
        markers = len(NESTED_MARKER.findall(prefix.group())) if prefix else 0
        if markers > MAX_NESTING:
            raise InputError(source.path, number, f"block quotes or lists nest more than {MAX_NESTING} levels deep on this line")
        rest = line[QUOTE_MARKERS.match(line).end():]
        indent = len(rest.expandtabs(4)) - len(rest.expandtabs(4).lstrip(" \t"))
        while items and items[-1] >= indent:  # a line no further in than an item's marker is outside that item
            items.pop()
        if LIST_ITEM.match(rest):
            items.append(indent)
            if markers + len(items) - 1 > MAX_NESTING:
                raise InputError(source.path, number, f"lists nest more than {MAX_NESTING} levels deep here (each item indented further)")
        fenced = DIV_FENCE.match(line)
        if fenced:
            divs = divs + 1 if fenced.group(1) else max(0, divs - 1)
            if divs > MAX_NESTING:
                raise InputError(source.path, number, f"fenced divs ::: nest more than {MAX_NESTING} levels deep here")
        line = verbatim[number - 1]
        if any(mark in line for mark in "*_~^\"'") and too_many(emphasis.read(line)):
            raise InputError(source.path, number, f"emphasis, strikeout, superscript, subscript or quotation marks (* _ ~~ ^ ~ \" ') are left open "
                                                  f"in more than {MAX_EMPHASIS_NESTING} alternations (or {MAX_EMPHASIS_OPEN} marks) at once "
                                                  "here (nested, or never closed, in one "
                                                  "paragraph: Pandoc would take minutes, the outputs cannot nest them): close them "
                                                  "or write \\* for a literal one")
        if "<" in line or ">" in line:
            for mark in ANGLES.finditer(line):
                if mark.group() == ">":
                    angles.clear()
                else:
                    angles.append((number, read + mark.start()))
        if "<" in line:
            for tag in HTML_NESTING.finditer(line):
                name = tag.group(2).lower()
                if tag.group(3):
                    continue  # <div/> opens nothing
                html[name] = max(0, html[name] - 1) if tag.group(1) else html[name] + 1
                limit = MAX_NESTING if name == "div" else MAX_INLINE_NESTING
                if html[name] > limit:
                    raise InputError(source.path, number, f"HTML <{name}> elements nest more than {limit} levels deep here")
        if markers + max(len(items) - 1, 0) + divs + html["div"] > MAX_NESTING:  # typst's limit is on them together
            raise InputError(source.path, number, f"block quotes, lists and divs nest more than {MAX_NESTING} levels deep here (together)")
        if "(" in line or ")" in line:
            for mark in PARENTHESES.finditer(line):
                if mark.group() == ")":
                    if parentheses:
                        parentheses.pop()
                else:
                    parentheses.append(number if mark.group() == "](" else 0)
        read += len(line) + 1
        for bracket in BRACKET.finditer(line):
            if bracket.group() == "[":
                depth += 1
                peak = max(peak, depth)
                if depth > MAX_INLINE_NESTING:
                    raise InputError(source.path, number, f"brackets [ nest more than {MAX_INLINE_NESTING} levels deep here "
                                                          "(open or closed, in one paragraph; write \\[ for one that opens nothing)")
            elif depth:
                depth -= 1
                if not depth:  # a group closed: its cost to Pandoc grows fourfold with each level
                    spent, peak = spent + 4 ** (peak - 1) - 1, 0
                    if spent > INLINE_BUDGET:
                        raise InputError(source.path, number, TOO_MANY_NESTED)
    end_paragraph(source.text.count("\n") + 1)


def pandoc_body(document: Document) -> str:
    """The text the build gives Pandoc: the body, the front matter as blank lines (so that Pandoc's lines are the source's)."""
    text = document.source.text
    return "\n" * text.count("\n", 0, document.body_start) + text[document.body_start:]


def front_matter(document: Document) -> dict:
    """The front matter's values as plain dicts, lists and scalars (empty without front matter)."""
    data = document.front
    return json.loads(json.dumps(data if isinstance(data, dict) else {}, ensure_ascii=False, default=str))


def locate_value(source: SourceFile, value: str, line: int, limit: int) -> Span:
    """Find a front-matter value's lines in the source, starting at its key's line."""
    anchors: list[tuple[int, int]] = []
    search_from = source.offset(line)
    offset_in_value = 0
    for piece in value.split("\n"):
        found = source.text.find(piece.strip(), search_from, limit) if piece.strip() else -1
        if found >= 0:
            lead = len(piece) - len(piece.lstrip())
            anchors.append((offset_in_value + lead, found))
            search_from = found + len(piece.strip())
        elif not anchors:
            anchors.append((0, source.offset(line)))
        offset_in_value += len(piece) + 1
    return Span(value, source, tuple(anchors) or ((0, source.offset(line)),))


def split_blocks(source: SourceFile, body_start: int) -> Iterator[Block]:
    """Yield the body's top-level blocks, split as Pandoc's reader splits them (``_blocks``)."""
    lines = source.text[body_start:].split("\n")
    offsets = [body_start]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    section = 0
    for piece in split_lines(lines):
        start, end = offsets[piece.first], offsets[piece.last] + len(lines[piece.last])
        if piece.kind == "heading":
            section += 1
            text = lines[piece.first].lstrip("#")
            yield heading_block(source, start, end, text.strip(" \t").rstrip("#"), len(lines[piece.first]) - len(text), section)
        elif piece.kind == "setext":
            section += 1
            level = 1 if lines[piece.last].strip().startswith("=") else 2
            yield heading_block(source, start, end, lines[piece.first].strip(), level, section)
        else:
            yield classify(source, start, end, section, piece.kind)


def heading_block(source: SourceFile, start: int, end: int, title: str, level: int, section: int) -> Block:
    """Build a heading block, separating its {#id .class} attributes from its title."""
    identifier = ""
    attributes = ATTRIBUTES.search(title)
    if attributes:
        title = title[: attributes.start()]
        id_match = re.search(r"#([\w:.-]+)", attributes.group(1))
        identifier = id_match.group(1) if id_match else ""
    return Block("heading", Span.of(source, start, end), section, level, title.strip(), identifier)


def classify(source: SourceFile, start: int, end: int, section: int, kind: str = "") -> Block:
    """Decide what kind of block a run of lines is (``kind`` when the splitter knows it already)."""
    span = Span.of(source, start, end)
    if kind:
        return Block("list" if kind == "definitions" else kind, span, section)
    stripped = mask(span.text, COMMENT).strip()
    if not stripped:
        kind = "comment"
    elif re.fullmatch(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?", stripped):
        kind = "figure"
    else:
        kind = "paragraph"
    return Block(kind, span, section)
