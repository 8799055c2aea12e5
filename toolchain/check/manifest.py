"""Write ``toolchain/data/rules.json`` from the rules' registrations: ``python -m toolchain.check.manifest [--print]``."""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

from toolchain.check.registry import FAMILY_MODULES, MANIFEST, RULES
from toolchain.files import write_atomically


def manifest_entries() -> list[dict[str, Any]]:
    """Every rule as ``rules.json`` lists it, read from the registrations (run in a process that has imported no family)."""
    RULES.clear()  # in registration order, as importing the families in turn makes it
    for module in FAMILY_MODULES:
        importlib.import_module(f"toolchain.check.{module}")

    def plain(value: Any) -> Any:
        return {"tuple": list(value)} if isinstance(value, tuple) else value

    return [{"id": r.id, "name": r.name, "severity": r.severity.value, "summary": r.summary, "module": r.check.__module__,
             "function": r.check.__name__, "options": {key: plain(value) for key, value in r.options.items()}, "final": r.final,
             "choices": {key: list(values) for key, values in r.choices.items()}}
            for r in RULES.values()]


def main() -> None:
    """Write rules.json, or print it with ``--print``."""
    listed = json.dumps(manifest_entries(), ensure_ascii=False, indent=1) + "\n"
    if "--print" in sys.argv:
        sys.stdout.write(listed)
        return
    write_atomically(MANIFEST, lambda part: part.write_text(listed, encoding="utf-8"))
    print(f"wrote {len(RULES)} rules to {MANIFEST}", file=sys.stderr)


if __name__ == "__main__":
    main()
