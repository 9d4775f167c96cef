"""CDK's own deploy-time functions: Lambda functions aws-cdk-lib adds to run at deploy.

Custom-resource providers, `AwsCustomResource`, `BucketDeployment`, `LogRetention`, S3
auto-delete, bucket notifications and the `Provider` framework run for seconds during a
deploy and never serve traffic; instrumenting them adds layers and variables to code the team
does not own, and their logs and traces are noise. They are recognised the same way in the CDK
and in templates: by the construct path aws-cdk-lib records (`aws:cdk:path` metadata, or the
path itself in the CDK) and by the logical ids aws-cdk-lib gives them, which are fixed.
"""

from __future__ import annotations

import re

#: (what it is, a pattern on its construct path or logical id)
DEPLOY_TIME_FUNCTIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        ("AwsCustomResource provider", r"AWS679f53fac002430cb0da5b7982bd2287"),
        ("LogRetention provider", r"LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"),
        ("BucketDeployment handler", r"CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C"),
        (
            "bucket notifications handler",
            r"BucketNotificationsHandler050a0587b7544547bf325f094a3db834",
        ),
        ("custom resource provider", r"Custom(?:::)?[A-Za-z0-9]+CustomResourceProvider"),
        (
            "custom_resources.Provider framework function",
            r"(?:^|/)framework-(?:onEvent|isComplete|onTimeout)(?:/|$)"
            r"|^[A-Za-z0-9]*framework(?:onEvent|isComplete|onTimeout)[A-Za-z0-9]*$",
        ),
        ("EKS provider", r"@aws-cdk--aws-eks\.(?:KubectlProvider|ClusterResourceProvider)"),
    )
)


def deploy_time_function(*names: str | None) -> str | None:
    """What kind of CDK deploy-time function has this construct path or logical id, or None."""
    for name in names:
        if not name:
            continue
        for label, pattern in DEPLOY_TIME_FUNCTIONS:
            if pattern.search(name):
                return label
    return None
