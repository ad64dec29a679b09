"""Locations of the project's data folders and the user's XDG folders."""

from __future__ import annotations

import os
from pathlib import Path

# The package is installed in editable mode (`pip install -e .`), so the data
# folders sit beside it at the repository root.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

RULES_DIR = PROJECT_ROOT / "rules"
PROMPTS_DIR = PROJECT_ROOT / "prompts"
MODELS_FILE = PROJECT_ROOT / "models.txt"


def xdg_dir(variable: str, fallback: str) -> Path:
    """Return `$variable/git-daily-analyzer`, or `~/fallback/git-daily-analyzer` when unset."""
    base = os.environ.get(variable) or str(Path.home() / fallback)
    return Path(base) / "git-daily-analyzer"


def data_dir() -> Path:
    """Folder for assembled model files and other data the analyzer keeps."""
    return xdg_dir("XDG_DATA_HOME", ".local/share")


def cache_dir() -> Path:
    """Folder for the analysis cache."""
    return xdg_dir("XDG_CACHE_HOME", ".cache")
