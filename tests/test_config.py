"""Configuration: unknown keys and bad values stop the run with their line; Settings cannot be changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.check.registry import configure
from toolchain.cli import main
from toolchain.config import Settings, load_settings
from toolchain.errors import InputError

BAD = [
    ("[tool.toolchain.check]\nselct = [\"REF\"]\n", 2, "unknown key “selct” in [tool.toolchain.check]", 'did you mean "select"'),
    ("[tool.toolchain.biuld]\nformats = [\"pdf\"]\n", 1, "unknown key “biuld” in [tool.toolchain]", 'did you mean "build"'),
    ("[tool.toolchain.check]\nselect = [\"ALL\"]\nper-file-ignore = { \"manuscript/en.md\" = [\"ZH\"] }\n", 3,
     "unknown key “per-file-ignore”", 'did you mean "per-file-ignores"'),
    ("[tool.toolchain]\ncheck = { select = [\"ALL\"] }\nbuidl = {}\n", 3, "unknown key “buidl”", 'did you mean "build"'),
    ("[tool.toolchain.build]\nformats = [\"pdf\", \"html\"]\n", 2, "unknown value “html”", "choose from pdf, docx, jats"),
    ("[tool.toolchain.build]\ncsl = 3\n", 2, "csl must be a string", ""),
    ("[tool.toolchain.check]\nselect = \"REF\"\n", 2, "select must be a list of strings", ""),
    ("[tool.toolchain.check]\nseverity = { REF002 = \"loud\" }\n", 2, "severity of REF002 must be one of", ""),
    ("[tool.toolchain.build]\nformats = [\"pdf\"]\nreference-doi = \"no\"\n", 3, "reference-doi must be true or false", ""),
    ("[tool.toolchain.build]\njats = 1.4\n", 2, "jats must be one of the strings '1.3', '1.4', found 1.4", ""),
    ("[tool.toolchain.build]\njats = \"1.5\"\n", 2, "jats must be one of the strings", ""),
    ("[tool.toolchain.build]\nreference-dois = false\n", 2, "unknown key “reference-dois”", 'did you mean "reference-doi"'),
]
BAD_RULES = [
    ("[tool.toolchain.check]\nselect = [\n  \"REF\",  # references\n  \"TRM\",\n]\n", 4, 'unknown rule "TRM" in [tool.toolchain.check].select',
     'did you mean "TERM"'),
    ("[tool.toolchain.check]\n\nignore = [\"TREM002\"]\n", 3, 'unknown rule "TREM002" in [tool.toolchain.check].ignore', 'did you mean "TERM002"'),
    ("[tool.toolchain.check.rules.ZH002]\ncjk-latin-spacin = \"none\"\n", 2, "rule ZH002 has no option “cjk-latin-spacin”",
     'did you mean "cjk-latin-spacing"'),
    ("[tool.toolchain.check.rules.ZH002]\ncjk-latin-spacing = \"spaces\"\n", 2, "cjk-latin-spacing must be one of none, space, infer", ""),
    ("[tool.toolchain.check.rules.REF008]\nrequire-english = \"no\"\n", 2, "require-english must be bool", ""),
    ("[tool.toolchain.check.rules.ABBR001]\nno-definition-needed = \"DNA\"\n", 2, "must be a list of strings", ""),
    ("[tool.toolchain.check.severity]\nZH00 = \"off\"\n", 2, 'unknown rule "ZH00"', ""),
]


def project_with(tmp_path: Path, config: str) -> Path:
    """A directory holding only a pyproject.toml."""
    (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("config", "line", "message", "hint"), BAD, ids=[c[2][:40] for c in BAD])
def test_bad_keys_and_values_are_refused_when_read(tmp_path: Path, config: str, line: int, message: str, hint: str) -> None:
    """load_settings itself refuses them, naming the line and the closest valid key."""
    with pytest.raises(InputError) as caught:
        load_settings(project_with(tmp_path, config))
    assert (caught.value.file, caught.value.line) == ("pyproject.toml", line)
    assert message in str(caught.value) and hint in str(caught.value)


@pytest.mark.parametrize(("config", "line", "message", "hint"), BAD_RULES, ids=[c[2][:40] for c in BAD_RULES])
def test_bad_rules_and_options_are_refused_before_any_rule_runs(base_copy: Path, config: str, line: int, message: str, hint: str,
                                                                capsys: pytest.CaptureFixture) -> None:
    """Rule ids and option values are checked against the registry: exit 2 with the line, from check as from --fix and build."""
    (base_copy / "pyproject.toml").write_text(config, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        configure(load_settings(base_copy))
    assert caught.value.line == line and message in str(caught.value) and hint in str(caught.value)
    for extra in ([], ["--fix"], ["--format", "json"]):
        assert main(["check", str(base_copy), *extra]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: pyproject.toml:{line}: ") and message in err and "Traceback" not in err
    out = base_copy / "out"
    assert main(["build", str(base_copy), "--out", str(out), "--quiet"]) == 2  # the settings are read while Pandoc parses
    err = capsys.readouterr().err
    assert err.startswith(f"error: pyproject.toml:{line}: ") and message in err and "Traceback" not in err
    assert not [p for p in out.iterdir() if not p.name.startswith(".")]


def test_settings_are_immutable_all_the_way_down(tmp_path: Path) -> None:
    """Nothing a stage is handed can change the settings of the next one."""
    settings = load_settings(project_with(tmp_path, "[tool.toolchain.check]\nseverity = { REF002 = \"error\" }\n"
                                                    "[tool.toolchain.check.rules.ABBR001]\nno-definition-needed = [\"DNA\"]\n"))
    with pytest.raises(TypeError):
        settings.severity["REF002"] = "off"  # type: ignore[index]
    with pytest.raises(TypeError):
        settings.rule_options["ABBR001"]["no-definition-needed"] = ()  # type: ignore[index]
    assert settings.rule_options["ABBR001"]["no-definition-needed"] == ("DNA",)
    given = Settings(severity={"REF002": "off"})
    with pytest.raises(TypeError):
        given.severity["REF002"] = "error"  # type: ignore[index]


def test_a_valid_configuration_reads_every_key(tmp_path: Path) -> None:
    """The README's example configuration is read as written."""
    settings = load_settings(project_with(tmp_path, """
[tool.toolchain.check]
select = ["ALL"]
ignore = ["EN004"]
severity = { REF002 = "error", SRC001 = "off" }
per-file-ignores = { "manuscript/en.md" = ["ZH"] }

[tool.toolchain.check.rules.ZH002]
cjk-latin-spacing = "none"

[tool.toolchain.build]
csl = "bib/journal.csl"
formats = ["pdf", "jats"]
langs = ["zh"]
jats = "1.4"
reference-doi = false
"""))
    assert (settings.jats, settings.reference_doi) == ("1.4", False)
    assert settings.ignore == ("EN004",) and dict(settings.severity) == {"REF002": "error", "SRC001": "off"}
    assert settings.per_file_ignores["manuscript/en.md"] == ("ZH",) and settings.rule_options["ZH002"]["cjk-latin-spacing"] == "none"
    assert (settings.csl, settings.formats, settings.langs) == ("bib/journal.csl", ("pdf", "jats"), ("zh",))
    config = configure(settings)
    assert config.severity["SRC001"] == "off" and config.options["ZH002"]["cjk-latin-spacing"] == "none"
    assert config.options["ZH001"]["gloss-comma"] == "any"  # defaults fill the rest
