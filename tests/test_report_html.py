"""The HTML report: rows as aligned, findings in place, terms coloured, references cited; in a real browser."""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.test_report import checked, make_findings_project
from toolchain.check import CheckResult
from toolchain.cite import Citations
from toolchain.cli import main
from toolchain.config import Settings
from toolchain.load import Project, load_project
from toolchain.report.html import render_report
from toolchain.report.html.rows import build_rows

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHINESE_ENTRY = """
@article{zhangyu2016,
  author = {张钰 and 李明 and 王芳 and 赵强},
  title = {索拉非尼联合化疗治疗复发难治急性髓系白血病},
  journal = {中华血液学杂志},
  year = {2016},
  volume = {37},
  number = {2},
  pages = {110--114},
  langid = {chinese},
  title-en = {Sorafenib combined with chemotherapy for relapsed or refractory acute myeloid leukemia},
  author-en = {Zhang, Yu and Li, Ming and Wang, Fang and Zhao, Qiang},
  journal-en = {Chinese Journal of Hematology},
}
"""


@pytest.fixture
def report_project(base_copy: Path) -> Path:
    """The findings project, plus a Chinese reference cited in both languages and some raw Markdown."""
    root = make_findings_project(base_copy)
    (root / "bib" / "references.bib").write_text((root / "bib" / "references.bib").read_text(encoding="utf-8") + CHINESE_ENTRY, encoding="utf-8")
    additions = {"zh": ("是成人最常见的急性白血病", "<b>&</b>，FLT3-ITD^+^患者预后差[@zhangyu2016]"),
                 "en": ("is the most common acute leukemia in adults", " <b>&</b>, with a poor outlook in FLT3-ITD^+^ patients [@zhangyu2016]")}
    for lang, (old, added) in additions.items():
        path = root / "manuscript" / f"{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").replace(old, old + added), encoding="utf-8")
    return root


@dataclass(frozen=True)
class Rendered:
    """A rendered report with what it was made from."""

    text: str
    tree: object
    project: Project
    result: CheckResult


@pytest.fixture
def page(report_project: Path) -> Rendered:
    """The rendered report, its parsed tree, the project and the check result."""
    project, result = checked(report_project)
    text = render_report(project, result)
    return Rendered(text, lxml_html.fromstring(text), project, result)


def by_id(tree, identifier: str):
    """The element with an id (asserting it exists)."""
    found = tree.get_element_by_id(identifier, None)
    assert found is not None, identifier
    return found


def test_rows_pair_units_in_reading_order_and_show_the_unpaired_one(page) -> None:
    """Title, abstract, keywords, then each heading and its paragraphs; an unpaired paragraph gets an empty side."""
    tree = page.tree
    rows = tree.cssselect("#text .row[id]")
    assert [r.get("id") for r in rows] == [f"r{n}" for n in range(1, 9)]
    assert [r.cssselect(".label")[0].text_content() for r in rows] == [
        "Title", "Abstract ¶1", "Keywords", "§1", "§1 ¶1", "§2", "§2 ¶1", "§2 ¶2"]
    for row in rows:
        assert len(row.cssselect(".cell.zh")) == len(row.cssselect(".cell.en")) == 1
    assert "no counterpart" in rows[-1].cssselect(".cell.zh")[0].text_content()
    assert "An additional English paragraph" in rows[-1].cssselect(".cell.en")[0].text_content()
    assert "unpaired" in rows[-1].get("class")


