"""Source files: decoding (UTF-8, BOM, CRLF, GBK, UTF-16, binary) and line:column positions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolchain.errors import InputError
from toolchain.load import source
from toolchain.load.source import SourceFile, Span, decode, read_source

ZH = "# 引言\n\n急性髓系白血病（AML）是成人最常见的急性白血病。\n"


def test_utf8_positions_count_code_points() -> None:
    """Columns count code points, not bytes: “（” is one column."""
    src = decode("manuscript/zh.md", ZH.encode("utf-8"))
    offset = src.text.index("AML")
    assert src.position(offset) == (3, 9)
    assert src.line_text(3) == "急性髓系白血病（AML）是成人最常见的急性白血病。"
    assert src.offset(3, 9) == offset


def test_bom_is_removed_and_remembered() -> None:
    """A UTF-8 BOM is dropped from the text (column 1 is the first real character)."""
    src = decode("manuscript/zh.md", b"\xef\xbb\xbf" + ZH.encode("utf-8"))
    assert src.had_bom and not src.had_crlf
    assert src.text == ZH
    assert src.position(0) == (1, 1)


def test_crlf_and_lone_cr_become_newlines() -> None:
    """CRLF is normalised (and remembered); a lone CR ends a line too."""
    src = decode("manuscript/en.md", b"# Introduction\r\n\r\nSorafenib is oral.\rIt inhibits FLT3.\r\n")
    assert src.had_crlf
    assert src.text == "# Introduction\n\nSorafenib is oral.\nIt inhibits FLT3.\n"
    assert src.line_text(4) == "It inhibits FLT3."


def test_gbk_is_named_with_the_line() -> None:
    """GBK text fails with the line of the first undecodable byte and a hint."""
    data = "lang: zh-CN\ntitle: 索拉非尼\n".encode("gbk")
    with pytest.raises(InputError) as caught:
        decode("manuscript/zh.md", data)
    assert str(caught.value) == "manuscript/zh.md:2: file is not valid UTF-8 (it looks like GBK/GB18030); save it as UTF-8"


def test_latin1_noise_is_not_called_gbk() -> None:
    """Bytes that are not UTF-8 and not Chinese text get no GBK hint."""
    with pytest.raises(InputError) as caught:
        decode("bib/references.bib", b"title = {Caf\xe9 \x81\x01 society}\n")
    assert "GBK" not in caught.value.message and caught.value.line == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_bom(encoding: str) -> None:
    """UTF-16, with a BOM or without one, is named as such (not as 'binary')."""
    with pytest.raises(InputError) as caught:
        decode("manuscript/metadata.yaml", "journal:\n  title: {zh: 临床血液学杂志}\n".encode(encoding))
    assert str(caught.value) == "manuscript/metadata.yaml:1: file is UTF-16 encoded; save it as UTF-8"


def test_nul_byte_is_binary_with_line() -> None:
    """A NUL byte marks a binary file; the line is where it occurs."""
    with pytest.raises(InputError) as caught:
        decode("bib/references.bib", b"@article{a,\n title={x}}\n\x00\x01\x02")
    assert caught.value.line == 3 and "binary" in caught.value.message


def test_read_source_missing_directory_and_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Missing file, a directory in its place, and an oversized file are InputErrors naming it."""
    with pytest.raises(InputError, match="required file is missing"):
        read_source(tmp_path, "manuscript/zh.md")
    (tmp_path / "manuscript" / "zh.md").mkdir(parents=True)
    with pytest.raises(InputError, match="is a directory"):
        read_source(tmp_path, "manuscript/zh.md")
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "references.bib").write_bytes(b"x" * 100)
    monkeypatch.setattr(source, "MAX_BYTES", 10)
    with pytest.raises(InputError, match=r"too large \(100 bytes; limit 10\)"):
        read_source(tmp_path, "bib/references.bib")


def test_span_anchors_map_back_across_pieces() -> None:
    """A span stitched from two places maps each piece back to its own line."""
    src = SourceFile.from_text("f.md", "abstract: |\n  第一段。\n  第二段。\n")
    first, second = src.text.index("第一段"), src.text.index("第二段")
    span = Span("第一段。\n第二段。", src, ((0, first), (5, second)))
    assert (span.location(0).line, span.location(0).column) == (2, 3)
    assert (span.location(5).line, span.location(5).column) == (3, 3)
    end = span.location(5, 8)
    assert (end.end_line, end.end_column) == (3, 6)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_position_and_offset_are_inverse(text: str) -> None:
    """For every offset: offset(position(o)) == o, and the column lies within its line."""
    src = SourceFile.from_text("f.md", text)
    for offset in range(len(text) + 1):
        line, column = src.position(offset)
        assert src.offset(line, column) == offset
        assert 1 <= column <= len(src.line_text(line)) + 1
