"""The README's table of diagnostics, generated from the engine's note kinds.

`python -m cdk_datadog.diagnostics_table` prints it; a test checks the README carries the
current table, so documentation and code cannot drift apart.
"""

from __future__ import annotations

from cdk_datadog.engine.notes import NOTE_KINDS


def markdown_table() -> str:
    rows = ["| id | level | message | what to do |", "| --- | --- | --- | --- |"]
    for kind in sorted(NOTE_KINDS, key=lambda kind: kind.id):
        message = kind.message.replace("|", "\\|").replace("{", "<").replace("}", ">")
        message = message.replace("!r>", ">")
        rows.append(f"| `{kind.id}` | {kind.level} | {message} | {kind.explanation} |")
    return "\n".join(rows)


START = "<!-- diagnostics-table:start -->"
END = "<!-- diagnostics-table:end -->"


def with_table(readme: str) -> str:
    """`readme` with the generated table between its markers."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{markdown_table()}\n{END}{tail}"


if __name__ == "__main__":
    import sys
    from pathlib import Path

    if sys.argv[1:] == ["--write", "README.md"]:
        path = Path("README.md")
        path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(markdown_table())
