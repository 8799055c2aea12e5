"""The ref-list: CSL JSON items → <element-citation>, one declarative row per variable.

Modelled on pandoc's ``Writers/JATS/References.hs``: a table maps CSL types to JATS
``publication-type`` and CSL variables to elements. On top of pandoc: labels and ``R{n}`` ids in
citation order, Han names split with ``name-style="eastern"``, ``<collab>``/``<etal/>``,
``xml:lang`` from ``langid``, and ``<citation-alternatives>`` holding the English version of a
Chinese work (README, "English version of a Chinese reference").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from toolchain.load.bibliography import Entry
from toolchain.render.jats.names import given_initials, is_han, split_han
from toolchain.render.jats.xml import XLINK, XML_LANG, el, sub

# CSL item type → JATS @publication-type (JATS4R general-citations; Tag Library list).
PUBLICATION_TYPES = {
    "article-journal": "journal", "article": "journal", "review": "journal", "review-book": "journal",
    "article-magazine": "magazine", "article-newspaper": "newspaper",
    "book": "book", "chapter": "book", "entry-encyclopedia": "book", "entry-dictionary": "book",
    "paper-conference": "confproc", "speech": "confproc",
    "thesis": "thesis", "report": "report", "webpage": "webpage", "post": "webpage", "post-weblog": "webpage",
    "standard": "standard", "patent": "patent", "dataset": "data", "software": "software",
}
# BibTeX types pandoc's reader maps to something else (@standard → "legislation").
BIBTEX_TYPES = {"standard": "standard", "patent": "patent", "dataset": "data", "software": "software",
                "online": "webpage", "www": "webpage"}
# The title goes to <chapter-title> for these types when a container title exists.
CHAPTER_TYPES = {"chapter", "entry-encyclopedia", "entry-dictionary"}
# Plain CSL variable → JATS element, in output order.
SIMPLE_FIELDS = (
    ("collection-title", "series"), ("edition", "edition"), ("publisher-place", "publisher-loc"),
    ("publisher", "publisher-name"), ("volume", "volume"), ("issue", "issue"),
)
PUB_IDS = (("DOI", "doi"), ("PMID", "pmid"), ("PMCID", "pmcid"))
ROLES = (("author", "author"), ("editor", "editor"), ("translator", "translator"))
# A DOI written as a resolver URL or with a "doi:" label: PMC wants the bare 10.prefix/suffix in <pub-id>.
DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
PAGE_RANGE = re.compile(r"^\s*([^\s\-–—]+)\s*(?:-+|–|—)\s*([^\s\-–—]+)\s*$")


def publication_type(item: dict, entry: Entry | None) -> str:
    """The JATS publication-type of an item (BibTeX type first where pandoc loses it)."""
    if entry is not None and entry.type in BIBTEX_TYPES:
        return BIBTEX_TYPES[entry.type]
    return PUBLICATION_TYPES.get(item.get("type", ""), "other")


def person_group(names: list[dict], role: str, romanized: list[dict] | None = None) -> etree._Element:
    """<person-group>: <name> (Han names eastern), <collab> for organisations, <etal/> for "others".

    ``romanized`` is the same list in the English version, when known: its surnames tell how a
    Han name splits (欧阳 + 晓明 vs 东 + 方明).
    """
    group = el("person-group", {"person-group-type": role})
    hints = [n.get("family", "") for n in romanized] if romanized and len(romanized) == len(names) else [""] * len(names)
    for name, hint in zip(names, hints, strict=True):
        literal = name.get("literal", "").strip()
        if literal.lower() == "others":
            sub(group, "etal")
        elif literal:
            sub(group, "collab", text=literal)
        else:
            family = " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)
            given = " ".join(p for p in (name.get("given", ""), name.get("dropping-particle", "")) if p)
            if is_han(family + given):
                split = split_han(family + given, hint) if not given else None
                family, given = (split.surname, split.given) if split else (family, given)
                node = sub(group, "name", {"name-style": "eastern"})
            else:
                node = sub(group, "name")
                given = given_initials(given)
            sub(node, "surname", text=family)
            if given:
                sub(node, "given-names", text=given)
            if name.get("suffix"):
                sub(node, "suffix", text=name["suffix"])
    return group


def pages(citation: etree._Element, value: str) -> None:
    """``1345-1377`` → <fpage>/<lpage>; a lone page or article number → <fpage>/<elocation-id>."""
    match = PAGE_RANGE.match(value)
    if match:
        sub(citation, "fpage", text=match.group(1))
        sub(citation, "lpage", text=match.group(2))
    elif value.strip().isdigit():
        sub(citation, "fpage", text=value.strip())
    elif value.strip():
        sub(citation, "elocation-id", text=value.strip())


def date_parts(value: dict | None) -> list[int]:
    """The first date-parts of a CSL date ([] when absent)."""
    parts = (value or {}).get("date-parts") or [[]]
    return [int(p) for p in parts[0] if str(p).lstrip("-").isdigit()]


def element_citation(item: dict, entry: Entry | None, lang: str, english: dict | None = None) -> etree._Element:
    """One <element-citation> in ``lang`` from a CSL item (``english``: its English version)."""
    kind = publication_type(item, entry)
    citation = el("element-citation", {"publication-type": kind, XML_LANG: lang})
    for variable, role in ROLES:
        if item.get(variable):
            citation.append(person_group(item[variable], role, (english or {}).get(variable)))
    title, container = item.get("title", ""), item.get("container-title", "")
    if container:
        if title:
            sub(citation, "chapter-title" if item.get("type") in CHAPTER_TYPES else "article-title", text=title)
        sub(citation, "source", text=container)
    elif title:
        sub(citation, "source", text=title)
    issued = date_parts(item.get("issued"))
    if issued:
        sub(citation, "year", text=f"{issued[0]:04d}")
    for variable, tag in SIMPLE_FIELDS:
        if item.get(variable):
            sub(citation, tag, text=str(item[variable]))
    if item.get("page"):
        pages(citation, str(item["page"]))
    for variable, kind_id in PUB_IDS:
        value = str(item.get(variable) or (entry.fields.get(variable.lower(), "") if entry else "")).strip()
        if kind_id == "doi":
            value = DOI_PREFIX.sub("", value)
        if value:
            sub(citation, "pub-id", {"pub-id-type": kind_id}, text=value)
    if item.get("ISBN"):
        sub(citation, "isbn", text=item["ISBN"])
    if item.get("URL"):
        # a bare URI is no description of the link (JATS4R accessibility): the work's title is, where it has one
        label = title or container
        sub(citation, "ext-link", {"ext-link-type": "uri", f"{{{XLINK}}}href": item["URL"], f"{{{XLINK}}}title": label or None},
            text=label or item["URL"])
    accessed = date_parts(item.get("accessed"))
    if accessed:
        iso = "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(accessed))
        sub(citation, "date-in-citation", {"content-type": "access-date", "iso-8601-date": iso}, text=iso)
    return citation


def reference(number: int, zh_item: dict, en_item: dict | None, entry: Entry | None) -> etree._Element:
    """<ref id="R{n}"> with its label; a Chinese work with an English version gets both citations."""
    ref = el("ref", {"id": f"R{number}"})
    sub(ref, "label", text=str(number))
    lang = entry.langid if entry is not None else "en"
    if lang == "zh" and en_item is not None and entry is not None and entry.english("title"):
        alternatives = sub(ref, "citation-alternatives")
        alternatives.append(element_citation(zh_item, entry, "zh", en_item))
        alternatives.append(element_citation(en_item, entry, "en"))
    else:
        ref.append(element_citation(zh_item, entry, lang))
    return ref


def ref_list(keys: Iterable[str], zh_items: list[dict], en_items: list[dict], entries: dict[str, Entry],
             title: str) -> etree._Element | None:
    """The <ref-list> of the cited works, numbered in citation order (None when nothing is cited)."""
    zh_by_id = {i.get("id"): i for i in zh_items}
    en_by_id = {i.get("id"): i for i in en_items}
    refs = [reference(n, zh_by_id[key], en_by_id.get(key), entries.get(key))
            for n, key in enumerate((k for k in keys if k in zh_by_id), 1)]
    if not refs:
        return None
    node = el("ref-list")
    sub(node, "title", text=title)
    node.extend(refs)
    return node
