"""The body blocks as the DOCX needs them: table widths, figure sizes, SVG figures, equation numbers.

- Table columns are sized from their text (tables.py) on the page's measure: Pandoc's widths
  come from the source drawing and squeeze short cells. A table whose words do not fit the
  measure is set in smaller type (Table Text Small), and if they still do not, on a landscape
  page of its own (a section of its own, as Word users set a wide table).
- ``width=50%`` is read by Pandoc's docx writer as nothing (the image keeps its pixel size);
  it becomes inches of the text width here.
- An SVG figure is written by Pandoc as an ``svgBlip`` without the PNG fallback that
  LibreOffice and Word before 2016 need (Pandoc makes one only with rsvg-convert installed),
  so they show nothing; it is rasterised by typst (300 ppi) instead.
- A labelled equation (crossref.py) gets its number after it, “(1)”.
"""

from __future__ import annotations

import base64
import tempfile
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from toolchain.errors import RenderError
from toolchain.render.ast import replace_blocks, walk
from toolchain.render.docx_styles import MARGINS, PAGE, SMALL_TABLE_SIZE, SMALL_TABLE_TEXT, TABLE_SIZE
from toolchain.render.tables import fitted_widths, measure
from toolchain.render.typst_run import compile_typst

TEXT_WIDTH = (int(PAGE["w"]) - int(MARGINS["left"]) - int(MARGINS["right"])) / 20  # points
LANDSCAPE_WIDTH = (int(PAGE["h"]) - int(MARGINS["left"]) - int(MARGINS["right"])) / 20
CELL_PADDING = 2 * 108 / 20 + 6  # Pandoc's cell margins (108 twips a side) and some slack
SVG_PPI = 300


def raw(xml: str) -> dict:
    """A raw OOXML block."""
    return {"t": "RawBlock", "c": ["openxml", xml]}


def section_break(landscape: bool) -> dict:
    """An empty paragraph ending a section (ECMA-376 17.6.18), of the A4 page either way round."""
    width, height = (PAGE["h"], PAGE["w"]) if landscape else (PAGE["w"], PAGE["h"])
    orientation = ' w:orient="landscape"' if landscape else ""
    margins = " ".join(f'w:{key}="{value}"' for key, value in MARGINS.items())
    return raw(f'<w:p><w:pPr><w:sectPr><w:pgSz w:w="{width}" w:h="{height}"{orientation}/><w:pgMar {margins}/></w:sectPr></w:pPr></w:p>')


def small_type_marker() -> dict:
    """An empty paragraph telling docx_xml.py to set the next table in Table Text Small."""
    return raw(f'<w:p><w:pPr><w:pStyle w:val="{SMALL_TABLE_TEXT}"/></w:pPr></w:p>')


def size_table(table: dict) -> list[dict]:
    """Give every column of ``table`` its fitted share of the measure; smaller type or landscape when needed."""
    def fits(width: float, size: float) -> bool:
        return sum(measure(table, size, CELL_PADDING)[1]) <= width

    width, size, before, after = TEXT_WIDTH, TABLE_SIZE, [], []
    if not fits(TEXT_WIDTH, TABLE_SIZE):
        if not fits(TEXT_WIDTH, SMALL_TABLE_SIZE):
            width = LANDSCAPE_WIDTH
            before, after = [section_break(landscape=False)], [section_break(landscape=True)]
        if not fits(width, TABLE_SIZE):
            size = SMALL_TABLE_SIZE
            before.append(small_type_marker())
    widths = fitted_widths(table, width, size, CELL_PADDING)
    table["c"][2] = [[align, {"t": "ColWidth", "c": round(column / width, 4)}]
                     for (align, _), column in zip(table["c"][2], widths, strict=True)]
    return [*before, table, *after]


def lay_out_tables(blocks: list) -> list:
    """The blocks with every table sized, in Divs and block quotes too."""
    return replace_blocks(blocks, lambda block: size_table(block) if block.get("t") == "Table" else None)


@cache
def rasterise(svg: bytes, font_paths: tuple[str, ...], workdir: Path) -> tuple[bytes, float]:
    """An SVG drawn as PNG by typst (in a child process under the limits), and its width in inches."""
    with tempfile.TemporaryDirectory(prefix="svg-", dir=workdir) as work:
        (Path(work) / "figure.svg").write_bytes(svg)
        main = Path(work) / "main.typ"
        main.write_text('#set page(width: auto, height: auto, margin: 0pt)\n#image("figure.svg")\n', encoding="utf-8")
        try:
            png = compile_typst(main, Path(work), "docx", font_paths, format="png", ppi=SVG_PPI)
        except RenderError as exc:
            raise RenderError("docx", f"cannot draw the SVG figure: {exc.cause}") from None
    pixels = int.from_bytes(png[16:20], "big")  # IHDR width
    return png, pixels / SVG_PPI


def size_image(image: dict, manuscript: Path, font_paths: tuple[str, ...], workdir: Path) -> None:
    """Percentages to inches of the text width; an SVG under figures/ to an embedded PNG."""
    attributes = image["c"][0][2]
    target = image["c"][2]
    path = (manuscript / unquote(target[0])).resolve()
    figures = (manuscript / "figures").resolve()
    if path.suffix.lower() == ".svg" and figures in path.parents and path.is_file():
        png, inches = rasterise(path.read_bytes(), font_paths, workdir)
        target[0] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        if not any(key in ("width", "height") for key, _ in attributes):
            attributes.append(["width", f"{inches:.2f}in"])
    for pair in attributes:
        key, value = pair
        if key == "width" and value.endswith("%"):
            pair[1] = f"{float(value[:-1]) / 100 * TEXT_WIDTH / 72:.2f}in"
    attributes[:] = [pair for pair in attributes if not (pair[0] == "height" and pair[1].endswith("%"))]


def number_equation(span: dict) -> None:
    """Append “(n)” after a labelled equation."""
    number = dict(span["c"][0][2]).get("number")
    if number:
        span["c"][1].append({"t": "Str", "c": f"\u2003({number})"})


def prepare_blocks(blocks: list, manuscript: Path, font_paths: tuple[str, ...], workdir: Path) -> list:
    """Rewrite (in place) and return the body blocks for the docx writer."""
    def visit(node: dict) -> None:
        """Adjust one node."""
        kind = node.get("t")
        if kind == "Image":
            size_image(node, manuscript, font_paths, workdir)
        elif kind == "Span" and "equation" in node["c"][0][1]:
            number_equation(node)

    walk(blocks, visit)
    return lay_out_tables(blocks)
