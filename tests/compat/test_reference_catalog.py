"""Our runtime catalog and default layer versions cover the reference's, so that bumping
datadog-cdk-constructs-v2 (a dev dependency) tells us what to add to data/datadog.yaml.

The reference's data is read from the JavaScript inside its packaged jsii tarball (no Node):
`lib/layer-runtime-catalog.js` (runtime -> family, layer names) and `lib/layer-versions.js`
(`DatadogDefaultLayerVersions`). Where the reference is known to be wrong, the test says so
instead of copying the defect.
"""

from __future__ import annotations

import functools
import json
import re
import tarfile
from pathlib import Path

import pytest

from cdk_datadog.engine.catalog import load_catalog

reference = pytest.importorskip("datadog_cdk_constructs_v2")

#: runtimes the reference lists that Datadog no longer publishes current layers for: AWS
#: deprecated them, and serverless-plugin-datadog's published layer table stops at old
#: versions (Datadog-Python37:85, Datadog-Node16-x:120, no Datadog-Node14-x at all), so the
#: reference's default versions (python 128, node 143) name layer versions that do not exist
RETIRED = {
    "python3.7": "last published as Datadog-Python37:85",
    "nodejs14.x": "no longer published",
    "nodejs16.x": "last published as Datadog-Node16-x:120",
}
#: the reference's family names -> ours
FAMILIES = {
    "PYTHON": "python",
    "NODE": "node",
    "JAVA": "java",
    "DOTNET": "dotnet",
    "RUBY": "ruby",
    "CUSTOM": "custom",
}
#: the reference's DatadogDefaultLayerVersions members -> our default_layer_versions keys
VERSION_KEYS = {
    "PYTHON": "python",
    "NODE": "node",
    "JAVA": "java",
    "DOTNET": "dotnet",
    "RUBY": "ruby",
    "EXTENSION": "extension",
}


def _tarball() -> Path:
    folder = Path(reference.__file__).parent / "_jsii"
    (tarball,) = folder.glob("datadog-cdk-constructs-v2@*.jsii.tgz")
    return tarball


def _member(name: str) -> str:
    with tarfile.open(_tarball()) as archive:
        member = archive.extractfile(f"package/lib/{name}")
        assert member is not None, f"{name} is missing from {_tarball().name}"
        return member.read().decode("utf-8")


def _js_array_to_python(source: str, variable: str) -> list[dict]:
    """The array literal assigned to `exports.<variable>`, as Python data.

    The generated file holds plain object literals with identifier keys and string values; it
    is turned into JSON by quoting the keys and dropping trailing commas.
    """
    source = re.sub(r"//# sourceMappingURL=.*", "", source)
    match = re.search(rf"exports\.{variable}\s*=\s*(\[.*?\]);", source, re.DOTALL)
    assert match, f"no `exports.{variable} = [...]` in the reference's catalog"
    text = re.sub(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:", r'\1"\2":', match.group(1))
    text = re.sub(r",\s*([}\]])", r"\1", text)
    return json.loads(text)


@functools.lru_cache(maxsize=1)
def _reference_catalog() -> dict[str, dict]:
    """runtime -> {"family", "layers"}, the Ruby layer rows put back under their runtime."""
    rows = _js_array_to_python(_member("layer-runtime-catalog.js"), "layerRuntimeCatalog")
    catalog = {row["runtime"]: dict(row) for row in rows if "runtimeType" in row}
    for row in rows:
        if "runtimeType" in row:
            continue
        # The reference keys Ruby's layer names "ruby33" while Lambda's runtime is "ruby3.3"
        # (and its lookup uses the runtime), so it attaches no Ruby layer at all; see
        # test_reference_parity.py. The names themselves are right: compare under the runtime.
        digits = re.fullmatch(r"ruby(\d)(\d+)", row["runtime"])
        assert digits, f"unexpected row without a runtime type: {row}"
        runtime = f"ruby{digits.group(1)}.{digits.group(2)}"
        assert runtime in catalog and "layerNames" not in catalog[runtime], row
        catalog[runtime]["layerNames"] = row["layerNames"]
    return catalog


def _reference_default_versions() -> dict[str, int]:
    source = _member("layer-versions.js")
    found = dict(re.findall(r"static\s+([A-Z]+)\s*=\s*(\d+)\s*;", source))
    assert found, "no `static NAME = version;` in the reference's layer-versions.js"
    return {name: int(version) for name, version in found.items()}


def test_the_reference_catalog_is_read_at_all():
    catalog = _reference_catalog()
    assert catalog["python3.12"]["layerNames"]["arm64"] == "Datadog-Python312-ARM"
    assert catalog["ruby3.3"]["layerNames"]["x86_64"] == "Datadog-Ruby3-3"
    assert _reference_default_versions()["EXTENSION"] > 0


@pytest.mark.parametrize("runtime", sorted(set(_reference_catalog()) - set(RETIRED)))
def test_every_runtime_of_the_reference_is_in_our_catalog_with_the_same_layers(runtime):
    theirs = _reference_catalog()[runtime]
    family = FAMILIES[theirs["runtimeType"]]
    layers = theirs.get("layerNames", {})
    wanted = (
        f"  {runtime}: {{family: {family}"
        + (f", layers: {{x86_64: {layers['x86_64']}, arm64: {layers['arm64']}}}" if layers else "")
        + "}"
    )
    ours = load_catalog().runtime(runtime)
    assert ours is not None, f"add to `runtimes:` in cdk_datadog/data/datadog.yaml:\n{wanted}"
    assert (ours.family, dict(ours.layers)) == (family, layers), (
        f"change the entry in cdk_datadog/data/datadog.yaml to:\n{wanted}"
    )


@pytest.mark.parametrize("runtime", sorted(RETIRED))
def test_retired_runtimes_stay_out_on_purpose(runtime):
    assert runtime in _reference_catalog(), f"the reference dropped {runtime}: drop it from RETIRED"
    assert load_catalog().runtime(runtime) is None, RETIRED[runtime]


@pytest.mark.parametrize("member", sorted(VERSION_KEYS))
def test_our_default_layer_versions_are_at_least_the_references(member):
    theirs = _reference_default_versions()[member]
    key = VERSION_KEYS[member]
    ours = load_catalog().default_layer_versions[key]
    assert ours >= theirs, (
        f"the reference ships {key} layer version {theirs}: set `default_layer_versions: "
        f"{key}: {theirs}` in cdk_datadog/data/datadog.yaml"
    )


def test_every_default_version_of_the_reference_has_a_key_here():
    assert set(_reference_default_versions()) <= set(VERSION_KEYS), (
        "the reference has a new default layer version; map it in VERSION_KEYS and add it to "
        "`default_layer_versions` in cdk_datadog/data/datadog.yaml"
    )
