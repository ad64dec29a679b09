"""JSON renderer: the same content as the Markdown report, for machines (schema in docs/json-schema.md)."""

from __future__ import annotations

import json
from dataclasses import asdict
from zoneinfo import ZoneInfo

from analyzer.pipeline import AnalyzedCommit, RepositoryAnalysis
from analyzer.report.document import Report

SCHEMA_VERSION = 1


def report_to_dict(report: Report) -> dict[str, object]:
    """Return the report as plain JSON-ready data."""
    zone = ZoneInfo(report.timezone)
    return {
        "schema_version": SCHEMA_VERSION,
        "date": report.label,
        "single_day": report.single_day,
        "timezone": report.timezone,
        "since": report.since.astimezone(zone).isoformat() if report.since else None,
        "until": report.until.astimezone(zone).isoformat() if report.until else None,
        "generated_at": report.generated_at.astimezone(zone).isoformat(timespec="seconds"),
        "model": asdict(report.model) if report.model is not None else None,
        "repositories": [_repository(analysis, zone) for analysis in report.repositories],
    }


def render_json(report: Report) -> str:
    """Render `report` as indented JSON text."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


def _repository(analysis: RepositoryAnalysis, zone: ZoneInfo) -> dict[str, object]:
    repository = analysis.repository
    return {
        "name": repository.name,
        "path": str(repository.path),
        "remote_url": repository.remote_url,
        "shallow_boundary": analysis.shallow_boundary,
        "commits": [_commit(item, analysis, zone) for item in analysis.commits],
    }


def _commit(item: AnalyzedCommit, analysis: RepositoryAnalysis, zone: ZoneInfo) -> dict[str, object]:
    commit = item.commit
    return {
        "sha": commit.sha,
        "short_sha": commit.short_sha,
        "url": analysis.repository.commit_url(commit.sha),
        "subject": commit.subject,
        "body": commit.body,
        "author": commit.author_name,
        "time": commit.committer_time.astimezone(zone).isoformat(),
        "parents": list(commit.parents),
        "importance": item.rating.importance.value,
        "change_type": item.rating.change_type,
        "score": item.rating.score,
        "components": list(item.facts.components),
        "categories": list(item.facts.categories),
        "files": [
            {
                "path": change.path,
                "old_path": change.old_path,
                "status": change.status,
                "added": change.added,
                "removed": change.removed,
                "binary": change.binary,
            }
            for change in commit.files
        ],
        "rules": [rule.name for rule in item.rating.fired],
        "findings": [
            {"kind": hit.kind, "path": hit.path, "line": hit.line, "detail": hit.detail} for hit in item.facts.hits
        ],
        "sections": item.sections.to_dict(),
        "written_by": dict(item.written_by),
        "coverage": item.coverage,
    }
