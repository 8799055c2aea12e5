"""typst, run in a child process under the limits of ``toolchain.limits`` and off the network."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typst

from toolchain.errors import RenderError
from toolchain.limits import memory_limit_code, run_limited

BALANCE = Path(__file__).resolve().parent / "pdf_balance.py"
HYPHENS = Path(__file__).resolve().parent / "pdf_hyphens.py"
# The child compiles one file and writes the result to its standard output; a proxy that refuses
# every connection keeps it off the network whatever the document asks for. Asked to balance, it
# compiles a second time with the same compiler (typst reuses the first layout's unchanged parts),
# reading pdf_balance.py alone (the toolchain's imports would cost more than that compilation);
# asked to, it then marks the line-break hyphens (pdf_hyphens.py), so that the two PDFs of a build
# are rewritten at the same time in their own processes.
CHILD = f"""
import json, runpy, sys, {typst.__name__} as typst
from pathlib import Path
main, root, options, balance, hyphens = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4], sys.argv[5]
try:
    compiler = typst.Compiler(main, root=root, font_paths=options.pop("font_paths"))
    result = compiler.compile(**options)
    if balance:
        result = runpy.run_path(balance)["balance"](Path(main), result, lambda: compiler.compile(**options))
    if hyphens:
        result = runpy.run_path(hyphens)["unmark_hyphens"](result)
except Exception as exc:
    sys.stderr.write(str(exc))
    sys.exit(1)
sys.stdout.buffer.write(result)
"""
# How typst says that elements nest deeper than it lays out (about 31 block quotes, lists or divs in the template)
DEPTH_SIGNS = ("maximum show rule depth exceeded", "maximum layout depth exceeded")
TOO_DEEP_FOR_TYPST = ("nests block quotes, lists, divs and inline markup inside one another more deeply than typst lays out: "
                      "nest them less")
OFFLINE = {"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "all_proxy": "http://127.0.0.1:9", "no_proxy": ""}


def compile_typst(main: Path, root: Path, output: str, font_paths: tuple[str, ...], balance: bool = False, hyphens: bool = False,
                  **options: object) -> bytes:
    """The document ``main`` compiled by typst (PDF, or ``format="png"``) with ``root`` as its root.

    With ``balance`` the PDF's last page is balanced (pdf_balance.py), which may rewrite ``main``;
    with ``hyphens`` the hyphens at line breaks are marked as no text (pdf_hyphens.py).
    """
    arguments = json.dumps({"font_paths": list(font_paths), **options})
    done = run_limited([sys.executable, "-I", "-c", f"{memory_limit_code()}\n{CHILD}", str(main), str(root), arguments, str(BALANCE) if balance else "",
                        str(HYPHENS) if hyphens else ""],
                       b"", output, "typst", cwd=root, env={**os.environ, **OFFLINE})
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip()
        if any(sign in said for sign in DEPTH_SIGNS):
            raise RenderError(output, f"the document {TOO_DEEP_FOR_TYPST} (typst: {said})")
        raise RenderError(output, f"typst failed: {said or f'exit code {done.returncode}'}")
    return done.stdout
