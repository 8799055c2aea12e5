"""The journal's Word styles, written into Pandoc's reference.docx (styles.xml and the page setup).

Fonts: Times New Roman for Latin text, SimSun (宋体) as ``w:eastAsia`` for the text, SimHei
(黑体) for titles and headings, KaiTi (楷体) for the Chinese author and affiliation lines, as
Chinese medical journals set them. Sizes follow the Chinese type scale (五号 10.5 pt text,
四号 14 pt first-level headings). Child elements are kept in the order of the OOXML schema
(ECMA-376 CT_PPrBase, CT_RPr), since Word refuses misordered style properties.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LATIN, SONG, HEI, KAI = "Times New Roman", "SimSun", "SimHei", "KaiTi"
PAGE = {"w": "11906", "h": "16838"}  # A4 in twentieths of a point
TABLE_SIZE, SMALL_TABLE_SIZE = 9.0, 7.5  # 小五 for tables; a table too wide for the page gets smaller type
TABLE_TEXT, SMALL_TABLE_TEXT = "TableText", "TableTextSmall"
MARGINS = {"top": "1440", "right": "1800", "bottom": "1440", "left": "1800", "header": "851", "footer": "992", "gutter": "0"}
TEXT_WIDTH = int(PAGE["w"]) - int(MARGINS["left"]) - int(MARGINS["right"])
STYLE_ORDER = ("name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority", "semiHidden",
               "unhideWhenUsed", "qFormat", "locked", "personal", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr")
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
             "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
             "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
             "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr")
RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss",
             "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
             "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout")


@dataclass(frozen=True, slots=True)
class Style:
    """A paragraph style: sizes in points, spacing in twentieths of a point, line in 240ths."""

    id: str
    name: str
    based: str = "Normal"
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    east: str | None = None
    align: str | None = None
    before: int | None = None
    after: int | None = None
    line: int | None = None
    first_line_chars: int | None = None  # hundredths of a character (200 = two characters)
    first_line: int | None = None
    left: int | None = None
    right: int | None = None
    hanging: int | None = None
    border: str | None = None  # "top" or "bottom"
    tab_right: int | None = None
    tab_left: int | None = None  # headings: the text after “2.1<tab>” starts here


def styles_for(lang: str) -> list[Style]:
    """Every style the journal sets, for ``lang`` (indents and the author font differ)."""
    zh = lang == "zh"
    kai = KAI if zh else None
    return [
        Style("BodyText", "Body Text", before=0, after=0, align="both",
              first_line_chars=200 if zh else None, first_line=420 if zh else 360),
        Style("FirstParagraph", "First Paragraph", based="BodyText", first_line=420 if zh else 0, first_line_chars=200 if zh else 0),
        Style("Title", "Title", size=18, bold=True, east=HEI, align="center", before=240, after=160, line=240),
        Style("Author", "Author", based="Title", size=12, bold=False, east=kai, before=0, after=60),
        Style("Affiliation", "Affiliation", size=9, east=kai, align="center", before=0, after=120, line=240),
        Style("Abstract", "Abstract", size=9, align="both", before=60, after=60, line=300, left=420, right=420),
        Style("Keywords", "Keywords", size=9, align="left", before=0, after=60, line=300, left=420, right=420),
        Style("JournalHeader", "Journal Header", size=9, after=120, line=240, border="bottom", tab_right=TEXT_WIDTH),
        Style("ColumnHeading", "Column Heading", size=10.5, bold=True, east=HEI, after=60),
        Style("TranslatedTitle", "Translated Title", size=14, bold=True, east=HEI, align="center", before=360, after=120, line=240),
        Style("FirstPageNote", "First Page Note", size=8, before=0, after=0, line=240, border="top"),
        Style("Heading1", "heading 1", size=14, bold=True, east=HEI, before=240, after=120, line=360, tab_left=480),
        Style("Heading2", "heading 2", size=12, bold=True, east=HEI, before=180, after=60, line=360, tab_left=600),
        Style("Heading3", "heading 3", size=10.5, bold=True, east=HEI, before=120, after=60, line=360, tab_left=720),
        Style("Bibliography", "Bibliography", size=9, align="both", line=300, left=567, hanging=567),
        Style("Caption", "Caption", size=9, italic=False, align="center", before=60, after=120),
        Style("ImageCaption", "Image Caption", based="Caption", size=9, align="center"),
        Style("TableCaption", "Table Caption", based="Caption", size=9, align="center"),
        # Table cells (docx_xml.py sets it on every paragraph in a table): 小五, no first-line indent.
        Style(TABLE_TEXT, "Table Text", size=TABLE_SIZE, before=20, after=20, line=240, first_line=0, first_line_chars=0),
        Style(SMALL_TABLE_TEXT, "Table Text Small", based=TABLE_TEXT, size=SMALL_TABLE_SIZE),
    ]


def q(name: str) -> str:
    """Qualified WordprocessingML name."""
    return f"{{{W}}}{name}"


def put(parent: etree._Element, name: str, order: tuple[str, ...], **attributes: str) -> etree._Element:
    """Replace the child ``name`` of ``parent`` by one with ``attributes``, in schema order."""
    for old in parent.findall(q(name)):
        parent.remove(old)
    element = etree.SubElement(parent, q(name), {q(k): v for k, v in attributes.items()})
    rank = {tag: i for i, tag in enumerate(order)}
    children = sorted(parent, key=lambda c: rank.get(etree.QName(c).localname, len(order)))
    parent[:] = children
    return element


def child(parent: etree._Element, name: str, order: tuple[str, ...]) -> etree._Element:
    """The child ``name`` of ``parent``, created in schema order if missing."""
    found = parent.find(q(name))
    return found if found is not None else put(parent, name, order)


def set_fonts(run: etree._Element, east: str) -> None:
    """Latin and East Asian fonts of a run-properties element, without theme fonts overriding them."""
    put(run, "rFonts", RPR_ORDER, ascii=LATIN, hAnsi=LATIN, cs=LATIN, eastAsia=east)


def apply(styles: etree._Element, spec: Style) -> None:
    """Create or update one paragraph style."""
    style = next((s for s in styles.iter(q("style")) if s.get(q("styleId")) == spec.id), None)
    if style is None:
        style = etree.SubElement(styles, q("style"), {q("type"): "paragraph", q("customStyle"): "1", q("styleId"): spec.id})
        put(style, "name", STYLE_ORDER, val=spec.name)
        put(style, "qFormat", STYLE_ORDER)
    put(style, "basedOn", STYLE_ORDER, val=spec.based)
    ppr, rpr = child(style, "pPr", STYLE_ORDER), child(style, "rPr", STYLE_ORDER)
    if spec.border:
        borders = put(ppr, "pBdr", PPR_ORDER)
        etree.SubElement(borders, q(spec.border), {q("val"): "single", q("sz"): "6", q("space"): "4", q("color"): "000000"})
    if spec.tab_right or spec.tab_left:
        tabs = put(ppr, "tabs", PPR_ORDER)
        kind, position = ("right", spec.tab_right) if spec.tab_right else ("left", spec.tab_left)
        etree.SubElement(tabs, q("tab"), {q("val"): kind, q("pos"): str(position)})
    spacing = {k: str(v) for k, v in (("before", spec.before), ("after", spec.after), ("line", spec.line)) if v is not None}
    if spacing:
        put(ppr, "spacing", PPR_ORDER, **spacing, **({"lineRule": "auto"} if spec.line else {}))
    indent = {k: str(v) for k, v in (("firstLineChars", spec.first_line_chars), ("firstLine", spec.first_line), ("left", spec.left),
                                      ("right", spec.right), ("hanging", spec.hanging)) if v is not None}
    if indent:
        put(ppr, "ind", PPR_ORDER, **indent)
    if spec.align:
        put(ppr, "jc", PPR_ORDER, val=spec.align)
    set_fonts(rpr, spec.east or SONG)
    for name, value in (("b", spec.bold), ("i", spec.italic)):
        if value is not None:
            put(rpr, name, RPR_ORDER, val="1" if value else "0")
            put(rpr, f"{name}Cs", RPR_ORDER, val="1" if value else "0")
    put(rpr, "color", RPR_ORDER, val="000000")
    if spec.size:
        put(rpr, "sz", RPR_ORDER, val=str(round(spec.size * 2)))
        put(rpr, "szCs", RPR_ORDER, val=str(round(spec.size * 2)))


def restyle_styles(data: bytes, lang: str) -> bytes:
    """styles.xml: document defaults (fonts, size, language, 1.5 line spacing) and the journal's styles."""
    styles = etree.fromstring(data)
    defaults = styles.find(q("docDefaults"))
    run = defaults.find(f"{q('rPrDefault')}/{q('rPr')}")
    set_fonts(run, SONG)
    put(run, "sz", RPR_ORDER, val="21")
    put(run, "szCs", RPR_ORDER, val="21")
    # w:val is the language of Latin-script runs, w:eastAsia that of CJK runs (ECMA-376 17.3.2.20): a
    # Chinese document is val="en-US" eastAsia="zh-CN"; val="zh-CN" makes Word and LibreOffice break English words.
    put(run, "lang", RPR_ORDER, val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    paragraph = child(child(defaults, "pPrDefault", ("rPrDefault", "pPrDefault")), "pPr", ())
    put(paragraph, "spacing", PPR_ORDER, after="0", line="360", lineRule="auto")
    for spec in styles_for(lang):
        apply(styles, spec)
    three_line_table(styles)
    for style in styles.iter(q("style")):  # the reference's other styles: our faces for its theme fonts, black for its colours
        rpr, kind = style.find(q("rPr")), style.get(q("type"))
        if kind not in ("paragraph", "character") or rpr is None:
            continue
        fonts = rpr.find(q("rFonts"))
        if fonts is not None and (kind == "character" or any("Theme" in attribute for attribute in fonts.attrib)):
            set_fonts(rpr, HEI if any(word in style.get(q("styleId"), "") for word in ("Heading", "Title")) else SONG)
        if rpr.find(q("color")) is not None:
            put(rpr, "color", RPR_ORDER, val="000000")
    linked_character_styles(styles)
    return etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)


