"""Broken projects through the command line: one clear message naming file and line, no traceback.

Each row of CASES is a project (a directory in tests/projects/, or the base project with one
file broken at test time), the command, the exit code and the text the message must contain.
A file that cannot be read or parsed is exit 2; content that parses but is wrong is a finding
(exit 1, or 0 for a warning) while every other rule runs.
Every case also checks that the sources are untouched; unusable input (exit 2) is built too,
and the build must fail the same way without writing anything.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolchain.cli import main

TESTS = Path(__file__).resolve().parent
PROJECTS = TESTS / "projects"
BASE = TESTS / "rules" / "base_project"


def edit(relative: str, change: Callable[[str], str | bytes]) -> Callable[[Path], None]:
    """A project edit: replace one file's text by ``change(text)`` (bytes are written as they are)."""

    def apply(root: Path) -> None:
        """Rewrite the file in the project at ``root``."""
        path = root / relative
        new = change(path.read_text(encoding="utf-8"))
        path.write_bytes(new if isinstance(new, bytes) else new.encode("utf-8"))

    return apply


def replace(relative: str, old: str, new: str) -> Callable[[Path], None]:
    """A project edit: replace ``old`` (which must occur) by ``new`` in one file."""

    def change(text: str) -> str:
        """The text with the replacement made."""
        assert old in text, f"{relative} no longer contains {old!r}: update the case"
        return text.replace(old, new, 1)

    return edit(relative, change)


