from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo

# Tests never write into the user's data and cache folders: the embedded model
# is assembled, and the analysis cache written, under one temporary folder per
# test session. Subprocesses started by tests inherit these variables.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="analyzer-tests-"))
os.environ["XDG_DATA_HOME"] = str(_SESSION_HOME / "data")
os.environ["XDG_CACHE_HOME"] = str(_SESSION_HOME / "cache")
os.environ.pop("ANALYZER_MODEL", None)
os.environ.pop("ANALYZER_MODELS_DIR", None)
atexit.register(shutil.rmtree, _SESSION_HOME, ignore_errors=True)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """An empty git repository with branch `main` in a temporary folder."""
    return GitRepo(tmp_path / "repo")