def linked_character_styles(styles: etree._Element) -> None:
    """A paragraph style's linked character style (Heading1Char …) takes the paragraph style's run properties.

    Word applies the character style when part of a heading is restyled; Pandoc's reference gives
    it its own sizes (Heading1Char 20 pt beside a 14 pt Heading 1). A link the character style does
    not return (Caption → BodyTextChar) is removed.
    """
    by_id = {style.get(q("styleId")): style for style in styles.iter(q("style"))}
    for style in by_id.values():
        link = style.find(q("link"))
        linked = by_id.get(link.get(q("val"))) if link is not None else None
        if style.get(q("type")) != "paragraph" or linked is None or linked.get(q("type")) != "character":
            continue
        back = linked.find(q("link"))
        if back is None or back.get(q("val")) != style.get(q("styleId")):  # Pandoc's Caption names Body Text's style
            style.remove(link)
            continue
        rpr = style.find(q("rPr"))
        if rpr is None:
            continue
        old = linked.find(q("rPr"))
        if old is not None:
            linked.remove(old)
        put(linked, "rPr", STYLE_ORDER)[:] = [copy.deepcopy(child) for child in rpr]


TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
               "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook")
BORDER_ORDER = ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV", "tl2br", "tr2bl")


def rule(parent: etree._Element, side: str, eighths: int) -> None:
    """A single black border of ``eighths`` eighths of a point on ``side``."""
    put(parent, side, BORDER_ORDER, val="single", sz=str(eighths), space="0", color="000000")


