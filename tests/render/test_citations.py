"""Citation styles: the GB/T 7714-2015 numeric CSL and our journal's bib/journal.csl, each
reference in its own language ("et al." for English works, "等" for Chinese ones) in both outputs."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.cite.style import DEFAULT_STYLE, style_path
from toolchain.config import Settings
from toolchain.errors import InputError
from toolchain.load import load_project
from toolchain.render.ast import divs, inlines, text_of
from toolchain.render.citations import replace_term
from toolchain.render.manuscript import prepare_ast

REPO = Path(__file__).resolve().parents[2]
GBT = "gb-t-7714-2015-numeric"  # the built-in 2015 style, the contract's default
JOURNAL = "bib/journal.csl"

# Two Chinese works: one with its English version (author-en/title-en/journal-en), one without.
# The second is a fictitious entry made for this test.
CHINESE_ENTRIES = """
@article{zhangyu2016,
  author     = {张钰 and 宣丽 and 范志平 and others},
  title      = {索拉非尼作为挽救性治疗在难治复发性FLT3突变阳性急性髓系白血病中的临床应用研究},
  journal    = {中华血液学杂志},
  year       = {2016},
  volume     = {37},
  number     = {4},
  pages      = {292--296},
  langid     = {chinese},
  author-en  = {Zhang, Y. and Xuan, L. and Fan, Z. P. and others},
  title-en   = {Clinical application of sorafenib as salvage therapy in relapsed/refractory {FLT3} mutation-positive acute myeloid leukemia},
  journal-en = {Chinese Journal of Hematology},
}

@article{wang2022,
  author   = {王明 and 李华 and 陈刚 and others},
  title    = {索拉非尼维持治疗的回顾性分析},
  journal  = {临床血液学杂志},
  year     = {2022},
  volume   = {35},
  number   = {2},
  pages    = {101--105},
  langid   = {chinese},
}
"""


@pytest.fixture(scope="module")
def mixed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base project with two Chinese works cited next to its two English ones."""
    root = tmp_path_factory.mktemp("citations") / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", root)
    shutil.copy(REPO / "bib" / "journal.csl", root / "bib" / "journal.csl")
    bib = root / "bib" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + CHINESE_ENTRIES, encoding="utf-8")
    for name, sentence in (("zh.md", "国内研究也报道了相似结果[@zhangyu2016; @wang2022]。"),
                           ("en.md", "Chinese studies reported similar results [@zhangyu2016; @wang2022].")):
        path = root / "manuscript" / name
        path.write_text(path.read_text(encoding="utf-8") + "\n" + sentence + "\n", encoding="utf-8")
    return root


def references(root: Path, csl: str, lang: str, tmp_path: Path) -> dict[str, str]:
    """The rendered reference list of ``lang``: citation key → text."""
    project = load_project(root)
    ast, _ = prepare_ast(project, replace(Settings(), csl=csl), lang, tmp_path)
    return {div["c"][0][0].removeprefix("ref-"): text_of(div["c"][1]) for div in divs(ast["blocks"], "csl-entry")}


@pytest.mark.parametrize("csl", [GBT, JOURNAL])
def test_zh_list_gives_each_reference_its_own_et_al(mixed_project: Path, csl: str, tmp_path: Path) -> None:
    refs = references(mixed_project, csl, "zh", tmp_path)
    assert "et al. Diagnosis" in refs["dohner2022"] and "等" not in refs["dohner2022"]
    assert "范志平, 等. 索拉非尼" in refs["zhangyu2016"] and "et al" not in refs["zhangyu2016"]
    assert "陈刚, 等. 索拉非尼" in refs["wang2022"]
    assert not any("et al.." in text for text in refs.values())


@pytest.mark.parametrize("csl", [GBT, JOURNAL])
def test_en_list_shows_translated_chinese_works_and_keeps_untranslated_ones_chinese(mixed_project: Path, csl: str, tmp_path: Path) -> None:
    refs = references(mixed_project, csl, "en", tmp_path)
    assert "et al. Diagnosis" in refs["dohner2022"]
    translated = refs["zhangyu2016"]
    assert "Clinical application of sorafenib" in translated and "Chinese Journal of Hematology" in translated
    assert "et al." in translated and translated.endswith("(in Chinese)")
    untranslated = refs["wang2022"]
    assert "陈刚, 等. 索拉非尼维持治疗的回顾性分析" in untranslated and "(in Chinese)" not in untranslated


def test_journal_style_prints_the_published_form(mixed_project: Path, tmp_path: Path) -> None:
    refs = references(mixed_project, JOURNAL, "en", tmp_path)
    assert refs["dohner2022"].split("] ", 1)[1] == (
        "Döhner H, Wei AH, Appelbaum FR, et al. Diagnosis and management of AML in adults: 2022 recommendations"
        " from an international expert panel on behalf of the ELN[J]. Blood, 2022, 140(12):1345-1377."
    )
    assert refs["zhangyu2016"].endswith("[J]. Chinese Journal of Hematology, 2016, 37(4):292-296. (in Chinese)")


def test_gbt_style_capitalises_family_names_and_prints_the_doi(mixed_project: Path, tmp_path: Path) -> None:
    refs = references(mixed_project, GBT, "zh", tmp_path)
    assert refs["dohner2022"].split("] ", 1)[1].startswith("DÖHNER H, WEI A H, APPELBAUM F R, et al. Diagnosis")
    assert "DOI: 10.1182/blood.2022016867" in refs["dohner2022"]  # GB/T 7714-2015 4.4 examples


