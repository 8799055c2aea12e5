"""Repairs to the document.xml Pandoc's docx writer produces (Pandoc 3.9).

- Table cells get Pandoc's "Compact" style, based on Body Text and so indented by two
  characters in Chinese (a cell of four characters then wraps): they get "Table Text".
- An embedded figure keeps its whole ``data:`` URI as the picture's description (alt text):
  the description becomes the figure's caption text, as in ``wp:docPr``.
- A table is not centred (LibreOffice ignores the style's ``w:jc``) and the paragraph after it
  touches its bottom rule: each table gets ``w:jc``, the paragraph after it space before.
- A table with an id and a caption gets two bookmarks of the same name; Word keeps one name
  once, so the second is dropped.
"""

from __future__ import annotations

from lxml import etree

from toolchain.render.docx_styles import SMALL_TABLE_TEXT, TABLE_TEXT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"


def q(name: str, namespace: str = W) -> str:
    """Qualified name."""
    return f"{{{namespace}}}{name}"


def style_of(paragraph: etree._Element) -> str | None:
    """The paragraph style id of ``paragraph``."""
    style = paragraph.find(f"{q('pPr')}/{q('pStyle')}")
    return style.get(q("val")) if style is not None else None


def small_tables(document: etree._Element) -> set[etree._Element]:
    """The tables docx_blocks.py marked for small type (an empty paragraph before them), markers removed."""
    found: set[etree._Element] = set()
    for paragraph in list(document.iter(q("p"))):
        if style_of(paragraph) == SMALL_TABLE_TEXT and paragraph.find(q("r")) is None and paragraph.getparent() is not None:
            table = next((s for s in paragraph.itersiblings() if s.tag == q("tbl")), None)
            if table is not None:
                found.add(table)
            paragraph.getparent().remove(paragraph)
    return found


def table_paragraphs(document: etree._Element) -> None:
    """Every paragraph inside a table in the Table Text style (or Table Text Small where marked)."""
    small = small_tables(document)
    for paragraph in document.iter(q("p")):
        table = next(paragraph.iterancestors(q("tbl")), None)
        if table is None:
            continue
        outer = list(paragraph.iterancestors(q("tbl")))[-1]
        properties = paragraph.find(q("pPr"))
        if properties is None:
            properties = etree.Element(q("pPr"))
            paragraph.insert(0, properties)
        style = properties.find(q("pStyle"))
        if style is None:
            style = etree.Element(q("pStyle"))
            properties.insert(0, style)
        style.set(q("val"), SMALL_TABLE_TEXT if outer in small else TABLE_TEXT)


TBLPR_AFTER_JC = ("tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")
SPACE_AFTER_TABLE = "120"  # twentieths of a point: 6 pt


def centre_tables(document: etree._Element) -> None:
    """``w:jc="center"`` on every table, and space between a table and the paragraph after it."""
    for table in document.iter(q("tbl")):
        properties = table.find(q("tblPr"))
        if properties is not None and properties.find(q("jc")) is None:
            justification = etree.Element(q("jc"))
            justification.set(q("val"), "center")
            later = next((c for c in properties if etree.QName(c).localname in TBLPR_AFTER_JC), None)
            if later is None:
                properties.append(justification)
            else:
                later.addprevious(justification)
        after = table.getnext()
        if after is not None and after.tag == q("p"):
            paragraph = after.find(q("pPr"))
            if paragraph is None:
                paragraph = etree.Element(q("pPr"))
                after.insert(0, paragraph)
            if paragraph.find(q("spacing")) is None:
                spacing = etree.Element(q("spacing"))
                spacing.set(q("before"), SPACE_AFTER_TABLE)
                # CT_PPrBase order: spacing comes after these (ECMA-376 17.3.1.26)
                earlier = [c for c in paragraph if etree.QName(c).localname in (
                    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
                    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
                    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid")]
                if earlier:
                    earlier[-1].addnext(spacing)
                else:
                    paragraph.insert(0, spacing)


def picture_descriptions(document: etree._Element) -> None:
    """The picture's own description copied from its drawing's, instead of a data: URI."""
    for drawing in document.iter(q("inline", WP), q("anchor", WP)):
        described = drawing.find(q("docPr", WP))
        for picture in drawing.iter(q("cNvPr", PIC)):
            if picture.get("descr", "").startswith("data:"):
                picture.set("descr", described.get("descr", "") if described is not None else "")


def unique_bookmarks(document: etree._Element) -> None:
    """Drop a bookmark whose name an earlier one already has (and its end)."""
    seen: set[str] = set()
    dropped: set[str] = set()
    for start in list(document.iter(q("bookmarkStart"))):
        name = start.get(q("name"))
        if name in seen:
            dropped.add(start.get(q("id")))
            start.getparent().remove(start)
        seen.add(name)
    for end in list(document.iter(q("bookmarkEnd"))):
        if end.get(q("id")) in dropped:
            end.getparent().remove(end)


def repair(document: etree._Element) -> None:
    """Apply every repair to a parsed document.xml."""
    table_paragraphs(document)
    centre_tables(document)
    picture_descriptions(document)
    unique_bookmarks(document)
