"""zh.pdf / en.pdf: Pandoc's typst writer with our template, compiled by ``typst`` in a limited child process."""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

from toolchain.errors import RenderError
from toolchain.load import Project
from toolchain.names import CJK
from toolchain.pandoc import ast_to
from toolchain.render import fonts
from toolchain.render.ast import copied, divs, text_of
from toolchain.render.files import FIGURES, copy_figures
from toolchain.render.pdf_layout import lay_out
from toolchain.render.typst_run import compile_typst

TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "article.typ"
LOG = logging.getLogger("toolchain.render")
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
# Per language: paragraph indent (two characters in Chinese, GB/T 15834 practice), line spacing.
LAYOUT = {
    "zh": {"indent": "2em", "leading": "0.62em", "keyword-sep": "；"},
    "en": {"indent": "1.2em", "leading": "0.45em", "keyword-sep": "; "},
}


def reference_label_width(ast: dict) -> str:
    """Width of the box holding “[12]” in the reference list: the longest label, in em."""
    labels = [text_of(span["c"][1]).strip() for span in spans(ast, "csl-left-margin")]
    longest = max((len(label) for label in labels), default=3)
    return f"{0.52 * longest + 0.5:.2f}em"


def spans(ast: dict, cls: str) -> list[dict]:
    """Every Span with class ``cls`` in the reference list."""
    found: list[dict] = []
    for div in divs(ast["blocks"], "csl-entry"):
        for block in div["c"][1]:
            found += [i for i in block.get("c", []) if isinstance(i, dict) and i.get("t") == "Span" and cls in i["c"][0][1]]
    return found


def template_variables(lang: str, ast: dict) -> list[str]:
    """Pandoc ``-V`` variables that the template reads."""
    variables = [f"latin-font={fonts.LATIN}", f"song-font={fonts.song()}", f"hei-font={fonts.hei()}"]
    variables += [f"{key}={value}" for key, value in LAYOUT[lang].items()]
    variables += [f"ref-indent={reference_label_width(ast)}"]
    variables += ["zh=true", "lang-code=zh", "region=cn"] if lang == "zh" else ["lang-code=en"]
    return [arg for v in variables for arg in ("-V", v)]


def typeset_references(ast: dict) -> dict:
    """A copy of ``ast`` whose numbered reference list is one typst list (``refenum``), each entry an item.

    Citeproc splits an entry into a ``csl-left-margin`` span (“[1] ”) and the rest (the style's
    ``second-field-align``); the typst writer flattens spans, so the list is written as raw typst
    around the entries' inlines: ``#refenum("[1]", enum.item(1)[…], …)``, which typst tags as a
    list (L, LI, Lbl, LBody). Each entry keeps its label (``<ref-x>``) for the citations' links.
    A list whose labels hold no number (an author-date style) calls ``refentry(label, body)`` per
    entry. The AST is shared with the other writers, hence the copy.
    """
    ast = copied(ast)
    for refs in divs(ast["blocks"], "references"):
        entries = refs["c"][1]
        items = [numbered_item(entry) for entry in entries]
        if items and all(item is not None for item in items):
            pattern = re.sub(r"\d+", "1", text_of(first_label(entries[0])).strip())
            refs["c"][1] = [{"t": "RawBlock", "c": ["typst", f"#refenum({typst_literal(pattern)},"]}, *items, {"t": "RawBlock", "c": ["typst", ")"]}]
            continue
        for div in entries:
            for block in div["c"][1] if div.get("t") == "Div" else []:
                label, content, lang = entry_parts(block)
                if label is not None:
                    block["c"] = [raw(f'#refentry(lang: "{lang}")['), *label, raw("]["), *content, raw("]")]
    return ast


def first_label(entry: dict) -> list:
    """The label inlines (“[12]”) of a csl-entry Div, or []."""
    blocks = entry["c"][1] if entry.get("t") == "Div" else []
    label, _, _ = entry_parts(blocks[0]) if blocks else (None, [], "")
    return label or []


