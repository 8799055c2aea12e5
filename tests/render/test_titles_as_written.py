"""Every title of our article's references printed exactly as references.bib writes it (GB/T 7714 changes no case)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from tests.render.test_pdf import pdf_text
from toolchain.cite.csl_items import as_written
from toolchain.load import load_project

REPO = Path(__file__).resolve().parents[2]
STRAIGHT = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00ad": None})


def squeezed(text: str) -> str:
    """Text without white space and soft hyphens, quotes straight (line breaks differ between outputs)."""
    return "".join(text.split()).translate(STRAIGHT)


def titles() -> dict[str, str]:
    """Key → title as written, for every entry cited in zh.md."""
    project = load_project(REPO)
    cited = {c.key for c in project.zh.citations}
    return {e.key: as_written(e.fields["title"]) for e in project.bibliography.entries if e.key in cited and e.fields.get("title")}


def test_titles_keep_their_case_in_docx_and_jats(built_article: Path) -> None:
    wanted = titles()
    assert len(wanted) > 20
    document = zipfile.ZipFile(built_article / "zh.docx").read("word/document.xml")
    docx = squeezed("".join(etree.fromstring(document).itertext()))
    jats = squeezed("".join(etree.parse(str(built_article / "article.xml")).getroot().find("back").itertext()))
    for name, text in (("zh.docx", docx), ("article.xml", jats)):
        missing = [f"{key}: {title}" for key, title in wanted.items() if squeezed(title) not in text]
        assert not missing, f"{name} changes or loses these titles:\n" + "\n".join(missing)


def test_capitals_inside_titles_reach_the_pdf(built_article: Path) -> None:
    """The PDF's two columns interleave in its text: each word of a title holding a capital after its first letter, or
    a capital after the title's first word, is looked up on its own (hyphens and line breaks removed)."""
    pdf = squeezed(pdf_text(built_article / "zh.pdf")).replace("-", "")
    words = {word.strip(".,:;()[]") for title in titles().values() for word in title.split()[1:]}
    cased = sorted(w for w in words if any(c.isupper() for c in w) and w.isascii())
    assert len(cased) > 20
    missing = [w for w in cased if squeezed(w).replace("-", "") not in pdf]
    assert not missing, missing
