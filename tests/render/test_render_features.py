"""Every Markdown feature authors use, rendered: tests/projects/render-features built once, outputs read back.

The project has pipe, simple and grid tables (one too wide for a column), a PNG and an SVG
figure, cross references (``@tbl-x``, ``@fig-x``, ``@eq-x``, also glued to Chinese text),
inline and display math, a footnote, nested lists, a block quote, sub- and superscripts,
special characters, an unnumbered heading, citations in every form and a bibliography with
one entry of each type.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from toolchain.config import Settings, load_settings
from toolchain.errors import InputError
from toolchain.load import load_project
from toolchain.render import build
from toolchain.render.ast import inlines, text_of
from toolchain.render.crossref import strip_typed_label
from toolchain.render.jats.validate import find_dtd_dir, validate_file
from toolchain.render.manuscript import prepare_ast
from toolchain.render.pdf import render_pdf
from toolchain.render.tables import fitted_widths

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "tests" / "projects" / "render-features"
MML = "{http://www.w3.org/1998/Math/MathML}"
XLINK = "{http://www.w3.org/1999/xlink}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SKIP_REASON = "JATS DTDs not found: ../shared/jats absent and @jats4r/dtds not installed (npm install @jats4r/dtds)"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five outputs of the render-features project."""
    out = tmp_path_factory.mktemp("render-features")
    build(load_project(PROJECT), load_settings(PROJECT), ("pdf", "docx", "jats"), ("zh", "en"), out, jobs=2)
    return out


def pdf_lines(path: Path) -> str:
    """The text of every page as pypdf extracts it (no-break spaces as spaces)."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages).replace("\u00a0", " ")


def pdf_text(path: Path) -> str:
    """The text as running text: lines joined (hyphenation undone), and without the space pypdf puts
    between 表/图/式 and a number (where the font changes)."""
    text = re.sub(r"(?<=[a-z])[-\u00ad]\n(?=[a-z])", "", pdf_lines(path)).replace(" \n", " ").replace("\n", "")
    return re.sub(r"(?<=[表图式]) (?=[\d(])", "", text)


@pytest.fixture(scope="module")
def zh_text(built: Path) -> str:
    """Running text of zh.pdf."""
    return pdf_text(built / "zh.pdf")


@pytest.fixture(scope="module")
def en_text(built: Path) -> str:
    """Running text of en.pdf."""
    return pdf_text(built / "en.pdf")


# --- PDF ------------------------------------------------------------------------------------------


def test_pdf_tables_figures_and_their_references(zh_text: str, en_text: str) -> None:
    """Cells and captions print with localised numbers; @tbl-x / @fig-x / @eq-x print as the label."""
    for cell in ("国内多中心研究", "真实世界研究", "发热性中性粒细胞减少", "阿扎胞苷", "骨髓抑制"):
        assert cell in zh_text
    assert "表1 维奈克拉联合阿扎胞苷的主要临床研究" in zh_text and "表4 常见问题" in zh_text
    assert "图1  各疗程后的" in zh_text or "图1 各疗程后的" in zh_text
    assert "见表1，" in zh_text and "见表2。" in zh_text and "见图1。" in zh_text and "（图2）" in zh_text
    assert "按式(1)计算" in zh_text
    assert "Table 1 Main trials" in en_text and "Figure 2" in en_text
    assert "many; see Table 2." in en_text  # the space citeproc removes before a superscript citation is back
    assert "given by Equation (1):" in en_text
    for text in (zh_text, en_text):
        assert "@" not in text.replace("@example.org", "")  # no reference left unresolved
        assert "???" not in text and "tbl-" not in text and "fig-" not in text


def test_pdf_math_footnote_and_inline_markup(zh_text: str, en_text: str) -> None:
    """Math is typeset (math italic glyphs, ×), the footnote prints, special characters print as typed."""
    assert "𝛼 = 0.05" in zh_text and "× 100%" in zh_text and "(1)" in zh_text
    assert "参照国际工作组标准" in zh_text and "Following the criteria of the international working group" in en_text
    assert "A & B、x < y > z、50%、$100、#1、file_name、C:\\temp、约~3" in zh_text
    assert "CO2" in zh_text and "Ca2+" in zh_text
    assert "作者注释" not in zh_text and "no output may show" not in en_text  # HTML comments are dropped


def test_pdf_footnote_in_a_wide_table_becomes_a_table_note(zh_text: str, en_text: str) -> None:
    """Typst loses a footnote inside a float: the full-width table's note prints under it as “a”."""
    assert "TP53突变a" in zh_text and "a二代测序检测。" in zh_text
    assert "aDetected by next-generation sequencing." in en_text


