"""Where bin/setup puts the compiled Node helper (cdk_datadog/cdk/node) for jsii to load."""
