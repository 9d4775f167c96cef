"""Source code integration: the remote URL that reaches a template carries no credentials."""

import subprocess

import pytest

from cdk_datadog.git_metadata import read_git_metadata, sanitize_remote


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("https://user:token@github.com/acme/shop.git", "github.com/acme/shop.git"),
        ("https://x-access-token:ghs_abc@github.com/acme/shop", "github.com/acme/shop"),
        (
            "https://oauth2:glpat-xyz@gitlab.com/acme/shop.git",
            "gitlab.com/acme/shop.git",
        ),
        (
            "https://token@git.example.com:8443/acme/shop.git",
            "https://git.example.com:8443/acme/shop.git",
        ),
        ("git@github.com:acme/shop.git", "github.com/acme/shop.git"),
        (
            "https://github.com/acme/shop.git?private_token=abc",
            "github.com/acme/shop.git",
        ),
    ],
)
def test_credentials_are_stripped_from_the_remote_url(remote, expected):
    assert sanitize_remote(remote) == expected


def test_metadata_is_read_from_the_repository_with_the_remote_sanitized(tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("remote", "add", "origin", "https://bot:s3cr3t@github.com/acme/shop.git")
    (tmp_path / "f").write_text("x")
    git("add", "f")
    git("-c", "user.email=a@b.c", "-c", "user.name=a", "commit", "-qm", "init")

    metadata = read_git_metadata(tmp_path)

    assert metadata is not None
    assert len(metadata.commit_sha) == 40
    assert metadata.repository_url == "github.com/acme/shop.git"
    assert "s3cr3t" not in repr(metadata)


def test_no_metadata_outside_a_repository(tmp_path):
    assert read_git_metadata(tmp_path) is None
