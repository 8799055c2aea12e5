"""In-text citations as a numeric style prints them: author names, page locators, spacing.

Pandoc's citeproc (3.9) with a numeric style such as GB/T 7714-2015:

- prints ``@key`` (an author-in-text citation) as the bare number ``[4]``, so “@smith2020
  showed” loses its subject; GB/T 7714-2015 (10.1.2) writes the name before the number:
  “Smith[4]”, “Smith等[4]”, “张三等[4]”;
- drops a page locator (``[@key, p. 3]``) that its locale parses, or prints it inside the
  brackets when it does not (“[3, p. 3]” in Chinese); GB/T 7714-2015 (10.1.3) sets the page
  outside the brackets, in the superscript: “[3]3”;
- removes the space before every citation of a superscript style, also before an
  author-in-text citation and before ``@tbl-x`` (which is no citation), giving “seeTable 2”.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from toolchain.cite.terms import ET_AL
from toolchain.cjk import HAN, WIDE
from toolchain.load.markdown import Document
from toolchain.render.ast import text_of, walk

NUMERIC = re.compile(r"\[?\s*\d+(?:\s*[,，\-–~～]\s*\d+)*(?P<rest>[^\]]*)\]?")
LOCATOR = re.compile(r"[,，]?\s*(?:pp?\.|pages?|第)?\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?)\s*页?")
CJK = re.compile(f"[{WIDE}{HAN}]")  # Chinese text or its punctuation
OPENING = "([{“‘\"'/-—–"
JOIN = {"zh": ("和", ET_AL["zh"]), "en": (" and ", " " + ET_AL["en"])}
CSL = "{http://purl.org/net/xbiblio/csl}"
# A style tells the toolchain to join a consecutive pair of numbers as a range ([2-3]) with this
# attribute on its <citation>; CSL 1.0.2 collapses only three or more (GB/T 7714-2025, 9.2.1.2
# prints “[260，262-263]”).
JOIN_PAIRS = "{https://toolchain.invalid/csl}join-pairs"


@dataclass(frozen=True, slots=True)
class CitationMarks:
    """How a style joins citation numbers: the range delimiter, and whether a pair is a range."""

    range_delimiter: str = "\u2013"
    join_pairs: bool = False


def citation_marks(style: Path) -> CitationMarks:
    """The style's ``citation-range-delimiter`` term and pair rule (Pandoc's citeproc ignores the term)."""
    try:
        root = etree.parse(str(style), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    except (OSError, etree.XMLSyntaxError):
        return CitationMarks()
    terms = [t.text or "" for t in root.iter(f"{CSL}term") if t.get("name") == "citation-range-delimiter"]
    citation = root.find(f"{CSL}citation")
    pairs = citation is not None and citation.get(JOIN_PAIRS, "").lower() == "true"
    return CitationMarks(terms[0] if terms else CitationMarks.range_delimiter, pairs)


def is_author_date(style: Path) -> bool:
    """Whether the style prints authors in its citations (CSL ``citation-format`` author-date or author)."""
    try:
        root = etree.parse(str(style), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    except (OSError, etree.XMLSyntaxError):
        return False
    return any(c.get("citation-format") in ("author-date", "author") for c in root.iter(f"{CSL}category"))


NAME_WINDOW = 80  # characters before a citation group where the sentence may name its author
NAMED_TAIL = r"\s*(?:等人?|et\s+al\.?|(?:and|&|和|与|及)\s*[^\s\[\]]{1,40}?)?\s*$"


def suppress_named_authors(body: str, offset: int, document: Document, items: list[dict]) -> str:
    """``Xuan等[@k]`` → ``Xuan等[-@k]`` for a style that prints authors: the sentence names them already.

    An author-date style would print “Xuan等(Xuan 等, 2020)”. A one-key group right after the
    first author's family name (alone, with 等/et al., or with a second name) gets Pandoc's
    suppress-author form, printing “Xuan等(2020)”. ``offset`` maps a source offset to ``body``.
    """
    families = {item.get("id"): family for item in items if (family := (author_names(item) or [""])[0])}
    edits = []
    groups: dict[tuple[int, int], list] = {}
    for citation in document.citations:
        groups.setdefault((id(citation.span), citation.group_start), []).append(citation)
    for group in groups.values():
        citation = group[0]
        family = families.get(citation.key)
        text = citation.span.text
        if len(group) != 1 or not family or not text.startswith("[@", citation.group_start):
            continue
        window = text[max(0, citation.group_start - NAME_WINDOW):citation.group_start]
        given = f"[{HAN}]{{0,2}}" if CJK.fullmatch(family[-1]) else ""  # 宣丽等: a Chinese name is written in full
        if re.search(re.escape(family) + given + NAMED_TAIL, window):
            edits.append(citation.span.source_offset(citation.group_start) + 1 - offset)
    for at in sorted(edits, reverse=True):
        if 0 <= at < len(body) and body.startswith("@", at):
            body = body[:at] + "-" + body[at:]
    return body


def number_of(node: dict) -> int | None:
    """The citation number a Link (or Str) of a rendered numeric citation shows."""
    text = text_of(node["c"][1]) if node.get("t") == "Link" else node.get("c", "") if node.get("t") == "Str" else ""
    return int(text) if isinstance(text, str) and text.isdigit() else None


def join_numbers(cite: dict, marks: CitationMarks) -> None:
    """Ranges with the style's delimiter, and consecutive pairs as ranges when the style says so."""
    inner = superscript_of(cite) or cite["c"][1]
    for index in range(1, len(inner) - 1):
        node = inner[index]
        if node.get("t") != "Str":
            continue
        before, after = number_of(inner[index - 1]), number_of(inner[index + 1])
        if before is None or after is None:
            continue
        if node["c"] == "\u2013":
            node["c"] = marks.range_delimiter
        elif node["c"] == "," and marks.join_pairs and after == before + 1:
            node["c"] = marks.range_delimiter


