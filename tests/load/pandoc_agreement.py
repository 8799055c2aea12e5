"""The loader's structure against Pandoc's reader: headings, block kinds and cited keys per top-level block.

Pandoc gives no source positions for Pandoc Markdown, so the loader splits blocks itself; these
helpers read the same texts with Pandoc (one run for many texts, through ``read_each.lua``) and
reduce both to comparable records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from toolchain.errors import InputError
from toolchain.load.markdown import PANDOC_READER, Document, find_citations, pandoc_body, parse_document
from toolchain.load.source import SourceFile
from toolchain.pandoc import markdown_to_ast, run_pandoc
from toolchain.render.ast import text_of, walk

READ_EACH = Path(__file__).with_name("read_each.lua")

# What the checker tells apart: a heading, a unit it aligns and checks as prose, or a block it skips.
UNIT_KINDS = {"Para": "unit", "Plain": "unit", "BulletList": "unit", "OrderedList": "unit", "DefinitionList": "unit", "Table": "unit",
              "Figure": "unit", "BlockQuote": "unit", "LineBlock": "unit", "CodeBlock": "other", "HorizontalRule": "other", "RawBlock": "other"}


@dataclass(frozen=True)
class Record:
    """One top-level block reduced to what the checker counts."""

    kind: str  # heading | unit | other
    heading: tuple[int, str] | None  # (level, text without markup) of a heading
    keys: tuple[str, ...]  # cited keys, sorted (a footnote's keys count where it is referenced)


@dataclass(frozen=True)
class Structure:
    """A whole text reduced to records (``error`` when the loader refuses it)."""

    records: tuple[Record, ...]
    error: str = ""

    @property
    def headings(self) -> list[tuple[int, str]]:
        """(level, text) of each heading in order."""
        return [r.heading for r in self.records if r.heading]

    @property
    def key_groups(self) -> list[tuple[str, ...]]:
        """The cited keys of each block that cites, in order."""
        return [r.keys for r in self.records if r.keys]


def words(text: str) -> str:
    """Text reduced to its letters and digits (markup, punctuation and spacing are not compared)."""
    return re.sub(r"[\W_]+", "", text)


def read_with_pandoc(texts: list[str]) -> list[list[dict]]:
    """Pandoc's top-level blocks for each text, read as the build reads a manuscript body (one Pandoc run)."""
    version = markdown_to_ast("", [], "pandoc version")["pandoc-api-version"]
    blocks = [{"t": "CodeBlock", "c": [["", [PANDOC_READER], []], text]} for text in texts]
    document = {"pandoc-api-version": version, "meta": {}, "blocks": blocks}
    out = json.loads(run_pandoc(["-f", "json", "-t", "json", f"--lua-filter={READ_EACH}"], json.dumps(document), "agreement"))
    return [div["c"][1] for div in out["blocks"]]


def cite_keys(node: object) -> list[str]:
    """The citation keys under a node, notes included."""
    keys: list[str] = []
    walk(node, lambda n: keys.extend(c["citationId"] for c in n["c"][0]) if n.get("t") == "Cite" else None)
    return keys


def without_notes(inlines: list) -> list:
    """Inlines without footnotes (a heading's text is compared without them)."""
    return [i for i in inlines if not (isinstance(i, dict) and i.get("t") in ("Note", "RawInline"))]


def pandoc_records(blocks: list[dict]) -> tuple[Record, ...]:
    """Pandoc's blocks as records; a Div is transparent (the loader keeps its fences apart)."""
    records: list[Record] = []
    for block in blocks:
        kind = block.get("t")
        if kind == "Div":
            records += pandoc_records(block["c"][1])
        elif kind == "Header":
            records.append(Record("heading", (block["c"][0], words(text_of(without_notes(block["c"][2])))), tuple(sorted(cite_keys(block)))))
        elif kind in UNIT_KINDS:
            records.append(Record(UNIT_KINDS[kind], None, tuple(sorted(cite_keys(block)))))
    return tuple(records)


FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
HEADING_MARKUP = re.compile(r"\]\([^)]*\)|\]\[[^\]]*\]|\[\^[^\]]*\]|\^\[[^\]]*\]|</?[A-Za-z][\w-]*(?:\s[^>]*)?/?>|&#?\w+;")


