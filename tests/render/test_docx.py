"""zh.docx and en.docx: the journal's styles and East Asian fonts, front matter, numbered
headings, body paragraphs, core properties; LibreOffice opens them when it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader

from toolchain.config import Settings
from toolchain.load import load_project
from toolchain.render.docx import render_docx
from toolchain.render.manuscript import prepare_ast

from .test_pdf import FIGURE_AND_TABLE, add_figure_and_table

REPO = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def styles_xml(path: Path) -> etree._Element:
    """word/styles.xml of a docx."""
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/styles.xml"))


def east_asian_font(style) -> str | None:
    """The ``w:eastAsia`` font a python-docx style sets itself."""
    fonts = style.element.find(f"{W}rPr/{W}rFonts")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


@pytest.mark.parametrize("name", ["zh.docx", "en.docx"])
def test_styles_set_chinese_fonts(built_article: Path, name: str) -> None:
    defaults = styles_xml(built_article / name).find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    fonts = defaults.find(f"{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == "SimSun" and fonts.get(f"{W}ascii") == "Times New Roman"
    assert not any("Theme" in attribute for attribute in fonts.attrib)  # theme fonts would override ours
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    document = docx.Document(built_article / name)
    for style in ("Title", "Heading 1", "Heading 2"):
        assert east_asian_font(document.styles[style]) == "SimHei", style
    assert east_asian_font(document.styles["Body Text"]) == "SimSun"
    assert document.styles["Heading 1"].font.bold
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.5)  # A4


def paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph."""
    return [(p.style.name, p.text) for p in docx.Document(path).paragraphs]


def test_zh_docx_front_matter_headings_and_body(built_article: Path) -> None:
    found = paragraphs(built_article / "zh.docx")
    styles = [style for style, _ in found]
    text = "\n".join(t for _, t in found)
    assert ("Title", "索拉非尼在急性髓系白血病中的应用*") in found
    assert ("Author", "张钰1\u2003姚足容1\u2003余国攀1") in found
    for expected in ("［摘要］", "［关键词］", "［中图分类号］", "DOI: 10.13201/j.issn.1004-2806.2024.05.005",
                     "Therapeutic application of sorafenib in acute myeloid leukemia", "Key words", "通信作者", "引用本文"):
        assert expected in text, expected
    assert styles.index("Title") < styles.index("Translated Title") < styles.index("Heading 1")
    headings = [t for s, t in found if s.startswith("Heading")]
    assert headings[0] == "1\t引言" and "2.1\t索拉非尼联合强化疗治疗初诊FLT3-ITD+ AML" in headings
    assert "参考文献" in headings  # unnumbered
    body = [t for s, t in found if s in ("First Paragraph", "Body Text")]
    assert len(body) >= 25
    assert body[0].startswith("急性髓系白血病（acute myeloid leukemia，AML）是一组高度异质性的血液系统恶性肿瘤")
    references = [t for s, t in found if s == "Bibliography"]
    assert len(references) == 50 and any("范志平, 等." in t for t in references)
    assert not any("et al.." in t for t in references)


def test_en_docx_front_matter_and_references(built_article: Path) -> None:
    found = paragraphs(built_article / "en.docx")
    text = "\n".join(t for _, t in found)
    assert ("Title", "Therapeutic application of sorafenib in acute myeloid leukemia*") in found
    for expected in ("Abstract", "Key words", "CLC number: R733.71", "Corresponding author: ZHANG Yu", "Cite this article"):
        assert expected in text, expected
    assert next(t for s, t in found if s == "Heading 1") == "1\tIntroduction"
    assert sum(1 for s, t in found if s == "Bibliography" and t.endswith("(in Chinese)")) >= 2


@pytest.mark.parametrize(("name", "title", "language"), [
    ("zh.docx", "索拉非尼在急性髓系白血病中的应用", "zh-CN"),
    ("en.docx", "Therapeutic application of sorafenib in acute myeloid leukemia", "en"),
])
def test_core_properties_and_fixed_timestamps(built_article: Path, name: str, title: str, language: str) -> None:
    properties = docx.Document(built_article / name).core_properties
    assert properties.title == title and properties.language == language
    assert properties.author.count(";") == 2
    with zipfile.ZipFile(built_article / name) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "docProps/custom.xml" not in package.namelist() or b"bios" not in package.read("docProps/custom.xml")


