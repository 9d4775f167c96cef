"""Packaging for cdk-datadog.

Runtime dependencies are ranges (a library must not pin its users); the `dev` extra pins
exactly what CI installs so that a green run is reproducible. Each range's lower bound is
tested: tests/install installs every declared floor (and the `dev` pins) into clean virtual
environments and synthesizes the README's app there. aws-cdk-lib 2.172.0 is the first release
with aspect priorities (`Aspects.of(x).add(aspect, priority=...)`), which the construct needs to
run after the user's own aspects; constructs 10.0.0 is what aws-cdk-lib 2.172.0 accepts.
"""

import re
from pathlib import Path

from setuptools import find_packages, setup

#: the version is defined once, in cdk_datadog/__init__.py (read here without importing the
#: package, whose dependencies are not installed yet); tests/test_release.py checks that the
#: npm packages and the changelog carry the same
VERSION = re.search(
    r'^__version__ = "([^"]+)"$',
    Path(__file__).with_name("cdk_datadog").joinpath("__init__.py").read_text(encoding="utf-8"),
    re.MULTILINE,
).group(1)

setup(
    name="cdk-datadog",
    version=VERSION,
    description=(
        "Instrument every AWS Lambda function of a CDK app, or of a CloudFormation / SAM / "
        "Serverless template, for Datadog at definition time."
    ),
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license_expression="Apache-2.0",
    license_files=["LICENSE"],
    python_requires=">=3.11",
    packages=find_packages(include=["cdk_datadog", "cdk_datadog.*"]),
    package_data={"cdk_datadog": ["py.typed", "data/*.yaml", "cdk/_jsii/*.jsii.tgz"]},
    install_requires=[
        "PyYAML>=6.0",
        "cfn-flip>=1.3.0",
        "rich>=13",
        "orjson>=3.9",
    ],
    extras_require={
        "cdk": [
            "aws-cdk-lib>=2.172.0,<3",
            "constructs>=10.0.0,<11",
        ],
        "dev": [
            "aws-cdk-lib==2.275.0",
            "constructs==10.8.1",
            "cfn-flip==1.3.0",
            "PyYAML==6.0.4",
            "cfn-lint==1.58.0",
            "cdk-nag==3.0.2",
            # Datadog::Monitors::Monitor as a typed L1, generated from its published schema: the
            # tests check the monitor properties cdk-datadog writes against it
            "cdk-cloudformation-datadog-monitors-monitor==4.12.0a7",
            "rich==15.0.0",
            "orjson==3.13.0",
            "datadog-cdk-constructs-v2==5.3.0",
            "datadog-lambda==8.130.0",
            "pytest==9.2.0",
            "pytest-xdist==3.8.0",
            "hypothesis==6.155.2",
            "ruff==0.17.6",
            "build==1.6.1",
            "setuptools==84.2.1",
            "twine==7.0.0",
            # the documentation site (docs/, mkdocs.yml): `mkdocs build --strict`
            "mkdocs==1.6.1",
            "mkdocs-material==9.8.2",
            "mkdocstrings[python]==1.0.8",
            "mkdocstrings-python==2.0.11",
        ],
    },
    entry_points={"console_scripts": ["cdk-datadog=cdk_datadog.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.11",
        "Framework :: AWS CDK :: 2",
        "Typing :: Typed",
    ],
)
