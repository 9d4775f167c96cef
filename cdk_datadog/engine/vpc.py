"""Whether a function in a VPC can reach Datadog, decided from the stack's own network.

A function attached to a VPC reaches the internet only through its subnets' route tables:
a 0.0.0.0/0 route to a NAT gateway (or a transit gateway, an instance, a Gateway Load
Balancer endpoint). An internet gateway does not do it: Lambda gives functions no public IP.
The Datadog Lambda Extension, and libraries that send metrics themselves, then time out on
every flush. Where the stack defines the subnets, their route table associations and routes
(aws-cdk-lib renders PRIVATE_ISOLATED subnets and NAT-less VPCs exactly so), this is known
before deploy; a subnet the stack does not define (imported, a literal id) or that uses the
VPC's main route table says nothing.

No warning when nothing needs to go out: metrics written to the logs for the Forwarder
(DD_FLUSH_TO_LOG=true without the extension: the Python and Node libraries then make no call
to Datadog, traces go to the logs too); when the function has a proxy (DD_PROXY_HTTPS, or
HTTPS_PROXY); or when the stack has an interface endpoint to Datadog's PrivateLink service
for the site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine import variable_names as ev
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.notes import Note, note

ROUTE_TABLE_ASSOCIATION = "AWS::EC2::SubnetRouteTableAssociation"
ROUTE = "AWS::EC2::Route"
INTERNET_GATEWAY = "AWS::EC2::InternetGateway"
VPC_ENDPOINT = "AWS::EC2::VPCEndpoint"
NETWORK_TYPES = frozenset({ROUTE_TABLE_ASSOCIATION, ROUTE, INTERNET_GATEWAY, VPC_ENDPOINT})
#: route targets through which a subnet reaches beyond the VPC (GatewayId apart: it may name
#: an internet gateway, which does not serve Lambda, or a virtual private gateway, which may)
_EGRESS_TARGETS = (
    "NatGatewayId",
    "TransitGatewayId",
    "InstanceId",
    "NetworkInterfaceId",
    "VpcEndpointId",
    "CoreNetworkArn",
    "LocalGatewayId",
    "CarrierGatewayId",
    "EgressOnlyInternetGatewayId",
)
_DEFAULT_ROUTES = (("DestinationCidrBlock", "0.0.0.0/0"), ("DestinationIpv6CidrBlock", "::/0"))
PROXY_VARIABLES = (ev.DD_PROXY_HTTPS, "HTTPS_PROXY")


@dataclass
class Network:
    """The stack's subnets' route tables, their default routes, and its VPC endpoints."""

    #: subnet logical id -> route table logical ids associated with it
    tables: dict[str, set[str]] = field(default_factory=dict)
    #: route table logical id -> whether a default route leads out
    egress: dict[str, bool] = field(default_factory=dict)
    #: ServiceName of every VPC endpoint, as text
    endpoints: list[str] = field(default_factory=list)


def index_network(resources: Mapping[str, Any]) -> Network:
    network = Network()
    gateways = {lid for lid, r in resources.items() if cfn.type_of(r) == INTERNET_GATEWAY}
    for resource in resources.values():
        kind = cfn.type_of(resource)
        properties = cfn.properties_of(resource)
        if kind == ROUTE_TABLE_ASSOCIATION:
            subnet = cfn.referenced_id(properties.get("SubnetId"))
            table = cfn.referenced_id(properties.get("RouteTableId"))
            if subnet is not None and table is not None:
                network.tables.setdefault(subnet, set()).add(table)
                network.egress.setdefault(table, False)
        elif kind == ROUTE:
            table = cfn.referenced_id(properties.get("RouteTableId"))
            if table is not None and _is_default(properties):
                network.egress[table] = network.egress.get(table, False) or _leads_out(
                    properties, gateways
                )
        elif kind == VPC_ENDPOINT:
            name = properties.get("ServiceName")
            network.endpoints.append(name if isinstance(name, str) else cfn.canonical(name))
    return network


def _is_default(route: Mapping[str, Any]) -> bool:
    return any(route.get(key) == value for key, value in _DEFAULT_ROUTES)


def _leads_out(route: Mapping[str, Any], internet_gateways: set[str]) -> bool:
    if any(route.get(target) is not None for target in _EGRESS_TARGETS):
        return True
    gateway = route.get("GatewayId")
    if gateway is None:
        return False  # a VPC peering connection: not transitive, no way out
    return cfn.referenced_id(gateway) not in internet_gateways


def _subnets(properties: Mapping[str, Any]) -> list[Any]:
    config = properties.get("VpcConfig")
    subnets = config.get("SubnetIds") if isinstance(config, Mapping) else None
    return subnets if isinstance(subnets, list) else []


def uses_vpc(resources: Mapping[str, Any]) -> bool:
    """Whether any function of the stack is attached to subnets (the network is indexed then)."""
    return any(
        cfn.type_of(r) in cfn.FUNCTION_TYPES and _subnets(cfn.properties_of(r))
        for r in resources.values()
    )


def _has_privatelink(site: str, endpoints: list[str]) -> bool:
    link = load_catalog().privatelink.get(site)
    if link is None or not endpoints:
        return False
    services = link.get("services")
    if services:
        ids = {service.rsplit(".", 1)[-1] for service in services}
        return any(any(service_id in name for service_id in ids) for name in endpoints)
    prefix = f"com.amazonaws.vpce.{link['region']}.vpce-svc-"
    return any(prefix in name for name in endpoints)


def _remedies(site: str) -> str:
    link = load_catalog().privatelink.get(site)
    if link is None:
        return f"a NAT gateway or a proxy (DD_PROXY_HTTPS); Datadog has no PrivateLink for {site}"
    return (
        f"a NAT gateway, Datadog's PrivateLink endpoints for {site} (services in "
        f"{link['region']}), or a proxy (DD_PROXY_HTTPS)"
    )


def egress_note(
    properties: Mapping[str, Any],
    environment: Mapping[str, Any],
    site: str,
    network: Network,
) -> Note | None:
    """A warning when the function needs to call Datadog (`environment`: its variables once
    instrumented; `site` where they set no DD_SITE) from subnets of the stack that have no
    route out."""
    if str(environment.get(ev.DD_FLUSH_TO_LOG, "")).lower() == "true":
        return None
    if any(environment.get(name) for name in PROXY_VARIABLES):
        return None
    own_site = environment.get(ev.DD_SITE)
    site = own_site if isinstance(own_site, str) and "${" not in own_site else site
    closed = []
    for subnet in _subnets(properties):
        subnet_id = cfn.referenced_id(subnet)
        tables = network.tables.get(subnet_id) if subnet_id is not None else None
        if tables and not any(network.egress.get(table) for table in tables):
            closed.append(subnet_id)
    if not closed or _has_privatelink(site.lower(), network.endpoints):
        return None
    return note(
        nk.NETWORK_NO_EGRESS,
        subnets=", ".join(sorted(closed)),
        site=site,
        remedies=_remedies(site.lower()),
    )