def test_style_path_resolves_a_project_file_a_style_name_and_rejects_unknown_styles(mixed_project: Path) -> None:
    project = load_project(mixed_project)
    local = style_path(project, replace(Settings(), csl=JOURNAL))
    assert local.is_absolute() and local == (mixed_project / JOURNAL).resolve()
    assert style_path(project, replace(Settings(), csl=GBT)).name == f"{GBT}.csl"
    with pytest.raises(InputError, match="no-such-style"):
        style_path(project, replace(Settings(), csl="no-such-style"))


def test_our_repository_builds_in_the_2025_style_with_the_journal_style_selectable() -> None:
    from toolchain.config import load_settings

    project = load_project(REPO)
    assert style_path(project, load_settings(REPO)).name == "gb-t-7714-2025-numeric.csl"  # set in pyproject.toml
    assert style_path(project, replace(Settings(), csl=JOURNAL)) == (REPO / JOURNAL).resolve()
    assert style_path(project, replace(Settings(), csl="china-national-standard-gb-t-7714-2015-numeric")).name == "gb-t-7714-2015-numeric.csl"


def test_without_a_setting_a_csl_in_bib_is_used_else_the_contracts_2015_default(base_copy: Path) -> None:
    """The contract: ``bib/*.csl`` optional, default GB/T 7714-2015 numeric; links are not followed."""
    assert DEFAULT_STYLE == GBT
    assert style_path(load_project(base_copy), Settings()).name == f"{GBT}.csl"
    journal = (REPO / JOURNAL).read_text(encoding="utf-8")
    (base_copy / "bib" / "zz-house.csl").write_text(journal, encoding="utf-8")
    (base_copy / "bib" / "journal.csl").write_text(journal, encoding="utf-8")
    project = load_project(base_copy)
    assert style_path(project, Settings()) == (base_copy / "bib" / "journal.csl").resolve()  # first in name order
    assert style_path(project, replace(Settings(), csl="gb-t-7714-2025")).name == "gb-t-7714-2025-numeric.csl"
    (base_copy / "bib" / "journal.csl").unlink()
    (base_copy / "bib" / "zz-house.csl").unlink()
    outside = base_copy.parent / "outside.csl"
    outside.write_text(journal, encoding="utf-8")
    (base_copy / "bib" / "a.csl").symlink_to(outside)
    assert style_path(load_project(base_copy), Settings()).name == f"{GBT}.csl"


def paragraph(text: str) -> dict:
    """A csl-entry-like Div holding one paragraph of plain text."""
    return {"t": "Div", "c": [["ref-x", ["csl-entry"], []], [{"t": "Para", "c": inlines(text)}]]}


@pytest.mark.parametrize(("before", "old", "new", "after"), [
    ("Döhner H, Wei AH, 等. Title[J].", "等", "et al.", "Döhner H, Wei AH, et al. Title[J]."),  # no "et al.."
    ("张钰, 宣丽, et al. 标题[J].", "et al.", "等", "张钰, 宣丽, 等. 标题[J]."),  # the merged period comes back
    ("张钰, 宣丽, et al.. 标题[J].", "et al.", "等", "张钰, 宣丽, 等. 标题[J]."),
    ("Title about 等离子体[J].", "等", "et al.", "Title about 等离子体[J]."),  # a word merely starting with 等
])
def test_replace_term_keeps_one_period(before: str, old: str, new: str, after: str) -> None:
    node = paragraph(before)
    replace_term(node, old, new)
    assert text_of(node["c"][1]) == after


@pytest.mark.parametrize("style", [GBT, JOURNAL])
def test_and_others_after_one_author_prints_the_term_not_others(tmp_path: Path, style: str) -> None:
    """``Xuan, L. and others`` (fewer names than the style truncates at) prints “et al.” / “等”."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", root)
    shutil.copy(REPO / "bib" / "journal.csl", root / "bib" / "journal.csl")
    bib = root / "bib" / "references.bib"
    text = bib.read_text(encoding="utf-8").replace("Xuan, L. and Wang, Y. and Huang, F. and others", "Xuan, L. and others")
    bib.write_text(text + CHINESE_ENTRIES.replace("张钰 and 宣丽 and 范志平 and others", "张钰 and others"), encoding="utf-8")
    zh = root / "manuscript" / "zh.md"
    zh.write_text(zh.read_text(encoding="utf-8").replace("[@dohner2022]。", "[@dohner2022; @zhangyu2016; @wang2022]。"), encoding="utf-8")
    project = load_project(root)
    ast, _ = prepare_ast(project, replace(Settings(), csl=style), "zh", tmp_path)
    entries = {div["c"][0][0]: text_of(div["c"][1]) for div in divs(ast["blocks"], "csl-entry")}
    assert "others" not in " ".join(entries.values()).lower()
    assert "et al." in entries["ref-xuan2020"] and "等" not in entries["ref-xuan2020"]
    assert "等" in entries["ref-zhangyu2016"]


def test_a_style_outside_the_project_is_refused(tmp_path: Path) -> None:
    """``csl`` may not name a file outside the project: pandoc would quote it in its error."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "rules" / "base_project", root)
    (tmp_path / "secret.csl").write_text("not a style", encoding="utf-8")
    project = load_project(root)
    with pytest.raises(InputError, match="outside the project"):
        style_path(project, replace(Settings(), csl="../secret.csl"))
    with pytest.raises(InputError, match="does not exist"):
        style_path(project, replace(Settings(), csl="bib/missing.csl"))
