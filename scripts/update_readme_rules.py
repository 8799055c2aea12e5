"""Rewrite the rule table in README.md between its markers from the registry."""

from __future__ import annotations

import re
from pathlib import Path

from toolchain.check import RULES
from toolchain.cli import rules_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> None:
    """Replace the table between <!-- rules:begin --> and <!-- rules:end -->."""
    text = README.read_text(encoding="utf-8")
    table = rules_markdown(sorted(RULES.values(), key=lambda r: r.id))
    text = re.sub(r"(<!-- rules:begin -->\n).*?(\n<!-- rules:end -->)", lambda m: m.group(1) + table + m.group(2), text, flags=re.S)
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
