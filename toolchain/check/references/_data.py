"""Reference data tables: GB/T 7714-2015 required elements and identifier patterns, loaded once."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from toolchain.errors import InputError
from toolchain.load import parse_yaml

DATA = Path(__file__).resolve().parents[2] / "data"
REQUIRED_FILE = DATA / "gbt7714-required.yaml"
IDENTIFIERS_FILE = DATA / "bib-identifiers.yaml"


@dataclass(frozen=True, slots=True)
class Requirement:
    """One required element: satisfied when every field of any one alternative is present."""

    alternatives: tuple[tuple[str, ...], ...]

    def describe(self) -> str:
        """``journal or journaltitle``; ``address and publisher, or pages``."""
        return ", or ".join(" and ".join(group) for group in self.alternatives) if any(len(g) > 1 for g in self.alternatives) \
            else " or ".join(group[0] for group in self.alternatives)

    def satisfied(self, fields: dict[str, str]) -> bool:
        """Whether the entry's non-empty fields satisfy one alternative."""
        return any(all(fields.get(name, "").strip("{} ") for name in group) for group in self.alternatives)


@dataclass(frozen=True, slots=True)
class ReferenceType:
    """A GB/T 7714 document type with its required elements."""

    name: str
    code: str
    entry_types: tuple[str, ...]
    require: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class IdentifierRule:
    """One row of the identifier table: the field must (not) match, or pass a named check."""

    field: str
    message: str
    pattern: re.Pattern[str] | None = None
    forbid: re.Pattern[str] | None = None
    check: str = ""

    def fails(self, value: str) -> bool:
        """Whether ``value`` breaks this row."""
        if self.forbid is not None and self.forbid.search(value):
            return True
        if self.pattern is not None and not self.pattern.search(value):
            return True
        return bool(self.check) and not CHECKS[self.check](value)


def requirement(item: object) -> Requirement:
    """Read ``field`` / ``[a, b]`` / ``[[a, b], [c]]`` into a Requirement."""
    if isinstance(item, str):
        return Requirement(((item,),))
    groups = [(part,) if isinstance(part, str) else tuple(str(p) for p in part) for part in item]  # type: ignore[union-attr]
    return Requirement(tuple(groups))


@dataclass(frozen=True, slots=True)
class ReferenceTable:
    """The GB/T types by BibTeX entry type, the fallback type and the @misc subtypes."""

    by_entry: dict[str, ReferenceType]
    fallback: ReferenceType
    misc_subtypes: dict[str, ReferenceType]

    def for_entry(self, entry_type: str, subtype: str = "") -> ReferenceType:
        """The GB/T type that governs an entry type (a @misc may name its subtype in `type`)."""
        if entry_type == "misc" and subtype.strip().lower() in self.misc_subtypes:
            return self.misc_subtypes[subtype.strip().lower()]
        return self.by_entry.get(entry_type, self.fallback)


@cache
def reference_table() -> ReferenceTable:
    """The required-elements table (loaded once per process)."""
    data = parse_yaml(REQUIRED_FILE.read_text(encoding="utf-8"), "toolchain/data/gbt7714-required.yaml")
    named: dict[str, ReferenceType] = {}
    by_entry: dict[str, ReferenceType] = {}
    for key, spec in data["types"].items():
        kind = ReferenceType(str(spec["name"]), str(spec["code"]), tuple(map(str, spec["entry-types"])),
                             tuple(requirement(item) for item in spec["require"]))
        named[str(key)] = kind
        by_entry.update(dict.fromkeys(kind.entry_types, kind))
    subtypes = {str(k).lower(): named[str(v)] for k, v in (data.get("misc-subtypes") or {}).items()}
    return ReferenceTable(by_entry, named[str(data["fallback"])], subtypes)


@cache
def identifier_rules() -> tuple[IdentifierRule, ...]:
    """The identifier table, in file order (loaded once)."""
    data = parse_yaml(IDENTIFIERS_FILE.read_text(encoding="utf-8"), "toolchain/data/bib-identifiers.yaml")
    rows = []
    for row in data["identifiers"]:
        check = str(row.get("check", ""))
        if check and check not in CHECKS:
            raise InputError("toolchain/data/bib-identifiers.yaml", None, f"unknown check {check!r}")
        rows.append(IdentifierRule(
            str(row["field"]).lower(), str(row["message"]),
            re.compile(str(row["pattern"])) if "pattern" in row else None,
            re.compile(str(row["forbid"])) if "forbid" in row else None,
            check,
        ))
    return tuple(rows)


def issn_valid(value: str) -> bool:
    """ISSN check digit (ISO 3297): weights 8..2, mod 11, 10 written X."""
    digits = value.replace("-", "").upper()
    if not re.fullmatch(r"\d{7}[\dX]", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1)))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def isbn_valid(value: str) -> bool:
    """ISBN-10 (mod 11) or ISBN-13 (mod 10, weights 1 and 3) check digit."""
    digits = re.sub(r"[- ]", "", value).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    if re.fullmatch(r"\d{13}", digits):
        return sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10 == 0
    return False


def year_plausible(value: str) -> bool:
    """A year between 1800 and next year (a work in press may carry next year's date)."""
    match = re.match(r"\d{4}", value)
    return bool(match) and 1800 <= int(match.group(0)) <= datetime.date.today().year + 1


CHECKS = {"issn-check-digit": issn_valid, "isbn-check-digit": isbn_valid, "year-range": year_plausible}
