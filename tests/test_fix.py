"""``check --fix``: safe typography edits, written atomically with a backup, and idempotent."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from toolchain.check import run_checks
from toolchain.check.fixes import apply_fixes
from toolchain.cli import main
from toolchain.config import load_settings
from toolchain.load import load_project

NONE_SPACING = '[tool.toolchain.check.rules.ZH002]\ncjk-latin-spacing = "none"\n'
ZH_BODY = """# 引言 {#sec-intro}

急性髓系白血病(acute myeloid leukemia，AML)是成人最常见的急性白血病[@dohner2022]。索拉非尼400mg,2次/d，发生率为15%-30%，\
ＦＬＴ３突变 AML 患者<!-- 旧稿(400mg,2次/d) -->见`400mg,1-2`与https://example.org/a,b(1-2)。

# 维持治疗 {#sec-maintenance}

Xuan等[@xuan2020, pp. 1201-1212]的研究共纳入202例患者, 索拉非尼组的复发率较低。
"""
ZH_FIXED = """# 引言 {#sec-intro}

急性髓系白血病（acute myeloid leukemia，AML）是成人最常见的急性白血病[@dohner2022]。索拉非尼400 mg，2次/d，发生率为15%～30%，\
FLT3突变AML患者<!-- 旧稿(400mg,2次/d) -->见`400mg,1-2`与https://example.org/a,b(1-2)。

# 维持治疗 {#sec-maintenance}

Xuan等[@xuan2020, pp. 1201-1212]的研究共纳入202例患者，索拉非尼组的复发率较低。
"""
EN_BODY = """# Introduction {#sec-intro}

Sorafenib 400mg twice daily (range 200-400 mg) improved OS（HR 0.24）.  See [@dohner2022, pp. 1345-1377] and <!-- 10-20mg --> `1-2`.

# Maintenance therapy {#sec-maintenance}

The study by Xuan et al. [@xuan2020] enrolled 202 patients; relapse was less frequent in the sorafenib group.
"""
EN_FIXED = EN_BODY.replace("400mg", "400 mg").replace("200-400", "200–400").replace("OS（HR 0.24）.  See", "OS (HR 0.24). See")


def set_body(path: Path, body: str) -> str:
    """Replace a Markdown file's body, keeping its front matter; return the new text."""
    text = path.read_text(encoding="utf-8")
    end = text.index("\n---", 3) + len("\n---\n")
    new = text[:end] + "\n" + body
    path.write_text(new, encoding="utf-8")
    return new


def project_with_errors(root: Path, config: str = NONE_SPACING) -> tuple[str, str]:
    """Overlay the bodies above on the base project; return the zh and en texts written."""
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    return set_body(root / "manuscript/zh.md", ZH_BODY), set_body(root / "manuscript/en.md", EN_BODY)


def fix(root: Path, **overrides: object) -> dict[str, int]:
    """Load the project and apply the fixes with its settings."""
    settings = replace(load_settings(root), **overrides)
    return apply_fixes(load_project(root), settings)


def test_fix_rewrites_both_languages_and_keeps_a_backup(base_copy: Path) -> None:
    """Every safe edit is made; the original is kept as <file>.bak; masked spans are untouched."""
    zh_before, en_before = project_with_errors(base_copy)
    counts = fix(base_copy)
    zh = (base_copy / "manuscript/zh.md").read_text(encoding="utf-8")
    en = (base_copy / "manuscript/en.md").read_text(encoding="utf-8")
    assert zh.endswith(ZH_FIXED)
    assert en.endswith(EN_FIXED)
    assert counts == {"manuscript/zh.md": 9, "manuscript/en.md": 5}
    assert (base_copy / "manuscript/zh.md.bak").read_text(encoding="utf-8") == zh_before
    assert (base_copy / "manuscript/en.md.bak").read_text(encoding="utf-8") == en_before
    assert not list((base_copy / "manuscript").glob(".*.part")) and not list((base_copy / "manuscript").glob(".*.tmp"))


def test_fixed_documents_keep_their_structure(base_copy: Path) -> None:
    """Blocks, headings and citations parse the same after the fix."""
    project_with_errors(base_copy)
    before = load_project(base_copy)
    fix(base_copy)
    after = load_project(base_copy)
    for old, new in zip(before.documents, after.documents):
        assert [b.kind for b in new.blocks] == [b.kind for b in old.blocks]
        assert [(h.level, h.title, h.identifier) for h in new.headings] == [(h.level, h.title, h.identifier) for h in old.headings]
        assert [(c.key, c.span.text[c.group_start:c.group_end]) for c in new.citations] == \
               [(c.key, c.span.text[c.group_start:c.group_end]) for c in old.citations]


