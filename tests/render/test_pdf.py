"""zh.pdf and en.pdf: text, numbering, reference list, fonts, metadata, figures and tables."""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import BooleanObject

from toolchain.config import Settings
from toolchain.load import load_project
from toolchain.render.manuscript import prepare_ast
from toolchain.render.pdf import render_pdf, typeset_references

REPO = Path(__file__).resolve().parents[2]


def pdf_text(path: Path) -> str:
    """The text of every page, as pypdf extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def zh_text(built_article: Path) -> str:
    """Text of our article's zh.pdf."""
    return pdf_text(built_article / "zh.pdf")


@pytest.fixture(scope="module")
def en_text(built_article: Path) -> str:
    """Text of our article's en.pdf."""
    return pdf_text(built_article / "en.pdf")


def test_zh_pdf_has_the_first_page_blocks(zh_text: str) -> None:
    for expected in ("索拉非尼在急性髓系白血病中的应用", "［摘要］", "［关键词］", "［中图分类号］", "［文献标志码］",
                     "10.13201/j.issn.1004-2806.2024.05.005", "临床血液学杂志", "Therapeutic application of sorafenib",
                     "Abstract", "Key words", "通信作者", "基金项目", "收稿日期", "引用本文", "专家简介"):
        assert expected in zh_text, expected


def test_zh_pdf_numbers_sections_and_localises_the_reference_heading(zh_text: str) -> None:
    lines = [line.strip() for line in zh_text.splitlines()]
    assert any(re.fullmatch(r"1 ?引言", line) for line in lines)
    assert any(re.match(r"2\.1 ?索拉非尼联合强化疗", line) for line in lines)
    assert "参考文献" in lines and "References" not in lines


def test_zh_reference_list_mixes_chinese_and_english_et_al(zh_text: str) -> None:
    references = zh_text[zh_text.rindex("参考文献"):]
    assert re.search(r"张钰, 宣丽, 范志平, 等\.", references)
    assert re.search(r"Döhner H, Wei A H, Appelbaum F R, et al\. Diagnosis", references)  # GB/T 7714-2025: names in their own case
    assert "et al.." not in references and "F R, 等" not in references


def test_en_pdf_has_english_labels_and_chinese_works_in_english(en_text: str) -> None:
    for expected in ("Therapeutic application of sorafenib in acute myeloid leukemia", "Abstract", "Key words",
                     "CLC number", "Document code", "Cite this article", "References", "(in Chinese)"):
        assert expected in en_text, expected
    references = en_text[en_text.rindex("References"):]
    assert "Chinese Journal of Hematology" in references and "中华血液学杂志" not in references
    assert "1 Introduction" in en_text.replace("\n", " ")


def test_reference_labels_sit_at_the_column_edge_without_first_line_indent(built_article: Path) -> None:
    """Labels “[n]” start at the column's left edge; body paragraphs are indented two characters."""
    reader = PdfReader(built_article / "zh.pdf")
    page = next(p for p in reader.pages if "参考文献" in p.extract_text())
    chunks: list[tuple[float, str]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: chunks.append((tm[4] * cm[0] + cm[4], text)))
    labels = [x for x, text in chunks if re.match(r"\[\d+\]", text.strip())]
    assert len(labels) >= 5
    middle = float(page.mediabox.width) / 2
    edges = {side: min(x for x, text in chunks if text.strip() and (x < middle) == (side == "left")) for side in ("left", "right")}
    for x in labels:
        edge = edges["left" if x < middle else "right"]
        assert abs(x - edge) < 1.0, f"label at {x:.1f}, column edge at {edge:.1f}"


def fonts(reader: PdfReader) -> dict[str, dict]:
    """Every font dictionary used on the pages, by base font name."""
    found: dict[str, dict] = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


@pytest.mark.parametrize("name", ["zh.pdf", "en.pdf"])
def test_every_font_is_embedded(built_article: Path, name: str) -> None:
    used = fonts(PdfReader(built_article / name))
    assert used
    for base, font in used.items():
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)["/FontDescriptor"]
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), base


