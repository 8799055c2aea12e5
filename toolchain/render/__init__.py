"""Stage 3: render the outputs (PDF, DOCX, JATS), in parallel, each replaced only when whole."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from toolchain.config import Settings
from toolchain.errors import RenderError
from toolchain.load import Project
from toolchain.render.docx import render_docx
from toolchain.render.files import check_figures, refuse_source_directories, remove_stale_parts, safe_target, write_atomically
from toolchain.render.jats import render_jats
from toolchain.render.manuscript import add_translation, prepare_ast
from toolchain.render.pdf import render_pdf

OUTPUTS = {"pdf": "{lang}.pdf", "docx": "{lang}.docx", "jats": "article.xml"}


def human_size(size: int) -> str:
    """1234567 → '1.2 MB'."""
    for unit in ("B", "kB", "MB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


def build(project: Project, settings: Settings, formats: tuple[str, ...], langs: tuple[str, ...], out: Path,
          progress: Callable[[str], None] = lambda message: None, verbose: bool = False, jobs: int = 2) -> list[Path]:
    """Render the requested outputs into ``out``; raise RenderError naming every failed output."""
    refuse_source_directories(project.root, out)
    check_figures(project)  # a missing figure stops the build before any output is replaced
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(out)  # left by a build killed mid-write
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="toolchain-") as work:
        workdir = Path(work)
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {lang: pool.submit(prepare_ast, project, settings, lang, workdir) for lang in ("zh", "en")}
            asts = {lang: future.result() for lang, future in futures.items()}
        if verbose:
            progress(f"  parsed zh and en with citeproc in {time.perf_counter() - started:.2f} s")
        zh_ast, zh_items = asts["zh"]
        en_ast, _ = asts["en"]
        if not project.en.body_is_empty or project.en.abstract:
            add_translation(zh_ast, en_ast)
        tasks: list[tuple[str, Callable[[Path], None]]] = []
        for fmt in formats:
            if fmt == "jats":
                tasks.append(("article.xml", lambda path: render_jats(project, zh_ast, en_ast, path, zh_items)))
                continue
            for lang in langs:
                ast = asts[lang][0]
                name = OUTPUTS[fmt].format(lang=lang)
                if fmt == "pdf":
                    tasks.append((name, lambda path, ast=ast, lang=lang: render_pdf(project, ast, lang, path)))
                else:
                    tasks.append((name, lambda path, ast=ast, lang=lang: render_docx(project, ast, lang, path, workdir,
                                                                                      settings.docx_mode, settings.docx_floats)))

        def run(name: str, produce: Callable[[Path], None]) -> Path:
            begun = time.perf_counter()
            target = safe_target(out, name)
            size = write_atomically(target, produce)
            shown = target.relative_to(out.resolve()) if out.resolve() in target.parents else target
            progress(f"  wrote {shown}  ({human_size(size)}, {time.perf_counter() - begun:.2f} s)")
            return target

        written: list[Path] = []
        failures: list[str] = []
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [(name, pool.submit(run, name, produce)) for name, produce in tasks]
            for name, future in futures:
                try:
                    written.append(future.result())
                except RenderError as exc:
                    failures.append(str(exc))
                except Exception as exc:  # a renderer bug: name the output, keep the others
                    failures.append(f"{name}: {type(exc).__name__}: {exc}")
    if failures:
        raise RenderError("build", "; ".join(failures))
    progress(f"built {len(written)} output{'s' * (len(written) != 1)} in {out} in {time.perf_counter() - started:.1f} s")
    return written