def test_figure_and_table_captions_are_numbered_in_the_document_language(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", root)
    add_figure_and_table(root)
    project = load_project(root)
    for lang, (figure, table, _) in FIGURE_AND_TABLE.items():
        ast, _ = prepare_ast(project, Settings(), lang, tmp_path)
        target = tmp_path / f"{lang}.docx"
        render_docx(project, ast, lang, target, tmp_path)
        with zipfile.ZipFile(target) as package:
            xml = package.read("word/document.xml").decode("utf-8")
            assert any(name.startswith("word/media/") for name in package.namelist())
        plain = re.sub(r"<[^>]+>", "", xml)
        plain = plain.replace("\u00a0", " ")
        expected = (f"图1\u3000{figure}", "表1\u3000") if lang == "zh" else (f"Figure 1\u2003{figure}", "Table 1\u2003")
        assert expected[0] in plain and expected[1] + table in plain
        assert 'w:instr="SEQ Figure' in xml  # Word renumbers the captions itself


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_both_documents(built_article: Path, tmp_path: Path) -> None:
    for name in ("zh.docx", "en.docx"):
        shutil.copy(built_article / name, tmp_path / name)
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(tmp_path / "zh.docx"), str(tmp_path / "en.docx")],
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    for lang, words in (("zh", "Therapeutic application of sorafenib"), ("en", "Therapeutic application of sorafenib")):
        reader = PdfReader(tmp_path / f"{lang}.pdf")
        assert len(reader.pages) >= 4
        assert words in reader.pages[0].extract_text()


def test_core_dates_are_the_builds_and_follow_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docProps dates: the build's time (SOURCE_DATE_EPOCH for a reproducible build), not the received date."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    project = load_project(REPO / "tests" / "rules" / "base_project")
    ast, _ = prepare_ast(project, Settings(), "en", tmp_path)
    render_docx(project, ast, "en", tmp_path / "en.docx", tmp_path)
    properties = docx.Document(tmp_path / "en.docx").core_properties
    assert properties.created.isoformat().startswith("2026-01-01") and properties.modified == properties.created


def run_properties(style: etree._Element) -> list[tuple[str, dict]]:
    """(tag, attributes) of each run property a style sets itself."""
    rpr = style.find(qn("w:rPr"))
    return [(e.tag, dict(e.attrib)) for e in (rpr if rpr is not None else [])]


@pytest.mark.parametrize("name", ["zh.docx", "en.docx"])
def test_linked_character_styles_match_their_paragraph_styles(built_article: Path, name: str) -> None:
    """Every linked pair (Heading1/Heading1Char …) has the same run properties; links go both ways; no theme font or colour is left."""
    styles = styles_xml(built_article / name)
    by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
    pairs = 0
    for style_id, style in by_id.items():
        link = style.find(qn("w:link"))
        if style.get(qn("w:type")) != "paragraph" or link is None:
            continue
        linked, back = by_id[link.get(qn("w:val"))], by_id[link.get(qn("w:val"))].find(qn("w:link"))
        if back is None:
            continue  # Source Code names Verbatim Char, Pandoc's inline code style, which is no linked style
        assert back.get(qn("w:val")) == style_id, style_id  # Caption no longer names Body Text's BodyTextChar
        assert run_properties(style) == run_properties(linked), style_id
        pairs += 1
    assert pairs >= 11  # Body Text, Title, Subtitle, Heading 1–9 (Heading1 14 pt and Heading1Char once 20 pt)
    for style in by_id.values():
        rpr = style.find(qn("w:rPr"))
        attributes = [a for e in (rpr if rpr is not None else []) for a in e.attrib if "theme" in a.lower()]
        assert not attributes, (style.get(qn("w:styleId")), attributes)
    sizes = {s: by_id[s].find(f"{qn('w:rPr')}/{qn('w:sz')}").get(qn("w:val")) for s in ("Heading1", "Heading1Char")}
    assert sizes == {"Heading1": "28", "Heading1Char": "28"}


