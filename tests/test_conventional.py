"""Conventional-commit parsing."""

from __future__ import annotations

import pytest

from analyzer.conventional import parse_conventional


@pytest.mark.parametrize(
    ("subject", "kind", "scope", "breaking", "description"),
    [
        ("feat: add x", "feat", None, False, "add x"),
        ("fix(router): keep order", "fix", "router", False, "keep order"),
        ("feat(api)!: drop v1", "feat", "api", True, "drop v1"),
        ("refactor!: rename", "refactor", None, True, "rename"),
        ("Docs: typo", "docs", None, False, "typo"),
        ("feature: alias", "feat", None, False, "alias"),
        ("Update README", None, None, False, "Update README"),
        ("t0000: fix flaky helper", None, None, False, "t0000: fix flaky helper"),
        ("feat:", None, None, False, "feat:"),
    ],
)
def test_header(subject: str, kind: str | None, scope: str | None, breaking: bool, description: str) -> None:
    parsed = parse_conventional(subject)
    assert parsed.type == kind
    assert parsed.scope == scope
    assert parsed.breaking is breaking
    assert parsed.description == description


@pytest.mark.parametrize("footer", ["BREAKING CHANGE: config moved", "BREAKING-CHANGE: config moved"])
def test_breaking_footer(footer: str) -> None:
    assert parse_conventional("fix: x", f"Some body.\n\n{footer}").breaking


def test_breaking_footer_mid_line_ignored() -> None:
    assert not parse_conventional("fix: x", "mentions BREAKING CHANGE: inline").breaking


def test_git_revert() -> None:
    parsed = parse_conventional('Revert "feat: add x"', "This reverts commit abc.")
    assert parsed.revert
    assert parsed.type == "revert"
    assert parsed.reverted_subject == "feat: add x"


def test_revert_type() -> None:
    parsed = parse_conventional("revert: feat: add x")
    assert parsed.revert
    assert parsed.description == "feat: add x"
