"""zh.md / en.md: front matter fields located in the source, blocks, sections and citations."""

from __future__ import annotations

import pytest

from toolchain.errors import InputError
from toolchain.load.markdown import find_citations, parse_document
from toolchain.load.source import SourceFile, decode

FRONT = """---
lang: zh-CN
title: 索拉非尼治疗急性髓系白血病
abstract: |
  第一段，索拉非尼是多激酶抑制剂[@xuan2020]。

  第二段，维持治疗可降低复发率。
keywords: [索拉非尼, 急性髓系白血病]
---
"""


def document(body: str, front: str = FRONT, lang: str = "zh"):
    """Parse a document made of front matter and body."""
    return parse_document(SourceFile.from_text(f"manuscript/{lang}.md", front + body), lang)


def test_front_matter_values_point_at_their_lines() -> None:
    """Title, each abstract paragraph and each keyword map back to where they are written."""
    doc = document("\n# 引言 {#sec-intro}\n\n正文。\n")
    assert doc.declared_lang == "zh-CN"
    assert (doc.title.text, doc.title.start.line, doc.title.start.column) == ("索拉非尼治疗急性髓系白血病", 3, 8)
    assert [(s.start.line, s.start.column) for s in doc.abstract] == [(5, 3), (7, 3)]
    assert [(k.text, k.start.line) for k in doc.keywords] == [("索拉非尼", 8), ("急性髓系白血病", 8)]
    assert doc.keywords[1].start.column == 18
    assert doc.front_lines == {"lang": 2, "title": 3, "abstract": 4, "keywords": 8}


def test_citations_in_abstract_are_located() -> None:
    """A citation in the abstract is found with its line and column."""
    doc = document("\n正文。\n")
    (citation,) = doc.citations
    assert citation.key == "xuan2020"
    assert (citation.location.line, citation.location.column) == (5, 19)  # 2 spaces, 15 characters, "["


def test_front_matter_closed_by_dots_and_missing() -> None:
    """``...`` closes front matter; no front matter at all is fine; an unclosed one is an error."""
    assert document("body\n", front="---\ntitle: x\n...\n").title.text == "x"
    assert document("# 引言\n", front="").title is None
    with pytest.raises(InputError) as caught:
        document("# 引言\n\n正文。\n", front="---\ntitle: x\n")
    assert caught.value.line == 1 and "never closed" in caught.value.message


def test_keywords_as_one_string_are_read_as_the_list_they_mean() -> None:
    """keywords as one string is read item by item, each at its place; the shape is META013's to report."""
    doc = document("x\n", front="---\ntitle: t\nkeywords: 索拉非尼，维持治疗\n---\n")
    assert [k.text for k in doc.keywords] == ["索拉非尼", "维持治疗"]
    assert [(k.start.line, k.start.column) for k in doc.keywords] == [(3, 11), (3, 16)]
    assert document("x\n", front="---\nkeywords:\n  - {a: 1}\n---\n").keywords == ()


def test_blocks_kinds_sections_and_attributes() -> None:
    """Headings (with ids and classes), paragraphs, lists, tables, figures, code, comments, divs."""
    body = """
# 引言 {#sec-intro .unnumbered}

第一段。
仍是第一段。

- 列表项一
- 列表项二

| 指标 | 值 |
|---|---|
| CR | 72% |

![图1 作用靶点](figures/targets.png){#fig-targets}

```
# 不是标题
```

<!-- 注释

跨越空行 -->

::: note

## 方法 {#sec-methods}
"""
    doc = document(body)
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["heading", "paragraph", "list", "table", "figure", "code", "comment", "div", "heading"]
    intro, methods = doc.headings
    assert (intro.title, intro.identifier, intro.level, intro.section) == ("引言", "sec-intro", 1, 1)
    assert (methods.title, methods.identifier, methods.level, methods.section) == ("方法", "sec-methods", 2, 2)
    assert len(doc.units(1)) == 4  # paragraph, list, table, figure
    paragraph = doc.blocks[1]
    assert paragraph.span.start.line == 13 and paragraph.text == "第一段。\n仍是第一段。"


def test_heading_line_right_under_a_paragraph_is_paragraph_text() -> None:
    """``# 结论`` directly under a paragraph line is text of that paragraph, as Pandoc reads it (blank_before_header)."""
    doc = document("\n正文一句。\n# 结论\n结论句。\n\n# 结论\n结论句。\n")
    assert [b.kind for b in doc.blocks] == ["paragraph", "heading", "paragraph"]
    assert doc.blocks[0].text == "正文一句。\n# 结论\n结论句。"
    assert doc.blocks[2].section == 1


def test_unclosed_comment_is_text() -> None:
    """An unclosed ``<!--`` is text (Pandoc prints it), so the heading after it counts; a closed one spans blank lines."""
    doc = document("\n正文 <!-- 注释\n\n仍是注释 --> 正文。\n\n<!-- 未闭合\n\n# 标题\n")
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph", "heading"]
    assert [h.title for h in doc.headings] == ["标题"]
    assert doc.blocks[0].text == "正文 <!-- 注释\n\n仍是注释 --> 正文。"


@pytest.mark.parametrize(("text", "keys"), [
    ("见文献[@xuan2020; @dohner2022, p. 3]。", ["xuan2020", "dohner2022"]),
    ("Xuan等[-@xuan2020]报道。", ["xuan2020"]),
    ("@xuan2020 reported this.", ["xuan2020"]),
    ("Write to author@example.org for data.", []),
    ("See [the trial](https://doi.org/10.1016/S1470) and [@key.with:punct-2].", ["key.with:punct-2"]),
    ("Code `[@notacite]` and <!-- [@hidden] --> are skipped.", []),
    ("A stray [@ and an unbalanced { do not break it.", []),
])
def test_citations(text: str, keys: list[str]) -> None:
    """Pandoc citation syntax; e-mail addresses, code and comments are not citations."""
    src = SourceFile.from_text("manuscript/en.md", text)
    doc = parse_document(src, "en")
    found = find_citations(doc.blocks[0].span)
    assert [c.key for c in found] == keys
    for citation in found:
        assert text[citation.location.column - 1:].startswith("@" + citation.key)


def test_setext_headings_and_rules() -> None:
    """``Title\\n=====`` and ``Title\\n-----`` are headings (levels 1 and 2); a lone ``---`` is a rule."""
    text = "---\nlang: en\ntitle: T\n---\n\nIntroduction {#sec-intro}\n============\n\nText.\n\nMethods\n-------\n\nMore.\n\n---\n\nAfter.\n"
    document = parse_document(decode("manuscript/en.md", text.encode()), "en")
    headings = document.headings
    assert [(h.level, h.title, h.identifier, h.span.start.line) for h in headings] == [(1, "Introduction", "sec-intro", 6), (2, "Methods", "", 11)]
    assert [b.kind for b in document.blocks if b.kind != "heading"] == ["paragraph", "paragraph", "rule", "paragraph"]
    assert len(document.units(2)) == 2
