"""`DatadogStepFunctions`: the explicit mode for state machines of datadog-cdk-constructs-v2.

`DatadogStepFunctions(scope, id, env=..., service=..., forwarder_arn=...)
.add_state_machines([...])` instruments the state machines listed, as the reference does:
logging at level ALL with execution data into a log group of their own (or the one they
have), the log delivery permissions, the Forwarder subscription, and the tags (`service`,
`env`, `version`, the `tags` option, `DD_TRACE_ENABLED`). It is planned by the engine like
every other state machine, through the same explicit path as `DatadogLambda`; a state
machine listed here is left alone by a `Datadog` that covers its stack.

The reference leaves definitions to its payload helpers, which stay here; set
`merge_step_function_and_lambda_traces=True` to have the definitions rewritten instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from aws_cdk import Stage
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from cdk_datadog.cdk.hooks import EXPLICIT_PRIORITY, instrument_functions, run_at_first_visit
from cdk_datadog.cdk.instrument import Instrumenter, jsii_ref, registry_of
from cdk_datadog.cdk.options import build_config
from cdk_datadog.engine import step_functions as sf
from cdk_datadog.engine.config import OptionError

#: DatadogStepFunctionsProps (datadog-cdk-constructs-v2 5.x), then ours for state machines
OPTIONS = (
    "env",
    "forwarder_arn",
    "service",
    "tags",
    "version",
    "enable_step_functions_tracing",
    "merge_step_function_and_lambda_traces",
    "propagate_upstream_trace",
)


class DatadogStepFunctions(Construct):
    """Instruments the state machines given to `add_state_machines`, at synthesis.

    Options are those of datadog-cdk-constructs-v2's `DatadogStepFunctionsProps` (`env`,
    `forwarder_arn`, `service`, `tags`, `version`), plus `enable_step_functions_tracing`
    (default true here: logging at ALL with execution data, as the reference sets it) and
    `merge_step_function_and_lambda_traces` (default false, as the reference leaves
    definitions to the payload helpers).

    :raises OptionError: (a ValueError) naming the option, for an option that is not one of
        these or an invalid value.
    """

    def __init__(self, scope: Construct, id: str, **props: Any) -> None:
        for name in props:
            if name not in OPTIONS:
                raise OptionError(
                    name,
                    "not an option of DatadogStepFunctions; its options are: " + ", ".join(OPTIONS),
                )
        config, _ = build_config(scope, {**props, "source_code_integration": False})
        defaults: dict[str, Any] = {"step_functions": True}
        if config.enable_step_functions_tracing is None:
            defaults["enable_step_functions_tracing"] = True
        if config.merge_step_function_and_lambda_traces is None:
            defaults["merge_step_function_and_lambda_traces"] = False
        super().__init__(scope, id)
        self.config = dataclasses.replace(config, **defaults)
        self._registry = registry_of(scope)
        self._machines: dict[str, Any] = {}
        stage = Stage.of(self) or self.node.root

        def run() -> None:
            instrumenter = Instrumenter(self.config, None, self._registry, id, explicit=True)
            instrumenter.own_machines = set(self._machines)
            instrument_functions(instrumenter, stage, self._machines.values())

        run_at_first_visit(stage, run, EXPLICIT_PRIORITY)

    def add_state_machines(
        self,
        state_machines: Iterable[sfn.IStateMachine | sfn.CfnStateMachine],
        construct: Construct | None = None,
    ) -> None:
        """Instrument these state machines at synthesis; imported ones are ignored.

        `construct` is accepted for datadog-cdk-constructs-v2's signature, which ignores it.
        """
        for machine in state_machines:
            ref = jsii_ref(machine)
            self._machines.setdefault(ref, machine)
            self._registry.claimed_machines.add(ref)

    @staticmethod
    def build_lambda_payload_to_merge_traces(
        payload: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Pass as `payload=sfn.TaskInput.from_object(...)` of a LambdaInvoke task."""
        return sf.lambda_payload_to_merge_traces(payload)

    @staticmethod
    def build_step_function_task_input_to_merge_traces(
        task_input: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Pass as the input of a StepFunctionsStartExecution task."""
        return sf.task_input_to_merge_traces(task_input)
