"""Block layout for the two-column PDF: table widths, full-width floats, numbered equations.

Pandoc gives a pipe table relative column widths as soon as one source line is longer than
72 characters, and a grid table the widths of its ASCII drawing: in a 8.6 cm column such
widths squeeze short cells into one character a line. The PDF lets typst size every column
to its content instead (``auto``), and sets a table that cannot fit the column across both
columns at the top of the page, as journals set a wide table (通栏表). A table or figure
whose caption carries the class ``wide`` (``{#tbl-x .wide}``) is always set so.
"""

from __future__ import annotations

from toolchain.render.ast import replace_blocks, text_of, walk
from toolchain.render.tables import measure

# The measure of one column and the table text in points (data/article.typ: A4, 1.7 cm margins,
# gutter 1.4 em of 9 pt; tables in 7.5 pt with 4 pt of inset each side of a cell).
COLUMN_WIDTH = 243.0
TABLE_SIZE = 7.5
CELL_INSET = 8.0
WIDE_CLASSES = frozenset({"wide", "column-page", "fullwidth", "column-screen"})
FULL_WIDTH_COLUMNS = 5  # from this many columns, a table too wide for the column spans both
NOTE_MARKS = "abcdefghijklmnopqrstuvwxyz"


def is_wide(table: dict) -> bool:
    """Whether a table should span both columns: asked for, or too wide for one."""
    if WIDE_CLASSES & set(table["c"][0][1]):
        return True
    longest, narrowest = measure(table, TABLE_SIZE, CELL_INSET)
    return sum(narrowest) > COLUMN_WIDTH or (sum(longest) > COLUMN_WIDTH and len(longest) >= FULL_WIDTH_COLUMNS)


def raw_block(code: str) -> dict:
    """A raw typst block."""
    return {"t": "RawBlock", "c": ["typst", code]}


def table_notes(block: dict) -> list[dict]:
    """Footnotes inside ``block`` turned into notes under it (a, b, …), as the blocks to append.

    Typst drops a footnote placed inside a floating block; a journal sets a wide table's notes
    under the table anyway (表注).
    """
    notes: list[list] = []

    def visit(node: object) -> None:
        """Replace the notes under ``node`` by their letter."""
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, dict) and item.get("t") == "Note":
                    notes.append(item["c"])
                    node[index] = {"t": "Superscript", "c": [{"t": "Str", "c": NOTE_MARKS[(len(notes) - 1) % len(NOTE_MARKS)]}]}
                else:
                    visit(item)
        elif isinstance(node, dict):
            for value in node.values():
                if isinstance(value, (list, dict)):
                    visit(value)

    visit(block)
    if not notes:
        return []
    lines: list = []
    for number, note in enumerate(notes):
        inlines = [i for paragraph in note if paragraph.get("t") in ("Para", "Plain") for i in paragraph["c"]]
        lines += ([{"t": "LineBreak"}] if number else []) + [
            {"t": "Superscript", "c": [{"t": "Str", "c": NOTE_MARKS[number % len(NOTE_MARKS)]}]}, *inlines]
    return [raw_block("#block(width: 100%, above: 0.5em)[#set align(left); #set text(size: 7pt); #set par(first-line-indent: 0pt)"),
            {"t": "Para", "c": lines}, raw_block("]")]


def full_width(block: dict) -> list[dict]:
    """``block`` floated to the top (or bottom) of the page across both columns, its notes under it."""
    return full_width_blocks([block])


def full_width_blocks(blocks: list[dict]) -> list[dict]:
    """``blocks`` floated to the top (or bottom) of the page across both columns, their notes under them."""
    notes = [note for block in blocks for note in table_notes(block)]
    return [raw_block('#place(auto, scope: "parent", float: true, clearance: 1.2em)['), *blocks, *notes, raw_block("]")]