def loader_records(document: Document) -> tuple[Record, ...]:
    """The loader's blocks as records: footnote definitions count where they are referenced; div fences are left out."""
    notes: dict[str, list[str]] = {}
    for block in document.blocks:
        if block.footnote_label:
            notes.setdefault(block.footnote_label, []).extend(c.key for c in find_citations(block.span))
    records: list[Record] = []
    blocks = [b for b in document.blocks if b.kind not in ("div", "reference") and not b.footnote_label]
    for n, block in enumerate(blocks):
        if block.kind == "caption":  # part of the table before it or after it
            continue
        keys = [] if block.kind == "code" else [c.key for c in find_citations(block.span)]
        if block.kind == "table":
            captions = [b for b in blocks[n - 1:n] + blocks[n + 1:n + 2] if b.kind == "caption"]
            keys += [c.key for b in captions for c in find_citations(b.span)]
        for label in FOOTNOTE_REFERENCE.findall(block.text):
            keys += notes.get(label, [])
        if block.kind == "heading":
            records.append(Record("heading", (block.level, words(HEADING_MARKUP.sub("", block.title))), tuple(sorted(keys))))
        else:
            records.append(Record("unit" if block.is_unit else "other", None, tuple(sorted(keys))))
    return tuple(records)


def loader_structure(text: str) -> Structure:
    """What the loader makes of a text (as en.md)."""
    try:
        return Structure(loader_records(parse_document(SourceFile.from_text("manuscript/en.md", text), "en")))
    except InputError as exc:
        return Structure((), str(exc))


def pandoc_input(text: str) -> str:
    """The text Pandoc reads for a source: the body, the front matter as blank lines (as the build gives it)."""
    try:
        return pandoc_body(parse_document(SourceFile.from_text("manuscript/en.md", text), "en"))
    except InputError:
        return text


def structures(texts: list[str]) -> list[tuple[Structure, Structure]]:
    """(loader, Pandoc) structure of each text."""
    read = read_with_pandoc([pandoc_input(t) for t in texts])
    return [(loader_structure(t), Structure(pandoc_records(blocks))) for t, blocks in zip(texts, read, strict=True)]


@dataclass
class Figures:
    """Agreement over many texts: blocks, headings, cited keys."""

    blocks: int = 0
    blocks_agreeing: int = 0
    citations: int = 0
    citations_agreeing: int = 0
    loader_extra_citations: int = 0

    def add(self, loader: Structure, pandoc: Structure) -> None:
        """Count one text."""
        matcher = SequenceMatcher(None, loader.records, pandoc.records, autojunk=False)
        self.blocks += max(len(loader.records), len(pandoc.records))
        self.blocks_agreeing += sum(m.size for m in matcher.get_matching_blocks())
        ours = [k for group in loader.key_groups for k in group]
        theirs = [k for group in pandoc.key_groups for k in group]
        common = sum(m.size for m in SequenceMatcher(None, ours, theirs, autojunk=False).get_matching_blocks())
        self.citations += len(theirs)
        self.citations_agreeing += common
        self.loader_extra_citations += len(ours) - common

    def summary(self) -> str:
        """The figures as one line."""
        return (f"blocks {self.blocks_agreeing}/{self.blocks} ({100 * self.blocks_agreeing / max(1, self.blocks):.1f} %), "
                f"citations {self.citations_agreeing}/{self.citations} (+{self.loader_extra_citations} the loader alone finds)")


def differences(loader: Structure, pandoc: Structure) -> list[str]:
    """What differs in headings and cited keys per block (empty when they agree)."""
    found = [f"loader refuses: {loader.error}"] if loader.error else []
    if loader.headings != pandoc.headings:
        found.append(f"headings: loader {loader.headings} / pandoc {pandoc.headings}")
    if loader.key_groups != pandoc.key_groups:
        found.append(f"keys per block: loader {loader.key_groups} / pandoc {pandoc.key_groups}")
    return found


def figures(pairs: Iterable[tuple[Structure, Structure]]) -> Figures:
    """Agreement figures over many texts."""
    total = Figures()
    for loader, pandoc in pairs:
        total.add(loader, pandoc)
    return total
