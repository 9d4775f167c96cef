"""The packaged data file (layers, versions, accounts, sites), loaded once.

Data apart from logic: a Datadog release changes `data/datadog.yaml`, not this module.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "datadog.yaml"

FAMILIES = ("python", "node", "java", "dotnet", "ruby", "custom")
ARCHITECTURES = ("x86_64", "arm64")


@dataclass(frozen=True)
class RuntimeInfo:
    name: str
    family: str
    #: library layer name per architecture; empty for families without a library layer
    layers: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, eq=False)  # one instance, compared by identity (and hashable)
class Catalog:
    default_layer_versions: Mapping[str, int]
    publisher_accounts: Mapping[str, str]
    sites: tuple[str, ...]
    extension_layers: Mapping[str, str]
    handlers: Mapping[str, str]
    runtimes: Mapping[str, RuntimeInfo]
    #: the FIPS-compliant extension layer per architecture
    fips_extension_layers: Mapping[str, str] = field(default_factory=dict)
    #: Datadog site -> AWS partition -> account that assumes the integration role
    integration_accounts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: serverless-plugin-datadog's recommended monitors: id -> name, query, threshold, message
    monitors: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Datadog site -> its PrivateLink `region` and endpoint `services` (when recorded)
    privatelink: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def runtime(self, name: str) -> RuntimeInfo | None:
        return self.runtimes.get(name)

    def extension_layer(self, architecture: str, fips: bool = False) -> str:
        """The extension layer name for an architecture, FIPS-compliant or not."""
        return (self.fips_extension_layers if fips else self.extension_layers)[architecture]

    @functools.cached_property
    def extension_layer_names(self) -> frozenset[str]:
        """Every extension layer name, FIPS variants included, to recognise attached ones."""
        return frozenset(self.extension_layers.values()) | frozenset(
            self.fips_extension_layers.values()
        )

    def datadog_layer_names(self) -> frozenset[str]:
        """Every layer name Datadog publishes, to recognise layers already attached."""
        cached = _LAYER_NAMES.get(id(self))
        if cached is None:
            cached = _LAYER_NAMES[id(self)] = _layer_names(
                self.extension_layer_names, self.runtimes
            )
        return cached


def _layer_names(extension: frozenset[str], runtimes: Mapping[str, RuntimeInfo]) -> frozenset:
    names = set(extension)
    for info in runtimes.values():
        names.update(info.layers.values())
    return frozenset(names)


_LAYER_NAMES: dict[int, frozenset[str]] = {}


@functools.lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    import yaml  # on first use: importing the package stays cheap

    # libyaml's parser where PyYAML has it: the pure-Python one took 35 ms on this file, at
    # every construction of Datadog
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(DATA_FILE.read_text(encoding="utf-8"), Loader=loader)
    runtimes = {
        name: RuntimeInfo(name=name, family=spec["family"], layers=dict(spec.get("layers", {})))
        for name, spec in raw["runtimes"].items()
    }
    return Catalog(
        default_layer_versions=dict(raw["default_layer_versions"]),
        publisher_accounts=dict(raw["publisher_accounts"]),
        sites=tuple(raw["sites"]),
        extension_layers=dict(raw["extension_layer"]),
        handlers=dict(raw["handlers"]),
        runtimes=runtimes,
        fips_extension_layers=dict(raw["extension_layer_fips"]),
        integration_accounts={
            site: dict(accounts) for site, accounts in raw["integration_accounts"].items()
        },
        monitors={name: dict(spec) for name, spec in raw["monitors"].items()},
        privatelink={site: dict(spec) for site, spec in raw["privatelink"].items()},
    )