def equation_numbering(ast: dict) -> list[dict]:
    """Show rules numbering the labelled equations (crossref.py wraps them in a Span with the id)."""
    labels: list[str] = []

    def visit(node: object) -> None:
        """Collect equation labels under ``node``."""
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            if node.get("t") == "Span" and "equation" in node["c"][0][1] and node["c"][0][0]:
                labels.append(node["c"][0][0])
            for value in node.values():
                if isinstance(value, (list, dict)):
                    visit(value)

    visit(ast["blocks"])
    return [raw_block(f'#show <{label}>: set math.equation(numbering: "(1)")') for label in labels]


def lay_out_blocks(blocks: list) -> list:
    """The blocks with tables sized by typst and wide tables and figures across both columns."""
    return replace_blocks(blocks, lay_out_block)


def lay_out_block(block: dict) -> list | None:
    """A table sized by typst (across both columns when wide), a wide figure across both; else None."""
    kind = block.get("t")
    if kind == "Table":
        block["c"][2] = [[align, {"t": "ColWidthDefault"}] for align, _ in block["c"][2]]
        return full_width(block) if is_wide(block) else [block]
    if kind == "Figure":
        sources: list[str] = []
        walk(block, lambda node: sources.append(node["c"][2][0].rsplit("/", 1)[-1]) if node.get("t") == "Image" else None)
        alt = text_of(block["c"][1][1]).strip() or ", ".join(sources)
        blocks = [raw_block(f"#[#set image(alt: {typst_string(alt)})"), block, raw_block("]")]
        return full_width_blocks(blocks) if WIDE_CLASSES & set(block["c"][0][1]) else blocks
    return None


def typst_string(text: str) -> str:
    """``text`` as a typst string literal."""
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def describe_images(node: object) -> None:
    """Give every image (its description, else its file name) and equation (its TeX) alt text, as PDF/UA needs.

    Pandoc's typst writer drops an image's description, so the image is wrapped in a scope that
    sets ``image(alt: …)``. Images of captioned figures take the caption (``lay_out_block``).
    """
    if isinstance(node, list):
        for index in range(len(node) - 1, -1, -1):
            item = node[index]
            kind = item.get("t") if isinstance(item, dict) else None
            if kind == "Image":
                alt = text_of(item["c"][1]).strip() or item["c"][2][0].rsplit("/", 1)[-1]
                node[index:index + 1] = [raw_inline(f"#[#set image(alt: {typst_string(alt)});"), item, raw_inline("]")]
            elif kind == "Math":  # an equation's alt text is its TeX source
                node[index:index + 1] = [raw_inline(f"#[#set math.equation(alt: {typst_string(item['c'][1])});"), item, raw_inline("]")]
            else:
                describe_images(item)
    elif isinstance(node, dict) and node.get("t") != "Figure":
        for value in node.values():
            if isinstance(value, (list, dict)):
                describe_images(value)


def raw_inline(code: str) -> dict:
    """A raw typst inline."""
    return {"t": "RawInline", "c": ["typst", code]}


def no_runts(blocks: list) -> None:
    """Keep the last two words of each heading together (a typst box) so that no heading ends on one word alone."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if block.get("t") == "Header":
            inlines = block["c"][2]
            spaces = [i for i, node in enumerate(inlines) if node.get("t") == "Space"]
            if spaces and spaces[-1] < len(inlines) - 1:
                start = spaces[-2] + 1 if len(spaces) > 1 else 0
                inlines[start:] = [raw_inline("#box["), *inlines[start:], raw_inline("]")]
        elif block.get("t") in ("Div", "BlockQuote"):
            no_runts(block["c"][-1] if block["t"] == "Div" else block["c"])


def lay_out(ast: dict) -> None:
    """Rewrite a copy of the AST for typst's two-column page (in place)."""
    no_runts(ast["blocks"])
    describe_images(ast["blocks"])
    ast["blocks"] = equation_numbering(ast) + lay_out_blocks(ast["blocks"])
