"""Formatted references: every entry rendered by citeproc-py in the project's CSL style.

``format_references(cite, lang)`` is the public entry point (the checker's messages and
the HTML report use it). The CSL JSON comes from ``Citations.items``,
the same items Pandoc's citeproc renders, so the text matches the PDF's reference list.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from functools import cache
from pathlib import Path

from lxml import etree

from toolchain.cite import Citations
from toolchain.load import Project

# The renderer's citation module (CSL JSON, style choice) is imported when first needed: the
# checker must load, and its other rules run, even while the render package cannot be imported.

CSL_NS = "http://purl.org/net/xbiblio/csl"
LOCALES = {"zh": "zh-CN", "en": "en-US"}
VARIABLE_ELEMENTS = {"names", "date", "number"}
NAME_VARIABLES = ("author", "editor", "translator", "container-author", "collection-editor")
# BibTeX's "and others" reaches CSL JSON as a literal name "others"; Pandoc's citeproc prints
# the et-al term for it, citeproc-py would print "OTHERS". It stands in as this name instead.
OTHERS = "Zqxetalzqx"
OTHERS_RENDERED = re.compile(r"(?:\s+(?:and|&)\s+)?" + OTHERS, re.IGNORECASE)


def _q(tag: str) -> str:
    """A CSL element's qualified name for lxml."""
    return f"{{{CSL_NS}}}{tag}"


def _calls_variable(element: etree._Element, macros: dict[str, etree._Element], seen: frozenset[str] = frozenset()) -> bool:
    """Whether an element renders a variable, directly or through a macro (citeproc-py's test)."""
    for node in element.iter():
        tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if tag in VARIABLE_ELEMENTS or (tag == "text" and node.get("variable")):
            return True
        macro = node.get("macro") if tag == "text" else None
        if macro and macro in macros and macro not in seen and _calls_variable(macros[macro], macros, seen | {macro}):
            return True
    return False


def normalize_style(xml: bytes) -> bytes:
    """Rewrite two CSL constructs that citeproc-py evaluates unlike Pandoc's citeproc.

    1. ``<if type="a b">`` without ``match``: Pandoc tests the types as alternatives; citeproc-py
       requires all of them (never true), so the journal's ``[J]`` fell to the ``else`` branch.
       Such a test gets ``match="any"``.
    2. A macro that prints only constants chosen by ``type`` (GB/T's ``[J]`` type mark) does not
       "call a variable" for citeproc-py, so a ``<group>`` holding it and an empty medium
       (``/OL``) was suppressed: ``Title[J].`` lost its mark. The item's type is always set,
       so such a call is wrapped in a ``<group>`` and counts as a rendered variable (CSL 1.0.2,
       "Group": a group is suppressed only when the variables it calls are all empty).
    """
    root = etree.fromstring(xml, etree.XMLParser(remove_comments=True, no_network=True, resolve_entities=False))
    for condition in root.iter(_q("if"), _q("else-if")):
        tests = set(condition.attrib) - {"match"}
        if tests == {"type"} and " " in condition.get("type", "").strip() and "match" not in condition.attrib:
            condition.set("match", "any")
    macros = {m.get("name"): m for m in root.iter(_q("macro"))}
    type_constants = {
        name for name, macro in macros.items()
        if not _calls_variable(macro, macros)
        and all(set(c.attrib) <= {"type", "match"} for c in macro.iter(_q("if"), _q("else-if")))
        and any(node.get("value") for node in macro.iter(_q("text")))
    }
    for group in list(root.iter(_q("group"))):
        children = list(group)
        if not any(_calls_variable(child, macros) for child in children):
            continue
        for child in children:
            if child.tag == _q("text") and child.get("macro") in type_constants:
                wrapper = etree.Element(_q("group"))
                group.replace(child, wrapper)
                wrapper.append(child)
    return etree.tostring(root, encoding="utf-8")


