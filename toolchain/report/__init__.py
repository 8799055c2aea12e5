"""How diagnostics leave the program: one module per output format."""

from __future__ import annotations

from toolchain.report.github import format_github
from toolchain.report.json_array import format_json
from toolchain.report.junit import format_junit
from toolchain.report.sarif import format_sarif
from toolchain.report.text import format_text

FORMATTERS = {"text": format_text, "json": format_json, "sarif": format_sarif, "github": format_github, "junit": format_junit}

__all__ = ["FORMATTERS"]