def test_findings_sit_at_their_place_with_rule_message_and_severity(page) -> None:
    """A card in the cell of the finding's language; a mark on the very characters; the related side linked."""
    tree = page.tree
    result = page.result
    for n, d in enumerate(result.diagnostics, 1):
        card = by_id(tree, f"d{n}")
        assert card.get("data-sev") == d.severity.value and d.rule in card.text_content() and d.message in card.text_content()
    numbers = {d.rule: n for n, d in enumerate(result.diagnostics, 1)}
    unresolved = by_id(tree, f"m{numbers['REF001']}")
    assert unresolved.text_content() == "@nobody2021" and "sev-error" in unresolved.get("class")
    cell = by_id(tree, f"d{numbers['REF001']}").getparent().getparent()
    assert "zh" in cell.get("class").split() and "@nobody2021" in cell.text_content()
    assert by_id(tree, f"m{numbers['SRC003']}").text_content() == "<U+200B>"
    unpaired = by_id(tree, f"d{numbers['ALIGN002']}")
    assert unpaired.getparent().getparent().get("class").split()[1] == "en"
    related = unpaired.cssselect("a.related")[0].get("href")[1:]
    assert by_id(tree, related).text_content().startswith("X")  # the first character of the zh paragraph
    assert by_id(tree, related).xpath("ancestor::div[contains(@class, 'cell')]")[0].get("class").split()[1] == "zh"
    unused = by_id(tree, f"d{numbers['REF002']}")
    assert unused.xpath("ancestor::div[contains(@class, 'ref')]")[0].get("id") == "ref-unused2019"
    filters = {box.get("value") for box in tree.cssselect(".toolbar input[name=family]")}
    assert filters == {d.rule.rstrip("0123456789") for d in result.diagnostics}


def test_glossary_terms_share_one_colour_per_term_in_both_languages(page) -> None:
    """索拉非尼 and sorafenib (any case) carry the same class, and that class has a colour."""
    text = page.text
    tree = page.tree
    project = page.project
    number = next(i for i, term in enumerate(project.glossary.terms) if term.en == "sorafenib")
    zh = {t.text_content() for t in tree.cssselect(f".cell.zh .term.t{number}")}
    en = {t.text_content() for t in tree.cssselect(f".cell.en .term.t{number}")}
    assert zh == {"索拉非尼"} and en == {"sorafenib", "Sorafenib"}
    assert re.search(rf"\.t{number}\{{background:hsl\(", text)
    aml = next(i for i, term in enumerate(project.glossary.terms) if term.abbr == "AML")
    assert {"AML", "急性髓系白血病"} <= {t.text_content() for t in tree.cssselect(f".cell.zh .term.t{aml}")}
    assert {"AML", "acute myeloid leukemia", "Acute myeloid leukemia"} <= {t.text_content() for t in tree.cssselect(f".cell.en .term.t{aml}")}
    colours = set(re.findall(r"\.t\d+\{background:(hsl\([^)]*\))", text))
    assert len(colours) == len(re.findall(r"\.t\d+\{", text))  # one distinct colour per term
    legend_terms = {row.get("data-term") for row in tree.cssselect("#glossary tr[data-term]")}
    assert str(number) in legend_terms


def test_citations_link_to_the_reference_list_and_back(page) -> None:
    """Chips point at entries; each entry lists the places citing it; a Chinese work shows its English version in en."""
    tree = page.tree
    chips = tree.cssselect("a.cite")
    assert {c.get("data-key") for c in chips} >= {"xuan2020", "dohner2022", "nobody2021", "zhangyu2016"}
    for chip in chips:
        by_id(tree, chip.get("href")[1:])
    for link in tree.cssselect("#references .cited a"):
        target = by_id(tree, link.get("href")[1:])
        assert target.get("class").startswith("cite")
    assert "missing" in tree.cssselect('a.cite[data-key="nobody2021"]')[0].get("class")
    chinese = by_id(tree, "ref-zhangyu2016")
    zh_text = chinese.cssselect(".cell.zh")[0].text_content()
    en_text = chinese.cssselect(".cell.en")[0].text_content()
    assert "张钰" in zh_text and "索拉非尼联合化疗治疗复发难治急性髓系白血病" in zh_text and "等" in zh_text
    assert "Sorafenib combined with chemotherapy" in en_text and "(in Chinese)" in en_text and "等" not in en_text
    assert not re.search(r"\[\d+\]\s*\[\d+\]", chinese.text_content())  # the style's own number is not doubled
    assert "not cited" in by_id(tree, "ref-unused2019").text_content()
    numbers = [n.text_content() for n in tree.cssselect("#references .cell.zh .num")]
    assert numbers[:3] == ["[1]", "[2]", "[3]"]  # numbered by first citation in the zh text


