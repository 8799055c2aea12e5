"""Input errors: the failures the CLI reports as exit 2 (1 for content that cannot be rendered) instead of a traceback."""

from __future__ import annotations


class InputError(Exception):
    """A project file cannot be used as input; names the file and, where known, the line."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        """Record where the problem is and what it is."""
        super().__init__(message)
        self.file = file
        self.line = line
        self.message = message

    def __str__(self) -> str:
        """Render as ``file:line: message``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ContentError(InputError):
    """Content that parses but cannot be rendered (a citation no entry answers): exit 1, as a check error is."""


class RenderError(Exception):
    """An output could not be produced; names the output and the cause."""

    def __init__(self, output: str, cause: str) -> None:
        """Record which output failed and why."""
        super().__init__(f"{output}: {cause}")
        self.output = output
        self.cause = cause
