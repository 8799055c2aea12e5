"""Pandoc's JATS for one language, post-processed: every cited work linked, labels, ids.

Pandoc's ``jats_publishing`` writer (3.9) leaves gaps (docs: guide/jats.md §6, items 15–18):
a collapsed numeric range ``[12–16]`` links only its two ends; ``表 1``/``图 1`` stay in the
caption text; the id of a table sits on ``<table>``, not ``<table-wrap>``; internal links get
no ``@ref-type``; and the two languages' runs produce the same ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from toolchain.pandoc import ast_to
from toolchain.render.ast import divs
from toolchain.render.jats.xml import MML, parse
from toolchain.render.manuscript import LABELS

DASHES = {"–", "-", "—", "‒", "～", "~"}
# xref/@ref-type by the element the link points at (JATS Tag Library, ref-type values).
REF_TYPES = {"sec": "sec", "table-wrap": "table", "fig": "fig", "fn": "fn", "disp-formula": "disp-formula",
             "ref": "bibr", "boxed-text": "boxed-text", "app": "app", "list-item": "list", "supplementary-material": "supplementary-material"}


@dataclass(frozen=True, slots=True)
class Parts:
    """The pieces of one language pandoc wrote: title, abstract, keywords, body, footnotes, citation order."""

    title: etree._Element | None
    abstract: etree._Element | None
    keywords: tuple[etree._Element, ...]
    body: etree._Element
    footnotes: etree._Element | None
    order: tuple[str, ...]  # cited keys in the order this language numbers them


def citation_order(ast: dict) -> tuple[str, ...]:
    """Cited keys in citeproc's numbering order: the ``ref-KEY`` entries of the refs div."""
    return tuple(div["c"][0][0].removeprefix("ref-") for div in divs(ast.get("blocks", []), "csl-entry"))


def heading_numbers(blocks: list) -> list[str]:
    """The number the PDF prints for each heading, in document order ("" for an unnumbered one)."""
    counters: list[int] = []
    numbers: list[str] = []

    def visit(nodes: list) -> None:
        for block in nodes:
            if not isinstance(block, dict):
                continue
            if block.get("t") == "Header":
                level, (_, classes, _) = block["c"][0], block["c"][1]
                if "unnumbered" in classes or "unlisted" in classes:
                    numbers.append("")
                    continue
                counters[level:] = []
                counters.extend([0] * (level - len(counters)))
                counters[level - 1] += 1
                numbers.append(".".join(str(n) for n in counters))
            elif block.get("t") == "Div":
                visit(block["c"][1])

    visit(blocks)
    return numbers


def label_sections(body: etree._Element, numbers: list[str]) -> None:
    """<label> in each <sec> as the PDF numbers its heading (pandoc writes secs in heading order)."""
    for sec, number in zip(body.iter("sec"), numbers, strict=False):
        if number and sec.find("label") is None:
            label = etree.Element("label")
            label.text = number
            sec.insert(0, label)


def pandoc_parts(ast: dict) -> Parts:
    """Run pandoc's JATS writer once on a language and cut its output into Parts."""
    meta = {key: ast["meta"][key] for key in ("title", "abstract") if key in ast["meta"]}
    if "keywords" in ast["meta"]:
        meta["tags"] = ast["meta"]["keywords"]  # pandoc's JATS template reads keywords from `tags`
    document = {**ast, "meta": meta}
    root = parse(ast_to(document, "jats_publishing", ["--standalone", "--wrap=none"], "article.xml"))
    front = root.find("front/article-meta")
    title = front.find("title-group/article-title") if front is not None else None
    abstract = front.find("abstract") if front is not None else None
    keywords = tuple(front.iterfind("kwd-group/kwd")) if front is not None else ()
    body = root.find("body")
    if body is None:
        body = etree.Element("body")
    label_sections(body, heading_numbers(ast.get("blocks", [])))
    return Parts(title, abstract, keywords, body, root.find("back/fn-group"), citation_order(ast))


