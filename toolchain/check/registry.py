"""The rule registry: stable ids, names, default severities and one-line summaries.

Every rule is known before its family's module is imported: ``toolchain/data/rules.json`` lists
them (id, name, severity, summary, options and the function that checks), and a rule's module
is imported by the process that first runs it. `check` reads its settings and forks its workers
before any family is imported, and each process imports only the families it runs. The list is
written from the registrations themselves (``python -m toolchain.check.manifest``); a test keeps
it current.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from toolchain.check.diagnostic import Finding, Severity
from toolchain.cite import Citations
from toolchain.config import CONFIG_FILE, Settings, closest
from toolchain.errors import InputError
from toolchain.load import Project

if TYPE_CHECKING:
    from toolchain.check.suppressions import Suppression


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule is given: the project, the settings, its own options and the references.

    ``suppressions`` and ``ran`` are filled for rules registered with ``final=True`` (they run
    after every other rule): the directives of the run, with what each silenced, and the ids
    of the rules that ran.
    """

    project: Project
    settings: Settings
    options: Mapping[str, Any]
    cite: Citations
    suppressions: tuple[Suppression, ...] = ()
    ran: frozenset[str] = frozenset()


CheckFn = Callable[[RuleContext], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule."""

    id: str
    name: str
    family: str  # the id's prefix (REF, ZH …): what --select, ignores and suppressions accept
    severity: Severity
    summary: str
    check: CheckFn
    options: Mapping[str, Any] = field(default_factory=dict)  # option name → default value
    final: bool = False  # runs after the others, on what the run's suppressions silenced
    choices: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)  # option name → allowed values

    @property
    def doc(self) -> str:
        """The rule's docstring after its summary line."""
        doc = inspect.getdoc(self.check) or ""
        return doc.partition("\n")[2].strip()


@dataclass(frozen=True, slots=True)
class Option:
    """A rule option whose value must be one of ``choices`` (a plain default accepts any value of its type)."""

    default: Any
    choices: tuple[Any, ...] = ()


class Deferred:
    """A rule's check function, imported from its family's module when first called or read."""

    def __init__(self, module: str, name: str) -> None:
        """The function ``name`` of ``module``, not imported yet."""
        self.__module__ = module
        self.__name__ = name
        self.imported: CheckFn | None = None

    def function(self) -> CheckFn:
        """The function itself (its module imported now if it was not)."""
        if self.imported is None:
            self.imported = getattr(importlib.import_module(self.__module__), self.__name__)
        return self.imported

    def __call__(self, ctx: RuleContext) -> Iterator[Finding]:
        """Run the check."""
        return self.function()(ctx)

    @property  # type: ignore[override]
    def __doc__(self) -> str | None:  # noqa: D105
        return self.function().__doc__


# The modules that define rules: importing one registers its family's rules.
FAMILY_MODULES = ("abbreviations", "alignment", "claims", "figures", "hygiene", "metadata", "numbers", "references",
                  "suppression_rules", "terminology", "typography_en", "typography_zh")
MANIFEST = Path(__file__).resolve().parent.parent / "data" / "rules.json"

RULES: dict[str, Rule] = {}
# Options that set a house convention: a rule declaring one follows its owner's setting unless set itself.
HOUSE_OPTIONS = {"cjk-latin-spacing": "ZH002"}
REDIRECTS: dict[str, str] = {}  # retired id → its successor


def family_of(rule_id: str) -> str:
    """The family of a rule id: its letters (``REF011`` → ``REF``)."""
    return rule_id.rstrip("0123456789")


def rule(id: str, name: str, severity: Severity = Severity.ERROR, *, final: bool = False, **options: Any) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a stable id; its docstring's first line is the summary.

    A check takes a ``RuleContext``; keyword arguments declare the rule's options: a default
    value, or an ``Option`` naming the allowed values too.
    """
    defaults = {name: value.default if isinstance(value, Option) else value for name, value in options.items()}
    choices = {name: value.choices for name, value in options.items() if isinstance(value, Option) and value.choices}

    def register(function: CheckFn) -> CheckFn:
        if id in RULES and not isinstance(RULES[id].check, Deferred):
            raise ValueError(f"rule id {id} registered twice")
        summary = (inspect.getdoc(function) or "").strip().splitlines()[0] if function.__doc__ else ""
        RULES[id] = Rule(id, name, family_of(id), severity, summary, function, MappingProxyType(defaults), final, MappingProxyType(choices))
        return function

    return register


def resolve(code: str) -> list[str]:
    """Turn an id, a name, a family prefix or ``ALL`` into rule ids ([] when unknown)."""
    code = code.strip()
    if code.upper() == "ALL":
        return list(RULES)
    upper = REDIRECTS.get(code.upper(), code.upper())
    if upper in RULES:
        return [upper]
    by_name = [r.id for r in RULES.values() if r.name == code.lower()]
    if by_name:
        return by_name
    return [r.id for r in RULES.values() if r.family == upper]


@dataclass(frozen=True, slots=True)
class Configuration:
    """Settings resolved against the registry: per rule id its severity, options and ignored files."""

    severity: Mapping[str, str]  # rule id → error|warning|info|off (only those configured)
    options: Mapping[str, Mapping[str, Any]]  # rule id → every option, defaults overlaid
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...]  # (file or pattern, rule ids)

    def severity_of(self, rule: Rule) -> Severity:
        """The effective severity of a rule that runs."""
        return Severity(self.severity.get(rule.id, rule.severity.value))


def configure(settings: Settings) -> Configuration:
    """Resolve and validate the checker's settings: unknown rules, options and values are exit 2 with their line."""
    def ids(code: str, place: str) -> list[str]:
        found = resolve(code)
        if not found:
            names = list(RULES) + [r.name for r in RULES.values()] + sorted({r.family for r in RULES.values()})
            key = place.split(".")[1]
            line = settings.line(f"{place}={code}") or settings.line(place)
            raise InputError(CONFIG_FILE, line, f'unknown rule "{code}" in [tool.toolchain.check].{key}{closest(code, names)}')
        return found

    for key in ("select", "ignore"):
        for code in getattr(settings, key):
            ids(code, f"check.{key}")
    severity: dict[str, str] = {}
    for code, level in settings.severity.items():
        severity.update(dict.fromkeys(ids(code, f"check.severity.{code}"), level))
    ignores = tuple((pattern, frozenset(i for code in codes for i in ids(code, f"check.per-file-ignores.{pattern}")))
                    for pattern, codes in settings.per_file_ignores.items())
    given: dict[str, dict[str, Any]] = {}
    for code, values in settings.rule_options.items():
        for rule_id in ids(code, f"check.rules.{code}"):
            for key, value in values.items():
                check_option(RULES[rule_id], key, value, settings.line(f"check.rules.{code}.{key}") or settings.line(f"check.rules.{code}"))
            given.setdefault(rule_id, {}).update(values)
    def house(rule: Rule) -> dict[str, Any]:  # a house option set on its owner holds for every rule declaring it
        return {key: given[owner][key] for key, owner in HOUSE_OPTIONS.items() if key in rule.options and key in given.get(owner, {})}

    options = {rule_id: MappingProxyType({**rule.options, **house(rule), **given.get(rule_id, {})}) for rule_id, rule in RULES.items()}
    return Configuration(MappingProxyType(severity), MappingProxyType(options), ignores)


def check_option(rule: Rule, key: str, value: Any, line: int | None) -> None:
    """An option is declared by its rule, of its default's type, and one of its allowed values."""
    where = f"[tool.toolchain.check.rules.{rule.id}]"
    if key not in rule.options:
        declared = ", ".join(rule.options) or "none"
        raise InputError(CONFIG_FILE, line, f"rule {rule.id} has no option “{key}”{closest(key, tuple(rule.options))} (options: {declared})")
    default = rule.options[key]
    expected = (list, tuple) if isinstance(default, (list, tuple)) else type(default)
    if not isinstance(value, expected) or (isinstance(default, (list, tuple)) and not all(isinstance(v, str) for v in value)):
        kind = "a list of strings" if isinstance(default, (list, tuple)) else type(default).__name__
        raise InputError(CONFIG_FILE, line, f"{where} {key} must be {kind}, found {value!r}")
    allowed = rule.choices.get(key, ())
    if allowed and value not in allowed:
        raise InputError(CONFIG_FILE, line, f"{where} {key} must be one of {', '.join(map(str, allowed))}, found {value!r}")


def load_manifest() -> None:
    """Register every rule listed in ``rules.json``, its function deferred until it runs."""
    def value(given: Any) -> Any:
        return tuple(given["tuple"]) if isinstance(given, dict) else given

    for entry in json.loads(MANIFEST.read_text(encoding="utf-8")):
        RULES.setdefault(entry["id"], Rule(entry["id"], entry["name"], family_of(entry["id"]), Severity(entry["severity"]), entry["summary"],
                                           Deferred(entry["module"], entry["function"]),
                                           MappingProxyType({key: value(v) for key, v in entry["options"].items()}), entry["final"],
                                           MappingProxyType({key: tuple(v) for key, v in entry["choices"].items()})))


load_manifest()
