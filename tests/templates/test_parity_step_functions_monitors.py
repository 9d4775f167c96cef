"""One engine, two front ends, for what goes beyond functions: a CDK app instrumented by
`Datadog` and the same app's bare template instrumented by `instrument_template` get the same
state machine definitions (trace merging), logging, monitors, and VPC egress warnings."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks

from cdk_datadog import Datadog
from cdk_datadog.engine import notes as nk
from cdk_datadog.templates.transform import instrument
from tests.support.cdk_apps import python_function

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key-AbCdEf"
OPTIONS = {
    "extension_layer_version": 101,
    "api_key_secret_arn": SECRET,
    "forwarder_arn": "arn:aws:lambda:eu-west-1:123456789012:function:fwd",
    "enable_step_functions_tracing": True,
    "monitors": [{"high_error_rate": {"options": {"thresholds": {"critical": 0.2}}}}, "timeout"],
    "service": "shop",
    "source_code_integration": False,
}
ENV = cdk.Environment(account="123456789012", region="eu-west-1")


def _synth(with_datadog: bool):
    app = cdk.App()
    stack = cdk.Stack(app, "Parity", env=ENV)
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        nat_gateways=0,
        max_azs=1,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    fn = python_function(stack, "Fn", vpc=vpc)
    child = sfn.StateMachine(
        stack, "Child", definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "Wait"))
    )
    chain = tasks.LambdaInvoke(stack, "Invoke", lambda_function=fn).next(
        tasks.StepFunctionsStartExecution(
            stack, "Nested", state_machine=child, input=sfn.TaskInput.from_object({"a.$": "$.a"})
        )
    )
    sfn.StateMachine(stack, "Flow", definition_body=sfn.DefinitionBody.from_chainable(chain))
    if with_datadog:
        Datadog(stack, "Datadog", **OPTIONS)
    return app.synth().get_stack_by_name("Parity")


def _beyond_functions(template: dict) -> dict:
    return {
        logical_id: {
            key: resource.get("Properties", {}).get(key)
            for key in ("DefinitionString", "LoggingConfiguration", "Query", "Options", "Tags")
        }
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] in ("AWS::StepFunctions::StateMachine", "Datadog::Monitors::Monitor")
    }


def test_both_front_ends_merge_traces_add_monitors_and_warn_alike():
    through_cdk = _synth(with_datadog=True)
    bare = _synth(with_datadog=False).template

    through_template = instrument(bare, region="eu-west-1", **OPTIONS)

    ours = _beyond_functions(through_cdk.template)
    theirs = _beyond_functions(through_template.template)
    assert set(ours) == set(theirs) and len(ours) == 4
    for logical_id in ours:
        ours_props, theirs_props = ours[logical_id], theirs[logical_id]
        if ours_props["Tags"] is not None and logical_id.startswith(("Flow", "Child")):
            # the CDK writes resource tags through the TagManager, which sorts them
            ours_props["Tags"] = sorted(map(str, ours_props["Tags"]))
            theirs_props["Tags"] = sorted(map(str, theirs_props["Tags"]))
        assert theirs_props == ours_props, logical_id
    (function_id,) = [
        lid for lid, r in bare["Resources"].items() if r["Type"] == "AWS::Lambda::Function"
    ]
    template_egress = [n.id for where, n in through_template.notes if where == function_id].count(
        nk.NETWORK_NO_EGRESS.id
    )
    cdk_egress = sum(
        nk.NETWORK_NO_EGRESS.id in str(m.entry.data)
        for m in through_cdk.messages
        if m.id == "/Parity/Fn"
    )
    assert template_egress == cdk_egress == 1