def test_pdf_headings_numbered_except_unnumbered(built: Path) -> None:
    """Headings 1, 2.1, 2.1.1; {.unnumbered} gets no number and leaves the count alone."""
    zh_lines, en_lines = pdf_lines(built / "zh.pdf"), pdf_lines(built / "en.pdf")
    assert "\n2.1.1 缓解深度\n" in zh_lines and "\n4 其他事项\n" in zh_lines
    assert "\n致谢\n" in zh_lines and "5 致谢" not in zh_lines
    assert "\nAcknowledgements\n" in en_lines


def test_pdf_in_text_citations(zh_text: str, en_text: str) -> None:
    """@key prints the author before the number; a page locator prints after the brackets (GB/T 7714 10.1.3)."""
    assert "Löwenberg[4] 系统总结了" in zh_text or "Löwenberg[4]系统总结了" in zh_text
    assert "Löwenberg[4] reviewed" in en_text
    assert "之一[3]3。" in zh_text and "prognosis[3]3." in en_text
    assert "指南[5]亦推荐" in zh_text  # [-@key] prints the number alone


def test_pdf_reference_list_forms(zh_text: str, en_text: str) -> None:
    """Organisations keep their case; an edition is written in the work's language; et al. per work."""
    assert "National Comprehensive Cancer Network. NCCN" in zh_text and "NATIONAL COMPREHENSIVE" not in zh_text
    assert "AbbVie." in en_text and "中华医学会血液学分会." in zh_text
    assert "7th ed. Philadelphia" in zh_text and "7 版" not in zh_text
    assert "2 版. 北京" in en_text and "2nd ed. 北京" not in en_text
    # GB/T 7714-2025 (the default style): names in their own case, pinyin given names in full
    assert "Pollyea D A, et al." in zh_text and "DiNardo C D, Jonas B A, Pullarkat V, et al." in zh_text
    assert "Wang Jianxiang, Xiao Zhijian, Ouyang Xiaoming." in en_text and "(in Chinese)" in en_text


