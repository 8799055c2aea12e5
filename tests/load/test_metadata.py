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
    assert md.journal.volume == "37" and md.journal.issn == "1004-2806" and md.journal.get("nlm-ta") == ""
    assert md.article.received == "2024-03-20"  # a YAML date stays as written
    assert md.article.get("document-code") == md.article.document_code
    with pytest.raises(KeyError):
        md.article.get("recieved")  # a typed record: an undeclared key is a mistake in the code
    with pytest.raises(AttributeError):
        md.journal.volume = "38"  # type: ignore[misc]
    (author,) = md.authors
    assert (author.name.zh, author.name.en, author.affiliations, author.corresponding) == ("张钰", "ZHANG Yu", ("nfh",), True)
    assert author.line == line_of("- name:")
    assert md.affiliation("nfh").city.en == "Guangzhou"
    assert md.funding[0].awards == ("2021YFC2500300",)
    assert md.lines["article.received"] == line_of("received:")


@pytest.mark.parametrize(("text", "line", "message"), [
    (METADATA + "journal: {}\n", METADATA.count("\n") + 1, "malformed YAML: found duplicate key \"journal\""),
    (METADATA.replace("  volume: 37", "\tvolume: 37"), line_of("  volume:"), "malformed YAML: found character '\\t'"),
    (METADATA.replace("  issue: 5", "  issue: !!int five"), line_of("  issue:"), "malformed YAML: “five” is not a valid !!int"),
    (METADATA.replace("  issue: 5", "  issue: 5\x07"), line_of("  issue:"), "character #x0007 is not allowed in YAML"),
    (METADATA + "base: &b {zh: 甲}\nalias: [*b, *b]\nloop: &l [*l]\n", METADATA.count("\n") + 3,
     "an alias refers to the collection that contains it"),
    (METADATA + "affiliations:\n", None, "duplicate key"),
])
def test_errors_name_key_and_line(text: str, line: int | None, message: str) -> None:
    """YAML that cannot be parsed is one InputError with its line."""
    caught = error(text)
    assert message in caught.message
    if line is not None:
        assert caught.line == line


@pytest.mark.parametrize("text", [
    "- journal\n- authors\n",
    "just text\n",
    "",
    METADATA.replace("{zh: 张钰, en: ZHANG Yu}", "{zh: 张钰}"),
    METADATA.replace("affiliations: [nfh]", "affiliations: [nfh, pku]"),
    METADATA.replace("received: 2024-03-20", "received: 2024-02-30"),
    METADATA.replace("  title: {zh: 临床血液学杂志, en: Journal of Clinical Hematology}", "  title: 临床血液学杂志"),
    METADATA.replace("    awards: [2021YFC2500300]", "    awards: [{no: 1}]"),
    METADATA.replace("authors:\n", "authors: []\nx:\n", 1),
    METADATA.replace("affiliations:\n  - id: nfh", "affiliations:\n  - id: nfh\n    zh: 甲\n    en: A\n  - id: nfh", 1),
])
def test_content_problems_are_read_not_refused(text: str) -> None:
    """Wrong content that parses is read as it stands (empty where the shape is wrong): the META rules report it."""
    md = parse(text)
    assert md.path == PATH and all(isinstance(a.name.zh, str) for a in md.authors)


def test_value_spans_point_into_the_file() -> None:
    """A bilingual value's span maps each character to its place in metadata.yaml, folded blocks included."""
    text = "authors:\n  - name: {zh: 张钰, en: ZHANG Yu}\n    bio:\n      zh: 张钰，医师\n      en: >-\n        Physician,\n        Guangzhou\n"
    bio = parse(text).authors[0].bio
    assert bio.en == "Physician, Guangzhou"
    assert (bio.zh_span.start.line, bio.zh_span.start.column) == (4, 11)
    place = bio.en_span.location(bio.en.index("Guangzhou"))
    assert (place.line, place.column) == (7, 9)
    assert parse(text).authors[0].name.en_span.start.column == text.splitlines()[1].index("ZHANG") + 1


def test_yaml_is_typed_as_yaml_1_2(capfd: pytest.CaptureFixture[str]) -> None:
    """``no`` and dates stay text, numbers become text when read, merges work; nothing on stderr."""
    from toolchain.load._yaml import parse_yaml

    data = parse_yaml("a: no\nb: 2024-03-20\nc: 37\nd: ~\ne: true\nbase: &b {zh: 甲, en: A}\nf:\n  <<: *b\n  en: B\n", PATH)
    assert (data["a"], data["b"], data["c"], data["d"], data["e"]) == ("no", "2024-03-20", 37, None, True)
    assert data["f"] == {"zh": "甲", "en": "B"} and data["f"].lc.key("en") == (8, 2)
    with pytest.raises(InputError) as caught:
        parse(METADATA + "x: &a 1\ny: &a 2\n")
    assert caught.value.line == METADATA.count("\n") + 2 and "duplicate anchor" in caught.value.message
    assert capfd.readouterr().err == ""


def test_glossary_reads_complete_terms_only() -> None:
    """A term without ``en`` (or with an unknown language) is no InputError: it is left out of matching, kept in raw."""
    text = "terms:\n  - zh: 索拉非尼\n    en: sorafenib\n  - zh: 维持治疗\n  - zh: 甲\n    en: a\n    avoid: {fr: [b], zh: 乙}\n"
    glossary = parse_glossary(SourceFile.from_text("manuscript/glossary.yaml", text))
    assert [(t.zh, t.en, t.avoid) for t in glossary.terms] == [("索拉非尼", "sorafenib", {}), ("甲", "a", {"zh": ("乙",)})]
    assert len(glossary.raw["terms"]) == 3 and [t.line for t in glossary.terms] == [2, 5]
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


@pytest.mark.parametrize("value", ['"no"', '"false"', "no", '"yes"', "1"])
def test_corresponding_is_true_only_for_yaml_true(value: str) -> None:
    """`corresponding: "no"` (or any value but the boolean true) does not make an author corresponding."""
    md = parse(METADATA.replace("corresponding: true", f"corresponding: {value}", 1))
    assert md.authors[0].corresponding is False
    assert parse(METADATA).authors[0].corresponding is True
