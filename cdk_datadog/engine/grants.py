"""The least IAM permission that lets a function read its Datadog API key."""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass
from typing import Any

from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.plan import Grant
from cdk_datadog.engine.tokens import is_token

_KMS_KEY_ARN = re.compile(
    rb"arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key/(?:mrk-)?[0-9a-f-]{32,36}"
)
#: a complete secret ARN ends with the 6 random characters Secrets Manager appends
_COMPLETE_SECRET_ARN = re.compile(r":secret:.+-[A-Za-z0-9]{6}$")


def secret_resource(arn: str) -> str:
    """The resource that matches the secret and nothing else.

    A partial ARN (without the random suffix) needs the `-??????` wildcard, exactly six
    characters, so it cannot match a secret whose name merely starts the same.
    """
    if is_token(arn) or _COMPLETE_SECRET_ARN.search(arn):
        return arn
    return f"{arn}-??????"


def kms_key_of(ciphertext: str) -> str | None:
    """The ARN of the key that encrypted `ciphertext`.

    A symmetric KMS ciphertext blob carries its key's ARN in clear, which is how Decrypt
    works without a KeyId; reading it lets us grant kms:Decrypt on that key alone.
    """
    try:
        blob = base64.b64decode(ciphertext, validate=True)
    except (binascii.Error, ValueError):
        return None
    match = _KMS_KEY_ARN.search(blob)
    return match.group(0).decode() if match else None


@functools.lru_cache(maxsize=64)
def api_key_grants(config: DatadogConfig) -> tuple[tuple[Grant, ...], bool]:
    """The grants for the configured key source, and whether a needed grant is unknown.

    `api_key_secret` (an ISecret) is granted by the CDK shell through the secret itself, which
    also covers its KMS key, so it yields no grant here.
    """
    if not config.grant_secret_read_access:
        return (), False
    if config.api_key_secret_arn is not None:
        resource = secret_resource(config.api_key_secret_arn)
        actions = ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue")
        return (Grant(actions, (resource,), "api_key_secret_arn"),), False
    if config.api_key_ssm_arn is not None:
        actions = ("ssm:GetParameter",)
        return (Grant(actions, (config.api_key_ssm_arn,), "api_key_ssm_arn"),), False
    if config.api_kms_key is not None:
        key = None if is_token(config.api_kms_key) else kms_key_of(config.api_kms_key)
        if key is None:
            return (), True
        return (Grant(("kms:Decrypt",), (key,), "api_kms_key"),), False
    return (), False


XRAY_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
SECRET_ACTIONS = ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue")
XRAY_WILDCARD_REASON = (
    "xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permission; "
    "AWS documents Resource '*' for them (added by cdk-datadog for enable_xray_tracing)."
)


@dataclass(frozen=True)
class SecretFacts:
    """The API key secret given as an object (the CDK's ISecret): what its grant needs."""

    #: its complete ARN when known, else its ARN (granted with the `-??????` suffix)
    arn: str
    full_arn_known: bool
    #: the KMS key that encrypts it, when it has its own
    kms_key_arn: str | None = None


def secret_statements(secret: SecretFacts) -> list[dict[str, Any]]:
    """Read the secret, and decrypt with its key only through Secrets Manager."""
    resource = secret.arn if secret.full_arn_known else f"{secret.arn}-??????"
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": list(SECRET_ACTIONS), "Resource": resource}
    ]
    if secret.kms_key_arn is not None:
        statements.append(
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": secret.kms_key_arn,
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}
                    }
                },
            }
        )
    return statements


def policy_statements(
    grants: tuple[Grant, ...], secret: SecretFacts | None, xray: bool
) -> list[dict[str, Any]]:
    """The statements of the stack's API key policy."""
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": list(grant.actions), "Resource": list(grant.resources)}
        for grant in grants
    ]
    if secret is not None:
        statements.extend(secret_statements(secret))
    if xray:
        # X-Ray's write actions support no resource-level permission: "*" is the only choice.
        statements.append({"Effect": "Allow", "Action": list(XRAY_ACTIONS), "Resource": "*"})
    return statements
