r"""What Pandoc's inline parser reads as markup in a paragraph's lines: code, math and escapes set aside, emphasis opened.

The nesting bounds of the loader count brackets, tags and emphasis in the text Pandoc parses
as inline markup. Code spans (a run of backticks closed by a run as long), math (``$…$`` and
``$$…$$``, by Pandoc's rules for the dollars) and escaped characters (``\[``) are text to it:
``blank_verbatim`` replaces them by a placeholder, one per character, so that offsets stay valid
and the characters around them keep their neighbours. Code and math may run on over the lines of
a paragraph; one never closed is text, as it is to Pandoc. Each paragraph is read once, its
closers looked up in tables built for it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

PLACEHOLDER = "\x00"  # neither a space nor a letter: next to it, * and _ open and close as next to code
BACKTICKS = re.compile(r"`+")
# Delimiters that open emphasis (* ** *** _ __ ___), strikeout (~~), superscript (^), subscript (~) or,
# with Pandoc's smart quotes, a quotation (" ')
EMPHASIS_RUN = re.compile(r"([*_~^\"'])\1*")  # a run of one of them (so written, the search skips other text fast)
# Superscript and subscript hold no space: a space ends them (Pandoc reads ^a b^ as text)
UNSPACED = ("^", "~")


# A line that starts a block of its own (a list item, a heading, a div fence, HTML, a definition, a
# footnote) and one that is a block or a row (a table row, a rule or setext underline): code and math
# never run over them. Any other line may go on with the paragraph above.
STARTS_BLOCK = re.compile(r"[ \t]*(?:[-*+]|\(?(?:\d{1,9}|#|@[\w-]*|[a-zA-Z]|[ivxlcdmIVXLCDM]+)[.)])(?:[ \t]|$)"
                          r"|[ \t]*(?:#|:::|<|[:~][ \t]|\[\^)")
IS_BLOCK = re.compile(r".*\||[ \t]*(?:=+|-+|(?:[-*_][ \t]*){3,})[ \t]*$")
QUOTES = re.compile(r"(?:[ \t]{0,3}>[ \t]?)*")
SPECIAL = re.compile(r"[\\`$]")
CLOSES_MATH = re.compile(r"(?<=\S)\$(?!\d)")  # a dollar that may close inline math
DOUBLE = re.compile(r"\$\$")


def blank_verbatim(lines: list[str], skipped: list[bool]) -> list[str]:
    """``lines`` with code spans, math and escaped characters replaced by placeholders (``skipped`` lines, fenced code, as they are).

    Code and math run on over the lines of a paragraph, but not over a blank line, a skipped
    line or a line that starts or is a block of its own; one not closed there is text.
    """
    out = list(lines)
    first, depth = 0, 0  # the segment's first line, the block quotes of the line before
    for i in range(len(lines) + 1):
        line = lines[i] if i < len(lines) else ""
        quotes = QUOTES.match(line).group().count(">") if i < len(lines) else 0
        rest = line[QUOTES.match(line).end():] if i < len(lines) else ""
        ends = i == len(lines) or skipped[i] or not line.strip() or STARTS_BLOCK.match(rest) or IS_BLOCK.match(rest) \
            or quotes > depth or (i > first and IS_BLOCK.match(lines[i - 1][QUOTES.match(lines[i - 1]).end():]))
        if ends and i > first:
            segment = lines[first:i]
            if any(mark in text for text in segment for mark in "`$\\"):
                out[first:i] = blank_text("\n".join(segment)).split("\n")
        if ends:
            first = i + 1 if i == len(lines) or skipped[i] or not line.strip() else i
        depth = quotes
    return out


def placeholders(text: str) -> str:
    """As many placeholders as ``text`` has characters, its line breaks kept."""
    if "\n" not in text:
        return PLACEHOLDER * len(text)
    return "\n".join(PLACEHOLDER * len(part) for part in text.split("\n"))


def blank_text(text: str) -> str:
    """One paragraph's text with its code spans, math and escaped characters replaced by placeholders."""
    runs: dict[int, list[int]] = {}  # backtick runs by length: their starts, in order
    for run in BACKTICKS.finditer(text):
        runs.setdefault(len(run.group()), []).append(run.start())
    closers = [m.start() for m in CLOSES_MATH.finditer(text)]
    doubles = [m.start() for m in DOUBLE.finditer(text)]
    out: list[str] = []
    i, n = 0, len(text)
    while True:
        found = SPECIAL.search(text, i)
        if not found:
            out.append(text[i:])
            break
        j = found.start()
        out.append(text[i:j])
        char, end, closed = text[j], j + 1, False  # where the mark ends, and whether it opens code or math closed here
        if char == "\\":
            if j + 1 < n and not (text[j + 1].isspace() or text[j + 1].isalnum()):  # an escaped character
                end, closed = j + 2, True
        elif char == "`":
            size = len(BACKTICKS.match(text, j).group())
            starts = runs.get(size, [])
            k = bisect_right(starts, j)
            closed = k < len(starts)
            end = starts[k] + size if closed else j + size  # a run with no closer is text
        elif text.startswith("$$", j):
            k = bisect_left(doubles, j + 2)
            closed = k < len(doubles)
            end = doubles[k] + 2 if closed else j + 2
        elif j + 1 < n and not text[j + 1].isspace():  # inline math holds one character at least
            k = bisect_left(closers, j + 2)
            closed = k < len(closers)
            end = closers[k] + 1 if closed else j + 1
        out.append(placeholders(text[j:end]) if closed else text[j:end])
        i = end
    return "".join(out)


