"""The submission DOCX: the manuscript as journals' instructions to authors ask for it.

Double spacing, continuous line numbers, the page number in a real footer and the journal line
in a real header, the first-page notes (funding, affiliations, correspondence, conflict of
interest) as real footnotes of the title, headings numbered by Word's own multilevel list
(not typed "1<tab>引言"), and optionally figures and tables after the text, each on a page of
its own. The journal-layout DOCX (docx.py) is the default; this mode is chosen with
``build --docx-mode submission`` or ``[tool.toolchain.build] docx-mode = "submission"``.
"""

from __future__ import annotations

import copy

from lxml import etree

from toolchain.render.ast import text_of
from toolchain.render.docx_styles import PPR_ORDER, W, put, q

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
HEADER_ID, FOOTER_ID = "rIdSubmissionHeader", "rIdSubmissionFooter"
HEADING_LIST = "990"  # numId and abstractNumId of the heading numbering (clear of Pandoc's list ids)
DOUBLE = "480"  # line spacing in 240ths of a line
SINGLE_STYLES = frozenset({"TableText", "TableTextSmall"})  # table cells stay single-spaced
SECTPR_ORDER = ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
                "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection",
                "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")
PAGE_BREAK = {"t": "RawBlock", "c": ["openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>']}
FLOAT_PLACES = ("inline", "end")


def title_notes(blocks: list[dict], notes: list[list]) -> list[dict]:
    """The first-page notes as one footnote on the title (the first ``Title`` paragraph)."""
    if not notes:
        return blocks
    note = {"t": "Note", "c": [{"t": "Para", "c": copy.deepcopy(line)} for line in notes if line]}
    for block in blocks:
        if block.get("t") == "Div" and ["custom-style", "Title"] in block["c"][0][2]:
            block["c"][1][0]["c"].append(note)
            break
    return blocks


def floats_at_end(blocks: list[dict]) -> list[dict]:
    """Top-level figures and tables moved after the text (and the references), each on a new page."""
    kept = [b for b in blocks if b.get("t") not in ("Figure", "Table")]
    moved = [b for b in blocks if b.get("t") in ("Figure", "Table")]
    return kept + [part for block in moved for part in (PAGE_BREAK, block)]


def heading_flags(blocks: list) -> list[bool]:
    """Whether each heading, in document order, is numbered (``{.unnumbered}`` headings are not)."""
    flags: list[bool] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if block.get("t") == "Header":
            flags.append("unnumbered" not in block["c"][1][1] and "unlisted" not in block["c"][1][1])
        elif block.get("t") == "Div":
            flags += heading_flags(block["c"][1])
    return flags


def number_headings(document: etree._Element, flags: list[bool]) -> None:
    """Heading paragraphs of unnumbered headings opt out of the heading list (numId 0)."""
    styled = ((p, p.find(f"{q('pPr')}/{q('pStyle')}")) for p in document.iter(q("p")))
    headings = [p for p, style in styled if style is not None and style.get(q("val"), "").startswith("Heading")]
    for paragraph, numbered in zip(headings, flags, strict=False):
        if not numbered:
            numbering = put(paragraph.find(q("pPr")), "numPr", PPR_ORDER)
            etree.SubElement(numbering, q("ilvl"), {q("val"): "0"})
            etree.SubElement(numbering, q("numId"), {q("val"): "0"})


def sections(document: etree._Element, header: bool) -> None:
    """Every section: continuous line numbers, the page footer and (when there is one) the header."""
    for section in document.iter(q("sectPr")):
        for name, ident in (("headerReference", HEADER_ID), ("footerReference", FOOTER_ID)):
            if name == "headerReference" and not header:
                continue
            put(section, name, SECTPR_ORDER, type="default").set(f"{{{R}}}id", ident)
        put(section, "lnNumType", SECTPR_ORDER, countBy="1", restart="continuous")


def rewrite_document(data: bytes, flags: list[bool], header: bool) -> bytes:
    """document.xml of the submission: sections with header, footer and line numbers; unnumbered headings."""
    document = etree.fromstring(data)
    number_headings(document, flags)
    sections(document, header)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)


def rewrite_styles(data: bytes) -> bytes:
    """styles.xml: double spacing throughout (tables excepted), Heading 1–3 on the heading list."""
    styles = etree.fromstring(data)
    defaults = styles.find(f"{q('docDefaults')}/{q('pPrDefault')}/{q('pPr')}")
    if defaults is not None:
        spacing = defaults.find(q("spacing"))
        put(defaults, "spacing", PPR_ORDER, **{**({etree.QName(k).localname: v for k, v in spacing.attrib.items()} if spacing is not None else {}),
                                               "line": DOUBLE, "lineRule": "auto"})
    for style in styles.iter(q("style")):
        if style.get(q("type")) != "paragraph" or style.get(q("styleId")) in SINGLE_STYLES:
            continue
        spacing = style.find(f"{q('pPr')}/{q('spacing')}")
        if spacing is not None and spacing.get(q("line")):
            spacing.set(q("line"), DOUBLE)
            spacing.set(q("lineRule"), "auto")
        level = {"Heading1": 0, "Heading2": 1, "Heading3": 2}.get(style.get(q("styleId")))
        if level is not None:
            ppr = style.find(q("pPr"))
            if ppr is None:
                ppr = etree.SubElement(style, q("pPr"))
            numbering = put(ppr, "numPr", PPR_ORDER)
            etree.SubElement(numbering, q("ilvl"), {q("val"): str(level)})
            etree.SubElement(numbering, q("numId"), {q("val"): HEADING_LIST})
            tabs = ppr.find(q("tabs"))
            if tabs is not None:  # the journal layout's tab after a typed number: Word's list supplies its own
                ppr.remove(tabs)
    return etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)


