"""Hostile input is bounded: expansion, nesting, raw typst and every child process end in a clear error."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from toolchain import limits
from toolchain.cli import main
from toolchain.errors import RenderError

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


@pytest.mark.parametrize("shape", ["[" * 20000, "> " * 10000 + "x", "- " * 10000 + "x", "1. " * 10000 + "x"],
                         ids=["brackets", "block-quotes", "bullets", "numbers"])
def test_deep_nesting_is_refused_before_pandoc(project: Path, tmp_path: Path, shape: str, capsys: pytest.CaptureFixture[str]) -> None:
    """20,000 nested [ or 10,000 nested quotes or lists: exit 2 naming the line, in seconds, for check and build."""
    for printed in refused_by_check_and_build(capsys, project, tmp_path, shape):
        assert "manuscript/zh.md:17:" in printed and "nest more than" in printed
        assert "internal error" not in printed


NESTED_RUNS = {  # a nesting run over many lines, and the line of its 101st level
    "indented-bullets": ("\n".join("  " * i + f"- item {i}" for i in range(1000)), 117, "lists nest more than 100"),
    "indented-numbers": ("\n".join("   " * i + f"1. item {i}" for i in range(1000)), 117, "lists nest more than 100"),
    "quotes-by-line": ("\n".join("> " * i + f"line {i}" for i in range(1, 1000)), 117, "block quotes or lists nest more than 100"),
    "fenced-divs": ("\n".join("::: {.d}" for _ in range(1000)) + "\nx\n" + "\n".join(":::" for _ in range(1000)), 117,
                    "fenced divs ::: nest more than 100"),
    "html-divs": ("<div>" * 1000 + "x" + "</div>" * 1000, 17, "HTML <div> elements nest more than 100"),
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
    """1,000 sibling items, divs opened and closed in turn, and lists 100 deep are not refused."""
    siblings = "\n".join(f"- item {i}\n  - sub {i}" for i in range(1000))
    divs = "\n\n".join(f"::: {{.d}}\n<div><span>x {i}</span></div>\n:::" for i in range(200))
    deep = "\n".join("  " * i + f"- item {i}" for i in range(100))
    append(project, "zh", "\n" + "\n\n".join((siblings, divs, deep)) + "\n")
    code, printed, _ = run(capsys, "check", str(project))
    assert "nest more than" not in printed and "internal error" not in printed, printed
    assert code in (0, 1)


def test_inline_nesting_too_deep_to_render_is_exit_2(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Emphasis inside emphasis 400 deep: check reports as usual; the build stops with exit 2 naming zh.md, not an internal error."""
    append(project, "zh", "\n" + "*_" * 400 + "x" + "_*" * 400 + "\n")
    code, printed, _ = run(capsys, "check", str(project))
    assert code in (0, 1) and "internal error" not in printed
    code, printed, seconds = run(capsys, "build", str(project), "--out", str(tmp_path / "out"), "--to", "jats", "--no-check")
    assert code == 2, printed
    assert "manuscript/zh.md: nests too deeply to render" in printed and "internal error" not in printed
    assert seconds < 20


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
