"""Run the REAL Datadog Lambda wrappers, offline, on a function taken from a template.

A CloudFormation template says, for a function, a handler string (``Handler``), an environment
(``Environment.Variables``) and where the code is. These helpers reproduce what the Lambda
runtime does with them, in a subprocess, closely enough that the real wrapper code runs:

- Python: the ``datadog-lambda`` package installed in this virtualenv (the same code as the
  ``Datadog-Python3xx`` layer), imported from the handler string, e.g.
  ``datadog_lambda.handler.handler``.
- Node: ``datadog-lambda-js`` and ``dd-trace`` from ``node_modules`` (see package.json), run with
  Node 24 from ``node_modules/.bin/node``. The layer path
  ``/opt/nodejs/node_modules/datadog-lambda-js/handler.handler`` is mapped to the local package
  (``dist/handler.mjs``, an ES module with top-level await, loaded with ``await import()``).

Nothing talks to the network: there is no Datadog agent or extension here. With
``AWS_LAMBDA_FUNCTION_NAME`` set the tracers know they are in Lambda and write spans to stdout
instead of waiting for an agent; with ``DD_FLUSH_TO_LOG=true`` metrics go to stdout as JSON lines.

Both helpers return a :class:`WrapperRun` and never raise for a broken function: a handler that
cannot be imported or that throws gives a non-zero ``returncode`` and an ``error``. Every run is
bounded by ``timeout`` (60 s by default) and its whole process group is killed on expiry.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"
NODE_BIN = NODE_MODULES / ".bin" / "node"

RESULT_MARKER = "__WRAPPER_RESULT__ "
ERROR_MARKER = "__WRAPPER_ERROR__ "

DEFAULT_TIMEOUT = 60.0
REGION = "us-east-1"
ACCOUNT = "123456789012"
MEMORY_MB = 1024
TIMEOUT_S = 30

# Where the Datadog Node layer puts its packages; mapped to our node_modules.
LAYER_NODE_MODULES = "/opt/nodejs/node_modules/"


@dataclass(frozen=True)
class WrapperRun:
    """The outcome of one invocation."""

    returncode: int
    stdout: str
    stderr: str
    result: object = None
    """The handler's return value, JSON-decoded (None if it returned nothing or failed)."""
    error: dict[str, Any] | None = None
    """Lambda-style ``{"errorType": ..., "errorMessage": ...}`` when loading or calling failed."""
    command: tuple[str, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.error is None

    @property
    def json_lines(self) -> list[dict[str, Any]]:
        """Every stdout line that is a JSON object (metrics, traces, logs)."""
        out = []
        for line in self.stdout.splitlines():
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                out.append(value)
        return out

    @property
    def metric_lines(self) -> list[dict[str, Any]]:
        """Metrics written to the log (``DD_FLUSH_TO_LOG=true``): ``{"m": name, "v": ..., ...}``."""
        return [line for line in self.json_lines if "m" in line]

    @property
    def metric_names(self) -> list[str]:
        return [line["m"] for line in self.metric_lines]

    @property
    def trace_payloads(self) -> list[dict[str, Any]]:
        """Spans written to the log: ``{"traces": [[span, ...], ...]}``."""
        return [line for line in self.json_lines if "traces" in line]

    @property
    def spans(self) -> list[dict[str, Any]]:
        """All spans of all trace payloads, flattened."""
        out = []
        for payload in self.trace_payloads:
            for trace in payload["traces"]:
                out.extend(trace)
        return out

    @property
    def stderr_error_lines(self) -> list[str]:
        """stderr lines that mention ``Error`` (or ``ERROR``).

        The wrappers do not always fail when something is off (the Python one, given a context
        that lacks an attribute, logs ``Error ...`` and carries on; the Node one logs a failed
        API key lookup and carries on). Assert this is empty.
        """
        return [line for line in self.stderr.splitlines() if "Error" in line or "ERROR" in line]

    def describe(self) -> str:
        """Everything useful for an assertion message."""
        return (
            f"returncode={self.returncode} error={self.error!r} result={self.result!r}\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


# --------------------------------------------------------------------------------------------
# Environment


def _as_env_value(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(
        f"environment variable {name} is {value!r}: resolve CloudFormation intrinsics "
        "(Ref, Fn::*) to strings before running the wrapper"
    )


def _lambda_env(
    *,
    environment: Mapping[str, object],
    code_dir: Path,
    function_name: str,
    execution_env: str,
    handler: str,
) -> dict[str, str]:
    """Minimal OS environment + the function's variables + what Lambda itself sets.

    The variables Lambda reserves (``AWS_*``, ``LAMBDA_TASK_ROOT``, ``_HANDLER``) cannot come from
    a template (Lambda rejects them), so ours win over ``environment``.
    """
    env: dict[str, str] = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        # No instance metadata service here: never wait for one (boto3 credential lookup).
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for name, value in environment.items():
        env[name] = _as_env_value(name, value)
    env.update(
        {
            "LAMBDA_TASK_ROOT": str(code_dir),
            "_HANDLER": handler,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EXECUTION_ENV": execution_env,
            "AWS_LAMBDA_FUNCTION_NAME": function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(MEMORY_MB),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]0123456789abcdef",
        }
    )
    return env


def _context_fields(function_name: str) -> dict[str, Any]:
    return {
        "function_name": function_name,
        "function_version": "$LATEST",
        "invoked_function_arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name}",
        # A string, as the real runtimes give it.
        "memory_limit_in_mb": str(MEMORY_MB),
        "aws_request_id": str(uuid.uuid4()),
        "log_group_name": f"/aws/lambda/{function_name}",
        "log_stream_name": "2026/01/01/[$LATEST]0123456789abcdef",
        "timeout_ms": TIMEOUT_S * 1000,
    }


def _run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float) -> WrapperRun:
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=str(cwd),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # own process group: a timeout kills helpers it spawned too
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
        returncode = proc.returncode
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        stdout, stderr = proc.communicate()
        returncode = -signal.SIGKILL
        stderr += f"\n[harness] timed out after {timeout:.0f}s and was killed\n"
    finally:
        # Helpers (e.g. ddtrace's crash tracker) may outlive the main process.
        _kill_group(proc)

    result = None
    error = None
    kept: list[str] = []
    for line in stdout.splitlines(keepends=True):
        if line.startswith(RESULT_MARKER):
            result = json.loads(line[len(RESULT_MARKER) :])
        elif line.startswith(ERROR_MARKER):
            error = json.loads(line[len(ERROR_MARKER) :])
        else:
            kept.append(line)
    if returncode != 0 and error is None:
        error = {"errorType": "Runtime.ExitError", "errorMessage": f"exit status {returncode}"}
    return WrapperRun(
        returncode=returncode,
        stdout="".join(kept),
        stderr=stderr,
        result=result,
        error=error,
        command=tuple(cmd),
    )


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


# --------------------------------------------------------------------------------------------
# Python

_PYTHON_RUNNER = r"""
import json, sys, time, traceback, importlib

spec = json.loads(sys.argv[1])
RESULT, ERROR = spec["result_marker"], spec["error_marker"]


def emit(marker, value):
    sys.stdout.flush()
    sys.stdout.write(marker + json.dumps(value, default=str) + "\n")
    sys.stdout.flush()


def fail(exc, error_type):
    traceback.print_exc()
    emit(ERROR, {"errorType": error_type, "errorMessage": str(exc),
                 "exceptionType": type(exc).__name__})
    sys.exit(1)


class Context:
    def __init__(self, fields):
        self._deadline = time.monotonic() + fields.pop("timeout_ms") / 1000
        for k, v in fields.items():
            setattr(self, k, v)
        self.client_context = None
        self.identity = None

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


# As the Lambda Python runtime: "dir/module.function" -> import dir.module, take function.
module_name, _, function_name = spec["handler"].rpartition(".")
module_name = module_name.replace("/", ".")
try:
    if not module_name:
        raise ValueError("Bad handler " + spec["handler"])
    function = getattr(importlib.import_module(module_name), function_name)
except Exception as exc:
    fail(exc, "Runtime.ImportModuleError")

try:
    result = function(spec["event"], Context(spec["context"]))
except Exception as exc:
    fail(exc, "Runtime.HandlerError")
emit(RESULT, result)
"""


def run_python_wrapper(
    handler: str,
    environment: Mapping[str, object],
    code_dir: Path,
    event: Any,
    function_name: str = "fn",
    *,
    runtime: str = "python3.11",
    timeout: float = DEFAULT_TIMEOUT,
) -> WrapperRun:
    """Invoke a Python function as Lambda would, with this virtualenv's interpreter.

    ``handler`` is the template's ``Handler`` (``datadog_lambda.handler.handler`` when
    instrumented), ``environment`` its ``Environment.Variables`` and ``code_dir`` the folder
    holding the function's code (``Code``); it goes first on ``sys.path``, then this
    virtualenv's site-packages, which play the part of the Datadog layer (``/opt/python``).
    """
    code_dir = Path(code_dir).resolve()
    env = _lambda_env(
        environment=environment,
        code_dir=code_dir,
        function_name=function_name,
        execution_env=f"AWS_Lambda_{runtime}",
        handler=handler,
    )
    user_pythonpath = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(code_dir) + (os.pathsep + user_pythonpath if user_pythonpath else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    spec = {
        "handler": handler,
        "event": event,
        "context": _context_fields(function_name),
        "result_marker": RESULT_MARKER,
        "error_marker": ERROR_MARKER,
    }
    # -c puts "" (the cwd, = code_dir) first on sys.path, as Lambda puts LAMBDA_TASK_ROOT.
    cmd = [sys.executable, "-c", _PYTHON_RUNNER, json.dumps(spec)]
    return _run(cmd, env, code_dir, timeout)


# --------------------------------------------------------------------------------------------
# Node

_NODE_RUNNER = r"""
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const spec = JSON.parse(process.argv[process.argv.length - 1]);

function emit(marker, value) {
  const text = JSON.stringify(value === undefined ? null : value);
  return new Promise((done) => process.stdout.write(marker + text + "\n", done));
}

async function fail(error, errorType) {
  console.error(error);
  await emit(spec.error_marker, {
    errorType,
    errorMessage: String(error && error.message ? error.message : error),
    exceptionType: error && error.name,
  });
  process.exit(1);
}

function isEsm(file) {
  if (file.endsWith(".mjs")) return true;
  if (!file.endsWith(".js")) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (dir.endsWith("/node_modules")) return false;
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try { return JSON.parse(readFileSync(pj, "utf-8")).type === "module"; }
      catch { return false; }
    }
    if (dir === "/") return false;
  }
}

// As the Lambda Node runtime: try the path as is, then .js, .mjs, .cjs.
async function loadModule(bases) {
  if (bases.length === 0) {
    const error = new Error(`Bad handler ${spec.handler}`);
    error.name = "MalformedHandlerName";
    throw error;
  }
  for (const base of bases) {
    for (const ext of ["", ".js", ".mjs", ".cjs"]) {
      const file = resolve(base + ext);
      if (!existsSync(file) || !statSync(file).isFile()) continue;
      if (isEsm(file)) return await import(pathToFileURL(file).href);
      return createRequire(file)(file);
    }
  }
  const error = new Error(`Cannot find module '${bases[0]}' (tried ${bases.join(", ")})`);
  error.name = "ImportModuleError";
  throw error;
}

function resolveFunction(mod, path) {
  const walk = (obj) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
  return walk(mod) ?? (mod && mod.default ? walk(mod.default) : undefined);
}

let fn;
try {
  const mod = await loadModule(spec.bases);
  fn = resolveFunction(mod, spec.function_path);
  if (typeof fn !== "function") {
    const error = new Error(`${spec.handler} is undefined or not exported`);
    error.name = "HandlerNotFound";
    throw error;
  }
} catch (error) {
  await fail(error, "Runtime.ImportModuleError");
}

const started = Date.now();
const c = spec.context;
const context = {
  functionName: c.function_name,
  functionVersion: c.function_version,
  invokedFunctionArn: c.invoked_function_arn,
  memoryLimitInMB: c.memory_limit_in_mb,
  awsRequestId: c.aws_request_id,
  logGroupName: c.log_group_name,
  logStreamName: c.log_stream_name,
  callbackWaitsForEmptyEventLoop: true,
  identity: undefined,
  clientContext: undefined,
  getRemainingTimeInMillis: () => Math.max(0, c.timeout_ms - (Date.now() - started)),
};

try {
  const result = await new Promise((resolvePromise, rejectPromise) => {
    const callback = (error, value) => (error ? rejectPromise(error) : resolvePromise(value));
    let returned;
    try {
      returned = fn(spec.event, context, callback);
    } catch (error) {
      rejectPromise(error);
      return;
    }
    if (returned && typeof returned.then === "function") {
      returned.then(resolvePromise, rejectPromise);
    }
  });
  await emit(spec.result_marker, result);
} catch (error) {
  await fail(error, "Runtime.HandlerError");
}
// Lambda freezes the sandbox here; tracer timers would otherwise keep the loop alive.
process.exit(0);
"""


def node_handler_bases(handler: str, code_dir: Path) -> tuple[list[str], str]:
    """Where the Node runtime would look for ``handler``'s module, mapped to this machine.

    Returns the candidate paths (without extension) and the function path inside the module.
    ``/opt/nodejs/node_modules/<pkg>/...`` (a layer) maps to this repository's node_modules;
    ``datadog-lambda-js``'s layer keeps ``handler.mjs`` at the package root, the npm package in
    ``dist/``, so both are tried. A relative ``node_modules/...`` path is looked up in
    ``code_dir`` first, then in this repository's node_modules (the function bundling the
    library itself).
    """
    module_root, _, basename = handler.rpartition("/")
    module, dot, function_path = basename.partition(".")
    if not dot or not module or not function_path:
        return [], ""
    rel = f"{module_root}/{module}" if module_root else module
    bases: list[str] = []
    if rel.startswith(LAYER_NODE_MODULES):
        inside = rel[len(LAYER_NODE_MODULES) :]
        bases.append(str(NODE_MODULES / inside))
        package, _, rest = inside.partition("/")
        if rest and not rest.startswith("dist/"):
            bases.append(str(NODE_MODULES / package / "dist" / rest))
    elif rel.startswith("/"):
        bases.append(rel)
    else:
        bases.append(str(code_dir / rel))
        if rel.startswith("node_modules/"):
            bases.append(str(REPO_ROOT / rel))
    return bases, function_path


def run_node_wrapper(
    handler: str,
    environment: Mapping[str, object],
    code_dir: Path,
    event: Any,
    function_name: str = "fn",
    *,
    runtime: str = "nodejs24.x",
    timeout: float = DEFAULT_TIMEOUT,
) -> WrapperRun:
    """Invoke a Node function as Lambda would, with Node 24 from node_modules.

    ``handler`` is the template's ``Handler``, e.g.
    ``/opt/nodejs/node_modules/datadog-lambda-js/handler.handler`` (layer) or
    ``node_modules/datadog-lambda-js/dist/handler.handler`` (library bundled with the code).
    The wrapper then loads ``DD_LAMBDA_HANDLER`` relative to ``LAMBDA_TASK_ROOT``: a temporary
    copy of ``code_dir`` (the stand-in for ``/var/task``), which is also the working folder.
    ``NODE_PATH`` points at this repository's node_modules as Lambda's points at
    ``/opt/nodejs/node_modules``, so user code can ``require("datadog-lambda-js")``.
    """
    if not NODE_BIN.exists():
        raise FileNotFoundError(f"{NODE_BIN} is missing: run bin/setup (npm ci)")
    code_dir = Path(code_dir).resolve()
    if not code_dir.is_dir():
        raise FileNotFoundError(f"code_dir {code_dir} is not a folder")
    with tempfile.TemporaryDirectory(prefix="lambda-node-") as tmp:
        # Lambda unpacks the code into /var/task. Run from a copy outside this repository:
        # dd-trace walks up from the working folder to the first package.json and takes its
        # name/version as tags, and would otherwise find this repository's package.json.
        task_root = Path(tmp) / "task"
        shutil.copytree(code_dir, task_root)
        env = _lambda_env(
            environment=environment,
            code_dir=task_root,
            function_name=function_name,
            execution_env=f"AWS_Lambda_{runtime}",
            handler=handler,
        )
        user_node_path = env.get("NODE_PATH")
        env["NODE_PATH"] = str(NODE_MODULES) + (
            os.pathsep + user_node_path if user_node_path else ""
        )
        bases, function_path = node_handler_bases(handler, task_root)
        spec = {
            "handler": handler,
            "bases": bases,
            "function_path": function_path,
            "event": event,
            "context": _context_fields(function_name),
            "result_marker": RESULT_MARKER,
            "error_marker": ERROR_MARKER,
        }
        cmd = [str(NODE_BIN), "--input-type=module", "-e", _NODE_RUNNER, "--", json.dumps(spec)]
        return _run(cmd, env, task_root, timeout)
