"""article.xml: structure of the bilingual JATS for the base project, a richer variant and our
article; validity against the JATS 1.3 DTD and PMC's Style Checker; the validate command."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from toolchain.cli import main
from toolchain.config import load_settings
from toolchain.load import load_project
from toolchain.render import build
from toolchain.render.jats.names import given_initials, split_han, split_romanized
from toolchain.render.jats.validate import NPM_PACKAGE, find_dtd_dir, validate_file

REPO = Path(__file__).resolve().parents[2]
BASE_PROJECT = REPO / "tests" / "rules" / "base_project"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MML = "{http://www.w3.org/1998/Math/MathML}"
SKIP_REASON = "JATS DTDs not found: ../shared/jats absent and @jats4r/dtds not installed (npm install @jats4r/dtds)"

# Extra references for the variant: a Chinese work by an author with a compound surname and an
# English version, a Chinese work without one, an organisation's web page.
EXTRA_BIB = """
@article{ouyang2021,
  author     = {欧阳晓明 and 张钰},
  title      = {索拉非尼维持治疗的真实世界研究},
  journal    = {临床血液学杂志},
  year       = {2021},
  volume     = {34},
  number     = {2},
  pages      = {101--105},
  langid     = {chinese},
  author-en  = {Ouyang, X. M. and Zhang, Y.},
  title-en   = {A real-world study of sorafenib maintenance},
  journal-en = {Journal of Clinical Hematology},
}

@article{li2019,
  author  = {李明},
  title   = {急性髓系白血病的分子分型},
  journal = {中华血液学杂志},
  year    = {2019},
  volume  = {40},
  pages   = {1--5},
  langid  = {chinese},
}