def text_fonts(path: Path, page: int = 0) -> list[tuple[str, str]]:
    """(text, base font name without subset tag) for every text chunk of one page."""
    chunks: list[tuple[str, str]] = []
    PdfReader(path).pages[page].extract_text(
        visitor_text=lambda text, cm, tm, font, size: chunks.append((text.strip(), str(font["/BaseFont"]).split("+")[-1] if font else "")))
    return [chunk for chunk in chunks if chunk[0]]


def font_of(chunks: list[tuple[str, str]], text: str) -> str:
    """The font of the first chunk that contains ``text``."""
    return next(font for chunk, font in chunks if text in chunk)


def test_chinese_body_is_song_and_headings_hei(built_article: Path) -> None:
    """The body in a serif (Song) face, the title and headings in a sans (Hei) face; both embedded by their real names."""
    chunks = text_fonts(built_article / "zh.pdf")
    body, title = font_of(chunks, "引言"), font_of(chunks, "索拉非尼在急性髓系白血病中的应用")
    assert "Sans" in title and ("Serif" in font_of(chunks, "张钰"))
    assert "Sans" in body  # the heading 引言
    names = {font for _, font in chunks}
    assert not any(re.search(r"Thin|VF|Variable", name) for name in names), names


def test_without_system_fonts_the_pypi_song_and_hei_faces_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pip-only install (no fontconfig CJK faces) prints the body in Noto Serif SC and headings in Noto Sans SC."""
    from toolchain.render import fonts as font_choice

    monkeypatch.setattr(font_choice, "system_families", lambda: frozenset())
    project = load_project(REPO / "tests" / "rules" / "base_project")
    target = tmp_path / "zh.pdf"
    ast, _ = prepare_ast(project, Settings(), "zh", tmp_path)
    render_pdf(project, ast, "zh", target)
    chunks = text_fonts(target)
    assert font_of(chunks, "引言").startswith("NotoSansSC-Regular")
    body = [font for text, font in chunks if re.search(r"[\u4e00-\u9fff]{6,}", text) and "引言" not in text]
    assert body and any(font.startswith("NotoSerifSC-Regular") for font in body), chunks


@pytest.mark.parametrize(("name", "title", "author", "lang"), [
    ("zh.pdf", "索拉非尼在急性髓系白血病中的应用", "张钰", "zh"),
    ("en.pdf", "Therapeutic application of sorafenib in acute myeloid leukemia", "ZHANG Yu", "en"),
])
def test_pdf_metadata(built_article: Path, name: str, title: str, author: str, lang: str) -> None:
    reader = PdfReader(built_article / name)
    assert reader.metadata.title == title
    assert author in reader.metadata.author
    assert str(reader.trailer["/Root"]["/Lang"]).startswith(lang)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4


def test_base_project_builds(built_base: Path) -> None:
    text = pdf_text(built_base / "zh.pdf")
    assert "索拉非尼治疗急性髓系白血病" in text and "1 引言" in text.replace("\n", " ")
    assert "Sorafenib for acute myeloid leukemia" in pdf_text(built_base / "en.pdf")


def tiny_png(width: int, height: int) -> bytes:
    """A grey-gradient RGB PNG, written by hand (no imaging library needed)."""
    rows = b"".join(b"\x00" + bytes(x * 255 // width for x in range(width) for _ in range(3)) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


FIGURE_AND_TABLE = {
    "zh": ("索拉非尼的作用靶点", "索拉非尼维持治疗的随机对照研究", "研究 | 例数"),
    "en": ("Targets of sorafenib", "Randomized trials of sorafenib maintenance", "Trial | Patients"),
}


def add_figure_and_table(root: Path) -> None:
    """Give a project copy one figure and one table in each language."""
    (root / "manuscript" / "figures").mkdir(exist_ok=True)
    (root / "manuscript" / "figures" / "targets.png").write_bytes(tiny_png(120, 60))
    for lang, (figure, table, header) in FIGURE_AND_TABLE.items():
        path = root / "manuscript" / f"{lang}.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\n![{figure}](figures/targets.png){{#fig-targets width=60%}}\n\n"
                        f": {table} {{#tbl-trials}}\n\n| {header} |\n|---|---:|\n| SORMAIN | 83 |\n", encoding="utf-8")


@pytest.fixture(scope="module")
def with_figure(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the base project with a figure and a table."""
    root = tmp_path_factory.mktemp("figure") / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", root)
    add_figure_and_table(root)
    return root


