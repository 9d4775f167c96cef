"""Which naming convention a template's added resources follow, told by the template front end.

The engine names added resources as the front end says (`StackInput.naming`). The Serverless
plugin's backend always says Serverless; `cdk-datadog instrument` on a template recognises one
the Serverless Framework packaged, so a CI step over `.serverless/` output names subscription
filters as serverless-plugin-datadog does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine.stack import DEFAULT_NAMING, SERVERLESS_NAMING

SERVERLESS_DEPLOYMENT_BUCKET = "ServerlessDeploymentBucket"


def template_naming(resources: Mapping[str, Any]) -> str:
    """`SERVERLESS_NAMING` for a template the Serverless Framework packaged, else the default.

    Its deployment bucket is the usual sign; with `provider.deploymentBucket` there is none,
    and then its per-function log groups are: `<Name>LogGroup` next to `<Name>LambdaFunction`,
    which depends on it.
    """
    if SERVERLESS_DEPLOYMENT_BUCKET in resources:
        return SERVERLESS_NAMING
    for logical_id, resource in resources.items():
        if not (logical_id.endswith("LambdaFunction") and isinstance(resource, Mapping)):
            continue
        group = logical_id.removesuffix("LambdaFunction") + "LogGroup"
        depends = resource.get("DependsOn")
        depends = depends if isinstance(depends, list) else [depends]
        if group in depends and cfn.type_of(resources.get(group)) == cfn.LOG_GROUP:
            return SERVERLESS_NAMING
    return DEFAULT_NAMING
