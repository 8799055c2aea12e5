"""zh.pdf / en.pdf: Pandoc's typst writer with our template, compiled in process by ``typst``."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import manimgx_fonts_cjk

from toolchain.errors import RenderError
from toolchain.load import Project
from toolchain.names import CJK
from toolchain.render.ast import divs, text_of
from toolchain.render.files import FIGURES, copy_figures
from toolchain.render.pandoc import ast_to
from toolchain.render.pdf_layout import lay_out
from toolchain.render.typst_run import compile_typst

TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "article.typ"
# Preferred CJK serif families when fontconfig knows them; the PyPI Noto Sans CJK is the fallback.
SYSTEM_CJK = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN")
LATIN = "Libertinus Serif"
BUNDLED_CJK = "Noto Sans CJK SC"
# Per language: paragraph indent (two characters in Chinese, GB/T 15834 practice), line spacing.
LAYOUT = {
    "zh": {"indent": "2em", "leading": "0.62em", "keyword-sep": "；"},
    "en": {"indent": "1.2em", "leading": "0.45em", "keyword-sep": "; "},
}


@cache
def font_paths() -> tuple[str, ...]:
    """Directories holding the bundled CJK font."""
    return (str(Path(manimgx_fonts_cjk.__file__).resolve().parent),)


@cache
def system_cjk_fonts() -> tuple[str, ...]:
    """CJK serif families fontconfig can find, in order of preference."""
    if not shutil.which("fc-list"):
        return ()
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], check=False, capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = {f.strip() for line in listed.splitlines() for f in line.split(",")}
    return tuple(f for f in SYSTEM_CJK if f in families)


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
    fonts = [LATIN, *system_cjk_fonts(), BUNDLED_CJK]
    variables = [f"fonts={f}" for f in fonts]
    variables += [f"{key}={value}" for key, value in LAYOUT[lang].items()]
    variables += [f"ref-indent={reference_label_width(ast)}", f"cjk-font={fonts[1]}"]
    variables += ["zh=true", "lang-code=zh", "region=cn"] if lang == "zh" else ["lang-code=en"]
    return [arg for v in variables for arg in ("-V", v)]


def typeset_references(ast: dict) -> dict:
    """A copy of ``ast`` whose references call the template's ``refentry(label, body)``.

    Citeproc splits an entry into a ``csl-left-margin`` span (“[1] ”) and the rest (the style's
    ``second-field-align``); the typst writer flattens spans, so the split is carried over as raw
    typst. The AST is shared with the other writers, hence the copy.
    """
    ast = copy.deepcopy(ast)
    for div in divs(ast["blocks"], "csl-entry"):
        for block in div["c"][1]:
            content = block.get("c")
            if block.get("t") not in ("Para", "Plain") or not content:
                continue
            content = unlink_titles(content)
            block["c"] = content
            first = content[0]
            if first.get("t") == "Span" and "csl-left-margin" in first["c"][0][1]:
                label = [i for i in first["c"][1] if i.get("t") != "Space"]
                # A reference in English is set as English even in zh.pdf: hyphenation lets its lines justify.
                lang = "zh" if CJK.search(text_of(content)) else "en"
                block["c"] = [raw(f'#refentry(lang: "{lang}")['), *label, raw("]["), *content[1:], raw("]")]
    return ast


def unlink_titles(content: list) -> list:
    """Inlines without the links citeproc puts on titles (to the DOI); a printed URL stays a link.

    Typst does not justify lines inside a link, which left the title lines of such references ragged.
    """
    result = []
    for node in content:
        if not isinstance(node, dict):
            result.append(node)
        elif node.get("t") == "Link" and text_of(node["c"][1]).strip() != node["c"][2][0]:
            result += unlink_titles(node["c"][1])
        elif node.get("t") == "Span":
            result.append({"t": "Span", "c": [node["c"][0], unlink_titles(node["c"][1])]})
        else:
            result.append(node)
    return result


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
        copy_figures(project.root, Path(work) / FIGURES)
        pdf = compile_typst(main, Path(work), f"{lang}.pdf", font_paths())
    target.write_bytes(pdf)
