"""Differential: serverless-plugin-datadog (pinned) and serverless-plugin-cdk-datadog on the
same project and the same custom.datadog, under each framework. Handler, layers, DD_*
variables, tags and subscription filters are equal, except the differences the docs list on
purpose (docs/from-serverless-plugin-datadog.md, "Differences from serverless-plugin-datadog"),
each named below.

serverless-plugin-datadog packages offline only with `testingMode: true` and
`skipCloudformationOutputs: true` (both accepted without effect by ours), and fails on
`enableStepFunctionsTracing` without the serverless-step-functions plugin; per-function
`datadog:` blocks are ours only. So both get the same block without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.serverless.sls_projects import OURS, THEIRS, Framework, Run, packaged, replace

INSTRUMENTED = ("OrdersLambdaFunction", "GreeterLambdaFunction")

#: DD_* variables only one side sets, and why (the README says the same)
OURS_ONLY = {
    "DD_TRACE_CLOUD_REQUEST_PAYLOAD_TAGGING": "the construct's default: payload tagging off",
    "DD_TRACE_CLOUD_RESPONSE_PAYLOAD_TAGGING": "the construct's default: payload tagging off",
}
#: with the Forwarder (no extension)
OURS_ONLY_FORWARDER = {
    "DD_SERVICE": "unified service tags as variables too, not only as tags",
    "DD_ENV": "unified service tags as variables too, not only as tags",
    "DD_VERSION": "unified service tags as variables too, not only as tags",
    "DD_TAGS": "unified service tags as variables too, not only as tags",
}
THEIRS_ONLY_FORWARDER = {"DD_SITE": "unused when metrics go through the logs"}
#: with the extension
OURS_ONLY_EXTENSION = {"DD_FLUSH_TO_LOG": "set to false explicitly"}
#: resource tags that name the plugin and its version
MARKERS = {"dd_sls_plugin", "dd_cdk_construct"}

#: Node 24 and the Serverless Frameworks from node_modules (bin/setup)
pytestmark = pytest.mark.node


def _same_input(project: Path) -> None:
    """The block both plugins read the same way."""
    replace(project / "serverless.yml", "    datadog:\n      service: greeter\n", "    x-no:\n")
    replace(project / "serverless.yml", "      logLevel: debug\n", "")
    replace(project / "serverless.yml", "    x-no:\n", "")
    replace(project / "datadog-forwarder.yml", "enableStepFunctionsTracing: true\n", "")
    for mode in ("forwarder", "extension"):
        with (project / f"datadog-{mode}.yml").open("a") as block:
            block.write("testingMode: true\nskipCloudformationOutputs: true\n")


@pytest.fixture(scope="module", params=["forwarder", "extension"])
def pair(request, framework: Framework, shared: Path) -> tuple[str, Run, Run]:
    mode = request.param
    runs = []
    for plugin in (OURS, THEIRS):
        name = f"differential-{mode}-{plugin}"
        run = packaged(
            framework, shared, name, plugin=plugin, env={"DATADOG_MODE": mode}, edit=_same_input
        )
        assert run.returncode == 0, run.describe()
        runs.append(run)
    return mode, runs[0], runs[1]


def _dd(run: Run, logical_id: str) -> dict[str, str]:
    return {
        name: str(value).lower() if isinstance(value, bool) else str(value)
        for name, value in run.variables(logical_id).items()
        if name.startswith("DD_")
    }


def test_handlers_are_equal(pair):
    _, ours, theirs = pair
    for logical_id in (*INSTRUMENTED, "LegacyLambdaFunction"):
        assert ours.function(logical_id)["Handler"] == theirs.function(logical_id)["Handler"]


def test_layer_names_are_equal(pair):
    """Versions come from each plugin's own data (cdk-datadog's data file here)."""
    _, ours, theirs = pair
    for logical_id in INSTRUMENTED:
        names = [
            [arn.split(":")[6] for arn in run.function(logical_id)["Layers"]]
            for run in (ours, theirs)
        ]
        assert names[0] == names[1]


def test_dd_variables_are_equal_but_for_the_listed_differences(pair):
    mode, ours, theirs = pair
    ours_only = {
        **OURS_ONLY,
        **(OURS_ONLY_FORWARDER if mode == "forwarder" else OURS_ONLY_EXTENSION),
    }
    theirs_only = THEIRS_ONLY_FORWARDER if mode == "forwarder" else {}
    for logical_id in INSTRUMENTED:
        mine, reference = _dd(ours, logical_id), _dd(theirs, logical_id)
        assert set(mine) - set(reference) == set(ours_only)
        assert set(reference) - set(mine) == set(theirs_only)
        shared = set(mine) & set(reference)
        assert {n: mine[n] for n in shared} == {n: reference[n] for n in shared}


def test_their_tags_are_ours_too_but_the_plugin_marker(pair):
    _, ours, theirs = pair
    for logical_id in INSTRUMENTED:
        tags = [
            {t["Key"]: t["Value"] for t in run.function(logical_id).get("Tags", [])}
            for run in (ours, theirs)
        ]
        mine, reference = tags
        assert {k: v for k, v in reference.items() if k not in MARKERS}.items() <= mine.items()


def test_subscription_filters_are_the_same_resources(pair):
    mode, ours, theirs = pair
    filters = "AWS::Logs::SubscriptionFilter"
    assert ours.of_type(filters) == theirs.of_type(filters)
    assert bool(ours.of_type(filters)) == (mode == "forwarder")


def test_switching_plugins_touches_only_the_functions_their_versions_and_a_policy(pair):
    """What a stack update from serverless-plugin-datadog to this plugin changes: the
    instrumented functions (their variables), hence their versions and the alias on one; a
    managed policy added for the role (ours grants the API key read and X-Ray itself, in one
    policy per stack, as in the CDK; the role itself is untouched); the excluded function only by
    Serverless' per-package artifact key, and by X-Ray, which serverless-plugin-datadog turns
    on for every function of the service."""
    mode, ours, theirs = pair
    changed = {
        logical_id
        for logical_id in set(ours.resources) | set(theirs.resources)
        if ours.resources.get(logical_id) != theirs.resources.get(logical_id)
    }
    every_package = {key for key in changed if key.startswith("ApiGatewayDeployment")}
    versions = {key for run in (ours, theirs) for key in run.of_type("AWS::Lambda::Version")}
    assert changed - every_package - versions == {
        *INSTRUMENTED,
        "GreeterProvConcLambdaAlias",
        "DatadogPolicy",
        "LegacyLambdaFunction",
    }
    legacy = [run.function("LegacyLambdaFunction") for run in (ours, theirs)]
    differing = {
        key
        for key in legacy[0].keys() | legacy[1].keys()
        if legacy[0].get(key) != legacy[1].get(key)
    }
    assert differing == ({"Code", "TracingConfig"} if mode == "forwarder" else {"Code"})
