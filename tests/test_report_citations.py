"""The report's citation-context view: each citing sentence, zh beside en, with the records of its works and its CITE findings."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from lxml import html as lxml_html

from tests.test_report_html import chromium, needs_chromium
from toolchain.check.claims import pattern
from toolchain.cli import main
from toolchain.load import load_project
from toolchain.report.html.citations import excerpt

REPO = Path(__file__).resolve().parent.parent
FAITHFUL = REPO / "tests" / "projects" / "seed-faithful"


def report(project: Path, out: Path) -> lxml_html.HtmlElement:
    """The report the command writes for ``project``, parsed."""
    assert main(["report", str(project), "--out", str(out)]) in (0, 1)
    return lxml_html.fromstring(out.read_text(encoding="utf-8"))


def context_of(tree: lxml_html.HtmlElement, lang: str, words: str) -> lxml_html.HtmlElement:
    """The one context block whose sentence in ``lang`` holds ``words``."""
    found = [c for c in tree.cssselect("#citations .ctx") if words in c.cssselect(f".ctx-sentences .cell.{lang}")[0].text_content()]
    assert len(found) == 1, [c.text_content()[:80] for c in found]
    return found[0]


def test_seed_sorafenib_sentence_shows_its_works_terms_and_finding(tmp_path: Path) -> None:
    """The monotherapy sentence citing [7-8] shows both works, its CITE003 warning; a maintenance group marks FLT3 in its records."""
    project = tmp_path / "seed"
    shutil.copytree(FAITHFUL, project)
    tree = report(project, tmp_path / "report.html")
    entries = load_project(project).bibliography.by_key
    block = context_of(tree, "zh", "前期研究")
    works = {w.get("data-key"): w for w in block.cssselect(".work")}
    assert set(works) == {"frohling2002", "stone2017"}
    for key, work in works.items():
        assert work.cssselect(".title")[0].text_content() == entries[key].fields["title"].strip("{}")
        assert re.fullmatch(r"\[\d+\]", work.cssselect(".num")[0].text_content())
        assert work.cssselect(".year")[0].text_content() == entries[key].fields["year"]
        assert "no abstract" in work.cssselect(".scope")[0].text_content()
        assert not work.cssselect("mark.subj")  # the point of the warning: sorafenib is in neither record
    assert [m.text_content() for m in block.cssselect(".ctx-sentences .cell.zh mark.subj")][:1] == ["索拉非尼"]
    marked = block.cssselect(".ctx-sentences .cell.zh .dm.sev-warning")
    assert [m.text_content() for m in marked] == ["索拉非尼"] and marked[0].get("title").startswith("CITE003: sorafenib")
    findings = block.cssselect(".ctx-finding")
    assert [f.cssselect(".rule")[0].text for f in findings] == ["CITE003"]
    assert "sorafenib: in none of the cited works" in findings[0].text_content()
    assert tree.get_element_by_id(findings[0].cssselect(".rule")[0].get("href")[1:]) is not None  # the card in the text
    group = context_of(tree, "zh", "维持治疗可以显著降低复发")
    assert "CITE004" in [f.cssselect(".rule")[0].text for f in group.cssselect(".ctx-finding")]
    marked = {w.get("data-key"): [m.text for m in w.cssselect("mark.subj")] for w in group.cssselect(".work")}
    assert len(marked) == 5 and all(any(t.casefold().startswith(("flt3", "fms-like")) for t in terms) for terms in marked.values())


def test_pairs_zh_with_en_and_escapes_the_record(base_copy: Path, tmp_path: Path) -> None:
    """The aligned English sentence stands beside the Chinese one; a title with markup is text; an abstract is shown, its term marked."""
    bib = base_copy / "bib" / "references.bib"
    text = bib.read_text(encoding="utf-8")
    text = text.replace("title = {Sorafenib maintenance in patients", "title = {<script>alert(1)</script> Sorafenib maintenance in patients")
    abstract = "  abstract = {Patients were assigned to sorafenib or no maintenance & followed.},\n"
    text = text.replace("  langid = {english},\n}", "  langid = {english},\n" + abstract + "}", 2)
    bib.write_text(text, encoding="utf-8")
    tree = report(base_copy, tmp_path / "report.html")
    block = context_of(tree, "zh", "可用于AML的维持治疗")
    assert "Sorafenib, a multikinase inhibitor" in block.cssselect(".ctx-sentences .cell.en")[0].text_content()
    assert not tree.cssselect("#citations script")
    work = next(w for w in block.cssselect(".work") if w.get("data-key") == "xuan2020")
    assert work.cssselect(".title")[0].text_content().startswith("<script>alert(1)</script>")
    assert work.cssselect(".scope")[0].text_content() == "abstract in its record"
    record = work.cssselect(".record")[0]
    assert "no maintenance & followed" in record.text_content()
    assert "sorafenib" in [m.text for m in record.cssselect("mark.subj")]


def test_record_excerpt_is_bounded() -> None:
    """A megabyte record is shown as a few windows around its terms, so the view grows with the citations only."""
    record = ("word " * 200_000) + "sorafenib " + ("word " * 200_000)
    shown = excerpt(record, pattern(("sorafenib",)))
    assert '<mark class="subj">sorafenib</mark>' in shown and len(shown) < 1000
    assert len(excerpt(record, pattern(("gilteritinib",)))) < 400


def test_verified_record_abstract_and_types_are_shown(tmp_path: Path) -> None:
    """A matched lock record's abstract is the record shown, its terms marked; its type Review makes the finding a review's."""
    project = tmp_path / "seed-bib"
    shutil.copytree(REPO / "tests" / "projects" / "seed-bib", project)
    lock = project / "bib" / "references.lock.json"
    data = json.loads(lock.read_text(encoding="utf-8"))
    fields = data["records"]["antar2020"]["fields"]
    fields["abstract"], fields["types"] = "We review sorafenib, midostaurin and gilteritinib in AML.", ["Journal Article", "Review"]
    lock.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tree = report(project, tmp_path / "report.html")
    block = context_of(tree, "zh", "最初报道")
    work = next(w for w in block.cssselect(".work") if w.get("data-key") == "antar2020")
    assert [s.text_content() for s in work.cssselect(".scope")] == ["abstract in its record", "with the verified record"]
    assert "Review" in work.cssselect(".type")[0].text_content()
    assert "sorafenib" in [m.text_content() for m in work.cssselect(".record mark.subj")]
    assert "a review or guideline" in block.cssselect(".ctx-finding .msg")[0].text_content()


@needs_chromium
def test_filters_hide_context_blocks_without_shown_findings(tmp_path: Path) -> None:
    """``only=1`` keeps the sentences with a CITE finding; ticking off the CITE family hides every block."""
    project = tmp_path / "seed"
    shutil.copytree(FAITHFUL, project)
    report(project, tmp_path / "report.html")
    url = (tmp_path / "report.html").as_uri()
    with_findings = len([c for c in lxml_html.fromstring((tmp_path / "report.html").read_text(encoding="utf-8")).cssselect("#citations .ctx")
                         if c.cssselect(".ctx-finding")])
    shown = lxml_html.fromstring(chromium(tmp_path, url + "?only=1", "--dump-dom").stdout)
    blocks = shown.cssselect("#citations .ctx")
    assert with_findings == 6 and len([b for b in blocks if b.get("hidden") is None]) == with_findings
    assert shown.get("data-hidden-contexts") == str(len(blocks) - with_findings)
    none = lxml_html.fromstring(chromium(tmp_path, url + "?only=1&family=REF", "--dump-dom").stdout)
    assert all(b.get("hidden") is not None for b in none.cssselect("#citations .ctx"))


def test_huge_record_keeps_the_section_small(base_copy: Path, tmp_path: Path) -> None:
    """A 1 MB abstract and a 100 kB title cited three times add a few kB per citation, not the record each time."""
    bib = base_copy / "bib" / "references.bib"
    text = bib.read_text(encoding="utf-8")
    text = text.replace("title = {Sorafenib maintenance in patients", "title = {" + "long " * 20_000 + "Sorafenib maintenance in patients")
    text = text.replace("  langid = {english},\n}", "  langid = {english},\n  abstract = {" + "sorafenib and more words " * 40_000 + "},\n}", 2)
    bib.write_text(text, encoding="utf-8")
    tree = report(base_copy, tmp_path / "report.html")
    section = lxml_html.tostring(tree.get_element_by_id("citations"))
    works = tree.cssselect("#citations .work")
    assert len(works) >= 3 and len(section) < 4_000 * len(works)