def test_second_fix_changes_nothing(base_copy: Path) -> None:
    """A fixed project has nothing left to fix, and the fixable rules are silent."""
    project_with_errors(base_copy)
    fix(base_copy)
    zh_bytes = (base_copy / "manuscript/zh.md").read_bytes()
    backup = (base_copy / "manuscript/zh.md.bak").read_bytes()
    assert fix(base_copy) == {}
    assert (base_copy / "manuscript/zh.md").read_bytes() == zh_bytes
    assert (base_copy / "manuscript/zh.md.bak").read_bytes() == backup
    settings = replace(load_settings(base_copy), select=("ZH001", "ZH002", "ZH003", "ZH004", "ZH005", "EN001", "EN002", "EN003", "EN005"))
    assert [str(d.location) for d in run_checks(load_project(base_copy), settings).diagnostics] == []


def test_inferred_spacing_is_reported_not_fixed(base_copy: Path) -> None:
    """In infer mode the spacing deviation is left for the author; other fixes still apply."""
    project_with_errors(base_copy, config="")
    fix(base_copy)
    zh = (base_copy / "manuscript/zh.md").read_text(encoding="utf-8")
    assert "FLT3突变 AML 患者" in zh and "400 mg，2次/d" in zh


def test_suppressed_and_unselected_findings_are_not_fixed(base_copy: Path) -> None:
    """A suppression comment or --select keeps a finding's text as written."""
    (base_copy / "pyproject.toml").write_text(NONE_SPACING, encoding="utf-8")
    set_body(base_copy / "manuscript/zh.md", "# 引言 {#sec-intro}\n\n<!-- check-disable-next-line ZH004 -->\n索拉非尼400mg,2次/d[@dohner2022]。\n\n"
             "# 维持治疗 {#sec-maintenance}\n\n移植后给予200mg,2次/d，共纳入202例[@xuan2020]。\n")
    assert fix(base_copy, select=("ZH004",)) == {"manuscript/zh.md": 1}
    zh = (base_copy / "manuscript/zh.md").read_text(encoding="utf-8")
    assert "索拉非尼400mg,2次/d" in zh and "给予200 mg,2次/d" in zh


def test_bom_and_crlf_survive(base_copy: Path) -> None:
    """A file saved with a BOM and CRLF endings keeps both."""
    zh, _ = project_with_errors(base_copy)
    (base_copy / "manuscript/zh.md").write_bytes(b"\xef\xbb\xbf" + zh.replace("\n", "\r\n").encode("utf-8"))
    fix(base_copy)
    data = (base_copy / "manuscript/zh.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert data.decode("utf-8-sig").replace("\r\n", "\n").endswith(ZH_FIXED)


def test_cli_fix_reports_and_rechecks(base_copy: Path, capsys) -> None:
    """``check --fix`` says what it fixed, then reports only what is left (EN004 has no fix)."""
    project_with_errors(base_copy)
    code = main(["check", str(base_copy), "--fix", "--select", "ZH,EN"])
    captured = capsys.readouterr()
    assert "fixed 9 places in manuscript/zh.md" in captured.err
    assert "EN004" in captured.out and "ZH001" not in captured.out
    assert code == 1


def test_edit_next_to_a_bare_citation_is_reported_not_made(base_copy: Path) -> None:
    """“研究.@xuan2020”: making “.” full-width would turn it into a citation, so ZH001 only reports it."""
    (base_copy / "pyproject.toml").write_text(NONE_SPACING, encoding="utf-8")
    set_body(base_copy / "manuscript/zh.md", "# 引言 {#sec-intro}\n\n见本研究.@xuan2020 与[@dohner2022]。\n\n"
             "# 维持治疗 {#sec-maintenance}\n\n共纳入202例[@xuan2020]。\n")
    assert fix(base_copy) == {}
    settings = replace(load_settings(base_copy), select=("ZH001",))
    assert [d.location.column for d in run_checks(load_project(base_copy), settings).diagnostics] == [5]


def test_edits_that_change_the_structure_are_dropped(base_copy: Path) -> None:
    """Of one pass's edits, one that would split a paragraph is dropped and the others are kept."""
    from toolchain.check.fixes import fix_document

    document = load_project(base_copy).zh
    text = document.source.text
    comma = text.index("，")
    period = text.index("。", comma)
    fixed, count = fix_document(document, [(comma, comma + 1, "\n\n")])  # splits the abstract's paragraph
    assert count == 0 and fixed is document
    fixed, count = fix_document(document, [(comma, comma + 1, "\n\n"), (period - 1, period, "x")])
    assert count == 1 and fixed.source.text == text[:period - 1] + "x" + text[period:]


def test_unknown_spacing_option_exits_2(base_copy: Path, capsys) -> None:
    """cjk-latin-spacing = "spaces" is a configuration error (exit 2), for check as for --fix."""
    (base_copy / "pyproject.toml").write_text('[tool.toolchain.check.rules.ZH002]\ncjk-latin-spacing = "spaces"\n', encoding="utf-8")
    for extra in ([], ["--fix"]):
        assert main(["check", str(base_copy), *extra]) == 2
        assert "cjk-latin-spacing must be one of none, space, infer, found 'spaces'" in capsys.readouterr().err
