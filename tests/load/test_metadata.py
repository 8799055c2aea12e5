"""metadata.yaml (and the YAML layer under it): typed fields, lines, and errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.errors import InputError
from toolchain.load.glossary import parse_glossary
from toolchain.load.metadata import parse_metadata
from toolchain.load.source import SourceFile

BASE = Path(__file__).resolve().parent.parent / "rules" / "base_project" / "manuscript"
METADATA = (BASE / "metadata.yaml").read_text(encoding="utf-8")
PATH = "manuscript/metadata.yaml"


def parse(text: str):
    """Parse metadata text."""
    return parse_metadata(SourceFile.from_text(PATH, text))


def line_of(needle: str) -> int:
    """Line of ``needle`` in the base metadata."""
    return METADATA[: METADATA.index(needle)].count("\n") + 1


def error(text: str) -> InputError:
    """The InputError that parsing ``text`` raises."""
    with pytest.raises(InputError) as caught:
        parse(text)
    assert caught.value.file == PATH
    return caught.value


def test_base_metadata_is_typed_with_lines() -> None:
    """Scalars become text, bilingual fields keep both languages and their lines."""
    md = parse(METADATA)
    assert md.journal_title.get("zh") == "临床血液学杂志" and md.journal_title.en == "Journal of Clinical Hematology"
    assert md.journal["volume"] == "37" and md.journal["issn"] == "1004-2806"
    assert md.article["received"] == "2024-03-20"  # a YAML date stays as written
    (author,) = md.authors
    assert (author.name.zh, author.name.en, author.affiliations, author.corresponding) == ("张钰", "ZHANG Yu", ("nfh",), True)
    assert author.line == line_of("- name:")
    assert md.affiliation("nfh").city.en == "Guangzhou"
    assert md.funding[0].awards == ("2021YFC2500300",)
    assert md.lines["article.received"] == line_of("received:")


@pytest.mark.parametrize(("text", "line", "message"), [
    ("- journal\n- authors\n", 1, "the document must be a mapping, found a list"),
    ("just text\n", 1, "the document must be a mapping, found text “just text”"),
    ("", 1, "the document must be a mapping, found nothing"),
    (METADATA.replace("{zh: 张钰, en: ZHANG Yu}", "{zh: 张钰}"), line_of("- name:"), "authors[0].name.en is missing"),
    (METADATA.replace("affiliations: [nfh]", "affiliations: [nfh, pku]"), line_of("affiliations: [nfh]"),
     "authors[0] names affiliation 'pku', which affiliations does not define"),
    (METADATA.replace("received: 2024-03-20", "received: 2024-02-30"), line_of("received:"),
     "article.received must be a date YYYY-MM-DD, found '2024-02-30'"),
    (METADATA.replace("received: 2024-03-20", "received: March 2024"), line_of("received:"),
     "article.received must be a date YYYY-MM-DD, found 'March 2024'"),
    (METADATA.replace("  title: {zh: 临床血液学杂志, en: Journal of Clinical Hematology}", "  title: 临床血液学杂志"),
     line_of("  title:"), "journal.title must be a mapping, found text “临床血液学杂志”"),
    (METADATA.replace("    awards: [2021YFC2500300]", "    awards: [{no: 1}]"), line_of("    awards:"),
     "funding[0].awards must list text items, found a mapping"),
    (METADATA + "journal: {}\n", METADATA.count("\n") + 1, "malformed YAML: found duplicate key \"journal\""),
    (METADATA.replace("  volume: 37", "\tvolume: 37"), line_of("  volume:"), "malformed YAML: found character '\\t'"),
    (METADATA.replace("  issue: 5", "  issue: !!int five"), line_of("  issue:"), "malformed YAML: “five” is not a valid !!int"),
    (METADATA.replace("  issue: 5", "  issue: 5\x07"), line_of("  issue:"), "character #x0007 is not allowed in YAML"),
    (METADATA + "base: &b {zh: 甲}\nalias: [*b, *b]\nloop: &l [*l]\n", METADATA.count("\n") + 3,
     "an alias refers to the collection that contains it"),
    (METADATA.replace("authors:\n", "authors: []\nx:\n", 1), line_of("authors:"), "authors is empty"),
    (METADATA + "affiliations:\n", None, "duplicate key"),
])
def test_errors_name_key_and_line(text: str, line: int | None, message: str) -> None:
    """Each problem is one InputError with the key's dotted path and its line."""
    caught = error(text)
    assert message in caught.message
    if line is not None:
        assert caught.line == line


