"""Drop-in: code written for datadog-cdk-constructs-v2 5.3.0 that uses DatadogLambda's
methods (add_lambda_functions, set_environment, override_git_metadata,
add_git_commit_metadata) runs with only the import changed, and gives every function the same
handler, layers and DD_* variables, except for the deliberate differences each test below
names and asserts.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import aws_cdk as cdk
import datadog_cdk_constructs_v2 as reference
import pytest
from aws_cdk import aws_lambda as lambda_

import cdk_datadog
from cdk_datadog.engine.config import OptionError

ACCOUNT = "123456789012"
REGION = "eu-west-1"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:datadog-api-key-AbCdEf"
SHA = "4f1c2d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e"
REPO = "github.com/acme/shop"
CODE = Path(__file__).resolve().parent.parent / "fixtures" / "functions" / "python"


def user_app(datadog: ModuleType, outdir: str) -> dict[str, dict]:
    """An app as its team wrote it for datadog-cdk-constructs-v2; `datadog` is the module
    imported (`datadog_cdk_constructs_v2` or `cdk_datadog`). Returns each function's
    properties by construct id."""
    app = cdk.App(outdir=outdir)
    stack = cdk.Stack(app, "Shop", env=cdk.Environment(account=ACCOUNT, region=REGION))
    code = lambda_.Code.from_asset(str(CODE))

    orders = lambda_.Function(
        stack, "Orders", runtime=lambda_.Runtime.PYTHON_3_12, handler="orders.handler", code=code
    )
    checkout = lambda_.Function(
        stack,
        "Checkout",
        runtime=lambda_.Runtime.NODEJS_22_X,
        handler="index.handler",
        code=code,
        architecture=lambda_.Architecture.ARM_64,
    )
    billing = lambda_.Function(
        stack, "Billing", runtime=lambda_.Runtime.JAVA_21, handler="Billing::handle", code=code
    )

    datadog_lambda = datadog.DatadogLambda(
        stack,
        "Datadog",
        extension_layer_version=90,
        api_key_secret_arn=SECRET_ARN,
        service="shop",
        env="prod",
        tags="team:payments",
        source_code_integration=False,
    )
    datadog_lambda.override_git_metadata(SHA, git_repo_url=REPO)
    datadog_lambda.set_environment(orders, "DD_TRACE_SAMPLE_RATE", "0.5")
    datadog_lambda.set_environment(checkout, "DD_TAGS", "tier:1,team:checkout")
    # (the reference's optional second argument, a construct for the API key grant, fails
    # there for more than one function: "already a Construct with name DatadogApiKeySecret")
    datadog_lambda.add_lambda_functions([orders, checkout, billing])
    datadog_lambda.add_git_commit_metadata([billing])

    template = app.synth().get_stack_by_name("Shop").template
    return {
        logical_id[:-8]: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def _instrumentation(properties: dict) -> dict:
    variables = properties.get("Environment", {}).get("Variables", {})
    return {
        "handler": properties["Handler"],
        "layers": sorted(json.dumps(layer) for layer in properties.get("Layers", [])),
        "variables": {
            name: value
            for name, value in variables.items()
            if name.startswith("DD_") or name == "AWS_LAMBDA_EXEC_WRAPPER"
        },
    }


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[dict, dict]:
    ours = user_app(cdk_datadog, str(tmp_path_factory.mktemp("ours")))
    theirs = user_app(reference, str(tmp_path_factory.mktemp("reference")))
    return ours, theirs


def test_the_same_code_gives_the_same_functions(both):
    ours, theirs = both
    assert set(ours) == set(theirs) == {"Orders", "Checkout", "Billing"}
    for function in sorted(ours):
        assert _instrumentation(ours[function]) == _instrumentation(theirs[function]), function


def test_the_methods_had_their_effect(both):
    ours, _ = both
    orders = ours["Orders"]["Environment"]["Variables"]
    checkout = ours["Checkout"]["Environment"]["Variables"]
    billing = ours["Billing"]["Environment"]["Variables"]
    assert orders["DD_TRACE_SAMPLE_RATE"] == "0.5"  # set_environment
    assert orders["DD_TAGS"] == "team:payments"
    # set_environment("DD_TAGS") merged over the `tags` option, a later key winning
    assert checkout["DD_TAGS"] == "tier:1,team:checkout"
    # add_git_commit_metadata, with the commit of override_git_metadata
    assert billing["DD_TAGS"] == f"team:payments,git.commit.sha:{SHA},git.repository_url:{REPO}"


def _one_function(datadog: ModuleType, outdir: str, calls) -> dict:
    app = cdk.App(outdir=outdir)
    stack = cdk.Stack(app, "One", env=cdk.Environment(account=ACCOUNT, region=REGION))
    function = lambda_.Function(
        stack,
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="app.handler",
        code=lambda_.Code.from_asset(str(CODE)),
    )
    datadog_lambda = datadog.DatadogLambda(
        stack,
        "Datadog",
        extension_layer_version=90,
        api_key_secret_arn=SECRET_ARN,
        env="prod",
        source_code_integration=True,
    )
    calls(datadog_lambda, function)
    template = app.synth().get_stack_by_name("One").template
    (properties,) = (
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function"
    )
    return properties["Environment"]["Variables"]


def test_set_environment_wins_over_the_option_where_the_reference_lets_the_option_win(tmp_path):
    # A variable the user sets on the function wins, here as everywhere in cdk-datadog; the
    # reference puts options dedicated to the variable (`env` for DD_ENV) above it.
    def calls(datadog_lambda, function):
        datadog_lambda.set_environment(function, "DD_ENV", "staging")
        datadog_lambda.add_lambda_functions([function])

    ours = _one_function(cdk_datadog, str(tmp_path / "ours"), calls)
    theirs = _one_function(reference, str(tmp_path / "reference"), calls)
    assert ours["DD_ENV"] == "staging"
    assert theirs["DD_ENV"] == "prod"


def test_add_git_commit_metadata_uses_the_commit_given_where_the_reference_ignores_it(tmp_path):
    def calls(datadog_lambda, function):
        datadog_lambda.add_lambda_functions([function])
        datadog_lambda.add_git_commit_metadata([function], SHA, REPO)

    ours = _one_function(cdk_datadog, str(tmp_path / "ours"), calls)
    theirs = _one_function(reference, str(tmp_path / "reference"), calls)
    assert ours["DD_TAGS"] == f"git.commit.sha:{SHA},git.repository_url:{REPO}"
    assert f"git.commit.sha:{SHA}" not in theirs.get("DD_TAGS", "")


def test_override_git_metadata_after_the_functions_were_added_still_applies(tmp_path):
    # The reference rewrites, on a late override, only the functions that already carry git
    # tags, so the result depends on whether git could be read when they were added;
    # instrumenting at synthesis, cdk-datadog applies the override whatever the order.
    def calls(datadog_lambda, function):
        datadog_lambda.add_lambda_functions([function])
        datadog_lambda.override_git_metadata(SHA, REPO)

    ours = _one_function(cdk_datadog, str(tmp_path / "ours"), calls)
    assert ours["DD_TAGS"] == f"git.commit.sha:{SHA},git.repository_url:{REPO}"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d, f: d.set_environment(f, "DD ENV", "x"), r"`key`.*not an environment variable"),
        (lambda d, f: d.set_environment(f, "DD_ENV", 3), r"`value`.*expected a string"),
        (lambda d, f: d.set_environment(f, "DD_TAGS", "nocolon"), r"`value`.*`key:value`"),
        (lambda d, f: d.override_git_metadata(""), r"`git_commit_sha`.*non-empty string"),
        (lambda d, f: d.override_git_metadata(SHA, 42), r"`git_repo_url`.*non-empty string"),
        (lambda d, f: d.add_git_commit_metadata([f], 7), r"`git_commit_sha`.*non-empty string"),
    ],
)
def test_bad_arguments_are_refused_by_name(call, message):
    stack = cdk.Stack(cdk.App(), "S")
    function = lambda_.Function(
        stack,
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="a.b",
        code=lambda_.Code.from_inline("x"),
    )
    datadog_lambda = cdk_datadog.DatadogLambda(stack, "Datadog", source_code_integration=False)
    with pytest.raises(OptionError, match=message):
        call(datadog_lambda, function)
