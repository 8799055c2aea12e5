"""references.bib: entries, fields with lines, names, languages, and errors naming the line."""

from __future__ import annotations

import pytest

from toolchain.errors import InputError
from toolchain.load.bibliography import Name, parse_bibliography, parse_names, strip_braces
from toolchain.load.source import SourceFile

PATH = "bib/references.bib"
BIB = """% references of the review
@string{lancet = {Lancet Oncol}}

@article{xuan2020,
  author = {Xuan, L. and Wang, Y. and others},
  title = {Sorafenib maintenance in {FLT3-ITD} acute myeloid leukaemia},
  journal = lancet,
  year = {2020},
}

@ARTICLE{zhang2019,
  author = {张钰 and 欧阳明日},
  title = {索拉非尼治疗急性髓系白血病},
  title-en = {Sorafenib in acute myeloid leukemia},
  journal = {中华血液学杂志},
  year = 2019,
  langid = {chinese},
}
"""


def parse(text: str):
    """Parse BibTeX text."""
    return parse_bibliography(SourceFile.from_text(PATH, text))


def test_entries_fields_and_lines() -> None:
    """Keys, lower-cased types and field names, values without outer braces, 1-based lines."""
    bib = parse(BIB)
    assert [e.key for e in bib.entries] == ["xuan2020", "zhang2019"]
    xuan, zhang = bib.entries
    assert (xuan.type, xuan.line, xuan.line_of("title"), xuan.line_of("volume")) == ("article", 4, 6, 4)
    assert xuan.fields["title"] == "Sorafenib maintenance in {FLT3-ITD} acute myeloid leukaemia"
    assert (zhang.type, zhang.fields["year"], zhang.english("title")) == ("article", "2019", "Sorafenib in acute myeloid leukemia")
    assert (xuan.langid, zhang.langid) == ("en", "zh")
    assert bib.get("zhang2019") is zhang and bib.get("nokey") is None


def test_names() -> None:
    """Family/given parts, ``others``, organisations in braces, Chinese names with two-character surnames."""
    assert parse_names("Xuan, L. and Wang, Y. and others") == (Name("Xuan", "L."), Name("Wang", "Y."), Name("", "", "others"))
    assert parse_names("{World Health Organization}") == (Name("", "", "World Health Organization"),)
    assert parse_names("Hartmut Döhner") == (Name("Döhner", "Hartmut"),)
    assert parse_names("张钰 and 欧阳明日") == (Name("张", "钰"), Name("欧阳", "明日"))
    assert parse_names("{Brand and Sons} and Li, Q.") == (Name("", "", "Brand and Sons"), Name("Li", "Q."))
    assert strip_braces("{{NCCN}}  guidelines {DNA}") == "NCCN guidelines DNA"


@pytest.mark.parametrize(("text", "line", "message"), [
    (BIB + "\n@article{broken2021,\n  title = {Unclosed,\n  year = {2021}\n", 20, "Unexpectedly reached end of file"),
    (BIB + "\n@article{xuan2020,\n  title = {Again},\n}\n", 20, "key 'xuan2020' is defined twice (first at line 4)"),
    (BIB + "\n@ article{loose,\n}\n", 20, "stray '@' outside an entry"),
    (BIB + "\ncontact: someone@example.org\n", 20, "stray '@' outside an entry"),
    ("this is a list of references, not BibTeX\n", 1, "no BibTeX entry found"),
    # read by bibtexparser, refused by pandoc: the loader refuses them first, on the right line
    (BIB + "\n@article{}\n", 20, "entry has no key"),
    (BIB + "\n@article{two words,\n  title = {x},\n}\n", 20, "key “two words” contains a space"),
    (BIB + "\n@article{nocomma}\n", 20, "a comma must follow the key “nocomma”"),
    (BIB + "\n@article(paren2020,\n  title = {x},\n)\n", 20, "enclosed in parentheses"),
    (BIB + "\n@{notype,\n  title = {x},\n}\n", 20, "entry has no type"),
    (BIB + "\n@article{lost2021,\n  title = {Sorafenib in AML}\n  year = {2021},\n}\n", 22,
     "“year = {2021}” follows the value of title in “lost2021”: a comma is missing before it"),
])
def test_errors_name_the_line(text: str, line: int, message: str) -> None:
    """Unparsable, duplicate and stray input is one InputError on the right line."""
    with pytest.raises(InputError) as caught:
        parse(text)
    assert (caught.value.file, caught.value.line) == (PATH, line)
    assert message in caught.value.message


def test_what_pandoc_accepts_is_accepted(capfd: pytest.CaptureFixture[str]) -> None:
    """Comments (even with '@' after %), @comment, an empty file; bibtexparser's log stays silent."""
    bib = parse("% mail: someone@example.org\n@comment{anything}\n" + BIB
                + "@misc{concat, title = {{DNA} methylation} # { in AML}, note = lancet}\n")
    assert len(bib.entries) == 3
    assert bib.get("xuan2020").fields["journal"] == "Lancet Oncol"  # @string macro resolved
    assert bib.get("concat") is not None  # a "#" concatenation is no missing comma
    assert parse("").entries == ()
    with pytest.raises(InputError):
        parse(BIB + "\n@article{b, title={{{y}\n")
    assert capfd.readouterr().err == ""
