"""One line per decision, for the example's report and the command line."""

from __future__ import annotations

from cdk_datadog.engine.plan import Plan, Skip


def describe(decision: Plan | Skip) -> str:
    """What was done to a function, or why nothing was, in words a user reads at a glance."""
    if isinstance(decision, Skip):
        return f"skipped: {decision.reason.message} [{decision.reason.id}]"
    parts = []
    if decision.layers:
        parts.append(
            "layers "
            + ", ".join(f"{layer.name}:{layer.version or 'arn'}" for layer in decision.layers)
        )
    if decision.handler:
        parts.append(f"handler {decision.handler}")
    if decision.environment:
        parts.append(f"{len(decision.environment)} DD_* variables")
    if decision.grants:
        parts.append("grants " + ", ".join(grant.option for grant in decision.grants))
    if decision.subscribe_logs:
        parts.append("log group subscribed to the Forwarder")
    if not parts:
        return "already instrumented: nothing to change"
    return "instrumented: " + "; ".join(parts)
