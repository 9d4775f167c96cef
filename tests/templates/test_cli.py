"""The `cdk-datadog` command, run as users run it: in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SERVERLESS = FIXTURES / "serverless" / "packaged"  # packaged by Serverless 3, no plugin
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key"


def cdk_datadog(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cdk_datadog.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_json_in_gives_instrumented_json_on_stdout():
    done = cdk_datadog(
        "instrument",
        str(FIXTURES / "templates" / "in" / "cloudformation.json"),
        "--set",
        "extension_layer_version=101",
        "--set",
        f"apiKeySecretArn={SECRET}",
        "--set",
        "source_code_integration=false",
        "--region",
        "us-east-1",
    )
    assert done.returncode == 0, done.stderr
    template = json.loads(done.stdout)
    assert template["Resources"]["Orders"]["Properties"]["Handler"] == (
        "datadog_lambda.handler.handler"
    )
    assert "Worker: info:" in done.stderr  # its runtime comes from a parameter default


def test_yaml_in_gives_yaml_out_with_short_form_tags(tmp_path):
    out = tmp_path / "out.yaml"
    done = cdk_datadog(
        "instrument",
        str(FIXTURES / "templates" / "in" / "cloudformation.yaml"),
        "-o",
        str(out),
        "--set",
        "forwarderArn=arn:aws:lambda:us-east-1:123456789012:function:fwd",
        "--set",
        "source_code_integration=false",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    text = out.read_text()
    assert "!GetAtt Role.Arn" in text and "!If" in text and "Fn::" not in text


def test_config_takes_serverless_yml_custom_datadog_and_per_function_blocks():
    done = cdk_datadog(
        "instrument",
        ".serverless/cloudformation-template-update-stack.json",
        "--config",
        "serverless.yml",
        cwd=SERVERLESS,
    )
    assert done.returncode == 0, done.stderr
    resources = json.loads(done.stdout)["Resources"]
    hello = resources["HelloLambdaFunction"]["Properties"]
    assert hello["Layers"] == ["arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Python312:128"]
    greeter = resources["HelloDashworldLambdaFunction"]["Properties"]["Environment"]["Variables"]
    assert greeter["DD_SERVICE"] == "greeter"
    # `monitors: []` asks for no monitor
    assert "monitors" not in done.stderr
    assert not any(r["Type"] == "Datadog::Monitors::Monitor" for r in resources.values())


def test_a_plain_options_file_in_camel_case(tmp_path):
    options = tmp_path / "datadog.yaml"
    options.write_text("extensionLayerVersion: 101\napiKeySecretArn: " + SECRET + "\n")
    done = cdk_datadog(
        "instrument",
        str(FIXTURES / "templates" / "in" / "sam.yaml"),
        "--config",
        str(options),
        "--region",
        "eu-west-1",
    )
    assert done.returncode == 0, done.stderr
    assert "Datadog-Extension-ARM:101" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "site=datadoghq.con"], "option `site`"),
        (["--set", "enable_tracing=true"], "option `enable_tracing`"),
        (["--set", "api_key=0123456789abcdef", "--set", "api_kms_key=AQIC"], "more than one"),
    ],
)
def test_an_invalid_option_exits_1_with_one_line_naming_it(args, message):
    template = str(FIXTURES / "templates" / "in" / "cloudformation.json")
    done = cdk_datadog("instrument", template, *args)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert "0123456789abcdef" not in done.stderr


@pytest.mark.parametrize(
    "content",
    [
        "- a list\n- not a template\n",
        "Resources: [1, 2]\n",
        "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: [a]\n",
        "{ not: json: nor yaml",
    ],
)
def test_an_invalid_template_exits_1_with_one_line(tmp_path, content):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    done = cdk_datadog("instrument", str(path))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_usage_errors_exit_2():
    assert cdk_datadog("instrument").returncode == 2
    assert cdk_datadog("frobnicate").returncode == 2


def test_report_lists_every_function_with_its_state_as_json():
    done = cdk_datadog(
        "report", str(FIXTURES / "templates" / "expected" / "cloudformation.json"), "--json"
    )
    assert done.returncode == 0, done.stderr
    rows = {row["logical_id"]: row for row in json.loads(done.stdout)}
    assert rows["Orders"]["status"] == "instrumented"
    assert rows["Orders"]["extension"] is True
    assert rows["Orders"]["layers"] == ["Datadog-Python312:128", "Datadog-Extension:101"]
    assert rows["Orders"]["note_id"] is None
    assert rows["Legacy"]["status"] == "excluded"
    assert rows["Legacy"]["note_id"] == "cdk-datadog:Function.excluded"
    assert (
        rows["Legacy"]["reason"]
        == "not instrumented: excluded by Metadata Datadog.Instrument: false"
    )
    assert rows["Image"]["status"] == "partly"
    assert rows["Image"]["note_id"] == "cdk-datadog:Function.containerImage"
    assert rows["Invoice"]["status"] == "instrumented"


def test_report_works_on_a_template_that_is_not_ours_and_says_partly():
    template = {
        "Resources": {
            "Half": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "Layers": ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:100"],
                },
            }
        }
    }
    from cdk_datadog.templates.report import report_rows

    (row,) = report_rows(template)
    assert row.status == "partly"
    assert "not wrapped" in row.reason


INTRINSIC_HANDLER = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: !Sub "app.handler"
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: x}
"""