def words_with_positions(path: Path, page: int) -> list[tuple[str, float, float]]:
    """(text, x, y) of every text run on a page."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((text.strip(), tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    PdfReader(path).pages[page].extract_text(visitor_text=visit)
    return found


def test_pdf_wide_table_spans_both_columns(built: Path) -> None:
    """The 11-column table is set across the page; the 4-column one stays in its column."""
    reader = PdfReader(built / "en.pdf")
    middle = float(reader.pages[0].mediabox.width) / 2
    runs = [run for page in range(len(reader.pages)) for run in words_with_positions(built / "en.pdf", page)]
    infection = [(x, y) for text, x, y in runs if text == "Infection"]
    assert infection and infection[0][0] > middle + 100
    row = [x for text, x, y in runs if text == "Trial" and abs(y - infection[0][1]) < 2]
    assert row and row[0] < middle - 100
    patients = [x for text, x, _ in runs if text == "Patients"]
    assert patients and (patients[0] < middle) == (max(x for text, x, _ in runs if text == "Median OS/months") < middle)


def test_pdf_holds_both_figures(built: Path) -> None:
    """The PNG is an image; the SVG is drawn (its labels are text)."""
    for name in ("zh.pdf", "en.pdf"):
        reader = PdfReader(built / name)
        assert sum(len(page.images) for page in reader.pages) >= 1
        assert "BCL-2 BAX" in pdf_text(built / name)


# --- DOCX -----------------------------------------------------------------------------------------


def test_docx_tables_cells_and_style(built: Path) -> None:
    """Four tables with the right cell counts, three-line style, cells in Table Text without indent."""
    document = docx.Document(str(built / "zh.docx"))
    tables = document.tables
    assert [(len(t.rows), len(t.columns)) for t in tables] == [(4, 4), (3, 11), (3, 3), (3, 2)]
    assert tables[0].cell(2, 0).text == "国内多中心研究"
    assert {p.style.name for t in tables for row in t.rows for c in row.cells for p in c.paragraphs} <= {"Table Text", "Table Text Small"}
    styles = etree.fromstring(zipfile.ZipFile(built / "zh.docx").read("word/styles.xml"))
    table_style = styles.find(f"{W}style[@{W}styleId='Table']")
    assert {etree.QName(b).localname for b in table_style.find(f"{W}tblPr/{W}tblBorders")} == {"top", "bottom"}
    assert table_style.find(f"{W}tblStylePr/{W}tcPr/{W}tcBorders/{W}bottom") is not None  # the rule under the head
    assert all(t._tbl.tblPr.find(f"{W}jc") is not None for t in tables)


def test_docx_figures_are_inline_images_with_text_descriptions(built: Path) -> None:
    """Both figures (the SVG as a PNG any reader shows) are inline images; width=50% is half the text width."""
    document = docx.Document(str(built / "zh.docx"))
    shapes = document.inline_shapes
    assert len(shapes) == 2
    text_width = document.sections[0].page_width - document.sections[0].left_margin - document.sections[0].right_margin
    assert abs(shapes[0].width / text_width - 0.5) < 0.02 and abs(shapes[1].width / text_width - 0.6) < 0.02
    xml = zipfile.ZipFile(built / "zh.docx").read("word/document.xml").decode("utf-8")
    assert 'descr="data:' not in xml and "<a:blip>" not in xml  # every picture has a bitmap a reader can show
    names = zipfile.ZipFile(built / "zh.docx").namelist()
    assert not [n for n in names if n.endswith(".svg")]
    assert len(re.findall(r'w:bookmarkStart w:id="\d+" w:name="tbl-trials"', xml)) == 1


def test_docx_footnote_captions_and_references(built: Path) -> None:
    """The footnote is a Word footnote; captions are numbered; cross references are the labels."""
    package = zipfile.ZipFile(built / "zh.docx")
    footnotes = package.read("word/footnotes.xml").decode("utf-8")
    assert "参照国际工作组标准" in footnotes and "二代测序检测" in footnotes
    xml = package.read("word/document.xml").decode("utf-8")
    assert xml.count('w:instr="SEQ Table') == 4 and xml.count('w:instr="SEQ Figure') == 2  # Word numbers the captions
    plain = re.sub(r"<[^>]+>", "", xml)
    assert "表1\u3000维奈克拉联合阿扎胞苷的主要临床研究" in plain and "图2\u3000维奈克拉的作用通路" in plain
    text = "\n".join(p.text for p in docx.Document(str(built / "zh.docx")).paragraphs)
    assert "见表1，" in text and "按式(1)计算" in text and "Löwenberg[4]" in text
    assert "\u2003(1)" in text  # the equation's number


def test_docx_too_wide_table_gets_a_landscape_page(built: Path) -> None:
    """The English table whose words cannot fit the portrait measure is set on a landscape page of its own."""
    sections = docx.Document(str(built / "en.docx")).sections
    orientations = [s.orientation for s in sections]
    assert len(sections) == 3 and orientations[1] == 1 and orientations[0] == orientations[2] == 0
    assert sections[1].page_width > sections[1].page_height


# --- JATS -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def article(built: Path) -> etree._Element:
    """The parsed article.xml."""
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    return etree.parse(str(built / "article.xml"), parser).getroot()


def test_jats_is_valid(built: Path) -> None:
    """0 DTD errors, 0 PMC Style Checker errors."""
    directory = find_dtd_dir()
    if directory is None:
        pytest.skip(SKIP_REASON)
    report = validate_file(built / "article.xml", directory)
    assert report.count("DTD", "error") == 0, report.lines()
    assert report.count("PMC", "error") == 0, report.lines()


def test_inline_html_tags_become_markup(built: Path, article: etree._Element) -> None:
    """m<sup>2</sup> pasted from HTML is a superscript in every output, not “m2”."""
    paragraph = next(p for p in article.find("body").iter("p") if "体表面积" in "".join(p.itertext()))
    assert [s.text for s in paragraph.iter("sup")] == ["2"] and "<sup>" not in "".join(paragraph.itertext())
    runs = [r for p in docx.Document(str(built / "zh.docx")).paragraphs if "体表面积" in p.text for r in p.runs]
    assert any(r.text == "2" and r.font.superscript for r in runs)


def test_jats_floats_math_and_notes(article: etree._Element) -> None:
    """table-wrap and fig with ids and labels, graphics, MathML, a labelled disp-formula, the footnote."""
    body = article.find("body")
    tables = body.findall(".//table-wrap")
    assert [(t.get("id"), t.findtext("label")) for t in tables] == [
        ("tbl-trials", "表1"), ("tbl-wide", "表2"), ("tbl-dose", "表3"), ("tbl-faq", "表4")]
    figures = body.findall(".//fig")
    assert [(f.get("id"), f.findtext("label"), f.find("graphic").get(f"{XLINK}href")) for f in figures] == [
        ("fig-response", "图1", "figures/response.png"), ("fig-pathway", "图2", "figures/pathway.svg")]
    assert article.find("sub-article//table-wrap").findtext("label") == "Table 1"
    maths = list(article.iter(f"{MML}math"))
    assert len(maths) >= 8 and all(m.get("id") for m in maths) and not list(article.iter("tex-math"))
    formula = body.find(".//disp-formula")
    assert (formula.get("id"), formula.findtext("label")) == ("eq-mrd", "(1)")
    notes = ["".join(fn.itertext()) for fn in article.find("back/fn-group").iter("fn")]
    assert len(notes) == 2 and "参照国际工作组标准" in notes[0] and "二代测序检测" in notes[1]
    assert all(s.get("id").isascii() for s in article.iter("sec"))


def test_jats_every_xref_resolves_with_its_type(article: etree._Element) -> None:
    """Every rid names an element of the article; cross references are typed by their target."""
    ids = {node.get("id") for node in article.iter() if node.get("id")}
    xrefs = list(article.iter("xref"))
    assert xrefs and all(set(x.get("rid").split()) <= ids for x in xrefs)
    types = {x.get("rid"): x.get("ref-type") for x in xrefs}
    assert types["tbl-trials"] == "table" and types["fig-pathway"] == "fig" and types["eq-mrd"] == "disp-formula"
    assert types["sa1-tbl-wide"] == "table"


# --- robustness and units ---------------------------------------------------------------------------


def test_dangling_link_still_gives_a_pdf_and_an_unknown_key_stops_it(tmp_path: Path) -> None:
    """A link to a missing id, @fig-x without a figure: typst gets no link to a missing label; a typo in a key
    stops the build at its line (citeproc would print “nosuchkey?” into the text)."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", root)
    path = root / "manuscript" / "zh.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n见[@nosuchkey]。\n", encoding="utf-8")
    with pytest.raises(InputError, match="nosuchkey") as raised:
        prepare_ast(load_project(root), Settings(), "zh", tmp_path)
    assert (raised.value.file, raised.value.line) == ("manuscript/zh.md", len(text.splitlines()) + 2)
    path.write_text(text + "\n见[上文](#sec-nowhere)与@fig-missing。\n", encoding="utf-8")
    project = load_project(root)
    ast, _ = prepare_ast(project, Settings(), "zh", tmp_path)
    target = tmp_path / "zh.pdf"
    render_pdf(project, ast, "zh", target)
    assert "上文" in pdf_text(target)