def big_line(root: Path) -> None:
    """A 5 MB zh.md paragraph on one line, where the last paragraph was (generated, never committed)."""
    sentence = "索拉非尼是一种口服多激酶抑制剂，可抑制多种受体酪氨酸激酶的活性。"
    line = sentence * (5_000_000 // len(sentence.encode("utf-8")) + 1)
    path = root / "manuscript" / "zh.md"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text[: text.rindex("\n") + 1] + line + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Case:
    """One broken project and what the command line must say about it."""

    name: str
    make: Callable[[Path], None] | None  # edits a copy of the base project; None: tests/projects/<name>
    exit: int
    expect: str  # text the message must contain (stderr for exit 2, the report otherwise)
    command: str = "check"


def line(relative: str, needle: str = "") -> int:
    """Line of ``needle`` in a base-project file; without a needle, the line after its last one."""
    text = (BASE / relative).read_text(encoding="utf-8")
    if not needle:
        return text.count("\n") + 1
    assert needle in text, f"{relative} no longer contains {needle!r}: update the case"
    return text[: text.index(needle)].count("\n") + 1


BIB, META, ZH, EN = "bib/references.bib", "manuscript/metadata.yaml", "manuscript/zh.md", "manuscript/en.md"
APPENDED = {path: line(path) + 1 for path in (BIB, ZH, EN)}  # "\n<text>" appended: <text> starts here
CASES = [
    Case("bad-gbk-encoded", None, 2, "manuscript/zh.md:3: file is not valid UTF-8 (it looks like GBK/GB18030)"),
    Case("bad-utf16-metadata", None, 2, "manuscript/metadata.yaml:1: file is UTF-16 encoded; save it as UTF-8"),
    Case("bad-missing-manuscript", None, 2, "manuscript: no manuscript/ directory"),
    Case("bom", edit("manuscript/zh.md", lambda t: b"\xef\xbb\xbf" + t.encode()), 0, "manuscript/zh.md:1:1: SRC001"),
    Case("crlf", edit("manuscript/en.md", lambda t: t.replace("\n", "\r\n")), 0, "manuscript/en.md:1:1: SRC002"),
    Case("front-matter-malformed", replace("manuscript/zh.md", "title: 索拉", "title: [索拉"), 2,
         f"{ZH}:{line(ZH, 'abstract:')}: malformed YAML: did not find expected ',' or ']' "
         f"(while parsing a flow sequence that starts at line {line(ZH, 'title:')})"),
    Case("yaml-tab-indent", replace(META, "  volume: 37", "\tvolume: 37"), 2,
         f"{META}:{line(META, 'volume:')}: malformed YAML: found character '\\t' that cannot start any token"),
    Case("front-matter-unclosed", edit("manuscript/en.md", lambda t: t.replace("\n---\n", "\n\n", 1)), 2,
         "manuscript/en.md:1: front matter starts with '---' but is never closed"),
    # content that parses but is wrong is a finding (exit 1), and every other rule still runs
    Case("author-name-en-missing", replace("manuscript/metadata.yaml", "{zh: 张钰, en: ZHANG Yu}", "{zh: 张钰}"), 1,
         f"{META}:{line(META, 'name: {zh: 张钰')}:5: META003 error authors[0].name.en is missing"),
    Case("bio-chinese-only", replace(META, "    email: author@example.org\n", "    email: author@example.org\n    bio: {zh: 张钰，副主任医师。}\n"), 0,
         f"{META}:{line(META, 'email:') + 1}:5: META014 warning authors[0].bio is given in Chinese only"),
    Case("affiliation-undefined", replace("manuscript/metadata.yaml", "affiliations: [nfh]", "affiliations: [nfh2]"), 1,
         f"{META}:{line(META, 'affiliations: [nfh]')}:20: META015 error authors[0] names affiliation “nfh2”, which affiliations does not define"),
    Case("date-impossible", replace("manuscript/metadata.yaml", "received: 2024-03-20", "received: 2024-13-45"), 1,
         f"{META}:{line(META, 'received:')}:13: META012 error article.received “2024-13-45” is not a calendar date"),
    Case("doi-missing", replace(META, "  doi: 10.13201/j.issn.1004-2806.2024.05.005\n", ""), 0,
         f"{META}:{line(META, 'article:')}:1: META016 warning article.doi is missing"),
    Case("metadata-not-a-mapping", edit("manuscript/metadata.yaml", lambda t: "- journal\n- authors\n"), 1,
         f"{META}:1:1: META013 error the document must be a mapping, found a list"),
    Case("keywords-string", replace("manuscript/zh.md", "keywords: [索拉非尼, 急性髓系白血病]", "keywords: 索拉非尼, 急性髓系白血病"), 1,
         f"{ZH}:{line(ZH, 'keywords:')}:1: META013 error keywords must be a list, found text “索拉非尼, 急性髓系白血病” "
         "(write keywords: [索拉非尼, 急性髓系白血病])"),
    Case("yaml-duplicate-key", edit("manuscript/metadata.yaml", lambda t: t + "journal: {}\n"), 2,
         f"{META}:{line(META)}: malformed YAML: found duplicate key \"journal\""),
    Case("bib-unterminated", edit(BIB, lambda t: t + "\n@article{broken2021,\n  title = {Unclosed,\n  year = {2021}\n"), 2,
         f"{BIB}:{APPENDED[BIB]}: cannot parse this BibTeX entry: Unexpectedly reached end of file"),
    Case("bib-duplicate-key", edit(BIB, lambda t: t + "\n@article{xuan2020,\n  title = {Again},\n  year = {2020},\n}\n"), 2,
         f"{BIB}:{APPENDED[BIB]}: key 'xuan2020' is defined twice (first at line {line(BIB, '@article{xuan2020')})"),
    Case("bib-stray-at", edit(BIB, lambda t: t + "\n@ article{loose,\n}\n"), 2,
         f"{BIB}:{APPENDED[BIB]}: stray '@' outside an entry"),
    Case("bib-binary", edit(BIB, lambda t: bytes(range(256)) * 64), 2,
         "bib/references.bib:1: file is binary (contains NUL bytes), not UTF-8 text"),
    Case("glossary-term-without-en", replace("manuscript/glossary.yaml", "    en: sorafenib\n", ""), 1,
         f"manuscript/glossary.yaml:{line('manuscript/glossary.yaml', '- zh: 索拉非尼')}:5: TERM005 error terms[1].en is missing"),
    Case("zh-empty", edit("manuscript/zh.md", lambda t: ""), 1,
         "manuscript/zh.md:1:1: SRC007 error zh.md has no body and no abstract"),
    Case("figure-missing", edit("manuscript/zh.md", lambda t: t + "\n![图1 索拉非尼的作用靶点](figures/targets.png)\n"), 2,
         f"{ZH}:{APPENDED[ZH]}: figure “figures/targets.png” not found (no file manuscript/figures/targets.png)", "build"),
    Case("figure-outside", edit("manuscript/en.md", lambda t: t + "\n![Figure 1](../../secret.png)\n"), 2,
         f"{EN}:{APPENDED[EN]}: figure “../../secret.png” is outside manuscript/figures/", "build"),
]


def project_for(case: Case, tmp_path: Path) -> Path:
    """The case's project, in tmp_path."""
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / case.name if case.make is None else BASE, root)
    if case.make is not None:
        case.make(root)
    return root


