"""The Serverless Framework side of cdk-datadog: serverless.yml's `custom.datadog` and the
backend that the Node plugin (`serverless-plugin/`) calls.

- `keys`: serverless-plugin-datadog's documented keys, what each one does here, its defaults.
- `translate`: a `custom.datadog` section (and per-function `datadog:` blocks) to engine
  options, with every message naming the key as the user wrote it.
- `functions`: the per-function changes the plugin writes into `service.functions` before
  Serverless hashes versions.
- `backend`: the JSON-in, JSON-out protocol of `cdk-datadog serverless`.
- `project`: a serverless.yml read from disk, for `cdk-datadog instrument --config`.
"""