def compress(numbers: list[int], dash: str) -> str:
    """``[1, 2, 3]`` → ``1–3``; a broken run is listed with commas."""
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}{dash}{numbers[-1]}"
    return ",".join(str(n) for n in numbers)


def link_citations(roots: Iterable[etree._Element], order: tuple[str, ...], labels: dict[str, int]) -> None:
    """Point every citation xref at ``R{n}``; a range ``a–b`` becomes one xref to every work in it.

    ``order`` is this language's numbering, ``labels`` the ref-list's: the English sub-article
    links the parent's references even if its own citeproc run numbered them differently.
    """
    position = {key: i for i, key in enumerate(order)}

    def key(node: etree._Element) -> str:
        """The citation key of a pandoc citation xref (``rid="ref-KEY"``)."""
        return node.get("rid", "").removeprefix("ref-")

    for root in roots:
        for xref in list(root.iter("xref")):
            if xref.get("ref-type") != "bibr" or xref.getparent() is None or key(xref) not in labels:
                continue
            keys, text, dash = [key(xref)], xref.text or "", "–"
            after = xref.getnext()
            if (after is not None and after.tag == "xref" and after.get("ref-type") == "bibr"
                    and (xref.tail or "").strip() in DASHES and key(after) in position and keys[0] in position):
                dash = (xref.tail or "").strip()
                keys = list(order[position[keys[0]] : position[key(after)] + 1])
                text = f"{text}{dash}{after.text or ''}"
                xref.tail = after.tail
                xref.getparent().remove(after)
            numbers = [labels[k] for k in keys if k in labels]
            xref.set("rid", " ".join(f"R{n}" for n in numbers))
            numeric = re.fullmatch(r"\d+(?:\D\d+)?", text.strip()) is not None  # not an author-date style
            if numeric and numbers != [position.get(k, -2) + 1 for k in keys]:
                text = compress(numbers, dash)
            xref.text = text
            xref.attrib.pop("alt", None)


def caption_label(node: etree._Element, words: tuple[str, ...]) -> bool:
    """Move a leading ``表 1``/``Figure 1`` from the caption's first paragraph into <label>; say if one was found."""
    caption = node.find("caption")
    first = caption.find("p") if caption is not None else None
    if first is None:
        first = caption.find("title") if caption is not None else None
    if first is None or not first.text:
        return False
    pattern = rf"^\s*((?:{'|'.join(re.escape(w) for w in words)})\s*[0-9]+[A-Za-z]?)[\s.:：。]*"
    match = re.match(pattern, first.text)
    if not match:
        return False
    label = etree.Element("label")
    label.text = match.group(1)
    node.insert(list(node).index(caption), label)
    first.text = first.text[match.end():]
    if not first.text and len(first) == 0:
        caption.remove(first)
    if len(caption) == 0 and not (caption.text or "").strip():
        node.remove(caption)
    return True


def number_label(node: etree._Element, word: str, number: int, lang: str) -> None:
    """A <label> “表1” / “Table 1” before the caption, as the PDF and DOCX number the float."""
    label = etree.Element("label")
    label.text = f"{word}{number}" if lang == "zh" else f"{word} {number}"
    caption = node.find("caption")
    label.tail = node.text if node.text and not node.text.strip() else None  # the layout pandoc gave the caption
    node.insert(list(node).index(caption) if caption is not None else 0, label)


def label_equations(root: etree._Element) -> None:
    """A labelled equation (crossref.py's Span, pandoc's <named-content>): the id and “(n)” on <disp-formula>."""
    number = 0
    for wrapper in list(root.iter("named-content", "styled-content")):
        formula = wrapper.find("disp-formula")
        if formula is None or wrapper.get("content-type") != "equation":
            continue
        number += 1
        formula.set("id", wrapper.get("id") or f"eq{number}")
        label = etree.Element("label")
        label.text = f"({number})"
        formula.insert(0, label)
        formula.tail = (formula.tail or "") + (wrapper.tail or "")
        wrapper.getparent().replace(wrapper, formula)


