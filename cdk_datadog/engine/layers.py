"""Which Datadog layers a function needs, in which partition and account."""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any

from cdk_datadog.engine import options as opt
from cdk_datadog.engine.catalog import Catalog, RuntimeInfo
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.plan import LayerArn

_LAYER_NAME = re.compile(r":layer:([A-Za-z0-9_-]+)(?::\d+)?$")


def partition_of(region: str | None) -> str | None:
    if region is None:
        return None
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


def layer_name_of(arn: Any) -> str | None:
    """The layer name in a layer version ARN, or None when it cannot be read.

    Besides plain strings, reads the ARNs built at deploy time: `Fn::Sub` templates (ours
    included, so instrumenting twice adds nothing) and `Fn::Join` of literal pieces.
    """
    if isinstance(arn, dict) and len(arn) == 1:
        ((key, value),) = arn.items()
        if key == "Fn::Sub":
            arn = value[0] if isinstance(value, list) and value else value
        elif key == "Fn::Join" and isinstance(value, list) and len(value) == 2:
            arn = "".join(part if isinstance(part, str) else "x" for part in value[1])
    match = _LAYER_NAME.search(arn) if isinstance(arn, str) else None
    return match.group(1) if match else None


@dataclass(frozen=True)
class LayerChoice:
    """The layers wanted for a function, or why none can be had."""

    layers: tuple[LayerArn, ...] = ()
    #: set when the partition has no Datadog layers and the user gave no account or ARN
    unpublished_partition: str | None = None


def _layer(
    name: str, version: int, region: str | None, config: DatadogConfig, catalog: Catalog
) -> LayerArn:
    partition = partition_of(region)
    account = config.use_layers_from_account
    if account is None and partition is not None:
        account = catalog.publisher_accounts.get(partition)
    return LayerArn(name=name, version=version, region=region, partition=partition, account=account)


def _family_layer(
    family_key: str,
    name: str,
    region: str | None,
    config: DatadogConfig,
    catalog: Catalog,
) -> LayerArn:
    version_option, arn_option = opt.LAYER_OPTIONS[family_key]
    literal = getattr(config, arn_option)
    if literal is not None:
        return LayerArn(name=layer_name_of(literal) or name, literal=literal)
    version = getattr(config, version_option) or catalog.default_layer_versions[family_key]
    return _layer(name, version, region, config, catalog)


@functools.lru_cache(maxsize=256)
def with_fips_default(config: DatadogConfig, region: str | None) -> DatadogConfig:
    """The config with `is_fips_enabled` decided for a function deployed in `region`.

    As serverless-plugin-datadog does: on in GovCloud when cdk-datadog picks the extension
    layer (an `extension_layer_arn` is the user's own choice of layer); an explicit value,
    True or False, always wins. In an environment-agnostic stack (region None) it stays
    undecided: the layer name cannot follow the partition at deploy, and Datadog's libraries
    then default DD_LAMBDA_FIPS_MODE by themselves (true in GovCloud).
    """
    if config.is_fips_enabled is not None or config.extension_layer_version is None:
        return config
    if partition_of(region) != "aws-us-gov":
        return config
    return dataclasses.replace(config, is_fips_enabled=True)


def fips_undecided(config: DatadogConfig, region: str | None) -> bool:
    """Whether FIPS would have been automatic, had the region been known at synthesis."""
    return (
        region is None
        and config.is_fips_enabled is None
        and config.extension_layer_version is not None
    )


@functools.lru_cache(maxsize=1024)
def choose_layers(
    runtime: RuntimeInfo,
    architecture: str,
    region: str | None,
    config: DatadogConfig,
    catalog: Catalog,
) -> LayerChoice:
    """The library layer (when `add_layers`) and the extension layer (when configured)."""
    wanted: list[LayerArn] = []
    if config.add_layers and runtime.layers:
        wanted.append(
            _family_layer(runtime.family, runtime.layers[architecture], region, config, catalog)
        )
    if config.uses_extension:
        name = catalog.extension_layer(architecture, fips=bool(config.is_fips_enabled))
        wanted.append(_family_layer("extension", name, region, config, catalog))
    partition = partition_of(region)
    needs_publisher = any(layer.literal is None and layer.account is None for layer in wanted)
    if needs_publisher and partition is not None:
        return LayerChoice(unpublished_partition=partition)
    return LayerChoice(layers=tuple(wanted))


#: name of the template mapping that gives the publisher account of the deploy partition
ACCOUNT_MAPPING = "DatadogLayerAccounts"


def account_mapping(catalog: Catalog) -> dict[str, dict[str, str]]:
    """`Mappings` entry used when the partition is only known at deploy.

    A `LayerArn` without account renders `${DatadogAccount}` as
    `Fn::FindInMap [DatadogLayerAccounts, !Ref AWS::Partition, Account]`; a partition that is
    not in the mapping (China) then fails the deploy instead of pointing at a wrong account.
    """
    return {
        partition: {"Account": account}
        for partition, account in sorted(catalog.publisher_accounts.items())
    }


def render_layer(layer: LayerArn) -> Any:
    """The layer ARN as a template writes it: the ARN, or an `Fn::Sub` of it when region,
    partition or account come at deploy (the account through the `ACCOUNT_MAPPING` mapping)."""
    if layer.is_resolved:
        return layer.arn
    if "${DatadogAccount}" not in layer.arn:
        return {"Fn::Sub": layer.arn}
    account = {"Fn::FindInMap": [ACCOUNT_MAPPING, {"Ref": "AWS::Partition"}, "Account"]}
    return {"Fn::Sub": [layer.arn, {"DatadogAccount": account}]}


def needs_account_mapping(layer: LayerArn) -> bool:
    return not layer.is_resolved and "${DatadogAccount}" in layer.arn