def heading_list() -> tuple[etree._Element, etree._Element]:
    """The multilevel list numbering Heading 1–3 as 1, 1.1, 1.1.1 (abstractNum and num)."""
    abstract = etree.Element(q("abstractNum"), {q("abstractNumId"): HEADING_LIST})
    etree.SubElement(abstract, q("multiLevelType"), {q("val"): "multilevel"})
    for level in range(3):
        lvl = etree.SubElement(abstract, q("lvl"), {q("ilvl"): str(level)})
        etree.SubElement(lvl, q("start"), {q("val"): "1"})
        etree.SubElement(lvl, q("numFmt"), {q("val"): "decimal"})
        etree.SubElement(lvl, q("pStyle"), {q("val"): f"Heading{level + 1}"})
        etree.SubElement(lvl, q("lvlText"), {q("val"): ".".join(f"%{i + 1}" for i in range(level + 1))})
        etree.SubElement(lvl, q("lvlJc"), {q("val"): "left"})
        etree.SubElement(lvl, q("suff"), {q("val"): "space"})
        ppr = etree.SubElement(lvl, q("pPr"))
        etree.SubElement(ppr, q("ind"), {q("left"): "0", q("firstLine"): "0"})
    num = etree.Element(q("num"), {q("numId"): HEADING_LIST})
    etree.SubElement(num, q("abstractNumId"), {q("val"): HEADING_LIST})
    return abstract, num


def rewrite_numbering(data: bytes | None) -> bytes:
    """numbering.xml with the heading list added (abstractNum before every num, as the schema orders them)."""
    root = etree.fromstring(data) if data else etree.Element(q("numbering"), nsmap={"w": W})
    abstract, num = heading_list()
    nums = root.findall(q("num"))
    if nums:
        nums[0].addprevious(abstract)
    else:
        root.append(abstract)
    root.append(num)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def part(tag: str, paragraph: str) -> bytes:
    """A header or footer part holding one paragraph of OOXML."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{tag} xmlns:w="{W}" xmlns:r="{R}">'
            f"{paragraph}</w:{tag}>").encode()


def header_part(text: str) -> bytes:
    """The page header: the journal line."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return part("hdr", f'<w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="right"/></w:pPr><w:r><w:t xml:space="preserve">{escaped}</w:t></w:r></w:p>')


def footer_part() -> bytes:
    """The page footer: the page number as a PAGE field, centred."""
    field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return part("ftr", f'<w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>{field}</w:p>')


def rewrite_relationships(data: bytes, header: bool) -> bytes:
    """word/_rels/document.xml.rels with the header and footer parts."""
    root = etree.fromstring(data)
    parts = [(FOOTER_ID, FOOTER_REL, "footer-submission.xml")] + ([(HEADER_ID, HEADER_REL, "header-submission.xml")] if header else [])
    for ident, kind, target in parts:
        etree.SubElement(root, f"{{{PACKAGE_RELS}}}Relationship", {"Id": ident, "Type": kind, "Target": target})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rewrite_content_types(data: bytes, header: bool, numbering: bool) -> bytes:
    """[Content_Types].xml with overrides for the new parts."""
    root = etree.fromstring(data)
    overrides = [("/word/footer-submission.xml", FOOTER_TYPE)] + ([("/word/header-submission.xml", HEADER_TYPE)] if header else [])
    if numbering:
        overrides.append(("/word/numbering.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"))
    for name, kind in overrides:
        etree.SubElement(root, f"{{{CONTENT_TYPES}}}Override", {"PartName": name, "ContentType": kind})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def journal_line(meta: dict) -> str:
    """The text of the page header: journal title and issue."""
    return " ".join(part for part in (text_of(meta.get("journal-title", {})), text_of(meta.get("journal-issue", {}))) if part)