def entry_parts(block: dict) -> tuple[list | None, list, str]:
    """(label inlines or None, the entry's other inlines, its language) of one reference paragraph."""
    content = block.get("c")
    if block.get("t") not in ("Para", "Plain") or not content:
        return None, [], ""
    content = unbroken_type_marks(unlink_titles(content))
    block["c"] = content
    first = content[0]
    # A reference in English is set as English even in zh.pdf: hyphenation lets its lines justify.
    lang = "zh" if CJK.search(text_of(content)) else "en"
    if first.get("t") == "Span" and "csl-left-margin" in first["c"][0][1]:
        return [i for i in first["c"][1] if i.get("t") != "Space"], content[1:], lang
    return None, content, lang


def numbered_item(entry: dict) -> dict | None:
    """One csl-entry Div as a typst list item ``enum.item(n)[…]`` (a Plain block), or None when its label has no number."""
    blocks = entry["c"][1] if entry.get("t") == "Div" and entry["c"][1] else []
    label, content, lang = entry_parts(blocks[0]) if len(blocks) == 1 else (None, [], "")
    number = re.search(r"\d+", text_of(label)) if label else None
    if number is None:
        return None
    anchor = f"#metadata(none) <{entry['c'][0][0]}>" if LABEL.fullmatch(entry["c"][0][0]) else ""
    return {"t": "Plain", "c": [raw(f'enum.item({int(number.group())})[#set text(lang: "{lang}")\n'), *content, raw(f"{anchor}],")]}


LABEL = re.compile(r"[\w:.-]+")  # an id typst accepts as a label


def typst_literal(text: str) -> str:
    """``text`` as a typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


TYPE_MARK = re.compile(r"\[[A-Z]{1,3}/[A-Z]{2}\]")  # [EB/OL], [J/OL], [M/CD] (GB/T 7714 type and carrier)


def unbroken_type_marks(content: list) -> list:
    """Inlines whose type-and-carrier marks such as “[EB/OL]” cannot break at the slash (a typst box)."""
    result: list = []
    for node in content:
        text = node.get("c") if isinstance(node, dict) and node.get("t") == "Str" else None
        if not text or not TYPE_MARK.search(text):
            result.append({"t": "Span", "c": [node["c"][0], unbroken_type_marks(node["c"][1])]}
                          if isinstance(node, dict) and node.get("t") == "Span" else node)
            continue
        last = 0
        for match in TYPE_MARK.finditer(text):
            if match.start() > last:
                result.append({"t": "Str", "c": text[last:match.start()]})
            result.append(raw(f'#box("{match.group(0)}")'))
            last = match.end()
        if last < len(text):
            result.append({"t": "Str", "c": text[last:]})
    return result


def unlink_titles(content: list) -> list:
    """Inlines without the links citeproc puts on titles (to the DOI); a printed URL or DOI stays a link.

    Typst does not justify lines inside a link, which left the title lines of such references ragged.
    """
    result = []
    for node in content:
        if not isinstance(node, dict):
            result.append(node)
        elif node.get("t") == "Link" and not printed_target(text_of(node["c"][1]).strip(), node["c"][2][0]):
            result += unlink_titles(node["c"][1])
        elif node.get("t") == "Span":
            result.append({"t": "Span", "c": [node["c"][0], unlink_titles(node["c"][1])]})
        else:
            result.append(node)
    return result


def printed_target(text: str, target: str) -> bool:
    """A link's text is its target: the URL itself, or the DOI of a ``https://doi.org/`` link."""
    return bool(text) and (text == target or target.lower() in (f"https://doi.org/{text.lower()}", f"http://dx.doi.org/{text.lower()}"))


def raw(code: str) -> dict:
    """A raw typst inline."""
    return {"t": "RawInline", "c": ["typst", code]}