@pytest.fixture(scope="module")
def submission(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """zh.docx of a project with a figure and a table, built in submission mode with floats at the end."""
    work = tmp_path_factory.mktemp("submission")
    root = work / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", root)
    add_figure_and_table(root)
    project = load_project(root)
    ast, _ = prepare_ast(project, Settings(), "zh", work)
    render_docx(project, ast, "zh", work / "zh.docx", work, mode="submission", floats="end")
    return work / "zh.docx"


def test_submission_docx_has_real_header_footer_and_line_numbers(submission: Path) -> None:
    document = docx.Document(submission)
    section = document.sections[0]
    assert [p.text for p in section.header.paragraphs] == ["临床血液学杂志 2024年第37卷第5期"]
    instructions = [t.text for t in section.footer._element.iter(qn("w:instrText"))]
    assert [i.strip() for i in instructions] == ["PAGE"]
    numbering = section._sectPr.find(qn("w:lnNumType"))
    assert numbering is not None and numbering.get(qn("w:restart")) == "continuous"


def test_submission_docx_is_double_spaced_with_word_numbered_headings(submission: Path) -> None:
    document = docx.Document(submission)
    assert document.styles["heading 1"].paragraph_format.line_spacing == 2.0
    defaults = styles_xml(submission).find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    assert defaults.get(qn("w:line")) == "480"
    heading = next(s for s in styles_xml(submission).iter(qn("w:style")) if s.get(qn("w:styleId")) == "Heading1")
    assert heading.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val")) == "990"
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].text == "引言"  # no typed "1\t"
    references = next(p for p in headings if p.text == "参考文献")
    assert references._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val")) == "0"
    with zipfile.ZipFile(submission) as package:
        assert b'w:abstractNumId="990"' in package.read("word/numbering.xml")


def test_submission_docx_puts_first_page_notes_in_a_footnote_and_floats_at_the_end(submission: Path) -> None:
    document = docx.Document(submission)
    with zipfile.ZipFile(submission) as package:
        notes = etree.fromstring(package.read("word/footnotes.xml"))
    texts = ["".join(n.itertext()) for n in notes.iter(qn("w:footnote")) if n.get(qn("w:type")) is None]
    assert len(texts) == 1 and "基金项目" in texts[0] and "通信作者" in texts[0]
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert title._p.find(f".//{qn('w:footnoteReference')}") is not None and "*" not in title.text
    body = document.element.body
    order = [child.tag for child in body]
    last_paragraph_text = max(i for i, p in enumerate(body) if p.tag == qn("w:p") and "".join(p.itertext()).strip().startswith("[1]"))
    assert order.index(qn("w:tbl")) > last_paragraph_text  # the table follows the reference list
    assert all("First Page Note" != p.style.name for p in document.paragraphs)


def test_submission_mode_from_the_command_line_keeps_floats_in_place(base_copy: Path) -> None:
    """``build --docx-mode submission`` without settings: a submission DOCX whose table stands before the references."""
    from toolchain.cli import main

    add_figure_and_table(base_copy)
    out = base_copy / "out"
    assert main(["build", str(base_copy), "--to", "docx", "--lang", "zh", "--docx-mode", "submission", "--no-check", "--out", str(out)]) == 0
    document = docx.Document(out / "zh.docx")
    assert document.sections[0]._sectPr.find(qn("w:lnNumType")) is not None  # line numbers: the submission layout
    body = list(document.element.body)
    first_reference = min(i for i, p in enumerate(body) if p.tag == qn("w:p") and "".join(p.itertext()).strip().startswith("[1]"))
    assert [i for i, child in enumerate(body) if child.tag == qn("w:tbl")][0] < first_reference  # in place (docx-floats = "inline")


def test_a_bad_docx_mode_in_the_settings_is_an_input_error(base_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from toolchain.cli import main

    (base_copy / "pyproject.toml").write_text('[tool.toolchain.build]\ndocx-mode = "manuscript"\n', encoding="utf-8")
    assert main(["build", str(base_copy), "--to", "docx", "--out", str(base_copy / "out")]) == 2
    assert "pyproject.toml:2" in capsys.readouterr().err


def test_column_heading_without_metadata_heading(built_base: Path) -> None:
    headings = [p.text for p in docx.Document(built_base / "zh.docx").paragraphs if p.style.name == "Column Heading"]
    assert headings == ["·综述·"]
