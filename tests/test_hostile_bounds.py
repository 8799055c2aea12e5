"""Hostile input is bounded: expansion, nesting, raw typst and every child process end in a clear error."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest

from toolchain import limits
from toolchain.cli import main
from toolchain.errors import RenderError
from toolchain.load import load_project

TESTS = Path(__file__).resolve().parent
BASE = TESTS / "rules" / "base_project"


@pytest.fixture
def project(base_copy: Path) -> Path:
    """A fresh copy of the base project."""
    return base_copy


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, float]:
    """Run the command line in process; return the exit code, everything printed and the seconds taken."""
    started = time.perf_counter()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err, time.perf_counter() - started


def append(root: Path, lang: str, text: str) -> None:
    """Append Markdown to zh.md or en.md."""
    with open(root / "manuscript" / f"{lang}.md", "a", encoding="utf-8") as handle:
        handle.write(text)


def test_yaml_alias_bomb_in_front_matter_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nine levels of nine aliases (387 million values) in zh.md: exit 2 at once, naming the file."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    zh = project / "manuscript" / "zh.md"
    zh.write_text(zh.read_text(encoding="utf-8").replace("lang: zh-CN\n", "lang: zh-CN\n" + "\n".join(levels) + "\n", 1), encoding="utf-8")
    for command in (["check", str(project)], ["build", str(project), "--out", str(project / "build"), "--to", "jats"]):
        code, printed, seconds = run(capsys, *command)
        assert code == 2, printed
        assert "manuscript/zh.md:" in printed and "alias" in printed
        assert seconds < 20


def test_bibtex_string_doubling_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An @string doubled thirty times (8 GB expanded): exit 2 naming the line where it passes the limit."""
    bib = project / "bib" / "references.bib"
    macros = '@string{s0 = "abcdefgh"}\n' + "".join(f"@string{{s{i + 1} = s{i} # s{i}}}\n" for i in range(30))
    bib.write_text(macros + bib.read_text(encoding="utf-8"), encoding="utf-8")
    code, printed, seconds = run(capsys, "check", str(project))
    assert code == 2, printed
    assert "bib/references.bib:18:" in printed and "expands to" in printed
    assert seconds < 20


def refused_by_check_and_build(capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path, text: str) -> list[str]:
    """Append ``text`` to zh.md; ``check`` and a JATS ``build`` must each end with exit 2 within 20 s. What each printed."""
    append(project, "zh", "\n" + text + "\n")
    printed_by_command = []
    for command in (["check", str(project)], ["build", str(project), "--out", str(tmp_path / "out"), "--to", "jats"]):
        code, printed, seconds = run(capsys, *command)
        assert code == 2, printed
        assert seconds < 20
        printed_by_command.append(printed)
    return printed_by_command


def passed_by_check_and_build(capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path, text: str, refusal: str) -> None:
    """Append ``text`` to zh.md; ``check`` must not print ``refusal``, and a JATS ``build --no-check`` must succeed within 20 s."""
    append(project, "zh", "\n" + text + "\n")
    code, printed, _ = run(capsys, "check", str(project))
    assert refusal not in printed and "internal error" not in printed, printed
    code, printed, seconds = run(capsys, "build", str(project), "--out", str(tmp_path / "out"), "--to", "jats", "--no-check")
    assert code == 0, printed
    assert seconds < 20


@pytest.mark.parametrize("shape", ["[" * 20000, "> " * 10000 + "x", "- " * 10000 + "x", "1. " * 10000 + "x"],
                         ids=["brackets", "block-quotes", "bullets", "numbers"])
def test_deep_nesting_is_refused_before_pandoc(project: Path, tmp_path: Path, shape: str, capsys: pytest.CaptureFixture[str]) -> None:
    """20,000 nested [ or 10,000 nested quotes or lists: exit 2 naming the line, in seconds, for check and build."""
    for printed in refused_by_check_and_build(capsys, project, tmp_path, shape):
        assert "manuscript/zh.md:17:" in printed and "nest more than" in printed
        assert "internal error" not in printed


