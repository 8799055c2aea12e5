"""zh.docx / en.docx: Pandoc's docx writer with a reference document made by our code."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

from toolchain.load import Project
from toolchain.render.pandoc import ast_to_file, default_data_file

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FONTS = {
    "zh": {"ascii": "Times New Roman", "eastAsia": "SimSun", "heading_eastAsia": "SimHei"},
    "en": {"ascii": "Times New Roman", "eastAsia": "SimSun", "heading_eastAsia": "SimHei"},
}


def q(name: str) -> str:
    """Qualified WordprocessingML name."""
    return f"{{{W}}}{name}"


@cache
def reference_docx(lang: str) -> bytes:
    """Pandoc's reference.docx with the journal's fonts, East Asian font and language set."""
    original = default_data_file("reference.docx")
    source = zipfile.ZipFile(io.BytesIO(original))
    styles = etree.fromstring(source.read("word/styles.xml"))
    fonts = FONTS[lang]
    defaults = styles.find(f"{q('docDefaults')}/{q('rPrDefault')}/{q('rPr')}")
    set_fonts(defaults, fonts["ascii"], fonts["eastAsia"])
    language = defaults.find(q("lang"))
    if language is None:
        language = etree.SubElement(defaults, q("lang"))
    language.set(q("val"), "zh-CN" if lang == "zh" else "en-US")
    language.set(q("eastAsia"), "zh-CN")
    for style in styles.iter(q("style")):
        style_id = style.get(q("styleId"), "")
        run = style.find(q("rPr"))
        if run is None:
            continue
        if style_id.startswith("Heading") or style_id in ("Title", "Subtitle"):
            set_fonts(run, fonts["ascii"], fonts["heading_eastAsia"])
            for color in run.findall(q("color")):
                color.set(q("val"), "000000")
                for attribute in list(color.attrib):
                    if attribute != q("val"):
                        del color.attrib[attribute]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/styles.xml":
                data = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(item, data)
    return buffer.getvalue()


def set_fonts(run_properties: etree._Element, latin: str, east_asian: str) -> None:
    """Set ``w:rFonts`` for Latin and East Asian text, dropping theme fonts that override them."""
    fonts = run_properties.find(q("rFonts"))
    if fonts is None:
        fonts = etree.Element(q("rFonts"))
        run_properties.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if "Theme" in attribute:
            del fonts.attrib[attribute]
    for key in ("ascii", "hAnsi", "cs"):
        fonts.set(q(key), latin)
    fonts.set(q("eastAsia"), east_asian)


def render_docx(project: Project, ast: dict, lang: str, target: Path, workdir: Path) -> None:
    """Write the DOCX for ``lang``."""
    reference = workdir / f"reference-{lang}.docx"
    reference.write_bytes(reference_docx(lang))
    ast_to_file(ast, "docx", [f"--reference-doc={reference}", "--number-sections"], target, f"{lang}.docx",
                cwd=project.root / "manuscript")