def test_report_on_an_intrinsic_handler_says_why_in_the_table_instead_of_a_traceback(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(INTRINSIC_HANDLER)
    done = cdk_datadog("report", str(path))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "[cdk-datadog:Handler.unresolved]" in " ".join(done.stdout.split())


def test_report_serverless_output_is_subscribed_in_the_table_and_as_json():
    golden = str(FIXTURES / "templates" / "expected" / "serverless.json")
    rows = json.loads(cdk_datadog("report", golden, "--json").stdout)
    assert [row["subscribed"] for row in rows] == [True, True]


# --- exit status of instrument ------------------------------------------------------------------

#: a handler over Lambda's 128 characters: a note of level error (Handler.tooLong)
TOO_LONG = {
    "Resources": {
        "Long": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "a" * 121 + ".handler",
                "Role": "arn:aws:iam::123456789012:role/r",
                "Code": {"ZipFile": "x"},
            },
        },
        "Fine": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "app.handler",
                "Role": "arn:aws:iam::123456789012:role/r",
                "Code": {"ZipFile": "x"},
            },
        },
    }
}
FORWARDER = "forwarder_arn=arn:aws:lambda:us-east-1:123456789012:function:fwd"


def _instrument_json(tmp_path: Path, template: dict, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template))
    return cdk_datadog(
        "instrument", str(path), "--set", FORWARDER, "--set", "source_code_integration=false", *args
    )


def test_instrument_exits_1_on_an_error_note_after_printing_it_and_writing_the_template(
    tmp_path,
):
    done = _instrument_json(tmp_path, TOO_LONG)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    error = next(line for line in lines if "[cdk-datadog:Handler.tooLong]" in line)
    assert error.startswith("Long: error: ")
    assert lines.index(error) < len(lines) - 1
    assert "--allow-errors" in lines[-1]
    written = json.loads(done.stdout)
    assert written["Resources"]["Fine"]["Properties"]["Handler"] == "datadog_lambda.handler.handler"
    assert "Traceback" not in done.stderr


def test_allow_errors_keeps_exit_status_0(tmp_path):
    done = _instrument_json(tmp_path, TOO_LONG, "--allow-errors")
    assert done.returncode == 0, done.stderr
    assert "[cdk-datadog:Handler.tooLong]" in done.stderr


def test_strict_is_accepted_and_is_the_default(tmp_path):
    assert _instrument_json(tmp_path, TOO_LONG, "--strict").returncode == 1


def test_strict_and_allow_errors_together_are_a_usage_error(tmp_path):
    assert _instrument_json(tmp_path, TOO_LONG, "--strict", "--allow-errors").returncode == 2


def test_warnings_alone_exit_0(tmp_path):
    template = json.loads(json.dumps(TOO_LONG))
    del template["Resources"]["Long"]
    template["Resources"]["Fine"]["Properties"]["Runtime"] = "go1.x"  # Runtime.unsupported
    done = _instrument_json(tmp_path, template)
    assert done.returncode == 0, done.stderr
    assert "Fine: warning:" in done.stderr
