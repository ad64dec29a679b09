"""SQLite cache of model output per (commit, model file, prompt version, rules digest)."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from analyzer.paths import cache_dir

CACHE_FILE = "model-output.sqlite3"
BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another process's lock before failing."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS model_output (
    commit_sha     TEXT NOT NULL,
    model_sha256   TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    rules_digest   TEXT NOT NULL,
    fields         TEXT NOT NULL,
    coverage       TEXT NOT NULL,
    created_at     REAL NOT NULL,
    timed_out_after REAL,
    PRIMARY KEY (commit_sha, model_sha256, prompt_version, rules_digest)
)
"""


@dataclass(frozen=True, slots=True)
class CacheKey:
    commit_sha: str
    model_sha256: str
    prompt_version: str
    rules_digest: str


@dataclass(frozen=True, slots=True)
class CachedOutput:
    """Model-written fields that passed validation (failed ones are absent) and the coverage line."""

    fields: dict[str, object]
    coverage: str
    timed_out_after: float | None = None
    """Call limit in seconds that a call for this commit ran into; None when every call finished."""


class ModelCache:
    """The cache file; safe for several processes at once through WAL mode and a busy timeout."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / CACHE_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self._connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._initialise()

    def _initialise(self) -> None:
        # Two processes opening a new cache file at once can get "database is
        # locked" from the WAL switch or the table creation, which SQLite does
        # not always route through the busy handler, so those steps retry.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._connection.execute("PRAGMA journal_mode = WAL")
                self._connection.execute("PRAGMA synchronous = NORMAL")
                self._connection.execute(_SCHEMA)
                self._add_missing_columns()
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _add_missing_columns(self) -> None:
        columns = {row[1] for row in self._connection.execute("PRAGMA table_info(model_output)")}
        if "timed_out_after" in columns:
            return
        # Cache files written before timeouts were kept lack the column.
        try:
            self._connection.execute("ALTER TABLE model_output ADD COLUMN timed_out_after REAL")
        except sqlite3.OperationalError as error:
            # Another process added it between the check and the ALTER.
            if "duplicate column" not in str(error):
                raise

    def get(self, key: CacheKey) -> CachedOutput | None:
        row = self._connection.execute(
            "SELECT fields, coverage, timed_out_after FROM model_output"
            " WHERE commit_sha = ? AND model_sha256 = ? AND prompt_version = ? AND rules_digest = ?",
            (key.commit_sha, key.model_sha256, key.prompt_version, key.rules_digest),
        ).fetchone()
        if row is None:
            return None
        return CachedOutput(fields=json.loads(row[0]), coverage=row[1], timed_out_after=row[2])

    def put(self, key: CacheKey, output: CachedOutput) -> None:
        self._connection.execute(
            "INSERT OR REPLACE INTO model_output"
            " (commit_sha, model_sha256, prompt_version, rules_digest, fields, coverage, created_at, timed_out_after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key.commit_sha,
                key.model_sha256,
                key.prompt_version,
                key.rules_digest,
                json.dumps(output.fields, ensure_ascii=False),
                output.coverage,
                time.time(),
                output.timed_out_after,
            ),
        )

    def count(self) -> int:
        return self._connection.execute("SELECT COUNT(*) FROM model_output").fetchone()[0]

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> ModelCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
