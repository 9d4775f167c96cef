"""The applier of property patches: each operation on plain values, inside `Fn::If`, on list
intrinsics, and what it refuses; the writes it gives are the smallest that do the change."""

from __future__ import annotations

import copy

import pytest

from cdk_datadog.engine.layers import layer_name_of
from cdk_datadog.engine.patches import (
    AddTags,
    ExtendList,
    MergeMap,
    Patch,
    Put,
    Write,
    list_items,
    plan_writes,
    write_into,
)

NO_VALUE = {"Ref": "AWS::NoValue"}
OLD = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:120"
NEW = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:128"
USER = "arn:aws:lambda:us-east-1:123456789012:layer:shared:3"


def _written(properties: dict, *patches: Patch) -> dict:
    """The properties after the writes, as the template writer leaves them."""
    result = copy.deepcopy(properties)
    writes = plan_writes(properties, patches)
    assert not writes.unwritable
    write_into(result, writes.writes)
    return result


LAYERS = Patch(("Layers",), ExtendList((NEW,), key=layer_name_of))


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        (None, [NEW]),
        ([USER], [USER, NEW]),
        ([USER, NEW], [USER, NEW]),
        (NO_VALUE, [NEW]),
        (
            {"Fn::If": ["IsProd", [USER], NO_VALUE]},
            {"Fn::If": ["IsProd", [USER, NEW], [NEW]]},
        ),
        (
            {"Fn::If": ["IsProd", [USER, NEW], [USER]]},
            {"Fn::If": ["IsProd", [USER, NEW], [USER, NEW]]},
        ),
        (
            {"Ref": "SharedLayers"},
            {
                "Fn::Split": [
                    ",",
                    {"Fn::Join": [",", [{"Fn::Join": [",", {"Ref": "SharedLayers"}]}, NEW]]},
                ]
            },
        ),
    ],
    ids=["absent", "plain", "already-there", "no-value", "if", "if-one-branch", "list-param"],
)
def test_layers_are_added_to_the_functions_own_whatever_their_shape(layers, expected):
    properties = {} if layers is None else {"Layers": layers}

    assert _written(properties, LAYERS)["Layers"] == expected


def test_a_list_intrinsic_extended_once_is_recognised_and_not_extended_again():
    once = _written({"Layers": {"Ref": "SharedLayers"}}, LAYERS)

    assert plan_writes(once, [LAYERS]).writes == ()
    assert list_items(once["Layers"]) == [NEW]


def test_an_earlier_version_of_a_layer_written_before_gives_way_when_named_in_replace():
    patch = Patch(
        ("Layers",),
        ExtendList((NEW,), key=layer_name_of, replace=frozenset({"Datadog-Python312"})),
    )

    assert _written({"Layers": [USER, OLD]}, patch)["Layers"] == [USER, NEW]


def test_a_layer_of_the_same_name_is_kept_when_not_named_in_replace():
    assert _written({"Layers": [OLD]}, LAYERS)["Layers"] == [OLD]


VARIABLES = Patch(("Environment", "Variables"), MergeMap({"DD_SITE": "datadoghq.eu", "A": "ours"}))


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (None, {"Variables": {"DD_SITE": "datadoghq.eu", "A": "ours"}}),
        ({"Variables": {"A": "user"}}, {"Variables": {"A": "user", "DD_SITE": "datadoghq.eu"}}),
        (
            {"Fn::If": ["IsProd", {"Variables": {"A": "user"}}, NO_VALUE]},
            {
                "Fn::If": [
                    "IsProd",
                    {"Variables": {"A": "user", "DD_SITE": "datadoghq.eu"}},
                    {"Variables": {"DD_SITE": "datadoghq.eu", "A": "ours"}},
                ]
            },
        ),
        (
            {"Variables": {"Fn::If": ["IsProd", {"A": "user"}, {"B": "b"}]}},
            {
                "Variables": {
                    "Fn::If": [
                        "IsProd",
                        {"A": "user", "DD_SITE": "datadoghq.eu"},
                        {"B": "b", "DD_SITE": "datadoghq.eu", "A": "ours"},
                    ]
                }
            },
        ),
    ],
    ids=["absent", "user-wins", "environment-if", "variables-if"],
)
def test_variables_are_added_where_the_function_does_not_set_them(environment, expected):
    properties = {} if environment is None else {"Environment": environment}

    assert _written(properties, VARIABLES)["Environment"] == expected


