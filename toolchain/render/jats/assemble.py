"""Assemble one JATS article (1.3, or 1.4): our front, pandoc's zh body, ref-list, English sub-article."""

from __future__ import annotations

import copy

from lxml import etree

from toolchain.cite import SECTION_TITLE
from toolchain.load import Project
from toolchain.render.jats.body import Parts, label_floats, link_citations, math_ids, prefix_ids, type_links
from toolchain.render.jats.front import front, front_stub
from toolchain.render.jats.references import ref_list
from toolchain.render.jats.xml import NSMAP, XML_LANG, doctype, el, indent, sub

SUB_ARTICLE_ID = "sa1"
DEFAULT_ARTICLE_TYPE = "review-article"


def tidy(article: etree._Element) -> None:
    """Indent the parts we build (front, ref-list, front-stub); pandoc's bodies keep their layout."""
    article.text = "\n"
    for child in article:
        child.tail = "\n"
        if child.tag in ("front", "back"):
            indent(child)
        elif child.tag == "sub-article":
            child.text = "\n"
            for part in child:
                part.tail = "\n"
                if part.tag in ("front-stub", "back"):
                    indent(part)


def front_math(article: etree._Element) -> None:
    """Math in titles, abstracts and keywords as in the body (MathML with ids); <kwd> takes none, only text."""
    for keyword in article.iter("kwd"):
        for formula in list(keyword.iter("inline-formula")):
            tex = formula.find(".//tex-math")
            text = tex.text if tex is not None and tex.text else "".join(formula.itertext())
            parent = formula.getparent()
            previous = formula.getprevious()
            joined = (text or "") + (formula.tail or "")
            if previous is not None:
                previous.tail = (previous.tail or "") + joined
            else:
                parent.text = (parent.text or "") + joined
            parent.remove(formula)
    math_ids(article, {node.get("id") for node in article.iter() if node.get("id")})


def parts_of(parts: Parts) -> list[etree._Element]:
    """The elements of one language that may hold citations."""
    return [node for node in (parts.title, parts.abstract, parts.body, parts.footnotes) if node is not None]


def sub_article(project: Project, en: Parts) -> etree._Element:
    """<sub-article article-type="translation">: the English version, every id prefixed ``sa1-``."""
    node = el("sub-article", {"article-type": "translation", XML_LANG: "en"})
    node.append(front_stub(project.metadata, en))
    body = copy.deepcopy(en.body)
    taken: set[str] = set()
    label_floats(body, "en", taken)
    math_ids(body, taken)
    node.append(body)
    if en.footnotes is not None:
        sub(node, "back").append(copy.deepcopy(en.footnotes))
    prefix_ids(node, f"{SUB_ARTICLE_ID}-")  # both pandoc runs number sec/fn/table ids alike
    node.set("id", SUB_ARTICLE_ID)
    return node


def assemble_article(project: Project, zh: Parts, en: Parts | None, zh_items: list[dict], en_items: list[dict],
                     version: str = "1.3") -> bytes:
    """The final article.xml bytes, in JATS ``version`` ("1.3" or "1.4")."""
    known = {item.get("id") for item in zh_items}
    cited = [key for key in zh.order if key in known]
    labels = {key: number for number, key in enumerate(cited, 1)}
    link_citations(parts_of(zh), zh.order, labels)
    if en is not None:
        link_citations(parts_of(en), en.order, labels)
    md = project.metadata
    article = etree.Element("article", nsmap=NSMAP)
    article.set("article-type", md.article.type or DEFAULT_ARTICLE_TYPE)
    article.set("dtd-version", version)
    article.set(XML_LANG, "zh")
    en_title = project.en.title.text if project.en.title else ""
    article.append(front(project, zh, en, en_title, version))
    taken: set[str] = set()
    label_floats(zh.body, "zh", taken)
    math_ids(zh.body, taken)
    article.append(zh.body)
    back = el("back")
    references = ref_list(cited, zh_items, en_items, project.bibliography.by_key, SECTION_TITLE["zh"])
    if references is not None:
        back.append(references)
    if zh.footnotes is not None:
        back.append(zh.footnotes)
    if len(back):
        article.append(back)
    if en is not None and not project.en.body_is_empty:
        article.append(sub_article(project, en))
    front_math(article)
    type_links(article)
    etree.cleanup_namespaces(article, top_nsmap=NSMAP, keep_ns_prefixes=list(NSMAP))
    tidy(article)
    text = etree.tostring(article, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype(version)}\n{text}\n'.encode()
