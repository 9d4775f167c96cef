"""`DatadogStepFunctions`: the trace-merging helpers of datadog-cdk-constructs-v2.

State machines themselves are instrumented by `Datadog` (logging, subscription, tags), as
the engine plans them for every front end.
"""

from __future__ import annotations

from typing import Any

from cdk_datadog.engine import step_functions as sf


class DatadogStepFunctions:
    """Helpers for trace merging, with the names of datadog-cdk-constructs-v2 (snake_case)."""

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