DEEP = limits.MAX_NESTING + 1
NESTED_RUNS = {  # a nesting run over many lines, and the line of its level past the bound (zh.md has 16 lines)
    "indented-bullets": ("\n".join("  " * i + f"- item {i}" for i in range(1000)), 16 + DEEP, f"lists nest more than {DEEP - 1}"),
    "indented-numbers": ("\n".join("   " * i + f"1. item {i}" for i in range(1000)), 16 + DEEP, f"lists nest more than {DEEP - 1}"),
    "quotes-by-line": ("\n".join("> " * i + f"line {i}" for i in range(1, 1000)), 16 + DEEP,
                       f"block quotes or lists nest more than {DEEP - 1}"),
    "fenced-divs": ("\n".join("::: {.d}" for _ in range(1000)) + "\nx\n" + "\n".join(":::" for _ in range(1000)), 16 + DEEP,
                    f"fenced divs ::: nest more than {DEEP - 1}"),
    "html-divs": ("<div>" * 1000 + "x" + "</div>" * 1000, 17, f"HTML <div> elements nest more than {DEEP - 1}"),
}


@pytest.mark.parametrize("shape", sorted(NESTED_RUNS))
def test_nesting_over_lines_is_refused_before_pandoc(project: Path, tmp_path: Path, shape: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Lists nested by indentation, quotes deepened line by line, fenced or HTML divs 1,000 deep: exit 2 at the 101st level, in seconds.

    Indented lists 1,000 deep kept Pandoc busy for 45 s, and its tree was too deep to read (an internal error).
    """
    text, line, message = NESTED_RUNS[shape]
    for printed in refused_by_check_and_build(capsys, project, tmp_path, text):
        assert f"manuscript/zh.md:{line}: {message} levels deep" in printed
        assert "internal error" not in printed


INLINE_RUNS = {  # a few dozen bytes each, that kept Pandoc's inline parser busy for minutes: the line and message
    "open-brackets": ("[a " * 20, 17, "brackets [ nest more than 6 levels deep"),  # more than 20 s
    "closed-brackets": ("[" * 12 + "a" + "]" * 12, 17, "brackets [ nest more than 6 levels deep"),  # 77 s
    "images": ("![a" * 10 + "]" * 10, 17, "brackets [ nest more than 6 levels deep"),  # more than 20 s
    "open-spans": ("<span>a" * 30, 17, "HTML <span> elements nest more than 6 levels deep"),  # more than 20 s
    "many-groups": ("\n\n".join(["[a" * 6 + "]" * 6] * 200), 17 + 2 * 97, "brackets [ nest inside one another in too many places"),
    "open-links": ("[a](" * 20 + "x " * 100_000, 17, "more than 3 link destinations ]( are left open"),  # more than 20 s
    "open-links-over-lines": ("\n".join(["see [a](b and"] * 5), 20, "more than 3 link destinations ]( are left open"),
    "open-tags": ("p<0.05 and a<b " * 3000, 17, "3000 HTML tags, comments or autolinks < are left open"),  # more than 20 s
    "open-tag-before-text": ("a<b " * 10 + "x " * 500_000, 17, "10 HTML tags, comments or autolinks < are left open"),  # 14 s
}


@pytest.mark.parametrize("shape", sorted(INLINE_RUNS))
def test_inline_nesting_pandoc_backtracks_on_is_refused(project: Path, tmp_path: Path, shape: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Brackets or spans that make Pandoc's inline parser backtrack (each level costs it two to five times more): exit 2 at the line."""
    text, line, message = INLINE_RUNS[shape]
    for printed in refused_by_check_and_build(capsys, project, tmp_path, text):
        assert f"manuscript/zh.md:{line}: {message}" in printed


def test_inline_nesting_within_bounds_is_built(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Six levels of brackets once, links holding a citation, brackets in code or math: the build goes through, in seconds."""
    text = "\n\n".join(["[a" * 6 + "]" * 6, "![a" * 6 + "]" * 6, "<span>" * 6 + "x" + "</span>" * 6,
                       "见[综述[@xuan2020]](https://example.org)。" * 300, "`[a` $[0,1)$ " * 50,
                       "[a](https://example.org/x_(y)) (b (c) " * 100 + "[one typo](https://example.org",
                       "p<0.05 and a<b " * 300, "<!-- a note --> x<y <b>z</b> " * 300])
    append(project, "zh", "\n" + text + "\n")
    code, printed, seconds = run(capsys, "build", str(project), "--out", str(tmp_path / "out"), "--to", "jats", "--no-check")
    assert code == 0, printed
    assert seconds < 20


def test_sibling_and_shallow_nesting_is_accepted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1,000 sibling items, divs opened and closed in turn, and lists as deep as the bound are not refused."""
    siblings = "\n".join(f"- item {i}\n  - sub {i}" for i in range(1000))
    divs = "\n\n".join(f"::: {{.d}}\n<div><span>x {i}</span></div>\n:::" for i in range(200))
    deep = "\n".join("  " * i + f"- item {i}" for i in range(limits.MAX_NESTING))
    append(project, "zh", "\n" + "\n\n".join((siblings, divs, deep)) + "\n")
    code, printed, _ = run(capsys, "check", str(project))
    assert "nest more than" not in printed and "internal error" not in printed, printed
    assert code in (0, 1)


def test_inline_nesting_too_deep_to_render_is_exit_2(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Emphasis inside emphasis 400 deep past a loader whose bound is lifted: the build stops with exit 2 naming zh.md."""
    from toolchain.load import markdown

    monkeypatch.setattr(markdown, "MAX_EMPHASIS_NESTING", 10**6)  # the tree's depth is what this test is about
    monkeypatch.setattr(markdown, "MAX_EMPHASIS_OPEN", 10**6)
    append(project, "zh", "\n" + "*_" * 400 + "x" + "_*" * 400 + "\n")
    code, printed, seconds = run(capsys, "build", str(project), "--out", str(tmp_path / "out"), "--to", "jats", "--no-check")
    assert code == 2, printed
    assert "manuscript/zh.md: nests too deeply to render" in printed and "internal error" not in printed
    assert seconds < 20


EMPHASIS_RUNS = {  # delimiters left open or nested: what Pandoc did with them, and the line refused
    "underscore-strikeout": "_a ~~e " * 18,  # Pandoc: 6 s at 16 pairs, over 20 s (or its 2 GB heap exhausted) at 18
    "star-strong-strikeout": "*a **b ~~e " * 18,  # 7 s at 16, over 20 s at 18
    "every-kind": "*a **b _c __d ~~e ^f ~g " * 35,  # 18 s at 16, its heap exhausted at 35
    "closed-5000": "".join(("*" if i % 2 else "_") + f"w{i} " for i in range(5000)) + "x"
                   + "".join("*" if i % 2 else "_" for i in reversed(range(5000))),  # parsed at once, too deep to render
    "strikeout-closed-1000": "~~a _b " * 500 + "x" + "_~~" * 500,
    "alternating-400": "*_" * 400 + "x" + "_*" * 400,
    "smart-quotes": "\"a 'b " * 40,  # quotations to Pandoc: 2.5 s at 24 pairs, 18 s at 28, over 20 s at 32
    "smart-quotes-before-punctuation": "\"( 'a " * 40,  # 3.4 s at 24, over 20 s at 28 (but '( and '" open nothing)
}


@pytest.mark.parametrize("shape", sorted(EMPHASIS_RUNS))
def test_emphasis_left_open_or_nested_is_refused_before_pandoc(project: Path, tmp_path: Path, shape: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Emphasis, strikeout, superscript and subscript open more than the bound at once: exit 2 at the line, in seconds.

    Pandoc tries each open delimiter to the paragraph's end and again for each inside it: mixes
    of _ and ~~, or of *, ** and ~~, double its time with every one or two more.
    """
    for printed in refused_by_check_and_build(capsys, project, tmp_path, EMPHASIS_RUNS[shape]):
        assert "manuscript/zh.md:17: emphasis, strikeout, superscript, subscript or quotation marks (* _ ~~ ^ ~ \" ') are left open " \
               f"in more than {limits.MAX_EMPHASIS_NESTING} alternations (or {limits.MAX_EMPHASIS_OPEN} marks) at once" in printed, printed
        assert "internal error" not in printed


def test_many_delimiters_of_one_kind_pass_the_loader(project: Path) -> None:
    """A pasted script's identifiers (_a _b _c …) leave many underscores open, but of one kind: Pandoc reads them at once."""
    append(project, "zh", "\n" + " ".join(f"_name{i}" for i in range(limits.MAX_EMPHASIS_OPEN - 1)) + " 结束。\n")
    load_project(project)  # no InputError


def test_emphasis_of_real_paragraphs_is_built(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Closed emphasis (nested as deep as the bound), formulas, approximate values, names with _, stray * and apostrophes pass."""
    deepest = "".join(f"{mark}w " for mark in ["*", "__", "~~", "**", "_", "***", "~~", "*"][:limits.MAX_EMPHASIS_NESTING])
    text = "\n\n".join([
        "*a* **b** _c_ __d__ ~~e~~ ^2^ H~2~O ***f*** " * 200,
        "*a **b _c ~~d~~ e_ f** g* " * 100,
        deepest + "x*~~***_**~~__*",
        "约~5毫克，~10毫克，Ca^2+^与CO~2~。" * 50,
        "about ~5 mg and ~10 mg, file_name_x and a_b_c, 2*3*4 and p*. " * 50,
        "*P* < 0.05 * 表示显著；** 表示极显著。" * 30,
        "`*a _b ~~c` $x_1 * y_2 ^ z$ \\*a \\_b " * 30,
        "the patients' outcomes in Crohn's disease, the 5'端 and 3'-UTR, \"quoted\" and 'single' words, 5' 6\" tall, "
        "rock 'n' roll, <span class=\"x\">y</span> " * 50,
    ])
    passed_by_check_and_build(capsys, project, tmp_path, text, "left open")


BLOCK_RUNS = {  # each kind of block nesting ``depth`` deep
    "quotes": lambda depth: "> " * depth + "x",
    "bullets": lambda depth: "- " * depth + "x",
    "numbers": lambda depth: "1. " * depth + "x",
    "indented-bullets": lambda depth: "\n".join("  " * i + f"- item {i}" for i in range(depth)),
    "fenced-divs": lambda depth: "\n".join("::: {.d}" for _ in range(depth)) + "\nx\n" + "\n".join(":::" for _ in range(depth)),
    "html-divs": lambda depth: "<div>" * depth + "x" + "</div>" * depth,
    "divs-holding-quotes": lambda depth: "\n".join("::: {.d}" for _ in range(depth // 2)) + "\n" + "> " * (depth - depth // 2)
                                         + "x\n" + "\n".join(":::" for _ in range(depth // 2)),
}


@pytest.mark.parametrize("shape", sorted(BLOCK_RUNS))
def test_block_nesting_at_the_bound_makes_a_pdf(project: Path, tmp_path: Path, shape: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Block quotes, lists and divs as deep as the bound make a PDF; one level more is refused by check and build.

    At 95 levels check accepted them and typst failed (“maximum show rule depth exceeded” past
    31 quotes, lists or fenced divs in the template, “maximum layout depth” past 35 HTML divs).
    """
    make = BLOCK_RUNS[shape]
    root = tmp_path / "at-bound"
    shutil.copytree(project, root)
    append(root, "zh", "\n" + make(limits.MAX_NESTING) + "\n")
    code, printed, _ = run(capsys, "build", str(root), "--out", str(tmp_path / "pdf"), "--to", "pdf", "--lang", "zh", "--no-check")
    assert code == 0, printed
    for printed in refused_by_check_and_build(capsys, project, tmp_path, make(limits.MAX_NESTING + 1)):
        assert f"nest more than {limits.MAX_NESTING} levels deep" in printed, printed


def test_nesting_typst_cannot_lay_out_is_a_named_error(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Block quotes as deep as the bound holding emphasis, links and a span: typst's depth limit is exit 2 naming the PDF."""
    append(project, "zh", "\n" + "> " * limits.MAX_NESTING + "*a **b _c __d ~~e ^f~g^ e~~ d__ c_ b** a* [x [y [z](u)](v)](w) "
                          "<span>s</span>\n")
    code, printed, _ = run(capsys, "build", str(project), "--out", str(tmp_path / "out"), "--to", "pdf", "--lang", "zh", "--no-check")
    assert code == 2, printed
    assert "zh.pdf: the document nests block quotes, lists, divs and inline markup inside one another more deeply than typst" in printed
    assert "internal error" not in printed


BRACKETS_PANDOC_READS = {  # brackets that look set aside but are not, and the line refused
    "escaped-backslash": ("\\\\[a " * 20, 17),  # \\[: Pandoc reads a backslash, then a bracket (over 20 s); not counted before
    "escaped-backticks": ("\\` [a \\` " * 20, 17),  # no code span: over 20 s; not counted before
    "dollars-before-spaces": ("$ [a $ " * 20, 17),  # no math ($ before a space opens none): over 20 s; not counted before
    "code-never-closed": ("a `b\n" + "[a " * 20 + "\n\nc`", 18),  # a code span ends with its paragraph
    "math-never-closed": ("$x " + "[a " * 20, 17),
    "code-over-list-items": ("- a `\n- " + "[a " * 20 + "`", 18),  # each item is a paragraph of its own
    "code-over-a-fence": ("~~~\n`\n~~~\n" + "[a " * 20 + "`", 20),
    "code-over-table-rows": ("| a ` |\n|---|\n| " + "[a " * 20 + "` |", 19),
}


@pytest.mark.parametrize("shape", sorted(BRACKETS_PANDOC_READS))
def test_brackets_outside_code_and_math_are_counted(project: Path, tmp_path: Path, shape: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Brackets that look set aside but are read by Pandoc as brackets: refused at the line like any others."""
    text, line = BRACKETS_PANDOC_READS[shape]
    for printed in refused_by_check_and_build(capsys, project, tmp_path, text):
        assert f"manuscript/zh.md:{line}: brackets [ nest more than 6 levels deep" in printed, printed


def test_brackets_in_code_math_escapes_and_locators_do_not_count(project: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Many [ in display math, in math or code over lines, in double-backtick code, escaped, in locators: the build goes through."""
    text = "\n\n".join([
        "$$\n" + "\\left[ [0,1) [1,2) [2,3)\n" * 4 + "$$",
        "区间 $[0,1) \\cup [1,2)\n\\cup [2,3) \\cup [3,4) \\cup [4,5)\n\\cup [5,6) \\cup [6,7) \\cup [7,8)$ 上。",
        "代码 `a[0][1]\n[2][3][4]\n[5][6][7]` 中。",
        "``a ` [b [c [d [e [f [g [h`` " * 5,
        "\\[0,1) \\[1,2) \\[2,3) \\[3,4) \\[4,5) \\[5,6) \\[6,7) \\[7,8) " * 10,
        "[见 @xuan2020, 第 \\[4\\] 页] [@xuan2020, p. \\[iv\\]] [综述[@xuan2020, 表 \\[2\\]]](https://example.org) " * 20,
        "US$5 and $10 [a] and $x$ [b [c]] " * 30,
    ])
    passed_by_check_and_build(capsys, project, tmp_path, text, "nest more than")


def test_raw_typst_package_import_is_refused(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``#import "@preview/…"`` in raw typst: the build refuses it without touching the network."""
    append(project, "zh", '\n```{=typst}\n#import "@preview/cetz:0.2.2": canvas\n```\n')
    code, printed, seconds = run(capsys, "build", str(project), "--out", str(tmp_path / "out"), "--to", "pdf", "--lang", "zh")
    assert code == 2
    assert "zh.pdf" in printed and "imports a package" in printed
    assert seconds < 30


def test_raw_typst_loop_hits_the_time_limit(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A raw typst loop that never ends: the build stops at the time limit with a clear error."""
    monkeypatch.setattr(limits, "CHILD_SECONDS", 4)
    append(project, "zh", "\n```{=typst}\n#for a in range(10000) { for b in range(10000) { for c in range(10000) { } } }\n```\n")
    code, printed, seconds = run(capsys, "build", str(project), "--out", str(tmp_path / "out"), "--to", "pdf", "--lang", "zh")
    assert code == 2
    assert "zh.pdf: typst took more than 4 s" in printed
    assert seconds < 30


def test_raw_typst_huge_allocation_hits_the_memory_limit(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """``range(2000000000)`` asks typst for 16 GB: a clear memory-limit error, not a Rust backtrace."""
    monkeypatch.setattr(limits, "CHILD_MEMORY", 2 * 1024**3)
    append(project, "zh", "\n```{=typst}\n#let xs = array(range(2000000000))\n#xs.len()\n```\n")
    code, printed, seconds = run(capsys, "build", str(project), "--out", str(tmp_path / "out"), "--to", "pdf", "--lang", "zh")
    assert code == 2
    assert "zh.pdf" in printed and "memory limit" in printed
    assert "backtrace" not in printed.lower() and "internal error" not in printed
    assert seconds < 60


def paragraphs(count: int) -> str:
    """``count`` short Chinese paragraphs with emphasis and a link: 40 kB of Markdown per thousand."""
    return "\n" + "\n\n".join(f"第{i}段，含*强调*与[链接](https://example.org/{i})的文字。" for i in range(count)) + "\n"


@pytest.mark.parametrize(("limit", "count", "message"), [
    ("seconds", 40_000, "pandoc took more than 1 s"),  # Pandoc parses it for about 7 s
    ("heap", 20_000, "pandoc exceeded its memory limit"),  # a 16 MB heap is exhausted at once
], ids=["time", "heap"])
def test_pandoc_limit_reached_is_exit_2_naming_the_file(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str], limit: str, count: int, message: str) -> None:
    """A real conversion reaching Pandoc's time or heap limit (300 s and 2 GB, lowered here): exit 2 naming zh.md, in seconds."""
    from toolchain import pandoc

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no conversion read from an earlier run
    if limit == "seconds":
        monkeypatch.setattr(limits, "CHILD_SECONDS", 1)
    else:
        monkeypatch.setattr(pandoc, "PANDOC_HEAP", "16m")
    append(project, "zh", paragraphs(count))
    out = tmp_path / "out"
    code, printed, seconds = run(capsys, "build", str(project), "--out", str(out), "--to", "jats", "--lang", "zh", "--no-check")
    assert code == 2, printed
    assert f"manuscript/zh.md: {message}" in printed
    assert "internal error" not in printed and "Traceback" not in printed
    assert not out.exists() or not any(out.iterdir())
    assert seconds < 10


def test_child_memory_limit_is_a_render_error() -> None:
    """A Python child that allocates past the address-space limit it sets on itself: a RenderError, at once."""
    code = f"{limits.memory_limit_code()}\nblock = bytearray({2 * limits.CHILD_MEMORY})\n"
    started = time.perf_counter()
    with pytest.raises(RenderError, match="x.pdf: python exceeded its memory limit"):
        limits.run_limited([sys.executable, "-I", "-c", code], b"", "x.pdf", "python", seconds=30)
    assert time.perf_counter() - started < 10


def test_child_time_limit_is_a_render_error() -> None:
    """The one runner of child processes turns a child that outlives its limit into a RenderError."""
    started = time.perf_counter()
    with pytest.raises(RenderError, match="took more than 1 s"):
        limits.run_limited(["sleep", "30"], b"", "x.pdf", "sleep", seconds=1)
    assert time.perf_counter() - started < 10


def test_stopped_children_end_at_once_and_no_new_one_starts() -> None:
    """A build whose check fails stops its renderers' children: a running one is killed, a later one is not started."""
    import threading

    outcome: list[BaseException] = []

    def render() -> None:
        try:
            limits.run_limited(["sleep", "30"], b"", "x.pdf", "sleep", seconds=60)
        except BaseException as exc:
            outcome.append(exc)

    started = time.perf_counter()
    with limits.stoppable() as children:
        thread = threading.Thread(target=render)
        thread.start()
        while not children.running and time.perf_counter() - started < 10:
            time.sleep(0.01)
        children.stop()
        thread.join(10)
        with pytest.raises(RenderError, match="not started: the build stopped"):
            limits.run_limited(["sleep", "30"], b"", "y.pdf", "sleep", seconds=60)
    assert isinstance(outcome[0], RenderError) and "stopped" in str(outcome[0])
    assert time.perf_counter() - started < 10 and not children.running
    assert limits.run_limited(["true"], b"", "z.pdf", "true").returncode == 0  # outside the block children run again


@pytest.mark.parametrize("unit", ["a  ", "a ; ", "abc(D"], ids=["double-spaces", "space-before-semicolon", "glued-parenthesis"])
def test_title_punctuation_is_linear_on_a_huge_title(project: Path, capsys: pytest.CaptureFixture[str], unit: str) -> None:
    """A 2 MB title repeating one slip: REF023 reports it once, in seconds (it took 45 s on 1 MB when every slip was located)."""
    bib = project / "bib" / "references.bib"
    title = "Title " + unit * (2_000_000 // len(unit)) + "end"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@article{huge,\n  title = {" + title + "},\n}\n", encoding="utf-8")
    code, printed, seconds = run(capsys, "check", str(project), "--select", "REF023", "--format", "json")
    findings = [f for f in json.loads(printed) if "huge" in f["message"]]
    assert len(findings) == 1, findings
    assert seconds < 10


@pytest.mark.parametrize(("config", "severity", "exit_code"), [("", "warning", 0), ('severity = { SRC004 = "error" }\n', "error", 1)],
                         ids=["default-warning", "setting-error"])
def test_raw_typst_is_a_warning_or_an_error_under_a_setting(project: Path, capsys: pytest.CaptureFixture[str],
                                                            config: str, severity: str, exit_code: int) -> None:
    """Raw typst is reported by check: a warning by default, an error (exit 1) where the journal refuses it."""
    (project / "pyproject.toml").write_text("[tool.toolchain.check]\n" + config, encoding="utf-8")
    append(project, "zh", "\n```{=typst}\n#for i in range(10) {}\n```\n")
    code, printed, _ = run(capsys, "check", str(project), "--select", "SRC004", "--format", "json")
    found = [d for d in json.loads(printed[printed.index("["):printed.rindex("]") + 1]) if d["rule"] == "SRC004"]
    assert [(d["severity"], d["file"]) for d in found] == [(severity, "manuscript/zh.md")]
    assert code == exit_code
