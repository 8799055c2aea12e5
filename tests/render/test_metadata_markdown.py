"""Markdown in metadata prose (biography, affiliation, funding, COI) prints as italic and bold in every output.

The base project's metadata gets ``*Blood*`` and ``**…**`` in each prose field; the PDFs (text and
fonts by pypdf), the DOCX files (runs by python-docx) and the JATS (parsed, DTD-validated) are read back.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from toolchain.render.jats.validate import validate_file

from .conftest import build_with_metadata
from .test_jats import parse, require_dtd
from .test_pdf import pdf_text, text_fonts

REPLACEMENTS = (
    ("    email: author@example.org\n",
     "    email: author@example.org\n    bio: {zh: 张钰，主任医师，曾在*Blood*发表**白血病**研究, en: ZHANG Yu has published in *Blood* on **leukemia**.}\n"),
    ("en: Department of Hematology, Nanfang Hospital", "en: Department of *Hematology*, Nanfang Hospital"),
    ("en: National Key Research and Development Program of China}", "en: National Key *Research* Program of China}"),
    ("{zh: 所有作者均声明不存在利益冲突, en: The authors declare no competing interests.}",
     "{zh: 所有作者均声明**不存在**利益冲突, en: The authors declare **no** competing interests.}"),
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base project with Markdown in its metadata prose, every output built."""
    return build_with_metadata(tmp_path_factory, "markdown", REPLACEMENTS)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_prints_markdown_as_italic_and_bold(built: Path, lang: str) -> None:
    text = pdf_text(built / f"{lang}.pdf")
    assert "Blood" in text and "*Blood*" not in text and "**" not in text
    chunks = text_fonts(built / f"{lang}.pdf")
    italic = {chunk for chunk, font in chunks if "Italic" in font}
    bold = {chunk for chunk, font in chunks if "Bold" in font or "Sans" in font}
    assert any("Blood" in chunk for chunk in italic), sorted(italic)
    if lang == "en":
        assert {"Hematology", "Research"} <= {word for chunk in italic for word in chunk.split()}, sorted(italic)
        assert any("leukemia" in chunk for chunk in bold) and any(chunk.startswith("no") for chunk in bold), sorted(bold)
    else:
        assert any("白血病" in chunk for chunk in bold) and any("不存在" in chunk for chunk in bold), sorted(bold)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_docx_prints_markdown_as_italic_and_bold(built: Path, lang: str) -> None:
    runs = [run for paragraph in docx.Document(str(built / f"{lang}.docx")).paragraphs for run in paragraph.runs]
    assert not any("*" in run.text and "Blood" in run.text for run in runs) and not any("**" in run.text for run in runs)
    italic = {run.text.strip() for run in runs if run.italic}
    bold = {run.text.strip() for run in runs if run.bold}
    assert "Blood" in italic, sorted(italic)
    if lang == "en":
        assert {"Hematology", "Research"} <= italic and {"leukemia", "no"} <= bold, (sorted(italic), sorted(bold))
    else:
        assert {"白血病", "不存在"} <= bold, sorted(bold)


def test_jats_marks_markdown_as_italic_and_bold_and_stays_valid(built: Path) -> None:
    root = parse(built / "article.xml").getroot()
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    bios = {bio.get(xml_lang): bio.find("p") for bio in root.iterfind("front/article-meta/contrib-group/contrib/bio")}
    assert bios["zh"].findtext("italic") == "Blood" and bios["zh"].findtext("bold") == "白血病"
    assert bios["en"].findtext("italic") == "Blood" and bios["en"].findtext("bold") == "leukemia"
    assert "".join(bios["en"].itertext()) == "ZHANG Yu has published in Blood on leukemia."
    # <institution> takes no emphasis in Journal Publishing: the words stay, the asterisks go
    institutions = ["".join(i.itertext()) for i in root.iterfind(".//aff[@{http://www.w3.org/XML/1998/namespace}lang='en']//institution")]
    assert "Department of Hematology" in institutions
    funder = root.find(".//funding-source//institution[@{http://www.w3.org/XML/1998/namespace}lang='en']")
    assert funder.text == "National Key Research Program of China" and not len(funder)
    assert [s.findtext("italic") for s in root.iterfind(".//funding-statement")] == [None, "Research"]
    assert [fn.findtext("p/bold") for fn in root.iterfind(".//author-notes/fn")] == ["不存在", "no"]
    prose = [e for tag in ("bio", "institution", "funding-statement", "fn") for e in root.iter(tag)]
    assert prose and not [e.tag for e in prose if "*" in "".join(e.itertext())]
    report = validate_file(built / "article.xml", require_dtd())
    assert report.count("DTD", "error") == 0 and report.count("PMC", "error") == 0 and report.ok, report.lines()
