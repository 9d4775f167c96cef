"""The `cdk-datadog` command: instrument a template, or report on templates.

    cdk-datadog instrument TEMPLATE [-o OUT] [--config FILE] [--set KEY=VALUE ...]
                           [--allow-errors]
    cdk-datadog report PATH [--json]
    cdk-datadog lint-rules-path     (for cfn-lint --append-rules)
    cdk-datadog serverless          (the Serverless Framework plugin's backend: JSON on
                                     stdin and stdout, see cdk_datadog.serverless.backend)
    cdk-datadog --version           (the package, its default layer versions, aws-cdk-lib, Node)

Exit status: 0 on success; 1 on an invalid template or option (one line on stderr, no
traceback), or when `instrument` gives a note of level error (the instrumented template is
still written, after the notes; `--allow-errors` exits 0), as an error annotation fails
`cdk synth`; 2 on a usage error. Notes go to stderr, one line each, with the function's
logical id and the note id; an API key never appears in them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from cdk_datadog.engine.config import OptionError
from cdk_datadog.engine.options import canonical_name
from cdk_datadog.engine.plan import Plan
from cdk_datadog.serverless.backend import instrument_packaged
from cdk_datadog.serverless.translate import rename_options
from cdk_datadog.templates.config_file import load_config_file
from cdk_datadog.templates.io import TemplateError, dump_template, load_template
from cdk_datadog.templates.report import report_rows
from cdk_datadog.templates.transform import instrument

EXIT_INVALID = 1


class _Failure(Exception):
    """A user error that ends the command with exit status 1 and one line."""


def _parse_set(pairs: list[str]) -> dict[str, Any]:
    """`--set key=value` pairs; values read as YAML scalars (true, 42, text)."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise _Failure(f"--set {pair!r}: expected KEY=VALUE")
        name = canonical_name(key)
        if name is None and key != "region":
            raise OptionError(key, "unknown option given with --set")
        try:
            value = yaml.safe_load(raw) if raw else ""
        except yaml.YAMLError:
            value = raw
        options[name or key] = value
    return options


def _note_line(where: str, note: Any) -> str:
    return f"{where}: {note.level}: {note.message} [{note.id}]"


