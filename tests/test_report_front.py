"""The report's front-matter section: metadata.yaml side by side in both languages, its findings in place."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from tests.test_report_html import chromium, needs_chromium
from toolchain.check import run_checks
from toolchain.config import Settings
from toolchain.load import load_project
from toolchain.report.html import render_report

REPO = Path(__file__).resolve().parent.parent


def fields(row: lxml_html.HtmlElement, lang: str) -> list[tuple[str, str]]:
    """(label, value) of each field on one side of a front-matter row."""
    return [(f.cssselect(".key")[0].text_content(), f.cssselect(".value")[0].text_content()) for f in row.cssselect(f".cell.{lang} .field")]


def rows(tree: lxml_html.HtmlElement) -> dict[str, lxml_html.HtmlElement]:
    """The section's rows by label."""
    return {r.cssselect(".label")[0].text_content(): r for r in tree.cssselect("#front-matter .row")}


def test_front_matter_of_our_article_in_both_languages() -> None:
    """Authors with pinyin, affiliations, funding with award numbers, COI, DOI, CLC code and dates, zh beside en."""
    project = load_project(REPO)
    tree = lxml_html.fromstring(render_report(project, run_checks(project, Settings(select=("META",)))))
    found = rows(tree)
    assert list(found)[:3] == ["Journal", "Article", "Dates"]
    metadata = project.metadata
    for number, author in enumerate(metadata.authors, 1):
        zh, en = dict(fields(found[f"Author {number}"], "zh")), dict(fields(found[f"Author {number}"], "en"))
        assert zh["姓名"] == author.name.zh and en["Name"] == author.name.en
        assert zh["拼音"] == author.name.en  # the pinyin of the Chinese name, beside the English form to compare
    assert dict(fields(found["Author 1"], "zh"))["通信作者"] == "是" and "Biography" in dict(fields(found["Author 1"], "en"))
    affiliation = metadata.affiliations[0]
    assert dict(fields(found[f"Affiliation {affiliation.id}"], "zh"))["名称"] == affiliation.name.zh
    assert dict(fields(found[f"Affiliation {affiliation.id}"], "en"))["Name"] == affiliation.name.en
    funding = fields(found["Funding 1"], "en")
    assert [value for label, value in funding if label == "Award numbers"] == list(metadata.funding[0].awards)
    assert dict(funding)["Programme"] == metadata.funding[0].name.en
    assert dict(fields(found["Conflict of interest"], "zh"))["声明"] == metadata.conflict_of_interest.zh
    assert dict(fields(found["Conflict of interest"], "en"))["Statement"] == metadata.conflict_of_interest.en
    article_zh, article_en = dict(fields(found["Article"], "zh")), dict(fields(found["Article"], "en"))
    assert article_zh["DOI"] == article_en["DOI"] == metadata.article.doi
    assert article_zh["中图分类号"] == article_en["CLC number"] == metadata.article.clc
    assert dict(fields(found["Dates"], "zh"))["收稿日期"] == dict(fields(found["Dates"], "en"))["Received"] == metadata.article.received
    assert dict(fields(found["Journal"], "en"))["Pages"] == f"{metadata.journal.fpage}–{metadata.journal.lpage}"


def test_front_matter_findings_sit_in_their_row(base_copy: Path) -> None:
    """A comma in a Chinese biography is marked on the comma; a missing English affiliation and a missing DOI get their row's card."""
    path = base_copy / "manuscript" / "metadata.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  doi: 10.13201/j.issn.1004-2806.2024.05.005\n", "")
    text = text.replace("    en: Department of Hematology, Nanfang Hospital, Southern Medical University\n", "")
    text = text.replace("    email: author@example.org\n", "    email: author@example.org\n    bio:\n      zh: 张钰,副主任医师。\n"
                                                                "      en: ZHANG Yu, associate chief physician.\n")
    path.write_text(text, encoding="utf-8")
    project = load_project(base_copy)
    result = run_checks(project, Settings())
    tree = lxml_html.fromstring(render_report(project, result))
    found = rows(tree)
    on_metadata = {n: d for n, d in enumerate(result.diagnostics, 1) if d.location.file == project.metadata.path}
    assert {d.rule for d in on_metadata.values()} >= {"ZH001", "META003", "META016"}
    where = {}
    for number, diagnostic in on_metadata.items():
        card = tree.get_element_by_id(f"d{number}")
        row = next(a for a in card.iterancestors() if "row" in (a.get("class") or "").split())
        assert row.getparent().get("id") == "front-matter", (diagnostic.rule, diagnostic.message)
        where.setdefault(diagnostic.rule, set()).add(row.cssselect(".label")[0].text_content())
    assert "Affiliation nfh" in where["META003"] and "Article" in where["META016"]
    comma = next(n for n, d in on_metadata.items() if d.rule == "ZH001")
    mark = tree.get_element_by_id(f"m{comma}")
    assert mark.text_content() == "," and mark in found["Author 1"].cssselect(".cell.zh .field-bio .dm")
    assert not {f.get("id") for f in tree.cssselect("#elsewhere .finding")} & {f"d{n}" for n in on_metadata}


@needs_chromium
def test_only_rows_with_findings_hides_clean_front_matter_rows(base_copy: Path, tmp_path: Path) -> None:
    """``?only=1`` keeps the front-matter rows that carry a finding and hides the others, as in the body."""
    path = base_copy / "manuscript" / "metadata.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  doi: 10.13201/j.issn.1004-2806.2024.05.005\n", ""), encoding="utf-8")
    project = load_project(base_copy)
    report = tmp_path / "report.html"
    report.write_text(render_report(project, run_checks(project, Settings())), encoding="utf-8")
    dom = lxml_html.fromstring(chromium(tmp_path, report.as_uri() + "?only=1", "--dump-dom").stdout)
    hidden = {r.cssselect(".label")[0].text_content(): r.get("hidden") is not None for r in dom.cssselect("#front-matter .row")}
    assert hidden["Article"] is False and hidden["Conflict of interest"] is True
