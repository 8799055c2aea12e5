"""zh.pdf / en.pdf: Pandoc's typst writer with our template, compiled in process by ``typst``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import manimgx_fonts_cjk
import typst

from toolchain.errors import RenderError
from toolchain.load import Project
from toolchain.render.pandoc import ast_to

TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "article.typ"
# Preferred CJK serif families when fontconfig knows them; the PyPI Noto Sans CJK is the fallback.
SYSTEM_CJK = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN")
LATIN = "Libertinus Serif"
BUNDLED_CJK = "Noto Sans CJK SC"


@cache
def font_paths() -> tuple[str, ...]:
    """Directories holding the bundled CJK font."""
    return (str(Path(manimgx_fonts_cjk.__file__).resolve().parent),)


@cache
def system_cjk_fonts() -> tuple[str, ...]:
    """CJK serif families fontconfig can find, in order of preference."""
    if not shutil.which("fc-list"):
        return ()
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = {f.strip() for line in listed.splitlines() for f in line.split(",")}
    return tuple(f for f in SYSTEM_CJK if f in families)


def template_variables(lang: str) -> list[str]:
    """Pandoc ``-V`` variables that the template reads."""
    fonts = [LATIN, *system_cjk_fonts(), BUNDLED_CJK]
    variables = [f"fonts={f}" for f in fonts]
    if lang == "zh":
        variables += ["zh=true", "lang-code=zh", "region=cn", "indent=2em", "keyword-sep=；"]
    else:
        variables += ["lang-code=en", "indent=1.2em", "keyword-sep=; "]
    return [arg for v in variables for arg in ("-V", v)]


def typst_source(ast: dict, lang: str) -> str:
    """The typst document for one language."""
    return ast_to(ast, "typst-citations", [f"--template={TEMPLATE}", "--number-sections", *template_variables(lang)], f"{lang}.pdf")


def render_pdf(project: Project, ast: dict, lang: str, target: Path) -> None:
    """Compile the PDF for ``lang`` into ``target``."""
    source = typst_source(ast, lang)
    with tempfile.TemporaryDirectory(prefix="typst-") as work:
        main = Path(work) / "main.typ"
        main.write_text(source, encoding="utf-8")
        figures = project.root / "manuscript" / "figures"
        if figures.is_dir():
            os.symlink(figures, Path(work) / "figures")
        try:
            pdf = typst.compile(str(main), root=work, font_paths=list(font_paths()))
        except Exception as exc:  # typst reports source errors as a generic exception
            raise RenderError(f"{lang}.pdf", f"typst failed: {exc}") from None
    target.write_bytes(pdf)


def debug_dump(ast: dict) -> str:
    """The AST as JSON, for --verbose diagnostics."""
    return json.dumps(ast, ensure_ascii=False)[:2000]
