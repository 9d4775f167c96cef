"""Git commit and repository for Datadog's source code integration.

The only place that runs git. Credentials in a remote URL (`https://user:token@host/...`)
are stripped before the URL can reach a template.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from cdk_datadog.engine.config import GitMetadata


def sanitize_remote(url: str) -> str:
    """The remote URL without user, password or token, normalised for GitHub and GitLab."""
    url = url.strip()
    if url.startswith("git@"):
        host, _, path = url[4:].partition(":")
        return f"{host}/{path}"
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return url
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit((parts.scheme, host, parts.path, "", ""))
    for known in ("github.com", "gitlab.com"):
        prefix = f"https://{known}/"
        if clean.startswith(prefix):
            return f"{known}/{clean[len(prefix) :]}"
    return clean


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def read_git_metadata(
    cwd: Path, commit_override: str | None = None, url_override: str | None = None
) -> GitMetadata | None:
    """Commit and remote of the repository at `cwd`, or None outside a repository."""
    commit = commit_override or _git(["rev-parse", "HEAD"], cwd)
    url = url_override or _git(["config", "--get", "remote.origin.url"], cwd)
    if not commit or not url:
        return None
    return GitMetadata(commit_sha=commit, repository_url=sanitize_remote(url))