@pytest.mark.parametrize(("lang", "figure_label", "table_label"), [("zh", "图1", "表1"), ("en", "Figure 1", "Table 1")])
def test_figures_and_tables_are_typeset_with_localised_captions(with_figure: Path, tmp_path: Path, lang: str,
                                                                figure_label: str, table_label: str) -> None:
    project = load_project(with_figure)
    ast, _ = prepare_ast(project, Settings(), lang, tmp_path)
    target = tmp_path / f"{lang}.pdf"
    render_pdf(project, ast, lang, target)
    reader = PdfReader(target)
    text = pdf_text(target)
    figure, table, _ = FIGURE_AND_TABLE[lang]
    compact = re.sub(r"(?<=[图表]) (?=\d)", "", text)  # pypdf puts a space where the font changes
    assert figure_label in compact and figure in text
    assert table_label in compact and table in text and "SORMAIN" in text
    assert sum(len(page.images) for page in reader.pages) == 1


def test_typeset_references_leaves_the_shared_ast_alone(tmp_path: Path) -> None:
    project = load_project(REPO / "tests" / "rules" / "base_project")
    ast, _ = prepare_ast(project, Settings(), "zh", tmp_path)
    before = repr(ast)
    changed = typeset_references(ast)
    assert repr(ast) == before and "#refenum(" in repr(changed) and "enum.item(1)[" in repr(changed)


@pytest.mark.parametrize("name", ["zh.pdf", "en.pdf"])
def test_pages_are_labelled_as_printed_and_the_title_is_displayed(built_article: Path, name: str) -> None:
    """PageLabels number the pages from metadata.yaml's fpage; viewers show the title, not the file name (PDF/UA-1)."""
    reader = PdfReader(built_article / name)
    assert reader.page_labels == [str(306 + i) for i in range(len(reader.pages))]
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_images_and_equations_get_alt_text_so_the_pdf_stays_tagged(tmp_path: Path) -> None:
    """A figure, an inline image and an equation: the PDF is still written as PDF/UA-1 (it would fail without alt text)."""
    from toolchain.render.pdf import typst_source

    project = load_project(REPO / "tests" / "projects" / "render-features")
    ast, _ = prepare_ast(project, Settings(), "zh", tmp_path)
    source = typst_source(ast, "zh")
    assert "#set image(alt:" in source and "#set math.equation(alt:" in source
    target = tmp_path / "zh.pdf"
    render_pdf(project, ast, "zh", target)
    assert PdfReader(target).trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)


