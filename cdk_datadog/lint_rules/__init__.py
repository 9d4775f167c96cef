"""A cfn-lint rule pack for Datadog instrumentation mistakes:

cfn-lint --append-rules "$(cdk-datadog lint-rules-path)" -- template.yaml
"""