@online{who2022,
  author  = {{World Health Organization}},
  title   = {Classification of haematolymphoid tumours},
  year    = {2022},
  url     = {https://example.org/who},
  urldate = {2024-01-15},
  langid  = {english},
}
"""
VARIANT_ZH = """---
lang: zh-CN
title: 索拉非尼治疗急性髓系白血病
abstract: |
  急性髓系白血病（acute myeloid leukemia，AML）是一种侵袭性血液肿瘤。索拉非尼可用于AML的维持治疗[@xuan2020]。
keywords: [索拉非尼, 急性髓系白血病]
---

# 引言 {#sec-intro}

急性髓系白血病（acute myeloid leukemia，AML）是成人最常见的急性白血病[@dohner2022; @xuan2020; @ouyang2021; @li2019]。见表1[^1]。

| 研究 | 例数 |
|---|---|
| SORMAIN | 83 |

: 表 1 维持治疗研究 {#tbl-studies}

![图 1 研究流程](figures/flow.png){#fig-flow}

# 维持治疗 {#sec-maintenance}

世界卫生组织分类[@who2022]见[引言](#sec-intro)，风险比 $HR=0.24$。

[^1]: 数据截至2023年。
"""
# The English text cites the WHO page first: its own numbering differs from the ref-list's.
VARIANT_EN = """---
lang: en
title: Sorafenib for acute myeloid leukemia
abstract: |
  Acute myeloid leukemia (AML) is an aggressive hematologic malignancy. Sorafenib is used as maintenance therapy in AML [@xuan2020].
keywords: [sorafenib, acute myeloid leukemia]
---

# Introduction {#sec-intro}

The WHO classification [@who2022] comes first here. AML is the most common acute leukemia in adults \
[@dohner2022; @xuan2020; @ouyang2021; @li2019]. See Table 1[^1].

| Study | Patients |
|---|---|
| SORMAIN | 83 |

: Table 1 Maintenance studies {#tbl-studies}

![Figure 1 Study flow](figures/flow.png){#fig-flow}

# Maintenance therapy {#sec-maintenance}

See the [introduction](#sec-intro); hazard ratio $HR=0.24$.

[^1]: Data as of 2023.
"""

# A 1×1 transparent PNG: the build reads figures only from manuscript/figures/.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def require_dtd() -> Path:
    """The DTD directory, or skip the test saying how to get one."""
    directory = find_dtd_dir()  # the product's own search: ../shared/jats, node_modules, the user cache
    if directory is None:
        print(SKIP_REASON)
        pytest.skip(SKIP_REASON)
    return directory


def build_jats(root: Path, out: Path) -> Path:
    """Build article.xml of the project at ``root`` through the API the CLI uses."""
    build(load_project(root), load_settings(root), ("jats",), ("zh", "en"), out)
    return out / "article.xml"


def parse(path: Path) -> etree._ElementTree:
    """Parse without DTD or network."""
    return etree.parse(str(path), etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False))


@pytest.fixture(scope="module")
def base_xml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """article.xml of the base project."""
    return build_jats(BASE_PROJECT, tmp_path_factory.mktemp("base-out"))


@pytest.fixture(scope="module")
def variant_xml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """article.xml of the base project with tables, figures, notes, math and more references."""
    root = tmp_path_factory.mktemp("variant") / "project"
    shutil.copytree(BASE_PROJECT, root)
    with (root / "bib" / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(EXTRA_BIB)
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "flow.png").write_bytes(PNG)
    (root / "manuscript" / "zh.md").write_text(VARIANT_ZH, encoding="utf-8")
    (root / "manuscript" / "en.md").write_text(VARIANT_EN, encoding="utf-8")
    return build_jats(root, tmp_path_factory.mktemp("variant-out"))


@pytest.fixture(scope="module")
def real_xml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """article.xml of our article."""
    return build_jats(REPO, tmp_path_factory.mktemp("real-out"))


@pytest.fixture(params=["base_xml", "variant_xml", "real_xml"])
def any_xml(request: pytest.FixtureRequest) -> Path:
    """Each of the three articles in turn."""
    return request.getfixturevalue(request.param)


def ids(tree: etree._ElementTree) -> list[str]:
    """Every @id in document order."""
    return [node.get("id") for node in tree.iter() if node.get("id")]


def expanded(text: str) -> int:
    """How many works a citation text names: ``12–16`` → 5, ``1`` → 1, ``1,3`` → 2."""
    count = 0
    for part in re.split(r"[,，]", text):
        bounds = re.split(r"[–\-—~～]", part.strip())
        count += int(bounds[-1]) - int(bounds[0]) + 1 if len(bounds) == 2 else 1
    return count


# --- the article element and journal-meta -------------------------------------------------------


def test_root_declares_jats_1_3_in_chinese(any_xml: Path) -> None:
    """The 1.3 MathML3 DOCTYPE, dtd-version, xml:lang and the article type from metadata."""
    tree = parse(any_xml)
    root = tree.getroot()
    assert tree.docinfo.public_id == "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with MathML3 v1.3 20210610//EN"
    assert (root.get("dtd-version"), root.get(XML_LANG), root.get("article-type")) == ("1.3", "zh", "review-article")


def test_front_has_no_empty_placeholder(any_xml: Path) -> None:
    """No empty element in <front> (pandoc's template writes empty journal-id, issn, permissions)."""
    front = parse(any_xml).getroot().find("front")
    empty = [front.getroottree().getpath(n) for n in front.iter() if len(n) == 0 and not (n.text or "").strip()]
    assert empty == []


def test_journal_meta(real_xml: Path) -> None:
    """journal-id derived from the ISSN, bilingual journal title, print ISSN, publisher name."""
    meta = parse(real_xml).getroot().find("front/journal-meta")
    assert meta.findtext("journal-id") == "1004-2806"
    assert meta.findtext("journal-title-group/journal-title") == "临床血液学杂志"
    trans = meta.find("journal-title-group/trans-title-group")
    assert trans.get(XML_LANG) == "en" and trans.findtext("trans-title") == "Journal of Clinical Hematology"
    issn = meta.find("issn")
    assert (issn.text, issn.get("pub-type"), issn.get("publication-format")) == ("1004-2806", "ppub", "print")
    assert meta.find("publisher") is None  # metadata.yaml names no publisher: none is made up


# --- article-meta ----------------------------------------------------------------------------------


def test_article_ids_categories_and_titles(real_xml: Path) -> None:
    """DOI first, heading and CLC subj-groups, zh title with the en.md title as trans-title."""
    meta = parse(real_xml).getroot().find("front/article-meta")
    assert meta[0].tag == "article-id" and meta[0].get("pub-id-type") == "doi" and meta[0].text.startswith("10.13201/")
    groups = {g.get("subj-group-type"): g.findtext("subject") for g in meta.iterfind("article-categories/subj-group")}
    assert groups == {"heading": "综述", "clc": "R733.71"}
    assert meta.findtext("title-group/article-title") == load_project(REPO).zh.title.text
    trans = meta.find("title-group/trans-title-group")
    assert trans.get(XML_LANG) == "en"
    assert " ".join(trans.findtext("trans-title").split()) == load_project(REPO).en.title.text


def test_contributors_have_han_and_pinyin_names(real_xml: Path) -> None:
    """name-alternatives (张/钰 eastern, Zhang/Yu western), corresp link and e-mail, both bios."""
    meta = parse(real_xml).getroot().find("front/article-meta")
    first = meta.find("contrib-group/contrib")
    zh, en = first.findall("name-alternatives/name")
    assert (zh.get("name-style"), zh.get(XML_LANG), zh.findtext("surname"), zh.findtext("given-names")) == ("eastern", "zh", "张", "钰")
    assert (en.get("name-style"), en.get(XML_LANG), en.findtext("surname"), en.findtext("given-names")) == ("western", "en", "Zhang", "Yu")
    assert first.get("corresp") == "yes"
    corresp_rid = first.find("xref[@ref-type='corresp']").get("rid")
    assert meta.find(f"author-notes/corresp[@id='{corresp_rid}']/email").text == "scidzy@163.com"
    assert [b.get(XML_LANG) for b in first.iterfind("bio")] == ["zh", "en"]
    surnames = [c.findtext("name-alternatives/name[@name-style='eastern']/surname") for c in meta.iterfind("contrib-group/contrib")]
    assert surnames == ["张", "姚", "余"]


def test_affiliations_are_bilingual_alternatives(base_xml: Path) -> None:
    """aff-alternatives with department/institution split, city, postal code, country code."""
    meta = parse(base_xml).getroot().find("front/article-meta")
    rid = meta.find("contrib-group/contrib/xref[@ref-type='aff']").get("rid")
    alternatives = meta.find(f"contrib-group/aff-alternatives[@id='{rid}']")
    zh, en = alternatives.findall("aff")
    assert (zh.get(XML_LANG), en.get(XML_LANG)) == ("zh", "en")
    assert [i.text for i in zh.iterfind("institution-wrap/institution")] == ["血液科", "南方医科大学南方医院"]
    assert en.find("institution-wrap/institution[@content-type='dept']").text == "Department of Hematology"
    assert (zh.findtext("city"), en.findtext("city"), en.findtext("postal-code")) == ("广州", "Guangzhou", "510515")
    assert en.find("country").get("country") == "CN"


def test_author_notes_dates_and_issue(base_xml: Path) -> None:
    """COI per language, print pub-date, volume/issue/pages, received date, no permissions."""
    meta = parse(base_xml).getroot().find("front/article-meta")
    coi = meta.findall("author-notes/fn[@fn-type='coi-statement']")
    assert [fn.get(XML_LANG) for fn in coi] == [None, "en"]
    pub = meta.find("pub-date")
    assert (pub.get("publication-format"), pub.findtext("year")) == ("print", "2024")
    assert [meta.findtext(k) for k in ("volume", "issue", "fpage", "lpage")] == ["37", "5", "306", "311"]
    received = meta.find("history/date[@date-type='received']")
    assert received.get("iso-8601-date") == "2024-03-20"
    assert [received.findtext(k) for k in ("day", "month", "year")] == ["20", "03", "2024"]
    assert meta.findtext("permissions/license/{http://www.niso.org/schemas/ali/1.0/}license_ref") == "https://creativecommons.org/licenses/by/4.0/"


def test_abstracts_and_one_keyword_group_per_language(base_xml: Path) -> None:
    """abstract + trans-abstract, zh kwd-group without xml:lang and en kwd-group with it."""
    meta = parse(base_xml).getroot().find("front/article-meta")
    assert meta.find("abstract/p") is not None
    assert meta.find("trans-abstract").get(XML_LANG) == "en"
    assert "Sorafenib" in "".join(meta.find("trans-abstract/p").itertext())
    groups = meta.findall("kwd-group")
    assert [g.get(XML_LANG) for g in groups] == [None, "en"]
    assert [k.text for k in groups[0].iterfind("kwd")] == ["索拉非尼", "急性髓系白血病"]
    assert [k.text for k in groups[1].iterfind("kwd")] == ["sorafenib", "acute myeloid leukemia"]


def test_one_award_group_per_grant_number(real_xml: Path) -> None:
    """One award-group per grant number with a bilingual funder; statements; custom-meta."""
    meta = parse(real_xml).getroot().find("front/article-meta")
    awards = meta.findall("funding-group/award-group")
    assert [a.findtext("award-id") for a in awards] == ["2021YFC2500300", "2021YFC2500302"]
    for award in awards:
        institutions = award.findall("funding-source/institution-wrap/institution")
        assert [i.get(XML_LANG) for i in institutions] == ["zh", "en"]
    assert [s.get(XML_LANG) for s in meta.iterfind("funding-group/funding-statement")] == [None, "en"]
    custom = {c.get("specific-use"): c.findtext("meta-value") for c in meta.iterfind("custom-meta-group/custom-meta")}
    assert custom == {"clc": "R733.71", "document-code": "A"}


# --- references and citations ----------------------------------------------------------------------


def test_ref_list_holds_each_cited_work_once_in_citation_order(real_xml: Path) -> None:
    """ref-list: one ref per cited key, R1… with labels in citation order, none in the sub-article."""
    tree = parse(real_xml)
    refs = tree.getroot().findall("back/ref-list/ref")
    cited = {c.key for c in load_project(REPO).zh.citations}
    assert tree.getroot().findtext("back/ref-list/title") == "参考文献"
    assert len(refs) == len(cited)
    assert [r.get("id") for r in refs] == [f"R{n}" for n in range(1, len(refs) + 1)]
    assert [r.findtext("label") for r in refs] == [str(n) for n in range(1, len(refs) + 1)]
    first_body_xref = tree.getroot().find("body//xref[@ref-type='bibr']")
    assert first_body_xref.get("rid") == "R1"
    assert tree.getroot().find("sub-article//ref-list") is None


def test_every_xref_resolves(any_xml: Path) -> None:
    """Every rid token names an id of the document and every xref has a ref-type."""
    tree = parse(any_xml)
    known = set(ids(tree))
    dangling = [t for x in tree.iter("xref") for t in x.get("rid", "").split() if t not in known]
    assert dangling == []
    assert all(x.get("ref-type") for x in tree.iter("xref"))


def test_every_cited_work_is_linked_ranges_included(real_xml: Path) -> None:
    """An xref names as many works as its text shows (12–16 → five), and every ref is linked."""
    tree = parse(real_xml)
    citations = [x for x in tree.iter("xref") if x.get("ref-type") == "bibr"]
    for xref in citations:
        assert len(xref.get("rid").split()) == expanded(xref.text), etree.tostring(xref)
    linked = {t for x in tree.getroot().find("body").iter("xref") if x.get("ref-type") == "bibr" for t in x.get("rid").split()}
    assert linked == {r.get("id") for r in tree.getroot().iterfind("back/ref-list/ref")}


def test_chinese_works_carry_their_english_version(real_xml: Path) -> None:
    """citation-alternatives (zh + en) for Chinese works with title-en; English refs in detail."""
    tree = parse(real_xml)
    bib = load_project(REPO).bibliography
    translated = [e for e in bib.entries if e.langid == "zh" and e.english("title")]
    alternatives = tree.getroot().findall("back/ref-list/ref/citation-alternatives")
    assert translated and len(alternatives) == len(translated)
    for node in alternatives:
        zh, en = node.findall("element-citation")
        assert (zh.get(XML_LANG), en.get(XML_LANG)) == ("zh", "en")
        assert zh.get("publication-type") == en.get("publication-type") == "journal"
        assert en.findtext("article-title") in {e.english("title").replace("{", "").replace("}", "") for e in translated}
    english = tree.getroot().find("back/ref-list/ref[@id='R1']/element-citation")
    assert english.get(XML_LANG) == "en" and english.find("person-group/etal") is not None
    assert (english.findtext("fpage"), english.findtext("lpage")) == ("1345", "1377")
    assert english.find("pub-id[@pub-id-type='doi']").text == "10.1182/blood.2022016867"


def test_reference_elements_of_the_variant(variant_xml: Path) -> None:
    """Compound surname split, untranslated Chinese work, organisation as collab, web page with access date."""
    refs = {r.findtext(".//source"): r for r in parse(variant_xml).getroot().iterfind("back/ref-list/ref")}
    ouyang = next(r for r in refs.values() if r.find("citation-alternatives") is not None)
    names = ouyang.findall("citation-alternatives/element-citation[@{http://www.w3.org/XML/1998/namespace}lang='zh']/person-group/name")
    assert [(n.get("name-style"), n.findtext("surname"), n.findtext("given-names")) for n in names] == [
        ("eastern", "欧阳", "晓明"), ("eastern", "张", "钰")]
    en_names = ouyang.findall("citation-alternatives/element-citation[@{http://www.w3.org/XML/1998/namespace}lang='en']/person-group/name")
    assert [(n.findtext("surname"), n.findtext("given-names")) for n in en_names] == [("Ouyang", "XM"), ("Zhang", "Y")]
    untranslated = refs["中华血液学杂志"].find("element-citation")
    assert untranslated.get(XML_LANG) == "zh" and untranslated.findtext("person-group/name/surname") == "李"
    web = refs["Classification of haematolymphoid tumours"].find("element-citation")
    assert web.get("publication-type") == "webpage"
    assert web.findtext("person-group/collab") == "World Health Organization"
    assert web.find("ext-link").get("{http://www.w3.org/1999/xlink}href") == "https://example.org/who"
    assert web.find("date-in-citation").get("iso-8601-date") == "2024-01-15"


# --- body, floats and the English sub-article -------------------------------------------------------


def test_a_collapsed_range_links_every_work_in_it(variant_xml: Path) -> None:
    """pandoc's [1-4] (links to 1 and 4 only; the style's range delimiter) becomes one xref to R1 R2 R3 R4."""
    root = parse(variant_xml).getroot()
    ranged = root.find("body/sec/p/sup/xref")
    assert (ranged.text, ranged.get("rid")) == ("1-4", "R1 R2 R3 R4")
    assert ranged.getparent().text == "[" and ranged.tail == "]"


def test_floats_get_labels_and_ids(variant_xml: Path) -> None:
    """A typed 表 1 / 图 1 leaves the caption for a <label> numbered as printed (表1), the table id moves
    to <table-wrap>, every sec has an id."""
    root = parse(variant_xml).getroot()
    table = root.find("body//table-wrap")
    assert (table.get("id"), table.findtext("label"), table.findtext("caption/p")) == ("tbl-studies", "表1", "维持治疗研究")
    figure = root.find("body//fig")
    assert (figure.get("id"), figure.findtext("label"), figure.findtext("caption/p")) == ("fig-flow", "图1", "研究流程")
    assert figure.find("graphic").get("{http://www.w3.org/1999/xlink}href") == "figures/flow.png"
    assert root.find("sub-article//table-wrap").findtext("label") == "Table 1"
    assert all(s.get("id") for s in root.iter("sec"))


def test_math_is_mathml_with_ids(variant_xml: Path) -> None:
    """tex-math dropped (PMC wants whole LaTeX documents), every mml:math has an id."""
    root = parse(variant_xml).getroot()
    assert not list(root.iter("tex-math"))
    maths = list(root.iter(f"{MML}math"))
    assert len(maths) == 2 and all(m.get("id") for m in maths)


def test_sub_article_is_the_prefixed_english_translation(any_xml: Path) -> None:
    """sub-article sa1: translation in English, ids prefixed and unique, citations to the parent's refs."""
    tree = parse(any_xml)
    sub = tree.getroot().find("sub-article")
    assert (sub.get("id"), sub.get("article-type"), sub.get(XML_LANG)) == ("sa1", "translation", "en")
    assert sub.find("front-stub/title-group/article-title") is not None
    assert sub.find("front-stub/kwd-group").get(XML_LANG) is None
    inner = [i for i in ids(sub.getroottree()) if sub in tree.getroot().xpath(f"//*[@id='{i}']/ancestor::sub-article")]
    assert inner and all(i.startswith("sa1-") for i in inner)
    assert len(ids(tree)) == len(set(ids(tree)))
    parent_refs = {r.get("id") for r in tree.getroot().iterfind("back/ref-list/ref")}
    sub_citations = [t for x in sub.iter("xref") if x.get("ref-type") == "bibr" for t in x.get("rid").split()]
    assert sub_citations and set(sub_citations) <= parent_refs


def test_sub_article_shows_the_parent_numbers(variant_xml: Path) -> None:
    """The English text cites in another order: its xrefs show the parent's labels; local links prefixed."""
    root = parse(variant_xml).getroot()
    labels = {r.get("id"): r.findtext("label") for r in root.iterfind("back/ref-list/ref")}
    for xref in root.find("sub-article").iter("xref"):
        if xref.get("ref-type") == "bibr":
            rids = xref.get("rid").split()
            assert re.split("[-–,]", xref.text)[0] == labels[rids[0]]
    assert root.find("sub-article//xref[@ref-type='sec']").get("rid") == "sa1-sec-intro"
    assert root.find("sub-article//xref[@ref-type='fn']").get("rid") == "sa1-fn1"


def test_no_sub_article_when_english_body_is_empty(tmp_path: Path) -> None:
    """An en.md without body gives no sub-article but still trans-title and trans-abstract."""
    root = tmp_path / "project"
    shutil.copytree(BASE_PROJECT, root)
    en = root / "manuscript" / "en.md"
    text = en.read_text(encoding="utf-8")
    en.write_text(text[: text.index("---", 3) + 4], encoding="utf-8")
    article = parse(build_jats(root, tmp_path / "out")).getroot()
    assert article.find("sub-article") is None
    assert article.find("front/article-meta/title-group/trans-title-group/trans-title").text == "Sorafenib for acute myeloid leukemia"
    assert article.find("front/article-meta/trans-abstract/p") is not None


def test_undefined_affiliation_id_builds_without_its_xref(tmp_path: Path) -> None:
    """An author naming an affiliation that metadata.yaml does not define (META015's finding) still builds."""
    root = tmp_path / "project"
    shutil.copytree(BASE_PROJECT, root)
    metadata = root / "manuscript" / "metadata.yaml"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace("affiliations: [nfh]", "affiliations: [nfh, nowhere]", 1), encoding="utf-8")
    article = parse(build_jats(root, tmp_path / "out")).getroot()
    xrefs = article.findall("front/article-meta/contrib-group/contrib[1]/xref[@ref-type='aff']")
    assert [x.get("rid") for x in xrefs] == ["aff1"]


# --- names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("han", "romanized", "expected"), [
    ("张钰", "ZHANG", ("张", "钰")), ("欧阳晓明", "", ("欧阳", "晓明")), ("曾国藩", "Zeng", ("曾", "国藩")),
    ("长孙无忌", "Zhangsun", ("长孙", "无忌")), ("姚足容", "", ("姚", "足容")),
])
def test_han_names_split_with_compound_surnames(han: str, romanized: str, expected: tuple[str, str]) -> None:
    """Han names split at the surname; the romanized surname or the compound-surname table decides."""
    name = split_han(han, romanized)
    assert (name.surname, name.given) == expected


def test_romanized_names_and_initials() -> None:
    """``ZHANG Yu`` → Zhang / Yu; given names in initials lose their dots."""
    assert split_romanized("ZHANG Yu") == split_romanized("Zhang Yu")
    assert (split_romanized("OUYANG Xiaoming").surname, split_romanized("OUYANG Xiaoming").given) == ("Ouyang", "Xiaoming")
    assert [given_initials(g) for g in ("A. H.", "F. R.", "Yu", "Jo Ann", "J.-P.")] == ["AH", "FR", "Yu", "Jo Ann", "J-P"]


# --- validation ---------------------------------------------------------------------------------------


def test_articles_are_valid(any_xml: Path) -> None:
    """0 DTD errors and 0 PMC Style Checker errors for each article."""
    report = validate_file(any_xml, require_dtd())
    assert report.count("DTD", "error") == 0, report.lines()
    assert report.count("PMC", "error") == 0, report.lines()
    assert report.ok


@pytest.mark.parametrize("project", ["rules/base_project", "projects/other-cardiology", "projects/other-neuro-translated"])
def test_an_article_with_a_licence_passes_dtd_pmc_and_jats4r(tmp_path: Path, project: str) -> None:
    """Projects whose metadata gives a licence: 0 errors from the DTD, PMC's Style Checker and the JATS4R schematrons."""
    report = validate_file(build_jats(REPO / "tests" / project, tmp_path), require_dtd())
    assert report.count("DTD", "error") == 0 and report.count("PMC", "error") == 0, report.lines()
    if not any(check.startswith("JATS4R") for check in report.checks):
        pytest.skip("JATS4R schematrons not run: saxonche is not installed (pip install -e '.[jats4r]') or ../shared/jats is absent")
    assert [p.message for p in report.problems if p.checker == "JATS4R" and p.severity == "error"] == []


def test_validate_command_exit_codes(real_xml: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """validate: 0 valid, 1 not well-formed or DTD-invalid, 2 no DTD or no file."""
    dtd = str(require_dtd())
    assert main(["validate", str(real_xml), "--dtd-dir", dtd]) == 0
    broken = tmp_path / "broken.xml"
    broken.write_text(real_xml.read_text(encoding="utf-8").replace("</body>", "", 1), encoding="utf-8")
    assert main(["validate", str(broken), "--dtd-dir", dtd]) == 1
    assert "not well-formed" in capsys.readouterr().out
    invalid = tmp_path / "invalid.xml"
    invalid.write_text(re.sub(r"<journal-id [^>]*>[^<]*</journal-id>", "", real_xml.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["validate", str(invalid), "--dtd-dir", dtd]) == 1
    assert "[DTD]" in capsys.readouterr().out
    assert main(["validate", str(real_xml), "--dtd-dir", str(tmp_path)]) == 2
    assert "holds no JATS-journalpublishing1-3-mathml3.dtd" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "missing.xml"), "--dtd-dir", dtd]) == 2


def test_dtd_search_never_downloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ../shared/jats or node_modules the validator names the npm command; it finds node_modules upward."""
    from toolchain.errors import InputError
    from toolchain.render.jats import validate

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(validate, "REPOSITORY", tmp_path / "repo")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(validate.shutil, "which", lambda name: "/usr/bin/npm")
    assert validate.find_dtd_dir() is None
    article = tmp_path / "a.xml"
    article.write_text("<article/>", encoding="utf-8")
    with pytest.raises(InputError, match=r"npm install @jats4r/dtds"):
        validate_file(article)
    package = tmp_path / "work" / NPM_PACKAGE
    package.mkdir(parents=True)
    (package / validate.DRIVER).write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work")
    assert validate.find_dtd_dir() == package.resolve()


FULL_METADATA = {
    "  year: 2024\n": "  year: 2024\n  month: 5\n  id: lcxyx\n  publisher: 临床血液学杂志编辑部\n",
    "  received: 2024-03-20\n": "  received: 2024-03-20\n  accepted: 2024-04-10\n  published: 2024-05-15\n"
                               "  copyright: 临床血液学杂志编辑部\n"
                               "  license-text: Distributed under the terms of the CC BY 4.0 license.\n"
                               "  heading: {zh: 综述, en: Review}\n",
    "    email: author@example.org\n": "    email: author@example.org\n    orcid: 0000-0002-1825-0097\n",
}


def test_optional_metadata_fields(tmp_path: Path) -> None:
    """month, journal id, accepted/published dates, copyright and license, ORCID URL; still valid."""
    root = tmp_path / "project"
    shutil.copytree(BASE_PROJECT, root)
    metadata = root / "manuscript" / "metadata.yaml"
    text = metadata.read_text(encoding="utf-8")
    for old, new in FULL_METADATA.items():
        assert old in text
        text = text.replace(old, new)
    metadata.write_text(text, encoding="utf-8")
    path = build_jats(root, tmp_path / "out")
    meta = parse(path).getroot().find("front/article-meta")
    assert parse(path).getroot().findtext("front/journal-meta/journal-id") == "lcxyx"
    assert parse(path).getroot().findtext("front/journal-meta/publisher/publisher-name") == "临床血液学杂志编辑部"
    dates = {d.get("publication-format"): d.get("iso-8601-date") for d in meta.iterfind("pub-date")}
    assert dates == {"print": "2024-05", "electronic": "2024-05-15"}
    assert [d.get("date-type") for d in meta.iterfind("history/date")] == ["received", "accepted"]
    assert meta.findtext("permissions/copyright-holder") == "临床血液学杂志编辑部"
    assert meta.findtext("permissions/license/{http://www.niso.org/schemas/ali/1.0/}license_ref") == "https://creativecommons.org/licenses/by/4.0/"
    assert meta.findtext("contrib-group/contrib/contrib-id") == "https://orcid.org/0000-0002-1825-0097"
    report = validate_file(path, require_dtd())
    assert report.ok, report.lines()
    if any(check.startswith("JATS4R") for check in report.checks):  # with saxonche installed
        assert [p.message for p in report.problems if p.checker == "JATS4R" and p.severity == "error"] == []


def test_sections_are_labelled_as_the_pdf_numbers_them(real_xml: Path) -> None:
    body = parse(real_xml).getroot().find("body")
    labels = [(sec.findtext("label"), sec.findtext("title")) for sec in body.iter("sec")]
    assert labels[0] == ("1", "引言")
    assert ("2.1", "索拉非尼联合强化疗治疗初诊FLT3-ITD AML") in [(n, re.sub(r"\s+", " ", t or "")) for n, t in
                                                                  ((sec.findtext("label"), "".join(sec.find("title").itertext()).replace("+", ""))
                                                                   for sec in body.iter("sec"))]
    english = parse(real_xml).getroot().find("sub-article/body")
    assert [s.findtext("label") for s in english.iter("sec")] == [n for n, _ in labels]


def test_heading_numbers_skip_unnumbered_headings() -> None:
    from toolchain.render.jats.body import heading_numbers

    def header(level: int, *classes: str) -> dict:
        return {"t": "Header", "c": [level, ["", list(classes), []], []]}

    blocks = [header(1), header(2), header(2), header(1, "unnumbered"), header(1), header(3)]
    assert heading_numbers(blocks) == ["1", "1.1", "1.2", "", "2", "2.0.1"]


def test_abstract_titles_corresp_in_both_languages_and_no_duplicate_abstract(real_xml: Path) -> None:
    root = parse(real_xml).getroot()
    meta = root.find("front/article-meta")
    assert meta.findtext("abstract/title") == "摘要" and meta.findtext("trans-abstract/title") == "Abstract"
    corresp = {c.get(XML_LANG): "".join(c.itertext()) for c in meta.iterfind("author-notes/corresp")}
    assert corresp[None].startswith("*通信作者：张钰") and corresp["en"].startswith("*Corresponding author: ZHANG Yu")
    assert root.find("sub-article/front-stub/abstract") is None  # the English abstract is the trans-abstract
