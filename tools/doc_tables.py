"""The documentation's generated tables: options, diagnostics, serverless.yml keys, lint rules.

    python -m tools.doc_tables           rewrite the tables in docs/ between their markers
    python -m tools.doc_tables --check   exit 1 if a page's table is not the current one

Each table is rendered from the code that the behaviour comes from (`OPTION_SPECS`,
`NOTE_KINDS`, the serverless key table, the lint rules' own metadata) and lives in one page
between `<!-- <name>:start -->` and `<!-- <name>:end -->`; tests/test_doc_tables.py checks
that every page carries the current tables. This module is a tool of the repository, not part
of the package: the wheel does not carry it.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path

from cdk_datadog import lint_rules
from cdk_datadog.engine.notes import NOTE_KINDS
from cdk_datadog.engine.options import OPTION_SPECS
from cdk_datadog.serverless.keys import KEYS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
#: benchmarks/synth_overhead.py's results, without and with aws-cdk-lib's validator
BENCHMARKS = (ROOT / "benchmarks" / "results.json", ROOT / "benchmarks" / "results-validation.json")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def options_table() -> str:
    rows = [
        "| option | default | per function | sets | what it does |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, spec in sorted(OPTION_SPECS.items()):
        default = "-" if spec.default in (None, ()) else f"`{spec.default!r}`".replace("'", "")
        marker = " (ours)" if spec.ours else ""
        per_function = "no" if spec.stack_wide else "yes"
        variables = ", ".join(f"`{v}`" for v in spec.variable.split(", ")) if spec.variable else ""
        rows.append(
            f"| `{name}`{marker} | {default} | {per_function} | {variables} | {_cell(spec.doc)} |"
        )
    return "\n".join(rows)


def diagnostics_table() -> str:
    rows = ["| id | level | message | what to do |", "| --- | --- | --- | --- |"]
    for kind in sorted(NOTE_KINDS, key=lambda kind: kind.id):
        message = _cell(kind.message).replace("{", "<").replace("}", ">").replace("!r>", ">")
        rows.append(f"| `{kind.id}` | {kind.level} | {message} | {_cell(kind.explanation)} |")
    return "\n".join(rows)


def serverless_keys_table() -> str:
    """Every key, serverless-plugin-datadog's default and what cdk-datadog does with it."""
    rows = [
        "| key | serverless-plugin-datadog's default | serverless-plugin-cdk-datadog |",
        "| --- | --- | --- |",
    ]
    for key in KEYS:
        here = key.here if key.note is None else f"{key.here}: {key.note}"
        if key.pending_options:
            pending = ", ".join(f"`{option}`" for option in key.pending_options)
            here += f" (accepted with a note until cdk-datadog has the option {pending})"
        name = f"`{key.name}`" + ("" if key.documented else " *")
        rows.append(f"| {name} | {_cell(key.their_default)} | {_cell(here)} |")
    return "\n".join(rows)


def lint_rules_list() -> list[type]:
    """The pack's rule classes, one per module, as cfn-lint loads them."""
    rules = []
    for module in pkgutil.iter_modules(lint_rules.__path__):
        if not module.name.startswith("_"):
            loaded = importlib.import_module(f"{lint_rules.__name__}.{module.name}")
            rules.append(getattr(loaded, module.name))
    return sorted(rules, key=lambda rule: rule.id[1:])


def lint_rules_table() -> str:
    rows = ["| id | rule | finds | why |", "| --- | --- | --- | --- |"]
    for rule in lint_rules_list():
        why = f"{_cell(rule.description)} ([source]({rule.source_url}))"
        rows.append(f"| {rule.id} | `{rule.__name__}` | {_cell(rule.shortdesc)} | {why} |")
    return "\n".join(rows)


def performance_tables() -> str:
    """A bare synth and one with `Datadog`, per mode and size, from the benchmark's results."""
    parts = []
    for path in BENCHMARKS:
        results = json.loads(path.read_text(encoding="utf-8"))
        validator = "on" if "validation" in path.stem else "off (`CDK_VALIDATION=false`)"
        parts.append(
            f"`{path.relative_to(ROOT)}`: {results['date']}, {results['machine']}, "
            f"aws-cdk-lib's validator {validator}, medians\n\n"
            "| mode | functions | bare synth s | with `Datadog` s | difference s |\n"
            "| --- | ---: | ---: | ---: | ---: |"
        )
        for row in results["synth"]:
            bare, ours = row["bare_s"], row["ours_s"]
            parts[-1] += (
                f"\n| {row['mode']} | {row['n']} | {bare:.2f} | {ours:.2f} | {ours - bare:+.2f} |"
            )
    return "\n\n".join(parts)


#: marker name -> (the page that carries the table, what renders it)
TABLES: dict[str, tuple[str, Callable[[], str]]] = {
    "options-table": ("options.md", options_table),
    "diagnostics-table": ("diagnostics.md", diagnostics_table),
    "serverless-keys": ("serverless.md", serverless_keys_table),
    "lint-rules": ("lint-rules.md", lint_rules_table),
    "performance": ("performance.md", performance_tables),
}


def with_table(page: str, name: str) -> str:
    """`page` with the current table `name` between its markers."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    head, found, rest = page.partition(start)
    if not found or end not in rest:
        raise ValueError(f"no {start} ... {end} markers")
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{TABLES[name][1]()}\n{end}{tail}"


def current_pages(docs: Path = DOCS) -> dict[Path, tuple[str, str]]:
    """Each page with a table -> (its text, its text with the current tables)."""
    pages: dict[Path, tuple[str, str]] = {}
    for name, (page, _) in TABLES.items():
        path = docs / page
        text, updated = pages.get(path, (path.read_text(encoding="utf-8"),) * 2)
        pages[path] = (text, with_table(updated, name))
    return pages


def main(argv: list[str]) -> int:
    if argv not in ([], ["--check"]):
        print("usage: python -m tools.doc_tables [--check]", file=sys.stderr)
        return 2
    stale = [path for path, (text, updated) in current_pages().items() if text != updated]
    if argv == ["--check"]:
        for path in stale:
            print(f"{path.relative_to(DOCS.parent)}: stale table", file=sys.stderr)
        return 1 if stale else 0
    for path, (_, updated) in current_pages().items():
        path.write_text(updated, encoding="utf-8")
    for path in stale:
        print(f"rewrote {path.relative_to(DOCS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
