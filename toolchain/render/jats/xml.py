"""XML helpers shared by the JATS modules: namespaces, element builders, safe parsing."""

from __future__ import annotations

from lxml import etree

from toolchain.render.prose import prose

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLINK = "http://www.w3.org/1999/xlink"
MML = "http://www.w3.org/1998/Math/MathML"
ALI = "http://www.niso.org/schemas/ali/1.0/"
NSMAP = {"xlink": XLINK, "mml": MML, "ali": ALI}
# JATS versions the build writes ([tool.toolchain.build] jats): the Journal Publishing DTD with MathML3 of each.
DTDS = {
    "1.3": ("-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with MathML3 v1.3 20210610//EN", "JATS-journalpublishing1-3-mathml3.dtd"),
    "1.4": ("-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with MathML3 v1.4 20241031//EN", "JATS-journalpublishing1-4-mathml3.dtd"),
}


def doctype(version: str) -> str:
    """The DOCTYPE declaration of a JATS version."""
    public, system = DTDS[version]
    return f'<!DOCTYPE article PUBLIC "{public}" "{system}">'


def el(tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> etree._Element:
    """A new element with attributes and text."""
    node = etree.Element(tag, {k: v for k, v in (attrs or {}).items() if v is not None})
    if text is not None:
        node.text = text
    return node


def sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> etree._Element:
    """A new child element of ``parent`` with attributes and text."""
    node = el(tag, attrs, text)
    parent.append(node)
    return node


JATS_INLINE = {"Emph": "italic", "Strong": "bold", "Superscript": "sup", "Subscript": "sub", "SmallCaps": "sc"}


SUBSUP = ("sup", "sub")  # all the markup Journal Publishing allows in <institution>


def sub_prose(parent: etree._Element, tag: str, attrs: dict[str, str] | None, text: str,
              allowed: tuple[str, ...] = tuple(JATS_INLINE.values())) -> etree._Element:
    """A new child ``tag`` holding metadata prose, its Markdown as JATS (``*Blood*`` → <italic>) where ``allowed``."""
    node = sub(parent, tag, attrs)
    append_inlines(node, prose(text), allowed)
    return node


def append_inlines(node: etree._Element, inlines: list[dict], allowed: tuple[str, ...]) -> None:
    """Append Pandoc inlines of character markup (prose.py) to ``node``: JATS elements where allowed, else their text."""
    for item in inlines:
        kind = item.get("t")
        if JATS_INLINE.get(kind) in allowed:
            append_inlines(sub(node, JATS_INLINE[kind]), item["c"], allowed)
            continue
        if kind in JATS_INLINE:
            append_inlines(node, item["c"], allowed)
            continue
        text = item["c"] if kind == "Str" else " "
        if len(node):
            node[-1].tail = (node[-1].tail or "") + text
        else:
            node.text = (node.text or "") + text


def parse(text: str) -> etree._Element:
    """Parse XML (pandoc's output) without loading a DTD, resolving entities or using the network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(text.encode("utf-8"), parser)


# Elements whose content is text (mixed content): whitespace added inside them would be printed.
MIXED = frozenset({
    "p", "title", "article-title", "trans-title", "journal-title", "kwd", "xref", "corresp", "sup", "sub",
    "italic", "bold", "label", "subject", "institution", "source", "chapter-title", "collab", "surname",
    "given-names", "meta-name", "meta-value", "funding-statement", "publisher-name", "email", "ext-link",
})


def indent(node: etree._Element, level: int = 0) -> None:
    """Indent element-only content two spaces a level; never touch mixed content."""
    children = list(node)
    if (not children or node.tag in MIXED or (node.text or "").strip()
            or any((child.tail or "").strip() for child in children)):
        return
    node.text = "\n" + "  " * (level + 1)
    for child in children:
        indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    children[-1].tail = "\n" + "  " * level
