"""`Datadog` (every function under a scope) and `DatadogLambda` (the functions you list)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aws_cdk import App, Stage
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_datadog.cdk.hooks import (
    DATADOG_PRIORITY,
    EXPLICIT_PRIORITY,
    cover_stages,
    instrument_functions,
    instrument_tree,
    read_tree,
    run_at_first_visit,
)
from cdk_datadog.cdk.instrument import Instrumenter, jsii_ref, registry_of
from cdk_datadog.cdk.options import build_config
from cdk_datadog.engine import dd_tags
from cdk_datadog.engine import variable_names as ev
from cdk_datadog.engine.config import OptionError, function_settings
from cdk_datadog.engine.plan import Plan, Skip
from cdk_datadog.engine.stack import Control
from cdk_datadog.engine.tokens import is_token
from cdk_datadog.git_metadata import read_git_metadata


class Datadog(Construct):
    """Instruments every Lambda function under `scope` (a Stack, a Stage or the App) at synth.

    Options are those of datadog-cdk-constructs-v2's `DatadogLambdaProps`, in snake_case,
    plus ours (`exclude`, `enable_xray_tracing`, `subscribe_to_access_logs`,
    `subscribe_to_execution_logs`, `step_functions`, `is_fips_enabled`, `enhanced_metrics`,
    `enable_step_functions_tracing`, `merge_step_function_and_lambda_traces`, `monitors`);
    the `datadog` key of cdk.json context gives defaults that keyword arguments override.

    :raises OptionError: (a ValueError) naming the option, when an option is invalid.
    """

    def __init__(self, scope: Construct, id: str, **options: Any) -> None:
        config, secret = build_config(scope, options)
        super().__init__(scope, id)
        self.config = config
        self._registry = registry_of(scope)
        instrumenter = Instrumenter(config, secret, self._registry, id)
        self._log_groups = instrumenter.log_groups
        if isinstance(scope, Stage) and not isinstance(scope, App):
            cover_stages(scope, instrumenter, resynthesize=False)

        def run() -> None:
            tree = read_tree(scope)
            if isinstance(scope, App):
                cover_stages(scope, instrumenter, resynthesize=True, tree=tree)
            instrument_tree(instrumenter, scope, tree)

        run_at_first_visit(scope, run, DATADOG_PRIORITY)

    @property
    def decisions(self) -> dict[str, Plan | Skip]:
        """What was decided for each function (by CfnFunction path), once synthesized."""
        return self._registry.decisions()

    def add_forwarder_to_non_lambda_log_groups(self, log_groups: Iterable[logs.ILogGroup]) -> None:
        """Subscribe these log groups to the Forwarder too (as datadog-cdk-constructs-v2 does).

        Without `forwarder_arn` nothing is subscribed, and an info annotation on each group says
        so.
        """
        for group in log_groups:
            cfn = group if isinstance(group, logs.CfnLogGroup) else group.node.default_child
            if cfn is not None:  # an imported group has none: nothing of ours to subscribe
                self._log_groups[jsii_ref(cfn)] = cfn

    @staticmethod
    def exclude(function: lambda_.IFunction | lambda_.CfnFunction) -> None:
        """Leave this function alone, whatever covers it; callable before or after `Datadog`.

        The function's annotation says it was excluded by `Datadog.exclude()`.
        """
        _set_control(function, Control(opt_out="Datadog.exclude()"))

    @staticmethod
    def configure(function: lambda_.IFunction | lambda_.CfnFunction, **options: Any) -> None:
        """Options for this function only (service, env, version, tags, log_level, ...).

        They win over the construct's options; a DD_* variable set on the function still wins
        over both. Options that must be the same for a whole stack (the API key, the
        Forwarder) are refused.

        :raises OptionError: naming the option, when it is unknown, mistyped or stack-wide.
        """
        _add_settings(
            function, function_settings(options, "Datadog.configure()"), "Datadog.configure()"
        )


def _add_settings(function: Any, settings: tuple[tuple[str, Any], ...], source: str) -> None:
    """Per-function settings over those the function already has (later calls win)."""
    previous = registry_of(function).controls.get(jsii_ref(function))
    merged = dict(previous.settings) if previous else {}
    merged.update(settings)
    sources = previous.source.split(", ") if previous and previous.source else []
    joined = ", ".join(dict.fromkeys([*sources, source]))
    _set_control(function, Control(settings=tuple(sorted(merged.items())), source=joined))


def _set_control(function: Any, control: Control) -> None:
    registry = registry_of(function)
    previous = registry.controls.get(jsii_ref(function))
    if previous is not None and previous.opt_out and not control.opt_out:
        control = Control(previous.opt_out, control.settings, control.source)
    registry.controls[jsii_ref(function)] = control


class DatadogLambda(Construct):
    """The explicit mode of datadog-cdk-constructs-v2: instruments only the functions added.

    A function added twice, or also covered by a `Datadog`, is instrumented once, with this
    construct's options.
    """

    def __init__(self, scope: Construct, id: str, **options: Any) -> None:
        config, secret = build_config(scope, options)
        super().__init__(scope, id)
        self.config = config
        self._registry = registry_of(scope)
        self._functions: dict[str, lambda_.IFunction] = {}
        self._log_groups: dict[str, Any] = {}
        stage = Stage.of(self) or self.node.root

        def run() -> None:
            # made at synthesis, so that override_git_metadata() called after the functions
            # were added is seen, as in the reference
            instrumenter = Instrumenter(self.config, secret, self._registry, id, explicit=True)
            instrumenter.own.update(self._functions)
            instrumenter.log_groups = self._log_groups
            instrument_functions(instrumenter, stage, self._functions.values())

        run_at_first_visit(stage, run, EXPLICIT_PRIORITY)

    def add_lambda_functions(
        self, lambda_functions: Iterable[lambda_.IFunction], construct: Construct | None = None
    ) -> None:
        """Instrument these functions at synthesis; imported functions are ignored.

        `construct` is accepted for datadog-cdk-constructs-v2's signature, where it scopes the
        API key grant; here the grant is made for every instrumented function without it.
        """
        for function in lambda_functions:
            ref = jsii_ref(function)
            self._functions.setdefault(ref, function)
            self._registry.claimed.add(ref)

    def set_environment(self, lambda_function: lambda_.IFunction, key: str, value: str) -> None:
        """Set a Datadog variable on one function, as datadog-cdk-constructs-v2's method does.

        It is the function's own variable from then on, so it wins over this construct's
        options and defaults (the reference lets options dedicated to the variable, such as
        `env` for DD_ENV, win over it instead). DD_TAGS is merged as the reference merges it:
        the `tags` option, then these tags, then the git metadata; a later key wins.

        :raises OptionError: naming `key` or `value`, when they are not an environment
            variable name and a string (DD_TAGS: `key:value` pairs).
        """
        if not isinstance(key, str) or not _VARIABLE_NAME.match(key):
            raise OptionError(
                "key", f"set_environment: {key!r} is not an environment variable name"
            )
        if not isinstance(value, str):
            raise OptionError(
                "value", f"set_environment({key!r}): expected a string, got {value!r}"
            )
        if key != ev.DD_TAGS:
            lambda_function.add_environment(key, value)
            return
        if not dd_tags.is_well_formed(value):
            raise OptionError(
                "value",
                f"set_environment('DD_TAGS'): {value!r} must be `key:value` pairs separated "
                "by commas",
            )
        tags = value if is_token(value) else dd_tags.merged(self.config.tags, value)
        settings = function_settings({"tags": tags}, "DatadogLambda.set_environment()")
        _add_settings(lambda_function, settings, "DatadogLambda.set_environment()")

    def override_git_metadata(self, git_commit_sha: str, git_repo_url: str | None = None) -> None:
        """Tag with this commit (and repository URL) instead of the ones git reports.

        For source code integration, as the reference's method; the repository URL is read
        from git when not given, and credentials in it are dropped. Applies to every function
        of this construct, whenever they were added.

        :raises OptionError: naming `git_commit_sha` or `git_repo_url` when not strings.
        """
        _check_git_arguments(git_commit_sha, git_repo_url, required=True)
        git = read_git_metadata(Path.cwd(), git_commit_sha, git_repo_url)
        self.config = dataclasses.replace(self.config, git=git)

    def add_git_commit_metadata(
        self,
        lambda_functions: Iterable[lambda_.IFunction],
        git_commit_sha: str | None = None,
        git_repo_url: str | None = None,
    ) -> None:
        """Tag these functions with the git commit and repository (source code integration),
        even when `source_code_integration` is off for the construct.

        Unlike the reference, which ignores them, `git_commit_sha` and `git_repo_url` are used
        when given. Without a commit or a repository URL (outside a git repository), nothing
        is added, as in the reference.

        :raises OptionError: naming `git_commit_sha` or `git_repo_url` when not strings.
        """
        _check_git_arguments(git_commit_sha, git_repo_url, required=False)
        current = self.config.git
        git = read_git_metadata(
            Path.cwd(),
            git_commit_sha or (current.commit_sha if current else None),
            git_repo_url or (current.repository_url if current else None),
        )
        if git is None:
            return
        settings = (("git", git), ("source_code_integration", True))
        for function in lambda_functions:
            _add_settings(function, settings, "DatadogLambda.add_git_commit_metadata()")

    @property
    def decisions(self) -> dict[str, Plan | Skip]:
        return self._registry.decisions()

    add_forwarder_to_non_lambda_log_groups = Datadog.add_forwarder_to_non_lambda_log_groups


_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_git_arguments(sha: Any, url: Any, *, required: bool) -> None:
    for name, value in (("git_commit_sha", sha), ("git_repo_url", url)):
        if value is None and not (required and name == "git_commit_sha"):
            continue
        if not isinstance(value, str) or not value.strip():
            raise OptionError(name, f"expected a non-empty string, got {value!r}")
