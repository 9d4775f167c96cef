"""Python's cycle collector, paused around work that builds many fresh objects at once."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """A big tree of fresh objects (a template loaded, a CDK stack read as JSON) has nothing
    for the cycle collector to collect, yet building it starts collections: run again and
    again, they made YAML loads grow faster than linear, and a full one over a CDK app's heap
    (40-50 ms at 1,000 functions) cost more than planning the functions. The collector is
    left as it was found, also on error; the garbage is collected later."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