def test_variables_named_in_replace_take_the_new_value():
    patch = Patch(("Environment", "Variables"), MergeMap({"DD_ENV": "prod"}, frozenset({"DD_ENV"})))

    written = _written({"Environment": {"Variables": {"DD_ENV": "dev"}}}, patch)

    assert written["Environment"]["Variables"] == {"DD_ENV": "prod"}


@pytest.mark.parametrize(
    "environment",
    [{"Fn::FindInMap": ["Env", "prod", "vars"]}, {"Variables": {"Ref": "Vars"}}, "text", 7],
)
def test_a_map_it_cannot_extend_is_reported_with_its_path_and_nothing_is_written(environment):
    writes = plan_writes({"Environment": environment}, [VARIABLES])

    assert writes.writes == ()
    ((patch, error),) = writes.unwritable
    assert patch is VARIABLES
    assert error.path[0] == "Environment"
    assert writes.blocking


@pytest.mark.parametrize(
    ("tracing", "expected"),
    [
        (None, {"Mode": "Active"}),
        ({"Mode": "PassThrough"}, {"Mode": "PassThrough"}),
        (
            {"Fn::If": ["IsProd", {"Mode": "PassThrough"}, NO_VALUE]},
            {"Fn::If": ["IsProd", {"Mode": "PassThrough"}, {"Mode": "Active"}]},
        ),
    ],
)
def test_put_only_if_absent_keeps_the_users_value(tracing, expected):
    patch = Patch(("TracingConfig", "Mode"), Put("Active", only_if_absent=True), required=False)
    properties = {} if tracing is None else {"TracingConfig": tracing}

    assert _written(properties, patch)["TracingConfig"] == expected


@pytest.mark.parametrize(
    ("tags", "as_map", "expected"),
    [
        (None, False, [{"Key": "service", "Value": "orders"}]),
        (None, True, {"service": "orders"}),
        (
            [{"Key": "service", "Value": "user"}, {"Key": {"Fn::Sub": "${AWS::StackName}"}}],
            False,
            [{"Key": "service", "Value": "user"}, {"Key": {"Fn::Sub": "${AWS::StackName}"}}],
        ),
        ({"team": "data"}, False, {"team": "data", "service": "orders"}),
        (
            {"Fn::If": ["IsProd", [{"Key": "team", "Value": "a"}], NO_VALUE]},
            False,
            {
                "Fn::If": [
                    "IsProd",
                    [{"Key": "team", "Value": "a"}, {"Key": "service", "Value": "orders"}],
                    [{"Key": "service", "Value": "orders"}],
                ]
            },
        ),
    ],
    ids=["absent-list", "absent-map", "user-and-intrinsic-key", "map-kept-a-map", "if"],
)
def test_tags_are_added_for_keys_the_function_does_not_tag_in_its_own_shape(tags, as_map, expected):
    patch = Patch(("Tags",), AddTags({"service": "orders"}, as_map=as_map), required=False)
    properties = {} if tags is None else {"Tags": tags}

    assert _written(properties, patch)["Tags"] == expected


def test_writes_are_the_deepest_plain_positions_that_change():
    properties = {
        "Handler": "app.handler",
        "Environment": {"Variables": {"TABLE": {"Fn::ImportValue": "Other-Table"}}},
        "Layers": [USER],
    }
    writes = plan_writes(
        properties,
        [
            LAYERS,
            Patch(("Handler",), Put("datadog_lambda.handler.handler")),
            Patch(("Environment", "Variables"), MergeMap({"DD_SITE": "datadoghq.com"})),
        ],
    )

    assert list(writes.writes) == [
        Write(("Handler",), "datadog_lambda.handler.handler"),
        Write(("Environment", "Variables", "DD_SITE"), "datadoghq.com"),
        Write(("Layers",), [NEW], append=True),
    ]


def test_the_properties_read_are_never_changed():
    properties = {"Layers": {"Fn::If": ["C", [USER], NO_VALUE]}, "Environment": {"Variables": {}}}
    before = copy.deepcopy(properties)

    plan_writes(properties, [LAYERS, VARIABLES])

    assert properties == before


def test_a_malformed_if_is_reported_not_guessed():
    writes = plan_writes({"Layers": {"Fn::If": ["C", [USER]]}}, [LAYERS])

    assert writes.writes == () and writes.blocking