def _instrument(args: argparse.Namespace) -> int:
    path = Path(args.template)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise _Failure(f"cannot read {path}: {error.strerror}") from None
    template, fmt = load_template(text)
    options: dict[str, Any] = {}
    function_options: dict[str, dict[str, Any]] = {}
    translation = None
    if args.config:
        from_file = load_config_file(Path(args.config))
        for n in from_file.notes:
            print(f"{args.config}: {n.level}: {n.where}: {n.message}", file=sys.stderr)
        if not from_file.enabled:
            print(f"{args.config}: info: datadog is disabled (enabled: false)", file=sys.stderr)
            _write(text if fmt == "yaml" else dump_template(template, fmt), args.output)
            return 0
        options.update(from_file.options)
        function_options = from_file.function_settings
        translation = from_file.translation
        if from_file.region:
            options["region"] = from_file.region
    options.update(_parse_set(args.set or []))
    if args.region:
        options["region"] = args.region
    if translation is not None:  # serverless.yml: its keys, its defaults, its messages
        region = options.pop("region", None)
        translation = dataclasses.replace(translation, options=options)
        result = instrument_packaged(template, translation, region)
    else:
        result = instrument(template, function_options=function_options, **options)
    for where, note in result.notes:
        line = _note_line(where, note)
        if translation is not None:  # serverless.yml: options named as its keys
            line = rename_options(line, translation.written)
        print(line, file=sys.stderr)
    instrumented = sum(1 for decision in result.decisions.values() if isinstance(decision, Plan))
    print(
        f"cdk-datadog: {instrumented} of {len(result.decisions)} functions instrumented, "
        f"{result.resources_added} resources added",
        file=sys.stderr,
    )
    _write(dump_template(result.template, fmt), args.output)
    if result.errors and not args.allow_errors:
        print(
            f"cdk-datadog: {len(result.errors)} error note(s): exit status 1 "
            "(--allow-errors to exit 0)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    return 0


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _templates_at(path: Path) -> list[tuple[str, dict[str, Any]]]:
    if path.is_dir():
        files = sorted(path.rglob("*.template.json")) or sorted(path.glob("*.y*ml"))
    else:
        files = [path]
    if not files:
        raise _Failure(f"no template found in {path}")
    templates = []
    for file in files:
        try:
            template, _ = load_template(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise _Failure(f"cannot read {file}: {error.strerror}") from None
        templates.append((str(file.relative_to(path) if path.is_dir() else file.name), template))
    return templates


def _report(args: argparse.Namespace) -> int:
    rows = [row for name, t in _templates_at(Path(args.path)) for row in report_rows(t, name)]
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Datadog instrumentation in {args.path}")
    for column in (
        "template",
        "function",
        "runtime",
        "arch",
        "handler",
        "Datadog layers",
        "extension",
        "forwarder",
        "status",
        "reason [note id]",
    ):
        table.add_column(Text(column), overflow="fold")
    for row in rows:
        cells = (
            row.template,
            row.logical_id,
            row.runtime,
            row.architecture,
            row.handler,
            "\n".join(row.layers) or "-",
            "yes" if row.extension else "no",
            "yes" if row.subscribed else "no",
            row.status,
            row.reason + (f"\n[{row.note_id}]" if row.note_id else ""),
        )
        table.add_row(*(Text(cell) for cell in cells))  # Text: no rich markup in values
    Console(width=200).print(table)
    return 0


def version_text() -> str:
    """What `--version` prints: a one-glance check of an install.

    The package version, the layer versions its data file uses when no `*_layer_version` is
    given (they change with the package version, so pinning one pins the other), whether the
    CDK constructs can be imported (aws-cdk-lib found, and which), and the Node that jsii
    would start. Nothing is imported from aws-cdk-lib: that would start Node.
    """
    import importlib.metadata
    import importlib.util
    import platform
    import shutil
    import subprocess

    from cdk_datadog import __version__
    from cdk_datadog.engine.catalog import DATA_FILE, load_catalog

    package_dir = Path(__file__).resolve().parent
    defaults = load_catalog().default_layer_versions
    lines = [
        f"cdk-datadog {__version__} ({package_dir}, Python {platform.python_version()})",
        "default Datadog layer versions: "
        + ", ".join(f"{name} {version}" for name, version in defaults.items())
        + f" ({DATA_FILE.relative_to(package_dir.parent)})",
    ]
    if importlib.util.find_spec("aws_cdk") is None:
        lines.append(
            "aws-cdk-lib not installed: the cdk-datadog command and instrument_template work; "
            'for the CDK constructs run `pip install "cdk-datadog[cdk]"`'
        )
    else:
        found = ", ".join(
            f"{name} {importlib.metadata.version(name)}" for name in ("aws-cdk-lib", "constructs")
        )
        lines.append(f"{found}: the CDK constructs are available")
    node = shutil.which(os.environ.get("JSII_NODE") or "node")
    if node is None:
        lines.append("node: not found on PATH; jsii (the CDK constructs) needs Node 20 or newer")
    else:
        result = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
        lines.append(f"node: {result.stdout.strip() or 'unknown version'} ({node})")
    return "\n".join(lines)


class _VersionAction(argparse.Action):
    """`--version`, computed only when asked (it reads the data file and runs node)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the install's versions, exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(version_text())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cdk-datadog",
        description="Instrument AWS Lambda functions of CloudFormation, SAM and Serverless "
        "Framework templates for Datadog, or report on them.",
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", required=True)
    instrument_parser = commands.add_parser("instrument", help="instrument a template")
    instrument_parser.add_argument("template", help="a JSON or YAML template")
    instrument_parser.add_argument("-o", "--output", help="where to write (default: stdout)")
    instrument_parser.add_argument(
        "--config", help="serverless.yml (custom.datadog) or a YAML/JSON file of options"
    )
    instrument_parser.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="an option, snake_case or camelCase"
    )
    instrument_parser.add_argument("--region", help="the region, when the template fixes none")
    on_errors = instrument_parser.add_mutually_exclusive_group()
    on_errors.add_argument(
        "--allow-errors",
        action="store_true",
        help="exit 0 even when a note is an error (by default such a note exits 1, as an "
        "error annotation fails cdk synth)",
    )
    on_errors.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a note is an error: the default now, accepted for existing scripts",
    )
    instrument_parser.set_defaults(run=_instrument)
    report_parser = commands.add_parser("report", help="report on a template or a cdk.out")
    report_parser.add_argument("path", help="a template file or a cdk.out folder")
    report_parser.add_argument("--json", action="store_true", help="machine-readable output")
    report_parser.set_defaults(run=_report)
    rules_parser = commands.add_parser(
        "lint-rules-path", help="print the folder of the cfn-lint rule pack (--append-rules)"
    )
    rules_parser.set_defaults(run=_lint_rules_path)
    serverless_parser = commands.add_parser(
        "serverless",
        help="the Serverless Framework plugin's backend (a JSON request on stdin, the answer "
        "on stdout)",
    )
    serverless_parser.set_defaults(run=_serverless)
    return parser


def _serverless(args: argparse.Namespace) -> int:
    from cdk_datadog.serverless.backend import main as backend

    return backend()


def _lint_rules_path(args: argparse.Namespace) -> int:
    print(Path(__file__).resolve().parent / "lint_rules")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (OptionError, TemplateError, _Failure) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"cdk-datadog: error: {message.removeprefix('cdk-datadog: ')}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