def ascii_ids(root: etree._Element, taken: set[str]) -> None:
    """Pandoc derives a heading's id from its text (<sec id="致谢">): give such a sec an ASCII id."""
    renamed: dict[str, str] = {}
    number = 0
    for node in root.iter("sec"):
        identifier = node.get("id")
        if identifier and not identifier.isascii():
            number += 1
            while f"sec{number}" in taken or root.find(f".//*[@id='sec{number}']") is not None:
                number += 1
            renamed[identifier] = f"sec{number}"
            node.set("id", renamed[identifier])
    for xref in root.iter("xref"):
        if xref.get("rid") in renamed:
            xref.set("rid", renamed[xref.get("rid")])


def label_floats(root: etree._Element, lang: str, taken: set[str]) -> None:
    """Labels and ids for every <table-wrap>, <fig> and labelled equation; every <sec> gets an ASCII id too.

    A float with a caption is numbered in document order (表1, Figure 2), as typst and Word
    number it; a label typed at the start of the caption (crossref.py removes those) is kept.
    """
    words = {"table-wrap": (LABELS[lang]["table"],), "fig": (LABELS[lang]["figure"], "Fig.", "Fig")}
    prefixes = {"table-wrap": "tbl", "fig": "fig", "sec": "sec"}
    counters = dict.fromkeys(prefixes, 0)
    numbers = dict.fromkeys(words, 0)
    label_equations(root)
    ascii_ids(root, taken)
    for node in root.iter("table-wrap", "fig", "sec"):
        tag = node.tag
        if tag == "table-wrap":
            table = node.find("table")
            if table is not None and table.get("id") and not node.get("id"):
                node.set("id", table.attrib.pop("id"))
        if tag in words and (node.find("caption") is not None or tag == "fig"):
            numbers[tag] += 1
            if not caption_label(node, words[tag]):
                number_label(node, words[tag][0], numbers[tag], lang)
        if not node.get("id"):
            counters[tag] += 1
            while f"{prefixes[tag]}{counters[tag]}" in taken:
                counters[tag] += 1
            node.set("id", f"{prefixes[tag]}{counters[tag]}")
        taken.add(node.get("id"))


def math_ids(root: etree._Element, taken: set[str]) -> None:
    """Keep MathML only and give it an id (PMC: <tex-math> must be a whole LaTeX document; ids required)."""
    for alternatives in list(root.iter("alternatives")):
        tex = alternatives.find("tex-math")
        if tex is not None and alternatives.find(f"{{{MML}}}math") is not None:
            alternatives.remove(tex)
        if len(alternatives) == 1:  # a lone child needs no <alternatives>
            parent, child = alternatives.getparent(), alternatives[0]
            child.tail = alternatives.tail
            parent.replace(alternatives, child)
    number = 0
    for math in root.iter(f"{{{MML}}}math"):
        if not math.get("id"):
            number += 1
            while f"m{number}" in taken:
                number += 1
            math.set("id", f"m{number}")
        taken.add(math.get("id"))


def prefix_ids(root: etree._Element, prefix: str) -> None:
    """Prefix every id under ``root`` and every non-citation rid pointing at one of them."""
    ids = {node.get("id") for node in root.iter() if node.get("id")}
    for node in root.iter():
        if node.get("id"):
            node.set("id", prefix + node.get("id"))
    for node in root.iter():
        if node.get("rid") and node.get("ref-type") != "bibr":
            node.set("rid", " ".join(prefix + t if t in ids else t for t in node.get("rid").split()))


def type_links(root: etree._Element) -> None:
    """Give internal links (pandoc's xref without @ref-type) the type of their target."""
    targets = {node.get("id"): node.tag for node in root.iter() if node.get("id")}
    for xref in root.iter("xref"):
        if not xref.get("ref-type"):
            target = targets.get((xref.get("rid") or "").split(" ")[0], "")
            xref.set("ref-type", REF_TYPES.get(target, "other"))