def test_typed_caption_labels_are_removed() -> None:
    """“表1 …”, “Figure 2. …” lose their label (the outputs number captions); other captions stay."""
    for typed, kept in (("表1 维持治疗", "维持治疗"), ("Figure 2. Study flow", "Study flow"), ("Table 3: Doses", "Doses"),
                        ("Tables of doses", "Tables of doses"), ("图表说明", "图表说明")):
        caption = [{"t": "Plain", "c": inlines(typed)}]
        strip_typed_label(caption)
        assert text_of(caption) == kept


def test_fitted_widths_share_the_room_and_keep_words_whole() -> None:
    """Natural widths when they fit; otherwise every column keeps its longest word and shares the rest."""
    def cell(text: str) -> list:
        return [["", [], []], {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": [{"t": "Str", "c": text}]}]]

    def table(*rows: tuple[str, ...]) -> dict:
        body = [["", [], []], 0, [], [[["", [], []], [cell(t) for t in row]] for row in rows]]
        specs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]] * len(rows[0])
        return {"t": "Table", "c": [["", [], []], [None, []], specs, [["", [], []], []], [body], [["", [], []], []]]}

    narrow = table(("a", "b"))
    assert sum(fitted_widths(narrow, 400, 9, 10)) < 100
    wide = table(("Thrombocytopenia", "a long sentence of many words " * 4))
    widths = fitted_widths(wide, 200, 9, 10)
    assert abs(sum(widths) - 200) < 0.01 and widths[0] >= 9 * 0.5 * 16


def test_a_doi_written_as_a_url_is_a_bare_pub_id(tmp_path: Path) -> None:
    """doi = {https://doi.org/10…} (REF006 warns) still gives PMC's bare <pub-id pub-id-type="doi">."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", root)
    bib = root / "bib" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("doi = {10.1182/blood.2022016867}", "doi = {https://doi.org/10.1182/blood.2022016867}"),
                   encoding="utf-8")
    assert "https://doi.org/10.1182" in bib.read_text(encoding="utf-8")
    build(load_project(root), load_settings(root), ("jats",), ("zh", "en"), tmp_path / "out")
    tree = etree.parse(str(tmp_path / "out" / "article.xml"), etree.XMLParser(load_dtd=False, no_network=True))
    assert [p.text for p in tree.iter("pub-id") if p.get("pub-id-type") == "doi"] == ["10.1182/blood.2022016867"]
