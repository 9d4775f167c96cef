"""cdk-datadog: Datadog on every AWS Lambda function, from the CDK or from templates."""

__version__ = "0.1.0"