def test_report_prints_each_reference_as_the_outputs_do() -> None:
    """The report's reference texts are the citation layer's (an organisation as written, not in capitals)."""
    from toolchain.report.html import references

    project = load_project(REPO / "tests" / "projects" / "seed-bib")
    cite = Citations(project, Settings())
    built = {r.key: r for r in references.build_references(cite)}
    for lang in ("zh", "en"):
        for key, text in cite.references(lang).items():
            assert text.endswith(built[key].text[lang]) and not built[key].text[lang].startswith("[")
    nccn = next(r for r in built.values() if r.entry and "Network" in r.entry.fields.get("author", ""))
    assert nccn.text["zh"].startswith("National Comprehensive Cancer Network.") and "NETWORK" not in nccn.text["zh"]


def test_markdown_is_escaped_and_the_page_is_self_contained(page) -> None:
    """Raw HTML in the manuscript shows as text; ^+^ is a superscript; nothing is fetched from anywhere."""
    text = page.text
    tree = page.tree
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in text and "<b>&</b>" not in text
    assert tree.cssselect(".cell.zh sup")[0].text_content() == "+"
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#)""", text)
    assert not re.search(r"@import|url\(|<link\b|<iframe\b|<img\b", text)
    assert text.count("<script>") == 1 and "<style>" in text


