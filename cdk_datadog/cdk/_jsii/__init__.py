"""The compiled Node helper (cdk_datadog/cdk/node, packed by bin/build-helper, committed) for
jsii to load."""
