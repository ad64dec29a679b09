"""Rule files: loading `rules/*.toml` and per-repository overrides into typed structures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(slots=True)
class RuleSet:
    """All rules in force for one repository."""

    digest: str
    """sha256 of the merged rule data; part of the analysis cache key."""


def load_rules(repo_root: Path | None = None, extra: Path | None = None) -> RuleSet:
    """Load the default rules, then merge `.analyzer/rules.toml` of `repo_root` and `extra` over them."""
    # NOTE: placeholder until the rules engine lands.
    return RuleSet(digest=hashlib.sha256(b"placeholder").hexdigest())