def test_report_of_our_article(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """``report`` on our article: one row per aligned unit, every cited key a chip with an entry."""
    out = tmp_path / "report.html"
    assert main(["report", str(REPO), "--out", str(out)]) == 0
    assert re.match(r"  wrote .*report\.html  \(\d+\.\d kB, \d+\.\d\d s\); ", capsys.readouterr().err)
    project = load_project(REPO)
    tree = lxml_html.fromstring(out.read_text(encoding="utf-8"))
    assert len(tree.cssselect("#text .row[id]")) == len(build_rows(project))
    cited = {c.key for lang in ("zh", "en") for c in project.document(lang).citations}
    assert {c.get("data-key") for c in tree.cssselect("a.cite")} == cited
    entries = {e.key for e in project.bibliography.entries}
    assert {r.get("id")[4:] for r in tree.cssselect("#references .row")} == entries | cited
    assert len(tree.cssselect("#glossary tr[data-term]")) >= 10
    for lang in ("zh", "en"):  # an organisation prints as written, as in the PDF (GB/T 7714-2025), not in capitals
        nccn = by_id(tree, "ref-nccn2023").cssselect(f".cell.{lang}")[0].text_content()
        assert "National Comprehensive Cancer Network" in nccn and "NATIONAL" not in nccn
        assert any(a.get("data-key") == "nccn2023" and a.get("title").startswith("@nccn2023: National Comprehensive Cancer Network")
                   for a in tree.cssselect(f".cell.{lang} a.cite"))


def test_report_out_directory_takes_the_report_inside(base_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """``report --out build`` (a directory, as ``build`` takes it) writes build/report.html."""
    out = tmp_path / "out"
    out.mkdir()
    assert main(["report", str(base_copy), "--out", str(out)]) == 0
    assert lxml_html.fromstring((out / "report.html").read_text(encoding="utf-8")).cssselect("#text .row[id]")


def test_report_never_writes_into_the_sources(base_copy: Path, capsys: pytest.CaptureFixture) -> None:
    """``--out`` inside manuscript/ is refused with exit 2 and a message, like ``build``."""
    assert main(["report", str(base_copy), "--out", str(base_copy / "manuscript" / "report.html")]) == 2
    assert "manuscript/" in capsys.readouterr().err
    assert not (base_copy / "manuscript" / "report.html").exists()


# --- in a browser ----------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed (apt-get install chromium)")


def fonts_config(tmp_path: Path) -> Path:
    """A fontconfig file adding the CJK font the project installs from PyPI, so the Chinese column renders."""
    import pylopdf_fonts_zh_cn

    directory = Path(pylopdf_fonts_zh_cn.__file__).resolve().parent
    config = tmp_path / "fonts.conf"
    config.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{directory}</dir>
<cachedir>{tmp_path / 'fontcache'}</cachedir></fontconfig>""", encoding="utf-8")
    return config


def chromium(tmp_path: Path, url: str, *flags: str) -> subprocess.CompletedProcess:
    """Run headless Chromium on a page with logging of console messages to stderr."""
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
               "--enable-logging=stderr", "--v=0", "--window-size=1400,2000", *flags, url]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FONTCONFIG_FILE": str(fonts_config(tmp_path))}
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)


def console_problems(stderr: str) -> list[str]:
    """Console messages and uncaught exceptions in Chromium's log (the report logs nothing)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def dom_attributes(dom: str) -> dict[str, str]:
    """The attributes the report's script writes on <html>."""
    opening = re.search(r"<html\b[^>]*>", dom)
    assert opening, dom[:300]
    return dict(re.findall(r'\s(data-[\w-]+)="([^"]*)"', opening.group()))


@needs_chromium
def test_report_in_chromium_loads_aligns_filters_and_screenshots(page, tmp_path: Path) -> None:
    """No console error; every row's zh and en cells share their top; a query pre-filters; a screenshot."""
    text = page.text
    project = page.project
    result = page.result
    report = tmp_path / "report.html"
    report.write_text(text, encoding="utf-8")
    loaded = chromium(tmp_path, report.as_uri(), "--dump-dom")
    assert console_problems(loaded.stderr) == []
    attributes = dom_attributes(loaded.stdout)
    assert "data-js-error" not in attributes
    assert attributes["data-ready"] == "1"
    assert attributes["data-rows"] == str(len(build_rows(project))) and attributes["data-misaligned"] == "0"
    assert attributes["data-shown-findings"] == str(len(result.diagnostics))

    filtered = chromium(tmp_path, report.as_uri() + "?severity=error&only=1", "--dump-dom")
    attributes = dom_attributes(filtered.stdout)
    assert attributes["data-shown-findings"] == str(result.errors)
    assert int(attributes["data-hidden-rows"]) >= 4  # rows without an error finding are hidden
    dom = lxml_html.fromstring(filtered.stdout)
    assert all(card.get("hidden") is not None for card in dom.cssselect(".finding.sev-warning"))
    assert all(card.get("hidden") is None for card in dom.cssselect(".finding.sev-error"))

    shot = tmp_path / "report.png"
    chromium(tmp_path, report.as_uri(), f"--screenshot={shot}", "--hide-scrollbars")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert struct.unpack(">II", data[16:24]) == (1400, 2000)


@needs_chromium
def test_chromium_checks_would_catch_a_broken_page(page, tmp_path: Path) -> None:
    """The detectors are real: a script error is logged, a shifted column is reported misaligned."""
    text = page.text
    broken = tmp_path / "broken.html"
    broken.write_text(text.replace("</body>", "<script>undefinedFunction();</script></body>"), encoding="utf-8")
    assert any("Uncaught ReferenceError" in line for line in console_problems(chromium(tmp_path, broken.as_uri(), "--dump-dom").stderr))
    shifted = tmp_path / "shifted.html"
    shifted.write_text(text.replace("</style>", "#r5 .cell.en { margin-top: 40px; }</style>"), encoding="utf-8")
    attributes = dom_attributes(chromium(tmp_path, shifted.as_uri(), "--dump-dom").stdout)
    assert attributes["data-misaligned"] == "1" and attributes["data-misaligned-rows"] == "r5"



@pytest.mark.parametrize("csl", ["gb-t-7714-2025-numeric", "gb-t-7714-2015-numeric"])
def test_citation_chips_show_the_numbers_the_pdf_prints(tmp_path: Path, csl: str) -> None:
    """Each group reads as Pandoc renders it for the PDF (ranges, pairs, sorted numbers, the author before @key); keys on hover."""
    from tests.render.test_citation_marks import marks, project

    root = project(tmp_path, "甲[@a1]。乙[@b2; @c3]。丙[@a1; @b2; @c3; @d4]。丁[@e5; @c3]。@b2 指出。")
    printed = marks(root, csl, tmp_path)  # what the PDF prints
    zh = root / "manuscript" / "zh.md"
    zh.write_text(zh.read_text(encoding="utf-8") + "\n戊[@a1; @nobody]。\n", encoding="utf-8")  # a key without entry stops a build
    loaded = load_project(root)
    settings = Settings(csl=csl)
    tree = lxml_html.fromstring(render_report(loaded, checked(root)[1], Citations(loaded, settings)))
    body = " ".join(cell.text_content() for cell in tree.cssselect("#text .cell.zh .text"))
    shown = re.findall(r"(?:Smith)?\[[^\]]*\]", body)
    assert shown == [*printed, "[1,@nobody]"]
    assert printed[3] == "[3,5]" and printed[4] == "Smith[2]"  # sorted, and the in-text author
    chips = tree.cssselect(".cell.zh a.cite")
    assert all(chip.get("title").startswith(f"@{chip.get('data-key')}: ") for chip in chips)
    assert {chip.get("data-key") for chip in chips if chip.text_content() == "3"} == {"c3"}
    for chip in chips:  # every chip, visible or inside a range, links to its reference
        assert chip.get("href") == f"#ref-{chip.get('data-key')}" and by_id(tree, chip.get("href")[1:]) is not None


def test_citation_chips_wrap_inside_their_column() -> None:
    """No rule of the report's style keeps a citation group or a chip on one line."""
    from toolchain.report.html import template

    style = template("report.css")
    rules = re.findall(r"([^{}]*)\{([^}]*)\}", style)
    assert not [selector for selector, body in rules if re.search(r"\.cite(?:-group)?\b(?!d)", selector) and "nowrap" in body]
    assert any("cite-group" in selector and "overflow-wrap: anywhere" in body for selector, body in rules)


OVERFLOW_PROBE = """<script>
var out = 0;
document.querySelectorAll("#text .row").forEach(function (row) {
  var zh = row.querySelector(".cell.zh"), en = row.querySelector(".cell.en"), limit = row.getBoundingClientRect().right;
  if (!zh || !en) { return; }
  var border = en.getBoundingClientRect().left;
  if (zh.getBoundingClientRect().right > border + 1) { out += 1; }
  zh.querySelectorAll("a.cite").forEach(function (c) { if (c.getBoundingClientRect().right > border + 1) { out += 1; } });
  en.querySelectorAll("a.cite").forEach(function (c) { if (c.getBoundingClientRect().right > limit + 1) { out += 1; } });
});
document.documentElement.setAttribute("data-chips-outside", String(out));
</script></body>"""


@needs_chromium
def test_long_citation_groups_wrap_inside_their_column_in_chromium(report_project: Path, tmp_path: Path) -> None:
    """A group of forty unresolved keys (each chip shows its key) stays inside its column; the probe sees a group kept on one line."""
    group = "[" + "; ".join(f"@unresolvedreference{n:02d}" for n in range(40)) + "]"
    for lang in ("zh", "en"):
        path = report_project / "manuscript" / f"{lang}.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\n{'长组引用' if lang == 'zh' else 'A long group'}{group}。\n", encoding="utf-8")
    project, result = checked(report_project)
    text = render_report(project, result).replace("</body>", OVERFLOW_PROBE)
    report = tmp_path / "report.html"
    report.write_text(text, encoding="utf-8")
    assert dom_attributes(chromium(tmp_path, report.as_uri(), "--dump-dom").stdout)["data-chips-outside"] == "0"
    nowrap = tmp_path / "nowrap.html"
    nowrap.write_text(text.replace("</style>", ".cite-group, a.cite { white-space: nowrap; display: inline; }</style>"), encoding="utf-8")
    assert int(dom_attributes(chromium(tmp_path, nowrap.as_uri(), "--dump-dom").stdout)["data-chips-outside"]) > 0
