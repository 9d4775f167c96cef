"""What a front end knows about one Lambda function before instrumenting it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FunctionFacts:
    """One function as read from a CDK construct or a template resource.

    A value the front end could not resolve to a literal (a token, an intrinsic) is given as
    `None` with the raw form in `unresolved`, so the engine can say what it could not read.
    """

    #: construct path (CDK) or logical id (templates): the name every note uses
    path: str
    runtime: str | None
    handler: str | None
    architecture: str | None = "x86_64"
    package_type: str = "Zip"
    #: concrete region, or None when the stack is environment-agnostic
    region: str | None = None
    #: existing variables; values may be tokens, only keys and DD_* values are read
    environment: Mapping[str, str] = field(default_factory=dict)
    #: existing layer ARNs (strings; unresolvable entries as given)
    layers: tuple[str, ...] = ()
    is_edge: bool = False
    function_name: str | None = None
    #: raw forms of values that could not be resolved, keyed by fact name, for messages
    unresolved: Mapping[str, str] = field(default_factory=dict)
    #: set when the function is opted out, to where that came from ("tag dd:instrument=false")
    opt_out: str | None = None
    #: per-function options (validated with `function_settings`), and where they came from
    settings: tuple[tuple[str, Any], ...] = ()
    settings_source: str | None = None
