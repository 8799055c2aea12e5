"""Assemble the JATS article from Pandoc's JATS output (first version: pandoc's document, 1.3 DOCTYPE)."""

from __future__ import annotations

from lxml import etree

from toolchain.load import Project

DOCTYPE = ('<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with MathML3 v1.3 20210610//EN" '
           '"JATS-journalpublishing1-3-mathml3.dtd">')
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse(text: str) -> etree._Element:
    """Parse pandoc's JATS without loading its DTD or touching the network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)
    return etree.fromstring(text.encode("utf-8"), parser)


def assemble_article(project: Project, zh_jats: str, en_jats: str | None, zh_items: list[dict]) -> bytes:
    """The final article.xml bytes."""
    article = parse(zh_jats)
    article.set("dtd-version", "1.3")
    article.set(XML_LANG, "zh")
    body = etree.tostring(article, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{DOCTYPE}\n{body}\n'.encode()
