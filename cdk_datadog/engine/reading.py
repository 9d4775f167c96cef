"""What a front end that reads a stack resource by resource (the CDK shell, where each read
crosses into Node) must read for the engine to plan it: the types the engine asks about, the
types of which only the type and condition matter, and when every resource is needed."""

from __future__ import annotations

from cdk_datadog.engine import cfn
from cdk_datadog.engine.api_gateway import STAGE_TYPES
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.vpc import NETWORK_TYPES

#: the types whose resources the engine reads; every other resource is only counted
READ_TYPES = frozenset(
    {
        *cfn.FUNCTION_TYPES,
        cfn.LOG_GROUP,
        cfn.LOG_RETENTION,
        cfn.SUBSCRIPTION_FILTER,
        cfn.STATE_MACHINE,
        cfn.DISTRIBUTION,
        cfn.LAMBDA_VERSION,
        *STAGE_TYPES,
        *NETWORK_TYPES,
    }
)
#: read as their type (and condition) alone: the engine asks only whether a role is the
#: stack's, and whether it is conditional
SHALLOW_TYPES = frozenset({cfn.IAM_ROLE})


def reads_every_resource(config: DatadogConfig, has_state_machines: bool) -> bool:
    """Whether planning needs every resource of the stack: trace merging writes a state
    machine's definition back as it was read, and must know every logical id of the stack to
    tell its own resources from another stack's."""
    return has_state_machines and config.merges_step_function_traces