def fingerprint(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root``."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in process; an exception escaping main() fails the test (a traceback)."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit code, one message naming file and line, sources untouched; for exit 2, nothing built."""
    root = project_for(case, tmp_path)
    before = fingerprint(root)
    out = tmp_path / "out"
    argv = [case.command, str(root)] + (["--out", str(out)] if case.command == "build" else [])
    code, stdout, stderr = run(argv, capsys)
    assert code == case.exit, stdout + stderr
    assert "Traceback" not in stderr
    if case.exit == 2:
        assert stderr.strip().splitlines() == [f"error: {stderr.strip().removeprefix('error: ')}"]
        assert case.expect in stderr
        if case.command == "check":
            code, _, build_err = run(["build", str(root), "--out", str(out)], capsys)
            assert code == 2 and case.expect in build_err
        assert not out.exists() or not any(out.iterdir()), "a failed build left files in --out"
    else:
        assert case.expect in stdout
    assert fingerprint(root) == before, "the sources were modified"


def test_five_megabyte_line(tmp_path: Path) -> None:
    """A 5 MB single-line paragraph is read and checked (no crash, no hang), and stays untouched.

    The time limit is ten times what the check takes on 2 cores: a rule that is quadratic in
    the length of a paragraph (one took 48 s here) fails it.
    """
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    big_line(root)
    assert (root / "manuscript" / "zh.md").stat().st_size > 5_000_000
    before = fingerprint(root)
    done = subprocess.run([sys.executable, "-m", "toolchain", "check", str(root), "--format", "json"],
                          capture_output=True, text=True, timeout=40, check=False)
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr == "" and done.stdout.lstrip().startswith("[")
    assert fingerprint(root) == before


def test_failed_build_keeps_previous_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A build that fails on bad input leaves the previous outputs byte for byte."""
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    out = tmp_path / "out"
    code, _, stderr = run(["build", str(root), "--out", str(out), "--to", "docx,jats"], capsys)
    assert code == 0, stderr
    previous = fingerprint(out)
    assert set(previous) == {"zh.docx", "en.docx", "article.xml"}
    edit(BIB, lambda t: t + "\n@article{xuan2020,\n}\n")(root)
    code, _, stderr = run(["build", str(root), "--out", str(out), "--to", "docx,jats"], capsys)
    assert code == 2 and f"{BIB}:{APPENDED[BIB]}" in stderr
    assert fingerprint(out) == previous


def test_real_command_line_has_no_traceback(tmp_path: Path) -> None:
    """The installed entry point itself: exit 2 and the one-line message on stderr."""
    root = project_for(CASES[0], tmp_path)
    done = subprocess.run([sys.executable, "-m", "toolchain", "check", str(root)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {CASES[0].expect}; save it as UTF-8"
    assert done.stdout == ""


def test_missing_project_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A project directory that does not exist is exit 2 naming it."""
    code, _, stderr = run(["check", str(tmp_path / "nowhere")], capsys)
    assert code == 2 and "nowhere: project directory does not exist" in stderr
