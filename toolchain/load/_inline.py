r"""What Pandoc's inline parser reads as markup in a paragraph's lines: code, math and escapes set aside, emphasis opened.

The nesting bounds of the loader count brackets, tags and emphasis in the text Pandoc parses
as inline markup. Code spans (any run of backticks closed by a run as long), math (``$…$``
and ``$$…$$``, by Pandoc's rules for the dollars) and escaped characters (``\[``) are text to
it: ``Verbatim`` replaces them by a placeholder, one per character, so that offsets stay valid
and the characters around them keep their neighbours. Code and math may run on over the lines
of a paragraph. Every line is read once, with its look-ups answered from tables built for it.
"""

from __future__ import annotations

import re
from bisect import bisect_left

PLACEHOLDER = "\x00"  # neither a space nor a letter: next to it, * and _ open and close as next to code
BACKTICKS = re.compile(r"`+")
# Delimiters that open emphasis (* ** *** _ __ ___), strikeout (~~), superscript (^) or subscript (~)
EMPHASIS_RUN = re.compile(r"\*+|_+|~+|\^+")
# Superscript and subscript hold no space: a space ends them (Pandoc reads ^a b^ as text)
UNSPACED = ("^", "~")


class Verbatim:
    """The lines of one paragraph with their code, math and escapes replaced (``blank``); ``reset`` at the paragraph's end."""

    def __init__(self) -> None:
        """No code span or math open."""
        self.code = 0  # the backticks of a code span left open on an earlier line of the paragraph
        self.math = ""  # "$" or "$$": math left open on an earlier line

    def reset(self) -> None:
        """A blank line: what was left open is text (Pandoc reads an unclosed code span or math as text)."""
        self.code, self.math = 0, ""

    def blank(self, line: str) -> str:
        """``line`` with code spans, math and escaped characters replaced by placeholders."""
        if not any(mark in line for mark in "`$\\") and not (self.code or self.math):
            return line
        runs: dict[int, list[int]] = {}  # backtick runs by length: their starts, in order
        for run in BACKTICKS.finditer(line):
            runs.setdefault(len(run.group()), []).append(run.start())
        closers = [i for i, char in enumerate(line) if char == "$" and i and not line[i - 1].isspace()
                   and not (i + 1 < len(line) and line[i + 1].isdigit())]  # where inline math may close
        doubles = [m.start() for m in re.finditer(r"\$\$", line)]
        out: list[str] = []
        i, n = 0, len(line)
        if self.code:  # a code span opened above closes at the first run as long
            end = self.close_code(runs, self.code, 0)
            if end < 0:
                return PLACEHOLDER * n
            out.append(PLACEHOLDER * end)
            i, self.code = end, 0
        elif self.math:
            end = self.close_math(0, closers, doubles)
            if end < 0:
                return PLACEHOLDER * n
            out.append(PLACEHOLDER * end)
            i, self.math = end, ""
        while i < n:
            char = line[i]
            if char == "\\" and i + 1 < n and not (line[i + 1].isspace() or line[i + 1].isalnum()):  # an escaped character
                out.append(PLACEHOLDER * 2)
                i += 2
            elif char == "`":
                size = len(BACKTICKS.match(line, i).group())
                end = self.close_code(runs, size, i + size)
                if end < 0:  # open to a later line of the paragraph
                    self.code = size
                    out.append(PLACEHOLDER * (n - i))
                    break
                out.append(PLACEHOLDER * (end - i))
                i = end
            elif char == "$" and (line.startswith("$$", i) or (i + 1 < n and not line[i + 1].isspace())):
                self.math = "$$" if line.startswith("$$", i) else "$"
                end = self.close_math(i + len(self.math), closers, doubles)
                if end < 0:
                    out.append(PLACEHOLDER * (n - i))
                    break
                self.math = ""
                out.append(PLACEHOLDER * (end - i))
                i = end
            else:
                out.append(char)
                i += 1
        return "".join(out)

    @staticmethod
    def close_code(runs: dict[int, list[int]], size: int, start: int) -> int:
        """The end of the first run of exactly ``size`` backticks from ``start``, -1 when there is none on the line."""
        starts = runs.get(size, [])
        k = bisect_left(starts, start)
        return starts[k] + size if k < len(starts) else -1

    def close_math(self, start: int, closers: list[int], doubles: list[int]) -> int:
        """The end of the math open (``self.math``) from ``start``: after its closing dollars, -1 when it stays open."""
        if self.math == "$$":
            k = bisect_left(doubles, start)
            return doubles[k] + 2 if k < len(doubles) else -1
        k = bisect_left(closers, start + 1 if start else 0)  # inline math holds one character at least
        return closers[k] + 1 if k < len(closers) else -1


class Emphasis:
    """The emphasis, strikeout, superscript and subscript delimiters a paragraph leaves open, innermost last.

    A delimiter opens when a character other than a space follows it, closes the innermost open
    one of its kind when such a character precedes it (``_`` neither opens nor closes inside a
    word); one that closes anything else opens, as Pandoc's parser would try it. Pandoc tries
    every open delimiter to the paragraph's end and again for each one inside it: the count
    open at once is what ``open`` bounds.
    """

    def __init__(self) -> None:
        """Nothing open."""
        self.open: list[str] = []

    def reset(self) -> None:
        """The paragraph ended."""
        self.open.clear()

    def read(self, line: str) -> int:
        """Read one line (code and math blanked); the most delimiters open at once in it."""
        most, done = len(self.open), 0
        stack = self.open
        for run in EMPHASIS_RUN.finditer(line):
            start, end = run.span()
            if stack and stack[-1] in UNSPACED and any(c.isspace() for c in line[done:start]):
                while stack and stack[-1] in UNSPACED:
                    stack.pop()
            done = end
            text = run.group()
            kind = ("~~" if len(text) > 1 else "~") if text[0] == "~" else "^" if text[0] == "^" else text[:3]
            before = line[start - 1] if start else " "
            after = line[end] if end < len(line) else " "
            opens, closes = not after.isspace(), not before.isspace()
            if text[0] == "_":
                opens, closes = opens and not before.isalnum(), closes and not after.isalnum()
            if closes and stack and stack[-1] == kind:
                stack.pop()
            elif opens:
                stack.append(kind)
                most = max(most, len(stack))
        while stack and stack[-1] in UNSPACED:  # the line break is a space
            stack.pop()
        return most