class Emphasis:
    """The emphasis, strikeout, superscript, subscript and quotation delimiters a paragraph leaves open, innermost last.

    A delimiter opens when a character other than a space follows it, closes the innermost open
    one of its kind when such a character precedes it (``_`` and ``'`` neither open nor close
    inside a word, ``'`` opens only before a letter or a digit); one that closes anything else opens, as Pandoc's parser would try it. Pandoc tries
    every open delimiter to the paragraph's end and again for each one inside it: the count
    open at once is what ``open`` bounds.
    """

    def __init__(self) -> None:
        """Nothing open."""
        self.open: list[str] = []
        self.kinds = 0  # runs of one kind in ``open``: [*, *, _] is two

    def reset(self) -> None:
        """The paragraph ended."""
        self.open.clear()
        self.kinds = 0

    def pop(self) -> None:
        """Close the innermost open delimiter."""
        kind = self.open.pop()
        if not self.open or self.open[-1] != kind:
            self.kinds -= 1

    def read(self, line: str) -> tuple[int, int]:
        """Read one line (code and math blanked): the most delimiters open at once in it, and the most runs of one kind.

        Pandoc's cost doubles with every one or two more delimiters of different kinds left
        open ("_a ~~e " repeated); many of one kind (identifiers ``_a _b _c`` in a pasted
        script) cost it nothing much, so the kinds are bounded tightly and the count loosely.
        """
        most, kinds, done = len(self.open), self.kinds, 0
        stack = self.open
        for run in EMPHASIS_RUN.finditer(line):
            start, end = run.span()
            if stack and stack[-1] in UNSPACED and any(c.isspace() for c in line[done:start]):
                while stack and stack[-1] in UNSPACED:
                    self.pop()
            done = end
            text = run.group()
            kind = ("~~" if len(text) > 1 else "~") if text[0] == "~" else text[0] if text[0] in "^\"'" else text[:3]
            before = line[start - 1] if start else " "
            after = line[end] if end < len(line) else " "
            opens, closes = not after.isspace(), not before.isspace()
            if text[0] in "_'":  # inside a word, an underscore or an apostrophe
                opens, closes = opens and not before.isalnum(), closes and not after.isalnum()
            if text[0] == "'":  # Pandoc opens a single quotation only before a letter or a digit ('(, '" are text)
                opens = opens and after.isalnum()
            if closes and stack and stack[-1] == kind:
                self.pop()
            elif opens:
                if not stack or stack[-1] != kind:
                    self.kinds += 1
                stack.append(kind)
                most, kinds = max(most, len(stack)), max(kinds, self.kinds)
        while stack and stack[-1] in UNSPACED:  # the line break is a space
            self.pop()
        return most, kinds
