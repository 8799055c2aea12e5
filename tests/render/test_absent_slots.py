"""Metadata left out prints nothing: no “2024年第卷第期”, “Vol. , No.”, “2024, ():306-311” or empty labels.

The base project is built with no volume, issue or DOI, and with funding and conflict of interest in
Chinese only (as Chinese journals print them); the PDFs, DOCX files and the JATS are read back.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from toolchain.load.metadata import Journal
from toolchain.render.manuscript import cite_as, journal_issue

from .conftest import BASE_PROJECT, build_with_metadata
from .test_pdf import pdf_text

SLOTS = re.compile(r"第卷|卷第期|第期|Vol\. ,|No\. ?[,.]|\(\)|（）|, ,|，，|[:：]\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def built_without(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base project without volume, issue and DOI, funding and COI in Chinese only, built."""
    return build_with_metadata(tmp_path_factory, "absent", (
        ("  volume: 37\n", ""), ("  issue: 5\n", ""), ("  doi: 10.13201/j.issn.1004-2806.2024.05.005\n", ""),
        ("{zh: 国家重点研发计划项目, en: National Key Research and Development Program of China}", "{zh: 国家重点研发计划项目}"),
        ("{zh: 所有作者均声明不存在利益冲突, en: The authors declare no competing interests.}", "{zh: 所有作者均声明不存在利益冲突}")))


def test_issue_and_citation_lines_leave_absent_elements_out() -> None:
    """The issue line and the how-to-cite line of a journal with only some elements."""
    assert journal_issue(Journal(year="2012"), "zh") == "2012年"
    assert journal_issue(Journal(year="2012", issue="3"), "zh") == "2012年第3期"
    assert journal_issue(Journal(year="2012", volume="8"), "en") == "2012, Vol. 8"
    assert journal_issue(Journal(), "en") == ""


def docx_text(path: Path) -> str:
    """Every w:t of the document, one paragraph per line."""
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    return "\n".join("".join(p.itertext()) for p in root.iterfind(".//w:p", ns))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_outputs_print_no_empty_slot(built_without: Path, lang: str) -> None:
    """Neither PDF nor DOCX shows an empty volume, issue, funding or COI slot; the cite line reads “2024:306-311”."""
    for text in (pdf_text(built_without / f"{lang}.pdf"), docx_text(built_without / f"{lang}.docx")):
        flat = re.sub(r"\s+", "", text)
        assert not SLOTS.search(text), SLOTS.search(text)
        assert not re.search(r"DOI[:：](?!10\.)", flat)  # no DOI label without its DOI (the references keep theirs)
        assert "2024:306-311" in flat
        if lang == "en":
            assert "Conflictofinterest" not in flat and "Funding:" not in flat
            assert "leukemia" in flat and "myeloidleukemia*" not in flat  # no funding note, so no star after the title
        else:
            assert "国家重点研发计划项目" in flat and "所有作者均声明不存在利益冲突" in flat


def test_jats_has_no_empty_volume_issue_or_english_funding(built_without: Path) -> None:
    """The JATS leaves out volume and issue, and the English funding statement it has no text for."""
    root = etree.parse(str(built_without / "article.xml")).getroot()
    meta = root.find("front/article-meta")
    assert meta.find("volume") is None and meta.find("issue") is None and meta.find("article-id[@pub-id-type='doi']") is None
    statements = meta.findall("funding-group/funding-statement")
    assert [s.get("{http://www.w3.org/XML/1998/namespace}lang") for s in statements] == [None]
    assert not [e.tag for e in root.iter() if isinstance(e.tag, str) and e.tag in ("p", "institution") and not "".join(e.itertext()).strip()]


def test_cite_line_without_volume_and_issue() -> None:
    """cite_as joins only the elements given: journal, year, volume(issue):pages."""
    from toolchain.load import load_project

    md = load_project(BASE_PROJECT).metadata
    assert cite_as(md, "题", "zh").endswith("临床血液学杂志, 2024, 37(5):306-311.")
    bare = type(md)(**{**{f: getattr(md, f) for f in md.__dataclass_fields__}, "journal": Journal(year="2024")})
    assert cite_as(bare, "题", "zh").endswith("临床血液学杂志, 2024.")
