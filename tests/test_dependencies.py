"""Runtime dependencies are what the package imports: nothing only the tests use."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def imported_modules() -> set[str]:
    """Top-level names of every module the package imports (at module level or inside functions)."""
    names = set()
    for path in (REPO / "toolchain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "find_spec" and node.args \
                    and isinstance(node.args[0], ast.Constant):  # a package whose data files are read without importing it
                names.add(str(node.args[0].value).split(".")[0])
    return names


def normal(name: str) -> str:
    """A distribution name in PEP 503 normal form."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_runtime_dependency_is_imported_by_the_package() -> None:
    """A dependency of ``[project] dependencies`` provides a module that toolchain/ imports."""
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    provided: dict[str, set[str]] = {}
    for module, distributions in packages_distributions().items():
        for distribution in distributions:
            provided.setdefault(normal(distribution), set()).add(module)
    used = imported_modules()
    unused = [d for d in declared if not provided.get(normal(re.split(r"[<>=!~\[; ]", d)[0])) & used]
    assert not unused, f"runtime dependencies toolchain/ never imports: {unused}"
