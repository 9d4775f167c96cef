"""`pip install cdk-datadog` without the `cdk` extra: the template front end and the command
line work; the CDK constructs raise one ImportError that says what to install."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.install.venvs import Venv, make_venv

pytestmark = pytest.mark.xdist_group("install-no-cdk")

CDK_NAMES = ("Datadog", "DatadogLambda", "DatadogIntegrationRole", "DatadogStepFunctions")
TEMPLATE = {
    "Resources": {
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "app.handler",
                "Role": "arn:aws:iam::123456789012:role/fn",
                "Code": {"ZipFile": "def handler(e, c):\n    return e\n"},
            },
        }
    }
}
OPTIONS = {"region": "eu-west-1", "extension_layer_version": 101, "api_key": "0123456789abcdef" * 2}


@pytest.fixture(scope="module")
def venv(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    venv = make_venv(tmp_path_factory.mktemp("venv") / "no-cdk")
    venv.pip_install(str(clone))
    return venv


def test_the_package_installs_without_aws_cdk_lib_constructs_or_jsii(venv, tmp_path):
    modules = ("aws_cdk", "constructs", "jsii")
    code = f"import importlib.util as u; print([u.find_spec(m) for m in {modules!r}])"
    result = venv.run("python", "-c", code, cwd=tmp_path)

    assert result.stdout.strip() == "[None, None, None]", result.stderr


@pytest.mark.parametrize("name", CDK_NAMES)
def test_importing_a_construct_raises_one_error_naming_the_cdk_extra_when_aws_cdk_lib_is_missing(
    venv, name, tmp_path
):
    result = venv.run("python", "-c", f"from cdk_datadog import {name}", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.count("Traceback") == 1, result.stderr
    assert "During handling" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"cdk_datadog.CdkNotInstalled: cdk_datadog.{name} needs aws-cdk-lib"), (
        last
    )
    assert 'pip install "cdk-datadog[cdk]"' in last


def test_the_error_is_an_import_error_when_code_tolerates_a_missing_optional_dependency(
    venv, tmp_path
):
    code = (
        "try:\n    from cdk_datadog import Datadog\n"
        "except ImportError as error:\n    print(type(error).__name__)\n"
    )
    result = venv.run("python", "-c", code, cwd=tmp_path)

    assert result.stdout.strip() == "CdkNotInstalled", result.stderr


def test_instrument_template_works_when_aws_cdk_lib_is_missing(venv, tmp_path):
    code = (
        "import json, sys\nfrom cdk_datadog import instrument_template\n"
        f"out = instrument_template(json.loads(sys.argv[1]), **{OPTIONS!r})\n"
        "print(json.dumps(out))\n"
    )
    result = venv.run("python", "-c", code, json.dumps(TEMPLATE), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    function = json.loads(result.stdout)["Resources"]["Fn"]["Properties"]
    assert function["Handler"] == "datadog_lambda.handler.handler"
    assert function["Environment"]["Variables"]["DD_LAMBDA_HANDLER"] == "app.handler"
    assert any("Datadog-Extension:101" in layer for layer in function["Layers"])


def test_the_cdk_datadog_command_instruments_a_template_when_aws_cdk_lib_is_missing(venv, tmp_path):
    (tmp_path / "template.json").write_text(json.dumps(TEMPLATE), encoding="utf-8")
    sets = [
        arg
        for key, value in OPTIONS.items()
        if key != "region"
        for arg in ("--set", f"{key}={value}")
    ]

    result = venv.run(
        "cdk-datadog",
        "instrument",
        "template.json",
        "-o",
        "out.json",
        "--region",
        "eu-west-1",
        *sets,
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    function = json.loads((tmp_path / "out.json").read_text())["Resources"]["Fn"]["Properties"]
    assert function["Handler"] == "datadog_lambda.handler.handler"
    assert function["Environment"]["Variables"]["DD_SITE"] == "datadoghq.com"


def test_version_says_aws_cdk_lib_is_missing_and_what_to_install(venv, tmp_path):
    result = venv.run("cdk-datadog", "--version", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "aws-cdk-lib not installed" in result.stdout
    assert 'pip install "cdk-datadog[cdk]"' in result.stdout