def author_names(item: dict) -> list[str]:
    """How each author (else editor) of a CSL item is named in running text: family name or literal."""
    names = item.get("author") or item.get("editor") or []
    result = []
    for name in names:
        if name.get("literal") == "others":
            result.append("")  # BibTeX's ``and others``: more authors than listed
        elif name.get("literal") or name.get("family"):
            result.append(name.get("family") or name["literal"])  # a pinyin name printed in full is named by its family name
    return result


def named(item: dict, lang: str) -> str:
    """“Smith”, “Smith and Jones”, “Smith et al.” (en); “张三”, “张三和李四”, “Smith等” (zh)."""
    names = author_names(item)
    if not names or not names[0]:
        return ""
    conjunction, et_al = JOIN[lang]
    if len(names) == 1:
        return names[0]
    if len(names) == 2 and names[1]:
        return f"{names[0]}{conjunction}{names[1]}"
    return f"{names[0]}{et_al}"


def needs_space(before: dict | None) -> bool:
    """Whether the inline before a citation asks for a space: Latin text, not an opening mark or CJK."""
    if before is None or before.get("t") != "Str" or not before["c"]:
        return False
    last = before["c"][-1]
    return not CJK.match(last) and last not in OPENING


def superscript_of(cite: dict) -> list | None:
    """The inlines inside the Superscript citeproc rendered for ``cite``, if it is one."""
    content = cite["c"][1]
    if len(content) == 1 and content[0].get("t") == "Superscript":
        return content[0]["c"]
    return None


def move_locator(cite: dict) -> None:
    """“[3, p. 3]” or “[3]” without its page → “[3]3” (GB/T 7714-2015, 10.1.3)."""
    citations = cite["c"][0]
    inner = superscript_of(cite)
    if len(citations) != 1 or inner is None or not citations[0]["citationSuffix"]:
        return
    locator = LOCATOR.fullmatch(text_of(citations[0]["citationSuffix"]).strip())
    rendered = NUMERIC.fullmatch(text_of(inner).strip())
    if not locator or not rendered:
        return
    last_link = max((i for i, node in enumerate(inner) if node.get("t") == "Link"), default=None)
    if last_link is None:
        return
    tail = text_of(inner[last_link + 1:]).strip()
    if not tail.endswith("]") or (tail[:-1].strip() and not LOCATOR.fullmatch(tail[:-1].strip())):
        return
    pages = re.sub(r"\s*[-–]\s*", "-", locator.group("pages"))
    inner[last_link + 1:] = [{"t": "Str", "c": "]" + pages}]


def fix_in_text_citations(ast: dict, items: list[dict], lang: str, marks: CitationMarks | None = None) -> None:
    """Names before author-in-text numbers, GB/T page locators, ranges as the style joins them, the spaces citeproc removed."""
    marks = marks or CitationMarks()
    by_key = {item.get("id"): item for item in items}

    def visit(node: dict) -> None:
        """Fix the citations among the inlines of ``node``."""
        content = node.get("c")
        if not isinstance(content, list) or not content or not isinstance(content[0], dict):
            return
        result: list = []
        for item in content:
            if isinstance(item, dict) and item.get("t") == "Cite":
                citations = item["c"][0]
                in_text = citations[0]["citationMode"]["t"] == "AuthorInText"
                if (in_text or any(c["citationId"] not in by_key for c in citations)) and needs_space(result[-1] if result else None):
                    result.append({"t": "Space"})
                numeric = NUMERIC.fullmatch(text_of(item["c"][1]).strip()) is not None
                move_locator(item)
                if numeric:
                    join_numbers(item, marks)
                if in_text and numeric and citations[0]["citationId"] in by_key:
                    name = named(by_key[citations[0]["citationId"]], lang)
                    if name:
                        item["c"][1][:0] = [{"t": "Str", "c": name}]
            result.append(item)
        content[:] = result

    walk(ast["blocks"], visit)
