"""`sls deploy` and `sls deploy function -f` deploy instrumented functions, with each framework.

There is no AWS account here, so a small test plugin stands in for AWS at the door each
framework sends Lambda calls through: Serverless 3's AWS provider `request` (AWS SDK v2), and
osls's AWS SDK v3 clients' `send` (of the @aws-sdk/client-lambda and client-iam that osls
loads). It answers `getFunction` as a deployed function would, and writes down every call.
Everything else (the framework's lifecycle, our hooks, its packaging and its
UpdateFunctionConfiguration parameters) is the real thing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.serverless.sls_projects import PROJECTS, environment, prepare, replace, sls

RECORDER = """
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DEPLOYED = { Configuration: { PackageType: 'Zip', Handler: 'index.handler',
  CodeSha256: 'old', State: 'Active', LastUpdateStatus: 'Successful',
  Environment: { Variables: {} } } };

// Stands in for AWS: records every request, answers getFunction as for a deployed function.
module.exports = class AwsRecorder {
  constructor(serverless) {
    const calls = [];
    const record = (service, method, params) => {
      calls.push({ service, method, params: JSON.parse(JSON.stringify(params, (key, value) =>
        key === 'ZipFile' ? '<zip>' : value)) });
      return method === 'getFunction' ? DEPLOYED : {};
    };
    const provider = serverless.getProvider('aws');
    if (typeof provider.getAwsSdkV3Config === 'function') {
      // osls: AWS SDK v3 clients, `new LambdaClient(await provider.getAwsSdkV3Config())`
      const clients = [['client-lambda', 'LambdaClient'], ['client-iam', 'IAMClient']];
      for (const [module, client] of clients) {
        const paths = [serverless.config.serverlessPath];  // osls's own copy of the SDK
        const sdk = require(require.resolve(`@aws-sdk/${module}`, { paths }));
        sdk[client].prototype.send = async (command) => {
          const name = command.constructor.name.replace(/Command$/, '');
          return record(client, name[0].toLowerCase() + name.slice(1), command.input);
        };
      }
    } else {
      // Serverless 3: every AWS call goes through provider.request (AWS SDK v2)
      provider.request = async (service, method, params) => record(service, method, params);
    }
    this.hooks = {
      'after:deploy:function:deploy': () =>
        fs.writeFileSync(path.join(serverless.serviceDir, 'aws-calls.json'), JSON.stringify(calls)),
      // `sls deploy` has packaged (and saved the template): stop before CloudFormation
      'before:deploy:deploy': () => {
        const saved = path.join(serverless.serviceDir, '.serverless',
          'cloudformation-template-update-stack.json');
        fs.copyFileSync(saved, path.join(serverless.serviceDir, 'deployed-template.json'));
        process.exit(0);
      },
    };
  }
};
"""

#: Node 24 and the Serverless Frameworks from node_modules (bin/setup)
pytestmark = pytest.mark.node


def _with_recorder(project: Path) -> None:
    recorder = project / "node_modules" / "aws-recorder"
    recorder.mkdir()
    (recorder / "index.js").write_text(RECORDER)
    replace(
        project / "serverless.yml",
        "  - serverless-plugin-cdk-datadog\n",
        "  - serverless-plugin-cdk-datadog\n  - aws-recorder\n",
    )


def test_deploy_function_sends_the_instrumented_configuration(framework, tmp_path):
    project = prepare(PROJECTS / "shop", tmp_path / "shop", edit=_with_recorder)

    run = sls(framework, project, "deploy", "function", "-f", "greeter", env=environment())

    assert run.returncode == 0, run.describe()
    calls = json.loads((project / "aws-calls.json").read_text())
    assert "updateFunctionCode" in [call["method"] for call in calls]
    [update] = [call["params"] for call in calls if call["method"] == "updateFunctionConfiguration"]
    assert update["FunctionName"] == "shop-dev-greeter"
    assert update["Handler"] == "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"
    variables = update["Environment"]["Variables"]
    assert variables["DD_LAMBDA_HANDLER"] == "index.handler"
    assert variables["DD_SERVICE"] == "greeter" and variables["DD_FLUSH_TO_LOG"] == "true"
    assert [arn.split(":")[6] for arn in update["Layers"]] == ["Datadog-Node22-x"]
    assert "Datadog: 1 of 1 functions instrumented" in run.stdout + run.stderr


def test_deploy_packages_instrumented_functions_into_the_template_it_deploys(framework, tmp_path):
    project = prepare(PROJECTS / "shop", tmp_path / "shop", edit=_with_recorder)

    run = sls(framework, project, "deploy", env=environment())

    assert run.returncode == 0, run.describe()
    template = json.loads((project / "deployed-template.json").read_text())
    orders = template["Resources"]["OrdersLambdaFunction"]["Properties"]
    assert orders["Handler"] == "datadog_lambda.handler.handler"
    assert orders["Environment"]["Variables"]["DD_LAMBDA_HANDLER"] == "handler.main"
    assert "OrdersLogGroupSubscription" in template["Resources"]
