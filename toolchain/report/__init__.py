"""How diagnostics leave the program: one module per output format."""

from __future__ import annotations

from toolchain.report.json_array import format_json
from toolchain.report.sarif import format_sarif
from toolchain.report.text import format_text

FORMATTERS = {"text": format_text, "json": format_json, "sarif": format_sarif}

__all__ = ["FORMATTERS"]
