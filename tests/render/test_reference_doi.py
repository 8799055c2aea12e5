"""References print their DOI as a link (PDF link annotation, DOCX hyperlink; JATS <pub-id>), unless the house style omits it."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from .conftest import build_project, configured_base
from .test_jats import parse
from .test_pdf import pdf_text

DOI = "10.1182/blood.2022016867"  # the base project's cited work with a DOI


def link_targets(path: Path) -> list[str]:
    """The URI of every link annotation of a PDF."""
    return [str(annotation.get_object()["/A"]["/URI"]) for page in PdfReader(path).pages for annotation in page.get("/Annots") or []
            if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]]


def docx_links(path: Path) -> dict[str, str]:
    """Text → address of every hyperlink of a DOCX."""
    return {link.text: link.address for paragraph in docx.Document(str(path)).paragraphs for link in paragraph.hyperlinks}


def jats_dois(path: Path) -> list[str]:
    """The DOIs of the JATS reference list."""
    return [node.text for node in parse(path).getroot().iterfind("back/ref-list/ref//pub-id[@pub-id-type='doi']")]


@pytest.fixture(scope="module")
def without_doi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base project built with ``reference-doi = false``."""
    root = configured_base(tmp_path_factory, "no-doi", "[tool.toolchain.build]\nreference-doi = false\n")
    return build_project(root, root.parent / "out")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_references_print_their_doi_as_a_link(built_base: Path, lang: str) -> None:
    assert f"DOI: {DOI}" in pdf_text(built_base / f"{lang}.pdf").replace("\n", "")
    assert f"https://doi.org/{DOI}" in link_targets(built_base / f"{lang}.pdf")
    assert docx_links(built_base / f"{lang}.docx").get(DOI) == f"https://doi.org/{DOI}"
    assert jats_dois(built_base / "article.xml") == [DOI]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_house_style_without_doi_prints_none_and_the_jats_keeps_it(without_doi: Path, lang: str) -> None:
    text = pdf_text(without_doi / f"{lang}.pdf")
    assert DOI not in text.replace("\n", "") and "Blood" in text
    assert not [uri for uri in link_targets(without_doi / f"{lang}.pdf") if "doi.org" in uri]
    paragraphs = "\n".join(p.text for p in docx.Document(str(without_doi / f"{lang}.docx")).paragraphs)
    assert DOI not in paragraphs and "Blood" in paragraphs
    assert not [a for a in docx_links(without_doi / f"{lang}.docx").values() if "doi.org" in a]
    assert jats_dois(without_doi / "article.xml") == [DOI]  # metadata, not print: a JATS reader links it


def test_the_citation_layer_prints_references_as_the_outputs_do(without_doi: Path) -> None:
    """The check and the report print the references without DOI too, and REF011 does not call the DOI lost."""
    from toolchain.check import run_checks
    from toolchain.cite import Citations
    from toolchain.config import load_settings
    from toolchain.load import load_project

    root = without_doi.parent / "project"
    project, settings = load_project(root), load_settings(root)
    assert DOI not in Citations(project, settings).references("zh")["dohner2022"]
    assert DOI in Citations(project, type(settings)()).references("zh")["dohner2022"]
    result = run_checks(project, settings)
    assert "REF011" in result.ran and not [d for d in result.diagnostics if d.rule == "REF011"]
