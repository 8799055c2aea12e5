"""References as plain text: every entry rendered by citeproc-py in the project's CSL style.

The items are those Pandoc's citeproc renders for the outputs, and the text gets the same
corrections the outputs get (each reference's own et-al term and edition, organisations as
written, "(in Chinese)"), so a reference reads in the report and the checker's messages as
it reads in the PDF.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
from collections.abc import Collection
from functools import cache
from pathlib import Path

from lxml import etree

from toolchain.cite.terms import ET_AL, IN_CHINESE, et_al, ordinal
from toolchain.errors import InputError
from toolchain.files import cached_text
from toolchain.load import Project

CSL_NS = "http://purl.org/net/xbiblio/csl"
LOCALES = {"zh": "zh-CN", "en": "en-US"}
VARIABLE_ELEMENTS = {"names", "date", "number"}
NAME_VARIABLES = ("author", "editor", "translator", "container-author", "collection-editor")
# BibTeX's "and others" reaches CSL JSON as a literal name "others"; Pandoc's citeproc prints
# the et-al term for it, citeproc-py would print "OTHERS". It stands in as this name instead.
OTHERS = "Zqxetalzqx"
OTHERS_RENDERED = re.compile(r"(?:\s+(?:and|&)\s+)?" + OTHERS + r"(\.?)", re.IGNORECASE)
EDITION_ZH = re.compile(r"(?<!\d)(\d+)(?:st|nd|rd|th)? 版(\.?)")
EDITION_EN = re.compile(r"(?<!\d)(\d+)(?:st|nd|rd|th) ed\.")


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

    shown = f"bib/{Path(path).name}" if Path(path).parent.name == "bib" else Path(path).name
    raw = Path(path).read_bytes()
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        line = raw[: raw.find(b"<!")].count(b"\n") + 1
        raise InputError(shown, line, "the citation style declares a DOCTYPE or entities, which CSL does not use; remove them")
    try:
        xml = normalize_style(raw)
    except etree.XMLSyntaxError as exc:
        raise InputError(shown, exc.lineno, f"the citation style is not well-formed XML: {exc.msg}") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(io.BytesIO(xml), locale=locale, validate=False)


def citation_order(project: Project, lang: str) -> list[str]:
    """Keys in first-citation order in ``lang``'s document, then uncited entries in file order."""
    order = list(dict.fromkeys(c.key for c in project.document(lang).citations))
    known = set(project.bibliography.by_key)
    order = [key for key in order if key in known]
    return order + [e.key for e in project.bibliography.entries if e.key not in set(order)]


DATE_VARIABLES = ("issued", "accessed")


def literal_date(date: dict) -> dict:
    """A literal date (“1865(清同治四年)”, “1984-”) as its year: citeproc-py cannot render literal dates."""
    if "literal" not in date:
        return date
    year = re.search(r"\d{4}", str(date["literal"]))
    return {"date-parts": [[int(year.group(0))]]} if year else {"date-parts": []}


def render_items(style_file: Path, lang: str, items: list[dict], order: list[str], only: Collection[str] | None = None) -> dict[str, str]:
    """Render CSL JSON items (in ``order``) as plain text, one string per key.

    With ``only``, just those keys are rendered, each exactly as in the whole list (numbered
    among all the items): a rule quoting a few references does not pay for the whole list.
    """
    marked = [{**item, **{variable: [{"literal": OTHERS} if name.get("literal") == "others" else name for name in item[variable]]
                          for variable in NAME_VARIABLES if isinstance(item.get(variable), list)},
               **{variable: literal_date(item[variable]) for variable in DATE_VARIABLES if isinstance(item.get(variable), dict)}}
              for item in items]
    for item in marked:
        item.pop("available-date", None)  # unknown to citeproc-py (it fails on the date); the outputs print it
    rendered = _render(str(style_file), style_file.stat().st_mtime, LOCALES.get(lang, "en-US"),
                       json.dumps(marked, ensure_ascii=False, sort_keys=True), tuple(order),
                       None if only is None else tuple(sorted(set(only))))
    term = et_al(lang)
    # The list's closing period after the sentinel is the term's own in "et al.", not a second one.
    return {key: OTHERS_RENDERED.sub(lambda m: term if term.endswith(".") else term + m.group(1), text) for key, text in rendered}


@cache
def _render(path: str, modified: float, locale: str, items_json: str, order: tuple[str, ...],
            only: tuple[str, ...] | None = None) -> tuple[tuple[str, str], ...]:
    """(key, text) pairs of a rendered bibliography; cached in the process (several rules ask for the same list) and across runs."""
    key = json.dumps([renderer_identity(), Path(path).read_text(encoding="utf-8", errors="surrogateescape"), locale, items_json, order,
                      *([] if only is None else [only])])
    text = cached_text("citeproc", key, lambda: json.dumps(_render_now(path, modified, locale, items_json, order, only), ensure_ascii=False))
    try:
        return tuple((str(k), str(v)) for k, v in json.loads(text))
    except (ValueError, TypeError):  # a damaged cache file
        return _render_now(path, modified, locale, items_json, order, only)


@cache
def renderer_identity() -> list[str]:
    """What a cached rendering depends on besides its inputs: citeproc-py's version and this module's code.

    The version is read from the name of the package's dist-info folder beside it, which costs
    less than importing importlib.metadata to ask for it (the look-up is the fallback).
    """
    import importlib.util

    spec = importlib.util.find_spec("citeproc")
    beside = sorted(p.name for p in Path(spec.origin).parent.parent.glob("citeproc_py-*.dist-info")) if spec and spec.origin else []
    if not beside:
        import importlib.metadata

        beside = [importlib.metadata.version("citeproc-py")]
    return [*beside, hashlib.sha256(Path(__file__).read_bytes()).hexdigest()]


