from pathlib import Path

import pytest

from analyzer.llm.catalog import ModelEntry, parse_models_list, resolve_model
from analyzer.llm.errors import ModelError
from analyzer.paths import MODELS_FILE

EMBEDDED_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


@pytest.fixture
def folders(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ANALYZER_MODEL", raising=False)
    monkeypatch.delenv("ANALYZER_MODELS_DIR", raising=False)
    return tmp_path


def test_models_file_first_entry_embedded():
    entries = parse_models_list(MODELS_FILE.read_text(encoding="utf-8"), MODELS_FILE)
    assert entries[0].name == "gemma3-270m"
    assert entries[0].file == "gemma-3-270m-q4_k_m.gguf"
    assert entries[0].sha256 == EMBEDDED_SHA256
    assert entries[0].prompt_style == "completion"


def test_parse_notes_and_dash_hash():
    text = "# comment\n\nqwen  qwen.gguf  -  8192  chat  instruct model, copied by hand\n"
    [entry] = parse_models_list(text, Path("models.txt"))
    assert entry == ModelEntry("qwen", "qwen.gguf", None, 8192, "chat", "instruct model, copied by hand")


@pytest.mark.parametrize(
    "line",
    [
        "short qwen.gguf - 8192",
        "bad qwen.gguf 1234 8192 chat",
        "bad qwen.gguf - many chat",
        "bad qwen.gguf - 8192 poem",
    ],
)
def test_parse_rejects_invalid_line(line):
    with pytest.raises(ModelError) as caught:
        parse_models_list(line, Path("models.txt"))
    assert caught.value.values["line"] == 1


def test_resolve_default_assembles_embedded(folders):
    resolved = resolve_model(None)
    assert resolved.path == folders / "data" / "git-daily-analyzer" / "models" / "gemma-3-270m-q4_k_m.gguf"
    assert resolved.path.stat().st_size == 253_113_024
    assert resolved.sha256 == EMBEDDED_SHA256
    assert not [p for p in resolved.path.parent.iterdir() if p.name.startswith(".assemble-")]


def test_resolve_hash_mismatch(folders):
    models = folders / "data" / "git-daily-analyzer" / "models"
    models.mkdir(parents=True)
    (models / "gemma-3-270m-q4_k_m.gguf").write_bytes(b"not a model")
    with pytest.raises(ModelError) as caught:
        resolve_model("gemma3-270m")
    assert caught.value.key == "model.hash_mismatch"


def test_resolve_env_and_models_dir(folders, monkeypatch):
    own = folders / "own-models"
    own.mkdir()
    (own / "tiny.gguf").write_bytes(b"weights")
    repo = folders / "repo"
    (repo / ".analyzer").mkdir(parents=True)
    (repo / ".analyzer" / "models.txt").write_text("tiny  tiny.gguf  -  2048  auto  repository model\n", encoding="utf-8")
    monkeypatch.setenv("ANALYZER_MODELS_DIR", str(own))
    monkeypatch.setenv("ANALYZER_MODEL", "tiny")

    resolved = resolve_model(None, repo)
    assert resolved.path == own / "tiny.gguf"
    assert resolved.entry.context == 2048


def test_resolve_direct_path(folders):
    model = folders / "custom.gguf"
    model.write_bytes(b"weights")
    resolved = resolve_model(str(model))
    assert resolved.path == model
    assert resolved.entry.prompt_style == "auto"


def test_resolve_unknown_name(folders):
    with pytest.raises(ModelError) as caught:
        resolve_model("no-such-model")
    assert caught.value.key == "model.not_found"
    assert "no-such-model" in str(caught.value)


def test_resolve_listed_file_missing(folders, monkeypatch):
    repo = folders / "repo"
    (repo / ".analyzer").mkdir(parents=True)
    (repo / ".analyzer" / "models.txt").write_text("absent  absent.gguf  -  2048  chat\n", encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        resolve_model("absent", repo)
    assert caught.value.key == "model.file_missing"
