"""Deterministic writer: Chinese text for every section from facts alone.

Every sentence comes from a template in `rules/text.zh.toml` and is chosen by
a fact, so the text is true of the commit: a statement such as
"未发现与安全相关的变更" appears only when no security detector fired and no
security-sensitive path changed. Commit text (subject, paths, detector details)
is redacted and paths are wrapped in code spans; Markdown escaping of the rest
is the report renderer's job.
"""

from __future__ import annotations

from typing import Any

from analyzer.commit import Commit
from analyzer.components import ROOT_COMPONENT
from analyzer.facts import CommitFacts, DetectorHit
from analyzer.rating import Rating
from analyzer.redact import code_span, redact
from analyzer.report.escape import isolate_backticks
from analyzer.rules import RuleSet
from analyzer.sections import Sections

# How many paths or names a sentence lists before "等 N 项".
MAX_LISTED = 5
# Detector kinds that 安全考虑 reports.
SECURITY_KINDS = ("secret", "privilege", "network-exposure", "ci-change")
# Path categories whose changes get a suggestion of their own.
CATEGORY_SUGGESTIONS = ("deploy", "public_api", "routing", "ci")


class _Text:
    """Template lookup in the rule set's `text` table."""

    def __init__(self, rules: RuleSet) -> None:
        self.table: dict[str, Any] = rules.text

    def get(self, section: str, key: str, **values: object) -> str:
        template = self.table.get(section, {}).get(key)
        if template is None:
            # NOTE: a repository's [text] override may drop a template; the key keeps the gap visible.
            return f"{section}.{key}"
        return str(template).format(**values)

    def listing(self, items: list[str], limit: int = MAX_LISTED) -> str:
        listed = items[:limit]
        text = str(self.table.get("list_separator", "、")).join(listed)
        if len(items) > limit:
            text += str(self.table.get("more_items", "等 {count} 项")).format(count=len(items))
        return text


def _paths(paths: list[str], text: _Text, limit: int = MAX_LISTED) -> str:
    return text.listing([code_span(path) for path in paths], limit)


def _component_names(facts: CommitFacts, text: _Text) -> list[str]:
    root = str(text.table.get("root_component", "根目录"))
    return [root if name == ROOT_COMPONENT else code_span(name) for name in facts.components]


def _label(rules: RuleSet, category: str) -> str:
    found = rules.categories.get(category)
    return found.label if found is not None else category


def _summary(commit: Commit, facts: CommitFacts, rating: Rating, rules: RuleSet, text: _Text) -> str:
    description = isolate_backticks(redact(facts.conventional.description or commit.subject))
    parts = [text.get("summary", "header", change_type=rating.change_type, description=description.rstrip("。."))]
    if facts.merge:
        parts.append(text.get("summary", "merge"))
    if facts.conventional.reverted_subject:
        parts.append(text.get("summary", "revert_of", subject=isolate_backticks(redact(facts.conventional.reverted_subject))))
    if facts.conventional.breaking:
        parts.append(text.get("summary", "breaking"))
    if not facts.paths:
        parts.append(text.get("summary", "empty"))
        return "".join(parts)

    parts.append(text.get("summary", "size", files=len(facts.paths), added=facts.lines_added,
                          removed=facts.lines_removed))
    if facts.binary_files:
        parts.append(text.get("summary", "size_binary", count=facts.binary_files))
    if facts.files_added or facts.files_deleted or facts.files_renamed:
        parts.append(text.get("summary", "file_status", added=facts.files_added, deleted=facts.files_deleted,
                              renamed=facts.files_renamed))
    labels = [_label(rules, name) for name in facts.category_files]
    if labels:
        parts.append(text.get("summary", "categories", categories=text.listing(labels, limit=len(labels))))
    parts.append(text.get("summary", "files", files=_paths(facts.paths, text)))
    return "".join(parts)


def _scope(facts: CommitFacts, rules: RuleSet, text: _Text) -> str:
    if not facts.paths:
        return ""
    parts = [text.get("scope", "components", components=text.listing(_component_names(facts, text)))]
    for name, files in facts.category_files.items():
        parts.append(text.get("scope", "category", label=_label(rules, name), files=_paths(files, text, limit=3)))
    return "".join(parts)


