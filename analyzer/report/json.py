"""JSON renderer: the same content as the Markdown report, for machines (schema in docs/json-schema.md)."""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from typing import TextIO
from zoneinfo import ZoneInfo

from analyzer.pipeline import AnalyzedCommit, RepositoryAnalysis
from analyzer.report.document import Report

SCHEMA_VERSION = 1


def render_json(report: Report) -> str:
    """Render `report` as indented JSON text."""
    buffer = io.StringIO()
    write_json(report, buffer)
    return buffer.getvalue()


def write_json(report: Report, stream: TextIO) -> None:
    """Write `report` to `stream` as indented JSON, a commit at a time.

    The text is the same as `json.dumps(..., indent=2)` of the whole report
    would give, but only one commit is in memory at a time.
    """
    zone = ZoneInfo(report.timezone)
    fields: dict[str, object] = {
        "schema_version": SCHEMA_VERSION,
        "date": report.label,
        "single_day": report.single_day,
        "timezone": report.timezone,
        "since": report.since.astimezone(zone).isoformat() if report.since else None,
        "until": report.until.astimezone(zone).isoformat() if report.until else None,
        "generated_at": report.generated_at.astimezone(zone).isoformat(timespec="seconds"),
        "model": asdict(report.model) if report.model is not None else None,
    }
    stream.write("{\n")
    _write_fields(stream, fields, depth=1)
    stream.write('  "repositories": ')
    if not report.repositories:
        stream.write("[]")
    else:
        stream.write("[\n")
        for number, analysis in enumerate(report.repositories):
            if number:
                stream.write(",\n")
            _write_repository(stream, analysis, zone)
        stream.write("\n  ]")
    stream.write("\n}\n")


def _dump(value: object, depth: int) -> str:
    """Return `value` as indented JSON whose lines after the first start at nesting `depth` (2 spaces a level)."""
    # JSON strings never hold a raw newline, so every newline is a line break to indent.
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


def _write_fields(stream: TextIO, fields: dict[str, object], depth: int) -> None:
    """Write `fields` as members of an object at `depth`, each with a comma, because a member follows."""
    indent = "  " * depth
    for key, value in fields.items():
        stream.write(f"{indent}{_dump(key, depth)}: {_dump(value, depth)},\n")


def _write_repository(stream: TextIO, analysis: RepositoryAnalysis, zone: ZoneInfo) -> None:
    """Write one repository object, an item of the top-level `repositories` array."""
    repository = analysis.repository
    fields: dict[str, object] = {
        "name": repository.name,
        "path": str(repository.path),
        "remote_url": repository.remote_url,
        "shallow_boundary": analysis.shallow_boundary,
    }
    stream.write("    {\n")
    _write_fields(stream, fields, depth=3)
    stream.write('      "commits": ')
    if not analysis.commits:
        stream.write("[]")
    else:
        stream.write("[\n")
        for number, item in enumerate(analysis.commits):
            if number:
                stream.write(",\n")
            stream.write("        " + _dump(_commit(item, analysis, zone), depth=4))
        stream.write("\n      ]")
    stream.write("\n    }")


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
                "patch_omitted": change.patch_omitted,
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