def test_affiliation_defined_twice_names_both_lines() -> None:
    """A duplicate affiliation id names the first definition's line."""
    twice = METADATA.replace("affiliations:\n  - id: nfh", "affiliations:\n  - id: nfh\n    zh: 甲\n    en: A\n  - id: nfh", 1)
    caught = error(twice)
    assert f"is defined twice (first at line {line_of('  - id: nfh')})" in caught.message


def test_yaml_is_typed_as_yaml_1_2(capfd: pytest.CaptureFixture[str]) -> None:
    """``no`` and dates stay text, numbers become text through Fields, merges work; nothing on stderr."""
    from toolchain.load._yaml import parse_yaml

    data = parse_yaml("a: no\nb: 2024-03-20\nc: 37\nd: ~\ne: true\nbase: &b {zh: 甲, en: A}\nf:\n  <<: *b\n  en: B\n", PATH)
    assert (data["a"], data["b"], data["c"], data["d"], data["e"]) == ("no", "2024-03-20", 37, None, True)
    assert data["f"] == {"zh": "甲", "en": "B"} and data["f"].lc.key("en") == (8, 2)
    with pytest.raises(InputError) as caught:
        parse(METADATA + "x: &a 1\ny: &a 2\n")
    assert caught.value.line == METADATA.count("\n") + 2 and "duplicate anchor" in caught.value.message
    assert capfd.readouterr().err == ""


def test_glossary_term_needs_both_languages() -> None:
    """A glossary term without ``en`` names the term's index and line; an unknown language is refused."""
    text = "terms:\n  - zh: 索拉非尼\n    en: sorafenib\n  - zh: 维持治疗\n"
    with pytest.raises(InputError) as caught:
        parse_glossary(SourceFile.from_text("manuscript/glossary.yaml", text))
    assert (caught.value.line, caught.value.message) == (4, "terms[1].en is missing")
    with pytest.raises(InputError, match="unknown language 'fr'"):
        parse_glossary(SourceFile.from_text("manuscript/glossary.yaml", "terms:\n  - zh: 甲\n    en: a\n    avoid: {fr: [b]}\n"))
    assert parse_glossary(SourceFile.from_text("manuscript/glossary.yaml", "")).terms == ()


def test_pure_python_parser_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where libyaml is missing, PyYAML's own parser gives the same values, lines and errors."""
    import yaml

    from toolchain.load import _yaml

    fast = parse(METADATA)
    monkeypatch.setattr(_yaml, "LOADER", yaml.BaseLoader)
    slow = parse(METADATA)
    assert slow == fast
    assert [a.line for a in slow.authors] == [a.line for a in fast.authors] and slow.lines == fast.lines
    caught = error(METADATA.replace("  issue: 5", "  issue: 5\x07"))
    assert caught.line == line_of("  issue:")


@pytest.mark.parametrize(("written", "corresponding"), [("true", True), ("false", False), ('"no"', False), ("no", False), ('"false"', False)])
def test_corresponding_is_true_only_when_written_true(written: str, corresponding: bool) -> None:
    """A quoted "no" (or YAML 1.1's bare no, a string in YAML 1.2) does not make an author corresponding."""
    text = METADATA.replace("corresponding: true", f"corresponding: {written}", 1)
    assert f"corresponding: {written}" in text
    assert parse(text).authors[0].corresponding is corresponding
