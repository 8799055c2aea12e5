"""Measured on the published reference list (tests/projects/seed-bib): the defects the checker finds,
with the lock written from the works' published records and without it; and no false finding on
the project's own list."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "projects" / "seed-bib"
BIB = (SEED / "bib" / "references.bib").read_text(encoding="utf-8")
RECORD_FREE = "REF019,REF020,REF021,REF022,REF023"
ALL_NEW = "REF013,REF014,REF015,REF016,REF017,REF018," + RECORD_FREE

# (key, field, the record's value): each named defect of the published list. A missing field is
# reported at the entry's line.
ISSUES = {"antar2020": "3", "frohling2002": "13", "ravandi2010": "11", "rollig2015": "16", "serve2013": "25", "short2024": "13",
          "ravandi2013": "23", "mathew2018": "3", "bazarbachi2019": "9", "massard2010": "5", "sprinzl2013": "6"}
DEFECTS = [
    ("rollig2015", "author", "Röllig"), ("rollig2015", "author", "Hüttmann"), ("antar2020", "author", "Otrock"),
    ("short2024", "author", "DiNardo"), ("frohling2002", "author", "Fröhling"),
    ("short2024", "volume", "42"), ("short2024", "pages", "1499--1508"),
    ("dohner2022", "title", "Diagnosis and management of AML in adults: 2022 recommendations from an international expert panel on behalf of the ELN"),
    ("pollard2022", "title", "Sorafenib in Combination With Standard Chemotherapy for Children With High Allelic Ratio FLT3/ITD+ Acute Myeloid "
                             "Leukemia: A Report From the Children's Oncology Group Protocol AAML1031"),
    ("frohling2002", "title", "Prognostic significance of activating FLT3 mutations in younger adults (16 to 60 years) with acute myeloid leukemia "
                              "and normal cytogenetics: a study of the AML Study Group Ulm"),
    ("cortes2019", "title", "Quizartinib versus salvage chemotherapy in relapsed or refractory FLT3-ITD acute myeloid leukaemia (QuANTUM-R): "
                            "a multicentre, randomised, controlled, open-label, phase 3 trial"),
    ("xu2023", "journal", "Biology (Basel)"),
    *((key, "number", value) for key, value in ISSUES.items()),
]


def line_of(key: str, field: str = "") -> int:
    """The line of an entry (or of one of its fields) in the seed's references.bib."""
    start = re.search(r"^@\w+\{" + re.escape(key) + ",", BIB, re.MULTILINE)
    assert start
    if field:
        found = re.compile(r"^\s*" + field + r"\s*=", re.MULTILINE).search(BIB, start.end())
        following = re.compile(r"^@", re.MULTILINE).search(BIB, start.end())
        if found and (following is None or found.start() < following.start()):
            return BIB.count("\n", 0, found.start()) + 1
    return BIB.count("\n", 0, start.start()) + 1


def check(project: Path, select: str) -> list[dict]:
    """``check PROJECT --select … --format json`` (offline)."""
    done = subprocess.run([sys.executable, "-m", "toolchain", "check", str(project), "--select", select, "--format", "json"],
                          capture_output=True, text=True, check=False, cwd=REPO, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_every_named_defect_is_found_at_its_line_with_the_records_value() -> None:
    """With the lock: each defect is a REF013 finding at the field's line suggesting the published value; nothing else is."""
    found = check(SEED, "REF013")
    reported = {(d["line"], d.get("suggestion")) for d in found}
    missing = [(key, field, value) for key, field, value in DEFECTS if (line_of(key, field), value) not in reported]
    assert not missing, missing
    assert len(found) == len(DEFECTS), [d["message"] for d in found]  # no finding beyond the named defects
    print(f"\nseed-bib with lock: {len(DEFECTS) - len(missing)}/{len(DEFECTS)} named defects found, {len(found) - len(DEFECTS)} other REF013 findings")


def test_record_free_rules_find_what_needs_no_record(tmp_path: Path) -> None:
    """Without the lock: Rollig/Röllig, the ten missing issues, the manuscript id as pages, Biology(Basel), the stray title phrase, the glued parenthesis.

    short2024's missing issue stands behind its malformed pages (REF021): one defect, one finding.
    """
    project = tmp_path / "seed-bib"
    shutil.copytree(SEED, project)
    (project / "bib" / "references.lock.json").unlink()
    found = {(d["rule"], d["line"]) for d in check(project, ALL_NEW)}
    expected = {("REF019", line_of("rollig2015", "author")), ("REF021", line_of("short2024", "pages")), ("REF022", line_of("xu2023", "journal")),
                ("REF023", line_of("frohling2002", "title")), ("REF023", line_of("cortes2019", "title"))}
    expected |= {("REF020", line_of(key)) for key in ISSUES if key != "short2024"}
    assert found == expected, sorted(found ^ expected)
    print(f"\nseed-bib without lock: {len(expected)} findings, each a named defect (Otrock, DiNardo, Fröhling, Hüttmann and “;” for “:” need the lock)")


def test_chinese_works_are_unverifiable_not_errors() -> None:
    """The three Chinese works no source holds: information, never an error."""
    found = [d for d in check(SEED, "REF017,REF018") if d["severity"] != "info" or d["rule"] != "REF018"]
    assert found == []
    info = check(SEED, "REF018")
    assert sorted(d["line"] for d in info) == sorted(line_of(k) for k in ("cmahematology2023", "zhangyu2016", "zhangyu2023"))


def test_no_false_finding_on_the_projects_own_list() -> None:
    """The repository's own references.bib: not one finding of the new rules."""
    assert check(REPO, ALL_NEW) == []