def test_a_page_count_other_than_the_metadata_pages_is_a_warning(base_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    metadata = base_copy / "manuscript" / "metadata.yaml"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace("lpage: 311", "lpage: 330"), encoding="utf-8")
    from toolchain.cli import main

    assert main(["build", str(base_copy), "--to", "pdf", "--lang", "zh", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    pages = len(PdfReader(tmp_path / "out" / "zh.pdf").pages)
    assert f"warning: zh.pdf has {pages} page{'s' * (pages != 1)}, but metadata.yaml gives pages 306-330 (25 pages)" in capsys.readouterr().err
    assert pages == 1  # the base project: one page, in the singular


def test_column_heading_is_named_after_the_article_type_when_metadata_gives_none(built_base: Path) -> None:
    """The base project's metadata has no article.heading: a review prints ·综述· / Review, as the JATS names it."""
    assert "·综述·" in pdf_text(built_base / "zh.pdf").replace(" ", "")
    assert "Review" in pdf_text(built_base / "en.pdf").splitlines()[0:6].__str__()


def test_revised_and_accepted_dates_print_beside_the_received_date(base_copy: Path, tmp_path: Path) -> None:
    metadata = base_copy / "manuscript" / "metadata.yaml"
    text = metadata.read_text(encoding="utf-8").replace("  received: 2024-03-20\n", "  received: 2024-03-20\n  revised: 2024-04-02\n  accepted: 2024-04-10\n")
    metadata.write_text(text, encoding="utf-8")
    project = load_project(base_copy)
    for lang, expected in (("zh", "收稿日期：2024-03-20；修回日期：2024-04-02；录用日期：2024-04-10"),
                           ("en", "Received: 2024-03-20; Revised: 2024-04-02; Accepted: 2024-04-10")):
        ast, _ = prepare_ast(project, Settings(), lang, tmp_path)
        render_pdf(project, ast, lang, tmp_path / f"{lang}.pdf")
        assert expected in pdf_text(tmp_path / f"{lang}.pdf").replace("\n", "").replace(" ：", "："), lang


def test_type_and_carrier_marks_do_not_break_at_the_slash() -> None:
    from toolchain.render.pdf import unbroken_type_marks

    marks = unbroken_type_marks([{"t": "Str", "c": "guidelines[EB/OL]."}, {"t": "Space"}, {"t": "Str", "c": "[J]."}])
    assert marks == [{"t": "Str", "c": "guidelines"}, {"t": "RawInline", "c": ["typst", '#box("[EB/OL]")']},
                     {"t": "Str", "c": "."}, {"t": "Space"}, {"t": "Str", "c": "[J]."}]


@pytest.mark.parametrize(("lang", "heading", "last_line"), [
    # without the box of no_runts: “leukemia” alone
    ("en", "Sorafenib with intensive chemotherapy for newly diagnosed patients in acute myeloid leukemia", "myeloid leukemia"),
    # 23 characters, the line holds 22 after “3 ”: not “的” alone (typst's line breaker avoids the runt itself in Chinese)
    ("zh", "索拉非尼联合强化疗治疗初诊急性髓系白血病患者的", "者的"),
])
def test_a_heading_does_not_end_on_one_word_alone(base_copy: Path, tmp_path: Path, lang: str, heading: str, last_line: str) -> None:
    """A long heading whose last word (Chinese: character) would fall alone on the last line keeps two there."""
    path = base_copy / "manuscript" / f"{lang}.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n# {heading}\n\nText.\n", encoding="utf-8")
    project = load_project(base_copy)
    ast, _ = prepare_ast(project, Settings(), lang, tmp_path)
    render_pdf(project, ast, lang, tmp_path / f"{lang}.pdf")
    lines = [line.strip() for line in pdf_text(tmp_path / f"{lang}.pdf").splitlines()]
    start = lines.index(next(line for line in lines if line.startswith("3 " + heading[:4])))
    end = lines.index("Text.", start)  # the heading's last line stands before its paragraph
    assert lines[end - 1] == last_line, lines[start:end]


def test_headings_are_not_hyphenated(built_article: Path) -> None:
    text = pdf_text(built_article / "en.pdf")
    headings = [line for line in text.splitlines() if re.match(r"\d+(\.\d+)* [A-Z]", line)]
    assert headings and not any(line.rstrip().endswith("\u00ad") for line in headings)


def actual_texts(path: Path) -> list[str]:
    """The /ActualText of every marked-content span on the pages, as pypdf reads the content streams."""
    from pypdf.generic import ContentStream

    reader = PdfReader(path)
    found = []
    for page in reader.pages:
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"BDC" and len(operands) > 1 and hasattr(operands[1], "get") and "/ActualText" in operands[1]:
                found.append(str(operands[1]["/ActualText"]))
    return found


@pytest.mark.parametrize("name", ["zh.pdf", "en.pdf"])
def test_line_break_hyphens_leave_no_soft_hyphen_in_the_text(built_article: Path, name: str) -> None:
    """Typst marks a hyphen it adds at a line break as U+00AD; the PDF marks it as standing for no text."""
    texts = actual_texts(built_article / name)
    assert "\u00ad" not in texts
    assert texts.count("") > (10 if name == "en.pdf" else 0), texts  # the hyphenated line ends of the article
    if shutil.which("pdftotext"):  # poppler reads ActualText, pypdf does not
        import subprocess

        extracted = subprocess.run(["pdftotext", str(built_article / name), "-"], capture_output=True, check=True).stdout.decode("utf-8")
        assert "\u00ad" not in extracted and "chemo" in extracted
    assert PdfReader(built_article / name).pdf_header == "%PDF-1.7" and "/StructTreeRoot" in PdfReader(built_article / name).trailer["/Root"]


def test_hyphens_are_unmarked_in_an_incremental_update(tmp_path: Path) -> None:
    """The rewritten content streams follow the PDF typst wrote, byte for byte unchanged, and read back strictly.

    Typst marks a line-break hyphen with an ActualText once the hyphen glyph also stands for a
    hyphen of the text (``FLT3-ITD``).
    """
    import io
    import runpy
    import warnings

    import typst

    main = tmp_path / "main.typ"
    main.write_text('#set page(width: 3cm, height: auto, margin: 2mm)\n#set text(lang: "en", hyphenate: true)\n#set par(justify: true)\n'
                    "Well-known FLT3-ITD. Characteristically, internationalization and interdisciplinary collaborations accompany "
                    "electrophysiological investigations of pharmacokinetics.\n", encoding="utf-8")
    original = typst.Compiler(str(main), root=str(tmp_path)).compile()
    unmark = runpy.run_path(str(Path(__file__).resolve().parents[2] / "toolchain" / "render" / "pdf_hyphens.py"))["unmark_hyphens"]
    assert b"/ActualText<FEFF00AD>" not in original  # compressed: only the streams hold it
    pdf = unmark(original)
    assert pdf.startswith(original) and len(pdf) > len(original)
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reader = PdfReader(io.BytesIO(pdf), strict=True)
        assert len(reader.pages) == 1
    texts = actual_texts(path)
    assert "\u00ad" not in texts and texts.count("") >= 2
    assert unmark(pdf) == pdf  # nothing left to unmark: the same bytes


@pytest.mark.parametrize("name", ["zh.pdf", "en.pdf"])
def test_type_and_carrier_marks_stay_on_one_line_in_the_pdf(built_article: Path, name: str) -> None:
    """“[EB/OL]” prints whole on its line: no line ends inside a type mark, none starts with its rest."""
    lines = [line.strip() for line in pdf_text(built_article / name).splitlines()]
    assert any("[EB/OL]" in line for line in lines)
    assert not [line for line in lines if re.search(r"\[[A-Z]{1,3}/?[A-Z]?$", line) or re.match(r"^/?[A-Z]{0,2}\]", line)]


def last_page_column_ends(path: Path) -> tuple[float, float, float]:
    """Lowest baseline of the last page's left and right columns, and the reference list's line pitch (pt)."""
    page = PdfReader(path).pages[-1]
    middle, top = float(page.mediabox.width) / 2, float(page.mediabox.top) - 62  # below the running head
    baselines: dict[bool, set[float]] = {False: set(), True: set()}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and 50 < y < top:
            baselines[x >= middle].add(round(y, 1))

    page.extract_text(visitor_text=visit)
    left = sorted(baselines[False], reverse=True)
    pitch = min(a - b for a, b in zip(left, left[1:], strict=False))
    return min(left), min(baselines[True], default=top), pitch  # an empty right column ends at its top


@pytest.mark.parametrize("name", ["zh.pdf", "en.pdf"])
def test_the_last_page_columns_end_level(built_article: Path, name: str) -> None:
    """The last page's two columns end within a three-line reference entry of each other (the break falls between entries).

    Unbalanced, zh.pdf's last page held a few entries in its left column and nothing on the right, en.pdf a full left column.
    """
    left, right, pitch = last_page_column_ends(built_article / name)
    assert abs(left - right) <= 3.5 * pitch, (left, right, pitch)


def structure_types(path: Path) -> list[tuple[str, object]]:
    """(structure type, its page object or None) of every element of the PDF's structure tree, in order."""
    found: list[tuple[str, object]] = []
    stack = [PdfReader(path).trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop(0).get_object()
        if not isinstance(node, dict):
            continue
        if "/S" in node:
            found.append((str(node["/S"]), node.get("/Pg")))
        kids = node.get("/K")
        kids = kids.get_object() if kids is not None else []
        stack[:0] = kids if isinstance(kids, list) else [kids]
    return found


@pytest.mark.parametrize("name", ["zh.pdf", "en.pdf"])
def test_the_title_is_tagged_as_the_title(built_article: Path, name: str) -> None:
    """One Title element in the structure tree, before every heading; it marks text of the first page."""
    types = structure_types(built_article / name)
    kinds = [kind for kind, _ in types]
    assert kinds.count("/Title") == 1 and kinds.index("/Title") < kinds.index("/H1")
    first_page = PdfReader(built_article / name).pages[0].indirect_reference
    after = types[kinds.index("/Title"):]
    assert any(page is not None and page.idnum == first_page.idnum for _, page in after[:3])


@pytest.mark.parametrize("name", ["zh.pdf", "en.pdf"])
def test_the_reference_list_is_tagged_as_a_list(built_article: Path, name: str) -> None:
    """One list item (LI with its Lbl and LBody) per reference, inside L elements (two when the last page's columns are balanced)."""
    kinds = [kind for kind, _ in structure_types(built_article / name)]
    assert kinds.count("/LI") == kinds.count("/Lbl") == kinds.count("/LBody") == 50
    assert 1 <= kinds.count("/L") <= 2


ONLINE = """
@online{nccn,
  author = {{National Comprehensive Cancer Network}},
  title = {Acute myeloid leukemias},
  year = {2023},
  url = {https://www.nccn.org/guidelines},
  urldate = {2024-03-01},
  langid = {english},
}
"""


def test_a_type_mark_at_a_line_end_moves_whole_to_the_next_line(base_copy: Path, tmp_path: Path) -> None:
    """An online reference whose “[EB/OL]” reaches the line end (unboxed, typst breaks it after the slash) prints it on one line."""
    with (base_copy / "bib" / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(ONLINE)
    for lang in ("en", "zh"):
        path = base_copy / "manuscript" / f"{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("[@dohner2022]", "[@dohner2022; @nccn]", 1), encoding="utf-8")
    project = load_project(base_copy)
    ast, _ = prepare_ast(project, Settings(), "en", tmp_path)
    render_pdf(project, ast, "en", tmp_path / "en.pdf")
    lines = [line.strip() for line in pdf_text(tmp_path / "en.pdf").splitlines()]
    entry = next(i for i, line in enumerate(lines) if "National Comprehensive Cancer Network" in line)
    assert "[EB/OL]" in " ".join(lines[entry:entry + 2]) and not lines[entry].endswith("[EB/"), lines[entry:entry + 2]


BALANCED_PROJECTS = ["other-cardiology", "render-features", "seed-faithful", "seed-zh", "other-gastro-translated"]


@pytest.fixture(scope="module")
def built_projects(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """zh.pdf and en.pdf of other test projects (last pages of references only, of body text and references, of body text alone)."""
    from toolchain.cli import main

    out = tmp_path_factory.mktemp("balanced")
    for name in BALANCED_PROJECTS:
        assert main(["build", str(REPO / "tests" / "projects" / name), "--to", "pdf", "--no-check", "--quiet", "--out", str(out / name)]) == 0
    return out


@pytest.mark.parametrize("name", BALANCED_PROJECTS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_projects_last_page_ends_level(built_projects: Path, name: str, lang: str) -> None:
    """On every PDF of more than one page the last page's columns end within one reference entry (three lines) of each other."""
    from toolchain.render.pdf_balance import last_page, line_pitch

    page = last_page((built_projects / name / f"{lang}.pdf").read_bytes())
    if page is None:
        assert len(PdfReader(built_projects / name / f"{lang}.pdf").pages) == 1
        return
    left, right = page.columns
    right_end = right.baselines[-1] if right.baselines else page.top
    assert abs(left.baselines[-1] - right_end) <= 3.2 * line_pitch(left), (left.baselines[-1], right_end, line_pitch(left))
    for column in page.columns:  # the reference heading never stays alone at a column's foot: an entry follows it there
        heading = [y for label, y in column.labels if label in ("参考文献", "References")]
        assert not heading or any(label.startswith("[") and y < heading[0] for label, y in column.labels), column.labels


@pytest.mark.parametrize("name", BALANCED_PROJECTS)
def test_chinese_text_is_set_in_the_song_or_hei_face_by_real_names(built_projects: Path, name: str) -> None:
    """Every Han character of every page (math text included) is in the chosen Song or Hei face; no font is a variable default instance."""
    from toolchain.render import fonts as font_choice

    faces = tuple(family.replace(" ", "").lower() for family in (font_choice.song(), font_choice.hei()))
    for lang in ("zh", "en"):
        reader = PdfReader(built_projects / name / f"{lang}.pdf")
        assert not [base for base in fonts(reader) if re.search(r"Thin|VF|Variable", base)]
        for number in range(len(reader.pages)):
            for text, font in text_fonts(built_projects / name / f"{lang}.pdf", number):
                if re.search(r"[\u4e00-\u9fff]", text):
                    assert font.lower().startswith(faces), (lang, number, text, font)
