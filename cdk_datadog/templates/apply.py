"""Writing a Plan into a function resource of a template (and its role), idempotently."""

from __future__ import annotations

from typing import Any

from cdk_datadog.engine.layers import ACCOUNT_MAPPING
from cdk_datadog.engine.plan import LayerArn, Plan
from cdk_datadog.templates.sam import SERVERLESS_FUNCTION

POLICY_NAME = "DatadogApiKeyAccess"
XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


def render_layer(layer: LayerArn) -> Any:
    """The layer ARN, or an `Fn::Sub` of it when region, partition or account come at deploy."""
    if layer.is_resolved:
        return layer.arn
    if "${DatadogAccount}" not in layer.arn:
        return {"Fn::Sub": layer.arn}
    account = {"Fn::FindInMap": [ACCOUNT_MAPPING, {"Ref": "AWS::Partition"}, "Account"]}
    return {"Fn::Sub": [layer.arn, {"DatadogAccount": account}]}


def apply_function_plan(resource: dict[str, Any], plan: Plan) -> None:
    """Layers, handler, variables, tags and tracing on the function itself (not its Globals)."""
    properties = resource.setdefault("Properties", {})
    is_sam = resource.get("Type") == SERVERLESS_FUNCTION
    if plan.layers:
        own = properties.get("Layers")
        own = own if isinstance(own, list) else []
        properties["Layers"] = [*own, *(render_layer(layer) for layer in plan.layers)]
    if plan.handler is not None:
        properties["Handler"] = plan.handler
    if plan.environment:
        environment = properties.setdefault("Environment", {})
        variables = environment.setdefault("Variables", {})
        for name, value in plan.environment.items():
            variables.setdefault(name, value)
    if plan.tags:
        _add_tags(properties, dict(plan.tags), is_sam)
    if plan.xray_tracing:
        if is_sam:
            properties.setdefault("Tracing", "Active")
        else:
            properties.setdefault("TracingConfig", {"Mode": "Active"})


def _add_tags(properties: dict[str, Any], ours: dict[str, str], is_sam: bool) -> None:
    """Our tags for keys the function does not tag yet (the user's tags win)."""
    tags = properties.get("Tags")
    if is_sam:
        tags = tags if isinstance(tags, dict) else {}
        for key, value in ours.items():
            tags.setdefault(key, value)
    else:
        tags = tags if isinstance(tags, list) else []
        present = {tag.get("Key") for tag in tags if isinstance(tag, dict)}
        tags.extend(
            {"Key": key, "Value": value} for key, value in ours.items() if key not in present
        )
    properties["Tags"] = tags


def policy_statements(plan: Plan) -> list[dict[str, Any]]:
    statements = [
        {"Effect": "Allow", "Action": list(grant.actions), "Resource": list(grant.resources)}
        for grant in plan.grants
    ]
    if plan.xray_tracing:
        statements.append({"Effect": "Allow", "Action": XRAY_ACTIONS, "Resource": "*"})
    return statements


def role_logical_id(properties: dict[str, Any], resources: dict[str, Any]) -> str | None:
    """The logical id of the function's role when that role is defined in the template."""
    role = properties.get("Role")
    if isinstance(role, dict) and "Fn::GetAtt" in role:
        target = role["Fn::GetAtt"]
        logical_id = target[0] if isinstance(target, list) else str(target).split(".")[0]
    elif isinstance(role, dict) and "Ref" in role:
        logical_id = role["Ref"]
    else:
        return None
    found = resources.get(logical_id)
    return logical_id if isinstance(found, dict) and found.get("Type") == "AWS::IAM::Role" else None


def grant(
    resource: dict[str, Any], statements: list[dict[str, Any]], resources: dict[str, Any]
) -> bool:
    """Add the statements where the function's permissions live; False when they live elsewhere.

    A SAM function without `Role` gets them in `Policies`; a role of the template gets one
    inline policy named DatadogApiKeyAccess (shared by every function using that role).
    """
    if not statements:
        return True
    properties = resource.setdefault("Properties", {})
    document = {"Version": "2012-10-17", "Statement": statements}
    if resource.get("Type") == SERVERLESS_FUNCTION and "Role" not in properties:
        policies = properties.get("Policies", [])
        policies = policies if isinstance(policies, list) else [policies]
        if document not in policies:
            policies.append(document)
        properties["Policies"] = policies
        return True
    role_id = role_logical_id(properties, resources)
    if role_id is None:
        return False
    role_properties = resources[role_id].setdefault("Properties", {})
    policies = role_properties.setdefault("Policies", [])
    if not any(isinstance(p, dict) and p.get("PolicyName") == POLICY_NAME for p in policies):
        policies.append({"PolicyName": POLICY_NAME, "PolicyDocument": document})
    return True
