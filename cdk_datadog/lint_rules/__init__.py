"""A cfn-lint rule pack for Datadog instrumentation mistakes, in any template:

    cfn-lint --append-rules "$(cdk-datadog lint-rules-path)" -- template.yaml

One rule per file, named after its class, as cfn-lint's own rules are; each calls one check of
`cdk_datadog.templates.checks` on one function (`AWS::Lambda::Function`, or
`AWS::Serverless::Function` with SAM's Globals merged, as cfn-lint validates SAM templates).
cfn-lint loads every file here whose name does not start with `_`.
"""