def typst_string(text: str) -> dict:
    """``text`` as a typst string literal for the template's code (Pandoc would escape it as markup)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    return {"t": "MetaInlines", "c": [raw(f'"{escaped}"')]}


def document_strings(ast: dict) -> None:
    """Authors and keywords as typst strings for ``#set document`` (PDF metadata)."""
    meta = ast["meta"]
    authors = [text_of(a["c"]["name"]) for a in meta.get("authors", {"c": []})["c"]]
    keywords = [text_of(k) for k in meta.get("keywords", {"c": []})["c"]] if meta.get("keywords", {}).get("t") == "MetaList" else []
    meta["pdf-authors"] = {"t": "MetaList", "c": [typst_string(a) for a in authors]}
    meta["pdf-keywords"] = {"t": "MetaList", "c": [typst_string(k) for k in keywords]}


def typst_source(ast: dict, lang: str) -> str:
    """The typst document for one language."""
    ast = typeset_references(ast)  # a copy: the layout below is for typst only
    lay_out(ast)
    document_strings(ast)
    return ast_to(ast, "typst-citations", [f"--template={TEMPLATE}", "--number-sections", *template_variables(lang, ast)], f"{lang}.pdf")


PACKAGE = re.compile(r'"@[\w-]+/')  # a typst package specification: "@preview/name:1.0.0"


def refuse_packages(ast: dict, lang: str) -> None:
    """A raw typst block or inline that names a package is refused: the build fetches nothing."""
    for node in raw_nodes(ast["blocks"]):
        fmt, code = node["c"]
        if fmt == "typst" and PACKAGE.search(code):
            raise RenderError(f"{lang}.pdf", f"raw typst imports a package ({PACKAGE.search(code).group()}…): "
                              "the build fetches nothing from the network")


def raw_nodes(node: object) -> list[dict]:
    """Every RawBlock and RawInline under ``node`` (iteratively: the AST may be deep)."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if item.get("t") in ("RawBlock", "RawInline"):
                found.append(item)
            elif "c" in item:
                stack.append(item["c"])
    return found


def render_pdf(project: Project, ast: dict, lang: str, target: Path) -> None:
    """Compile the PDF for ``lang`` into ``target``."""
    refuse_packages(ast, lang)
    source = typst_source(ast, lang)
    with tempfile.TemporaryDirectory(prefix=".typst-", dir=target.parent) as work:
        main = Path(work) / "main.typ"
        main.write_text(source, encoding="utf-8")
        copy_figures(project.root, Path(work) / FIGURES)  # regular files inside the project only
        pdf = compile_tagged(main, Path(work), f"{lang}.pdf")
    check_page_count(project, pdf, f"{lang}.pdf")
    target.write_bytes(pdf)


def compile_tagged(main: Path, root: Path, name: str) -> bytes:
    """Compile as PDF/UA-1 (tagged, DisplayDocTitle, alt text), its last page balanced; else, with a warning, as plain PDF.

    Raw typst from a manuscript can break PDF/UA rules the toolchain cannot repair (an image
    without alt text): the PDF is then still written, untagged for PDF/UA.
    """
    try:
        return compile_typst(main, root, name, fonts.font_paths(), balance=True, hyphens=True, pdf_standards="ua-1")
    except RenderError as exc:
        if "PDF/UA" not in exc.cause:
            raise
        LOG.warning("%s: not PDF/UA-1 conformant (%s); written as plain PDF", name, exc.cause.removeprefix("typst failed: ").splitlines()[0])
    return compile_typst(main, root, name, fonts.font_paths(), balance=True, hyphens=True)


def page_count(pdf: bytes) -> int:
    """Number of page objects in a PDF typst wrote (uncompressed object dictionaries)."""
    return len(PAGE_OBJECT.findall(pdf))


def check_page_count(project: Project, pdf: bytes, name: str) -> None:
    """Warn when the PDF's page count differs from metadata.yaml's fpage–lpage."""
    first, last = project.metadata.journal.fpage, project.metadata.journal.lpage
    if not (first.isdigit() and last.isdigit()) or int(last) < int(first):
        return
    expected, pages = int(last) - int(first) + 1, page_count(pdf)
    if pages != expected:
        LOG.warning("%s has %d page%s, but metadata.yaml gives pages %s-%s (%d page%s)", name, pages, "s" * (pages != 1), first, last,
                    expected, "s" * (expected != 1))