@cache
def _style(path: str, modified: float, locale: str) -> object:
    """The parsed style for one locale (cached per file version: parsing is the slow part)."""
    from citeproc import CitationStylesStyle

    xml = normalize_style(Path(path).read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(io.BytesIO(xml), locale=locale, validate=False)


def citation_order(project: Project, lang: str) -> list[str]:
    """Keys in first-citation order in ``lang``'s document, then uncited entries in file order."""
    order = list(dict.fromkeys(c.key for c in project.document(lang).citations))
    known = set(project.bibliography.by_key)
    order = [key for key in order if key in known]
    return order + [e.key for e in project.bibliography.entries if e.key not in set(order)]


def render_items(style_file: Path, lang: str, items: list[dict], order: list[str]) -> dict[str, str]:
    """Render CSL JSON items (in ``order``) as plain text, one string per key."""
    marked = [{**item, **{variable: [{"literal": OTHERS} if name.get("literal") == "others" else name for name in item[variable]]
                          for variable in NAME_VARIABLES if isinstance(item.get(variable), list)}} for item in items]
    rendered = _render(str(style_file), style_file.stat().st_mtime, LOCALES.get(lang, "en-US"),
                       json.dumps(marked, ensure_ascii=False, sort_keys=True), tuple(order))
    from toolchain.render.citations import ET_AL

    return {key: OTHERS_RENDERED.sub(ET_AL.get(lang, ET_AL["en"]), text) for key, text in rendered}


@cache
def _render(path: str, modified: float, locale: str, items_json: str, order: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(key, text) pairs of a rendered bibliography; cached, as several rules ask for the same list."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads(items_json)
    by_lower = {str(item["id"]).lower(): str(item["id"]) for item in items}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL variables it does not know
        source = CiteProcJSON(items)
        bibliography = CitationStylesBibliography(_style(path, modified, locale), source, formatter.plain)
        for key in order:
            if key.lower() in by_lower:
                bibliography.register(Citation([CitationItem(key.lower())]))
        bibliography.sort()
        rendered = bibliography.bibliography()
    result = []
    for key, text in zip(bibliography.keys, rendered):
        clean = re.sub(r"^(\[\d+\])(?=\S)", r"\1 ", " ".join(str(text).split()))
        result.append((by_lower.get(key, key), clean))
    return tuple(result)


def format_references(cite: Citations, lang: str) -> dict[str, str]:
    """Each entry as the active CSL style prints it in ``lang``'s reference list.

    Numbered in first-citation order of that language's document (as the numeric style
    numbers the PDF's list). Like the build, each reference takes "et al." or "等" from its
    own language (GB/T 7714-2015, 8.1.2), and an English list marks a Chinese work printed
    in its English version with "(in Chinese)".
    """
    return format_items(cite, lang, cite.items(lang))


def format_items(cite: Citations, lang: str, items: list[dict]) -> dict[str, str]:
    """Render some of ``lang``'s CSL items as ``format_references`` does (numbered among themselves)."""
    from toolchain.render.citations import ET_AL

    project = cite.project
    rendered = render_items(cite.style(), lang, items, citation_order(project, lang))
    translated = {item["id"] for item in items if item.get("translated-from-chinese")}
    entries = project.bibliography.by_key
    result = {}
    for key, text in rendered.items():
        entry = entries.get(key)
        own = "en" if key in translated else (entry.langid if entry else lang)
        if own != lang:
            text = swap_et_al(text, ET_AL[lang], ET_AL[own])
        if key in translated and lang == "en":
            text += " (in Chinese)"
        result[key] = text
    return result


def swap_et_al(text: str, old: str, new: str) -> str:
    """Replace the list's et-al term after a name (``, 等.`` → ``, et al.``) without doubling dots."""
    pattern = re.compile(r"(?<=[,，\s])" + re.escape(old) + r"(\.?)")

    def replace(match: re.Match[str]) -> str:
        # citeproc merges the list's closing period into "et al.": "等" needs it back.
        if new.endswith("."):
            return new
        return new + ("." if old.endswith(".") else match.group(1))

    return pattern.sub(replace, text, count=2)