def _architecture(facts: CommitFacts, text: _Text) -> str:
    parts: list[str] = []
    for category in ("public_api", "deploy", "routing"):
        files = facts.category_files.get(category)
        if files:
            parts.append(text.get("architecture", category, files=_paths(files, text, limit=3)))
    if facts.conventional.breaking:
        parts.append(text.get("architecture", "breaking"))
    if len(facts.components) >= 3:
        parts.append(text.get("architecture", "many_components", count=len(facts.components),
                              components=text.listing(_component_names(facts, text))))
    return "".join(parts) or text.get("architecture", "none")


def _performance(facts: CommitFacts, text: _Text) -> str:
    parts: list[str] = []
    if facts.conventional.type == "perf":
        parts.append(text.get("performance", "perf_type"))
    for category in ("routing", "containers"):
        files = facts.category_files.get(category)
        if files:
            parts.append(text.get("performance", category, files=_paths(files, text, limit=3)))
    return "".join(parts) or text.get("performance", "none")


def _location(hit: DetectorHit) -> str:
    return code_span(hit.path if hit.line is None else f"{hit.path}:{hit.line}")


def _security(facts: CommitFacts, text: _Text) -> str:
    parts = [text.get("security", "hit", detail=hit.detail, location=_location(hit))
             for hit in facts.hits if hit.kind in SECURITY_KINDS][:MAX_LISTED]
    files = facts.category_files.get("security")
    if files:
        parts.append(text.get("security", "paths", files=_paths(files, text, limit=3)))
    return "".join(parts) or text.get("security", "none")


def _maintainability(facts: CommitFacts, text: _Text) -> str:
    parts: list[str] = []
    tests = facts.category_files.get("tests", [])
    if tests:
        parts.append(text.get("maintainability", "tests_changed", count=len(tests)))
    elif facts.code_paths:
        parts.append(text.get("maintainability", "no_tests", count=len(facts.code_paths)))
    docs = facts.category_files.get("docs", [])
    if docs and len(docs) < len(facts.paths):
        parts.append(text.get("maintainability", "docs_changed", count=len(docs)))
    if facts.files_deleted:
        parts.append(text.get("maintainability", "deleted", count=facts.files_deleted))
    generated = facts.category_files.get("generated", [])
    if generated:
        parts.append(text.get("maintainability", "generated", count=len(generated)))
    if facts.lines_changed >= 300:
        parts.append(text.get("maintainability", "large", lines=facts.lines_changed))
    return "".join(parts) or text.get("maintainability", "plain")


def _risks(facts: CommitFacts, text: _Text) -> list[str]:
    """Write one risk per detector kind, naming up to three of its findings."""
    risks: list[str] = []
    by_kind: dict[str, list[DetectorHit]] = {}
    for hit in facts.hits:
        by_kind.setdefault(hit.kind, []).append(hit)
    for kind, hits in by_kind.items():
        details = text.listing([hit.detail for hit in hits], limit=3)
        paths = text.listing(sorted({code_span(hit.path) for hit in hits}), limit=3)
        risks.append(text.get("risks", kind, detail=details, path=paths))
    return risks


def _suggestions(facts: CommitFacts, text: _Text) -> list[str]:
    suggestions = [text.get("suggestions", kind) for kind in dict.fromkeys(hit.kind for hit in facts.hits)]
    for category in CATEGORY_SUGGESTIONS:
        if category in facts.categories:
            suggestions.append(text.get("suggestions", category))
    if facts.conventional.breaking:
        suggestions.append(text.get("suggestions", "breaking"))
    return suggestions or [text.get("suggestions", "default")]


def write_sections(commit: Commit, facts: CommitFacts, rating: Rating, rules: RuleSet) -> Sections:
    """Write every section of `commit` from its facts, so a report is complete without a model."""
    text = _Text(rules)
    return Sections(
        summary=_summary(commit, facts, rating, rules, text),
        scope=_scope(facts, rules, text),
        architecture=_architecture(facts, text),
        performance=_performance(facts, text),
        security=_security(facts, text),
        maintainability=_maintainability(facts, text),
        risks=_risks(facts, text),
        suggestions=_suggestions(facts, text),
    )
