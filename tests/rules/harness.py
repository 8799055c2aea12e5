"""Data-driven rule cases: one YAML file per rule, each case overlaying the base project.

A case writes snippets (zh, en, metadata, glossary, bib, lock, config) and may append one long
line to zh or en: ``paragraph: {zh: {text: …, times: N}}`` (the text repeated N times); ``figures: [a.png]``
creates those (empty) files in manuscript/figures/.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

CASES_DIR = Path(__file__).resolve().parent / "cases"
BASE_PROJECT = Path(__file__).resolve().parent / "base_project"
SNIPPET_FILES = {
    "zh": "manuscript/zh.md",
    "en": "manuscript/en.md",
    "metadata": "manuscript/metadata.yaml",
    "glossary": "manuscript/glossary.yaml",
    "bib": "bib/references.bib",
    "lock": "bib/references.lock.json",
}
EXPECT = re.compile(r"^(\w+)(?::(\d+))?(?::(\d+))?\s+([A-Z]{2,5}\d{3})$")


def yaml() -> YAML:
    """A round-trip YAML loader (keeps CJK readable, preserves order)."""
    loader = YAML(typ="rt")
    loader.width = 4096
    return loader


def deep_merge(base: dict, overlay: dict) -> dict:
    """Merge ``overlay`` into ``base`` (mappings recursively; other values replace)."""
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def front_matter(path: Path) -> str:
    """The base file's front matter block, with the closing '---' and a blank line."""
    text = path.read_text(encoding="utf-8")
    end = text.index("\n---", 3) + len("\n---\n")
    return text[:end] + "\n"


@dataclass
class RuleCase:
    """One case of one rule."""

    rule: str
    name: str
    data: dict[str, Any]
    offsets: dict[str, int] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Test id: RULE-case_name."""
        return f"{self.rule}-{self.name}"

    def write_project(self, root: Path) -> Path:
        """Copy the base project to ``root`` and overlay this case's snippets."""
        shutil.copytree(BASE_PROJECT, root)
        for snippet in ("zh", "en"):
            if snippet in self.data:
                body = str(self.data[snippet])
                target = root / SNIPPET_FILES[snippet]
                if body.lstrip("\ufeff").startswith("---"):
                    text, offset = body, 0
                else:
                    head = front_matter(BASE_PROJECT / SNIPPET_FILES[snippet])
                    text, offset = head + body, head.count("\n")
                target.write_bytes(text.encode("utf-8"))
                self.offsets[snippet] = offset
        for snippet, paragraph in (self.data.get("paragraph") or {}).items():  # a long paragraph: text repeated, one line
            target = root / SNIPPET_FILES[snippet]
            line = str(paragraph["text"]) * int(paragraph.get("times", 1))
            target.write_text(target.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
        if "metadata" in self.data:
            value = self.data["metadata"]
            target = root / SNIPPET_FILES["metadata"]
            if isinstance(value, str):
                target.write_text(value, encoding="utf-8")
            else:
                merged = deep_merge(yaml().load(target.read_text(encoding="utf-8")), value)
                buffer = io.StringIO()
                yaml().dump(merged, buffer)
                target.write_text(buffer.getvalue(), encoding="utf-8")
        if "glossary" in self.data:
            value = self.data["glossary"]
            target = root / SNIPPET_FILES["glossary"]
            if isinstance(value, str):
                target.write_text(value, encoding="utf-8")
            else:
                buffer = io.StringIO()
                yaml().dump({"terms": value}, buffer)
                target.write_text(buffer.getvalue(), encoding="utf-8")
        if "bib" in self.data:
            (root / SNIPPET_FILES["bib"]).write_text(str(self.data["bib"]), encoding="utf-8")
        if "lock" in self.data:
            (root / SNIPPET_FILES["lock"]).write_text(str(self.data["lock"]), encoding="utf-8")
        if "config" in self.data:
            (root / "pyproject.toml").write_text(str(self.data["config"]), encoding="utf-8")
        for name in self.data.get("figures") or []:  # image files the case needs (their content is not read)
            (root / "manuscript" / "figures").mkdir(exist_ok=True)
            (root / "manuscript" / "figures" / str(name)).write_bytes(b"\x89PNG\r\n\x1a\n")
        return root

    def body(self, root: Path, snippet: str) -> str:
        """A snippet's file as it stands now, without the base front matter the case did not write."""
        text = (root / SNIPPET_FILES[snippet]).read_text(encoding="utf-8")
        if str(self.data[snippet]).lstrip("\ufeff").startswith("---"):
            return text
        return text[len(front_matter(BASE_PROJECT / SNIPPET_FILES[snippet])):]

    def short_form(self, file: str, line: int, column: int, rule: str) -> tuple[str, int, int, str]:
        """A diagnostic as (snippet, line within the snippet, column, rule)."""
        snippet = next((name for name, path in SNIPPET_FILES.items() if path == file), file)
        return snippet, line - self.offsets.get(snippet, 0), column, rule

    def expected(self) -> list[tuple[str, int | None, int | None, str]]:
        """Parsed ``expect`` strings."""
        result = []
        for item in self.data.get("expect", []) or []:
            match = EXPECT.match(str(item).strip())
            if not match:
                raise ValueError(f"{self.id}: bad expect string {item!r}")
            snippet, line, column, rule = match.groups()
            result.append((snippet, int(line) if line else None, int(column) if column else None, rule))
        return result


def load_cases() -> list[RuleCase]:
    """Every case of every YAML file in cases/."""
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        data = yaml().load(path.read_text(encoding="utf-8"))
        for name, case in (data.get("cases") or {}).items():
            cases.append(RuleCase(str(data["rule"]), str(name), dict(case)))
    return cases
