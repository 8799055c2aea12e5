"""Structural facts of our own article: alignment, every reference cited, glossary size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolchain.check import run_checks
from toolchain.config import load_settings
from toolchain.load import load_project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def article():
    """Our manuscript, loaded."""
    return load_project(REPO)


def test_sections_and_paragraphs_align(article) -> None:
    """Same headings (levels and ids) and the same number of paragraphs in each section."""
    zh, en = article.zh, article.en
    assert len(zh.headings) == len(en.headings) >= 10
    for a, b in zip(zh.headings, en.headings):
        assert (a.level, a.identifier) == (b.level, b.identifier)
        assert a.identifier, f"heading “{a.title}” has no {{#sec-…}} id"
    for section in range(len(zh.headings) + 1):
        assert len(zh.units(section)) == len(en.units(section)), f"section {section}"


def test_aligned_paragraphs_cite_the_same_works(article) -> None:
    """Each aligned paragraph pair cites the same set of keys."""
    from toolchain.load.markdown import find_citations

    for section in range(len(article.zh.headings) + 1):
        for a, b in zip(article.zh.units(section), article.en.units(section)):
            assert {c.key for c in find_citations(a.span)} == {c.key for c in find_citations(b.span)}, a.text[:40]


def test_every_entry_is_cited_in_both_languages(article) -> None:
    """All references are cited in zh.md and in en.md; the seed's duplicate is one entry."""
    keys = {e.key for e in article.bibliography.entries}
    assert len(keys) == 50
    for document in article.documents:
        assert {c.key for c in document.citations} == keys


def test_chinese_works_carry_their_english_version(article) -> None:
    """The three Chinese-language works have langid chinese and title-en/author-en/journal-en."""
    chinese = [e for e in article.bibliography.entries if e.langid == "zh"]
    assert len(chinese) == 3
    for entry in chinese:
        assert entry.english("title") and entry.english("author") and entry.english("journal"), entry.key


def test_glossary_size_and_key_terms(article) -> None:
    """At least 60 terms, with abbreviations, variants and forbidden variants in use."""
    terms = article.glossary.terms
    assert len(terms) >= 60
    assert sum(bool(t.abbr) for t in terms) >= 30
    assert any(t.avoid for t in terms) and any(t.variants for t in terms)


def test_metadata_facts(article) -> None:
    """Every metadata fact of the published article is present."""
    md = article.metadata
    assert md.journal.issn == "1004-2806" and md.article.doi.startswith("10.13201/")
    assert [a.name.zh for a in md.authors] == ["张钰", "姚足容", "余国攀"]
    assert sum(a.corresponding for a in md.authors) == 1
    assert md.funding and len(md.funding[0].awards) == 2
    assert md.authors[0].bio and md.authors[0].bio.en
    assert md.conflict_of_interest and md.conflict_of_interest.en


def test_check_reports_no_error(article) -> None:
    """`make check` passes: no error diagnostic on our manuscript."""
    result = run_checks(article, load_settings(REPO))
    errors = [f"{d.location} {d.rule} {d.message}" for d in result.diagnostics if d.severity.value == "error"]
    assert not errors, "\n".join(errors)
    assert not result.crashed


def test_zh_typography_of_the_body(article) -> None:
    """Full-width punctuation in Chinese text and `～` for ranges (spot checks over the raw text)."""
    body = article.zh.source.text[article.zh.body_start:]
    prose = re.sub(r"\[[^\]]*@[^\]]*\]|<!--.*?-->|\{#[^}]*\}", "", body, flags=re.S)
    assert not re.search(r"[\u4e00-\u9fff][,;:](?!\d)", prose)
    assert "～" in prose
