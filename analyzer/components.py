"""Component map: which part of the repository each path belongs to, for 影响范围."""

from __future__ import annotations

from pathlib import PurePosixPath

from analyzer.rules import RuleSet, normalise_path

ROOT_COMPONENT = "."
"""Component of files at the repository root; the writer shows it as 根目录."""


def component_of(path: str, rules: RuleSet) -> str:
    """Return the component of `path`: the longest mapped prefix, else its first two folder levels."""
    path = normalise_path(path)
    best = ""
    for prefix in rules.components:
        if (path == prefix or path.startswith(prefix + "/")) and len(prefix) > len(best):
            best = prefix
    if best:
        return rules.components[best]

    folders = PurePosixPath(path).parent.parts
    if not folders:
        return ROOT_COMPONENT
    return "/".join(folders[:2])


def components_of(paths: list[str], rules: RuleSet) -> list[str]:
    """Return the distinct components of `paths`, ordered by how many files each has (most first)."""
    counts: dict[str, int] = {}
    for path in paths:
        component = component_of(path, rules)
        counts[component] = counts.get(component, 0) + 1
    return sorted(counts, key=lambda name: (-counts[name], name))