class Positions(list):
    """Keys whose ``index`` is a look-up: citeproc-py numbers an item by ``keys.index(key)``, a scan per item."""

    def __init__(self, keys: list[str]) -> None:
        """Hold ``keys`` and the first position of each."""
        super().__init__(keys)
        self.at: dict[str, int] = {}
        for position, key in enumerate(keys):
            self.at.setdefault(key, position)

    def index(self, key: str, *bounds: int) -> int:  # type: ignore[override]
        """The first position of ``key`` (ValueError when absent), as list.index."""
        if bounds or key not in self.at:
            return super().index(key, *bounds)
        return self.at[key]


def _render_now(path: str, modified: float, locale: str, items_json: str, order: tuple[str, ...],
                only: tuple[str, ...] | None = None) -> tuple[tuple[str, str], ...]:
    """(key, text) pairs of a bibliography rendered by citeproc-py; with ``only``, of those keys alone, numbered in the whole list."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads(items_json)
    by_lower = {str(item["id"]).lower(): str(item["id"]) for item in items}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL variables it does not know
        source = CiteProcJSON(items)
        bibliography = CitationStylesBibliography(_style(path, modified, locale), source, formatter.plain)
        # What register() does for each key, without its scan of the keys registered so far
        for key in dict.fromkeys(key.lower() for key in order):
            if key in by_lower and key in source:
                citation = Citation([CitationItem(key)])
                citation.bibliography = bibliography
                bibliography.keys.append(key)
                bibliography.items.extend(citation.cites)
        bibliography.keys = Positions(bibliography.keys)
        bibliography.sort()
        bibliography.keys = Positions(bibliography.keys)
        if only is not None:  # the others stay in keys: each rendered item keeps its number in the whole list
            wanted = {key.lower() for key in only}
            bibliography.items = [item for item in bibliography.items if item.key in wanted]
        rendered = bibliography.bibliography()
    result = []
    for key, text in zip([item.key for item in bibliography.items], rendered):
        clean = re.sub(r"^(\[\d+\])(?=\S)", r"\1 ", " ".join(str(text).split()))
        result.append((by_lower.get(key, key), clean))
    return tuple(result)


def style_edition(style: Path) -> str:
    """The GB/T 7714 edition whose table applies to a citation style: "2025" unless it names an older one."""
    from toolchain.cite.csl_items import edition_of

    try:
        edition = edition_of(style.read_text(encoding="utf-8", errors="replace")[:4000])
    except (OSError, InputError):
        edition = ""
    return "2015" if edition and edition < "2025" else "2025"


def format_items(project: Project, style: Path, lang: str, items: list[dict], only: Collection[str] | None = None) -> dict[str, str]:
    """Render ``lang``'s CSL items (or those of the keys ``only``) as the outputs print them, numbered in first-citation order.

    Like the build, each reference takes "et al." or "等" and its edition from its own language
    (GB/T 7714-2015, 8.1.2 and 8.3), an organisation keeps its case (8.1.1), and an English list
    marks a Chinese work printed in its English version with "(in Chinese)".
    """
    rendered = render_items(style, lang, items, citation_order(project, lang), only)
    by_key = {str(item.get("id")): item for item in items}
    entries = project.bibliography.by_key
    result = {}
    for key, text in rendered.items():
        item, entry = by_key.get(key, {}), entries.get(key)
        own = "en" if item.get("translated-from-chinese") else (entry.langid if entry else lang)
        text = EDITION_ZH.sub(r"\1 版\2", text) if lang == "zh" else text  # citeproc-py's zh-CN ordinal: “2nd 版”
        if own != lang:
            text = localise_edition(swap_et_al(text, ET_AL[lang], ET_AL[own]), own)
        text = restore_organisations(text, item)
        if item.get("translated-from-chinese") and lang == "en":
            text += " " + IN_CHINESE
        result[key] = text
    return result


def localise_edition(text: str, own: str) -> str:
    """The edition in the work's own language: “7th ed.” in a zh list, “2 版.” in an en list."""
    if own == "en":
        return EDITION_ZH.sub(lambda m: f"{ordinal(int(m.group(1)))} ed.", text)
    return EDITION_EN.sub(r"\1 版.", text)


def restore_organisations(text: str, item: dict) -> str:
    """An organisation named as it is written: styles that capitalise surnames capitalise it too."""
    for role in ("author", "editor"):
        for name in item.get(role, []):
            literal = name.get("literal", "")
            if literal and literal not in (*ET_AL.values(), "others") and literal.upper() != literal:
                text = text.replace(literal.upper(), literal)
    return text


def swap_et_al(text: str, old: str, new: str) -> str:
    """Replace the list's et-al term after a name (``, 等.`` → ``, et al.``) without doubling dots."""
    pattern = re.compile(r"(?<=[,，\s])" + re.escape(old) + r"(\.?)")

    def replace(match: re.Match[str]) -> str:
        # citeproc merges the list's closing period into "et al.": "等" needs it back.
        if new.endswith("."):
            return new
        return new + ("." if old.endswith(".") else match.group(1))

    return pattern.sub(replace, text, count=2)
