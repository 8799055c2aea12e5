"""Source files: decoding (UTF-8, BOM, CRLF) and offset → line:column mapping."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from toolchain.cjk import CJK
from toolchain.errors import InputError
from toolchain.limits import MAX_FILE_BYTES as MAX_BYTES
from toolchain.limits import project_path


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One decoded text file with a line index; positions are code points, 1-based."""

    path: str  # POSIX path relative to the project root
    text: str  # BOM removed, line endings normalised to \n
    had_bom: bool = False
    had_crlf: bool = False
    line_starts: tuple[int, ...] = field(default=(), compare=False)

    @classmethod
    def from_text(cls, path: str, text: str, *, had_bom: bool = False, had_crlf: bool = False) -> SourceFile:
        """Build a source file and its line index from already-decoded text."""
        starts = [0]
        starts.extend(m.end() for m in re.finditer("\n", text))
        return cls(path, text, had_bom, had_crlf, tuple(starts))

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def line_text(self, line: int) -> str:
        """Return the text of a 1-based line without its newline."""
        if not 1 <= line <= len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]

    def line_part(self, line: int, lo: int, hi: int) -> tuple[str, int]:
        """Characters ``lo:hi`` of a 1-based line and the line's length, without copying the whole line."""
        if not 1 <= line <= len(self.line_starts):
            return "", 0
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return self.text[start + max(0, lo):min(end, start + hi)], end - start

    def offset(self, line: int, column: int = 1) -> int:
        """Return the character offset of a 1-based (line, column)."""
        line = max(1, min(line, len(self.line_starts)))
        return self.line_starts[line - 1] + column - 1


def looks_utf16(data: bytes) -> bool:
    """Whether BOM-less bytes look like UTF-16 text (every other byte NUL, as in ASCII-range UTF-16)."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2].count(0) / len(sample[0::2]), sample[1::2].count(0) / len(sample[1::2])
    # ASCII-range UTF-16 has NULs on one parity only; zero-padded binary has them on both.
    return max(even, odd) > 0.4 and min(even, odd) < 0.05


def looks_gb18030(data: bytes) -> bool:
    """Whether bytes that are not UTF-8 read as Chinese text in GBK/GB18030 (not as noise)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    # gb18030 decodes almost any byte string; real text has ideographs and no stray controls.
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r")
    return controls == 0 and CJK.search(text) is not None


def decode(path: str, data: bytes) -> SourceFile:
    """Decode bytes as UTF-8 text, or raise InputError naming the file and line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or looks_utf16(data):
        raise InputError(path, 1, "file is UTF-16 encoded; save it as UTF-8")
    had_bom = data.startswith(b"\xef\xbb\xbf")
    if had_bom:
        data = data[3:]
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(path, line, "file is binary (contains NUL bytes), not UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = " (it looks like GBK/GB18030)" if looks_gb18030(data) else ""
        raise InputError(path, line, f"file is not valid UTF-8{hint}; save it as UTF-8") from None
    had_crlf = "\r\n" in text
    if had_crlf or "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceFile.from_text(path, text, had_bom=had_bom, had_crlf=had_crlf)


def read_source(root: Path, relative: str) -> SourceFile:
    """Read and decode ``root/relative``; a missing or unreadable file is an InputError."""
    path = project_path(root, relative)
    if not path.is_file():
        problem = "is a directory, not a file" if path.is_dir() else "is missing"
        raise InputError(relative, None, f"required file {problem}")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(relative, None, f"file is too large ({size} bytes; limit {MAX_BYTES})")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(relative, None, f"cannot read file: {exc.strerror}") from None
    return decode(relative, data)


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a project file: POSIX path relative to the root, 1-based line and column."""

    file: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        """Render as ``file:line:column``."""
        return f"{self.file}:{self.line}:{self.column}"

    def __reduce__(self) -> tuple:
        """Pickled as its fields, rebuilt by the constructor (findings come back from the check's workers)."""
        return Location, (self.file, self.line, self.column, self.end_line, self.end_column)


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of text taken from a source file, with anchors mapping its offsets back."""

    text: str
    source: SourceFile
    anchors: tuple[tuple[int, int], ...]  # (offset in text, offset in source), ascending

    @classmethod
    def of(cls, source: SourceFile, start: int, end: int) -> Span:
        """Take the contiguous source text between two offsets."""
        return cls(source.text[start:end], source, ((0, start),))

    def source_offset(self, index: int) -> int:
        """Map an offset in this span's text to an offset in the source text."""
        base_text, base_source = self.anchors[0]
        for text_offset, source_offset in self.anchors:
            if text_offset > index:
                break
            base_text, base_source = text_offset, source_offset
        return base_source + index - base_text

    def location(self, start: int, end: int | None = None) -> Location:
        """Return the Location of text[start:end] in the source file."""
        line, column = self.source.position(self.source_offset(start))
        if end is None or end <= start:
            return Location(self.source.path, line, column)
        end_line, end_column = self.source.position(self.source_offset(end))
        return Location(self.source.path, line, column, end_line, end_column)

    @property
    def start(self) -> Location:
        """Location of the span's first character."""
        return self.location(0)
