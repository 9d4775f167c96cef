"""Finding Lambda@Edge functions, which must be left alone.

Lambda@Edge refuses environment variables and these layers, so instrumenting one breaks the
deploy. A function is an edge function when it lives inside `cloudfront.experimental.EdgeFunction`
or when a CloudFront distribution of its stack associates one of its versions.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_lambda as lambda_

from cdk_datadog.cdk.batch import read_resources

CFN_DISTRIBUTION = "aws-cdk-lib.aws_cloudfront.CfnDistribution"
EDGE_FUNCTION = "aws-cdk-lib.aws_cloudfront.experimental.EdgeFunction"


def is_jsii_type(node: Any, fqn: str) -> bool:
    """A type check by jsii name: CloudFront's Python module costs 25 ms to import, and is not
    needed to recognise its constructs."""
    return getattr(type(node), "__jsii_type__", None) == fqn


def _associated_arns(value: Any) -> list[Any]:
    """Every `lambdaFunctionArn` in a resolved distribution config, however deep."""
    found: list[Any] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "lambdaFunctionArn":
                found.append(item)
            else:
                found.extend(_associated_arns(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_associated_arns(item))
    return found


def _ref(value: Any) -> str | None:
    if isinstance(value, dict) and set(value) == {"Ref"} and isinstance(value["Ref"], str):
        return value["Ref"]
    return None


def edge_function_logical_ids(stack: Stack, nodes: list[Any]) -> frozenset[str]:
    """Logical ids of the functions whose versions a distribution of `stack` associates.

    `nodes` is the stack's subtree, already listed by the caller.
    """
    distributions = [node for node in nodes if is_jsii_type(node, CFN_DISTRIBUTION)]
    if not distributions:
        return frozenset()
    versions = [node for node in nodes if isinstance(node, lambda_.CfnVersion)]
    readings = read_resources([*distributions, *versions])
    associated = {
        _ref(arn)
        for reading in readings[: len(distributions)]
        for arn in _associated_arns(reading.properties)
    }
    functions = set()
    for version in readings[len(distributions) :]:
        # a version's Ref is its ARN, which the distribution associates
        if version.logical_id in associated:
            function = _ref(version.properties.get("functionName"))
            if function is not None:
                functions.add(function)
    return frozenset(functions)
