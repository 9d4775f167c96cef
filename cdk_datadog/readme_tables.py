"""The README's tables of options and of diagnostics, generated from the code.

`python -m cdk_datadog.readme_tables --write README.md` rewrites them between their markers; a
test checks the README carries the current tables, so documentation and code cannot drift
apart. (serverless.yml's keys have their own table: `python -m cdk_datadog.serverless.keys`.)
"""

from __future__ import annotations

from cdk_datadog.engine.notes import NOTE_KINDS
from cdk_datadog.engine.options import OPTION_SPECS


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


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
        message = kind.message.replace("|", "\\|").replace("{", "<").replace("}", ">")
        message = message.replace("!r>", ">")
        rows.append(f"| `{kind.id}` | {kind.level} | {message} | {kind.explanation} |")
    return "\n".join(rows)


TABLES = {"options-table": options_table, "diagnostics-table": diagnostics_table}


def with_tables(readme: str) -> str:
    """`readme` with every generated table between its markers."""
    for name, table in TABLES.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        head, found, rest = readme.partition(start)
        if not found:
            raise ValueError(f"README has no {start} marker")
        _, _, tail = rest.partition(end)
        readme = f"{head}{start}\n{table()}\n{end}{tail}"
    return readme


if __name__ == "__main__":
    import sys
    from pathlib import Path

    if sys.argv[1:] == ["--write", "README.md"]:
        path = Path("README.md")
        path.write_text(with_tables(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(options_table(), diagnostics_table(), sep="\n\n")