def three_line_table(styles: etree._Element) -> None:
    """Pandoc's table style "Table" as a three-line table (三线表): centred, rules above, below, under the head."""
    style = next((s for s in styles.iter(q("style")) if s.get(q("styleId")) == "Table"), None)
    if style is None:
        return
    tblpr = child(style, "tblPr", STYLE_ORDER)
    put(tblpr, "jc", TBLPR_ORDER, val="center")
    borders = put(tblpr, "tblBorders", TBLPR_ORDER)
    rule(borders, "top", 12)
    rule(borders, "bottom", 12)
    for conditional in style.iter(q("tblStylePr")):
        if conditional.get(q("type")) == "firstRow":
            tcpr = child(conditional, "tcPr", ("pPr", "rPr", "tblPr", "trPr", "tcPr"))
            cell_borders = child(tcpr, "tcBorders", ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders"))
            rule(cell_borders, "bottom", 6)


def restyle_document(data: bytes) -> bytes:
    """document.xml of the reference: its section gives Pandoc's output an A4 page."""
    document = etree.fromstring(data)
    section = document.find(f"{q('body')}/{q('sectPr')}")
    order = ("footnotePr", "endnotePr", "type", "pgSz", "pgMar")
    put(section, "pgSz", order, **PAGE)
    put(section, "pgMar", order, **MARGINS)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)


def restyle(filename: str, data: bytes, lang: str) -> bytes:
    """The restyled content of one part of the reference document."""
    return restyle_styles(data, lang) if filename == "word/styles.xml" else restyle_document(data)
