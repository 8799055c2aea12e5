"""The stages import in one direction only: load ← cite / verify ← check / render ← report ← cli.

Every import in the package is read (module level and inside functions), so a lazy import
cannot hide a dependency. Shared infrastructure (errors, files, patterns, limits, forks, config, names, segment, pandoc)
sits below every stage; a module with a leading underscore is private to its own stage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "toolchain"
LAYERS = {
    "": 0, "errors": 0, "cjk": 0,
    "files": 0.2, "patterns": 0.22, "limits": 0.25, "forks": 0.25,
    "config": 0.5, "names": 0.5, "segment": 0.5, "pandoc": 0.5,
    "load": 1,
    "cite": 2, "verify": 2,  # verify: the lookups and the entry-against-record comparison check reads
    "check": 3, "render": 3,
    "report": 4,
    "cli": 5, "__main__": 6,
}


def module_name(path: Path) -> str:
    """``toolchain/check/references/_bib.py`` → ``toolchain.check.references._bib``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage(module: str) -> str:
    """The stage of a module: the first name after ``toolchain`` ('' for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ``toolchain`` import in a file, relative imports resolved."""
    found = []
    package = module_name(path).split(".") if path.name == "__init__.py" else module_name(path).split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("toolchain")]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) + ("." + node.module if node.module else "") if node.level else node.module or ""
            if base.startswith("toolchain"):
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def target_module(name: str) -> str:
    """The module an imported name lives in (``toolchain.cite.Citations`` → ``toolchain.cite``)."""
    parts = name.split(".")
    while len(parts) > 1:
        candidate = PACKAGE.parent.joinpath(*parts)
        if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return "toolchain"


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_stage_has_a_layer() -> None:
    """A new top-level module or package must be placed in the layering first."""
    assert {stage(module_name(p)) for p in SOURCES} <= set(LAYERS)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_imports_go_down_the_stages_and_not_into_private_modules(path: Path) -> None:
    """A module imports its own stage or lower ones; never a private module of another stage."""
    here = module_name(path)
    problems = []
    for line, name in imports(path):
        target = target_module(name)
        if stage(target) == stage(here):
            continue
        if LAYERS[stage(target)] >= LAYERS[stage(here)]:
            problems.append(f"line {line}: {target} is not below {stage(here) or 'toolchain'}")
        if any(part.startswith("_") and not part.startswith("__") for part in target.split(".")):
            problems.append(f"line {line}: {target} is private to {stage(target)}")
    assert not problems, problems


def test_only_the_command_line_reads_the_settings() -> None:
    """``load_settings`` is called by cli.py alone: every stage is handed the Settings it works with."""
    callers = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "load_settings":
                callers.append(module_name(path))
    assert set(callers) == {"toolchain.cli"}
