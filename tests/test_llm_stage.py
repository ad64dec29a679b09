
import pytest

from analyzer.llm.cache import ModelCache
from analyzer.llm.commit_writer import CommitOutcome, CommitWriter, apply_outcome, parse_output
from analyzer.llm.material import build_material
from analyzer.llm.prompts import load_prompts
from analyzer.llm.stage import ModelOptions, needs_model, run_model_stage
from analyzer.rating import Importance
from analyzer.sections import WRITER_MODEL, WRITER_RULES
from tests.test_llm_fixtures import GENEROUS_TIMEOUT_S, analyze, repository_analysis, commit_files, embedded_engine, make_repo

pytestmark = pytest.mark.model

RULES_DIGEST = "d" * 64


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ANALYZER_MODEL", raising=False)
    return tmp_path / "cache"


@pytest.fixture
def history(tmp_path):
    repo = make_repo(tmp_path / "repo")
    commit_files(repo, "chore: initial layout", {"src/app/server.py": "PORT = 8080\n\ndef serve():\n    pass\n", "README.md": "# demo\n"})
    shas = [
        (commit_files(repo, "feat(server): add --port option", {"src/app/server.py": "import argparse\n\nPORT = 8080\n\ndef serve(port=PORT):\n    parser = argparse.ArgumentParser()\n    parser.add_argument('--port', type=int, default=port)\n    return parser\n"}), Importance.HIGH),
        (commit_files(repo, "fix(server): close socket on error", {"src/app/server.py": "import argparse\n\nPORT = 8080\n\ndef serve(port=PORT):\n    try:\n        run(port)\n    finally:\n        close_socket()\n"}), Importance.MEDIUM),
        (commit_files(repo, "ci: run tests on push", {".github/workflows/test.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"}), Importance.MEDIUM),
        (commit_files(repo, "docs: fix typo in readme", {"README.md": "# Demo\n"}), Importance.LOW),
    ]
    return repo, shas


def analyses_for(repo, shas):
    commits = [analyze(repo, sha, importance) for sha, importance in shas]
    return [repository_analysis(repo, list(reversed(commits)))]


def test_stage_then_cache(cache_home, history):
    repo, shas = history
    # A generous limit: this test needs every call to finish, not to time out.
    options = ModelOptions(quiet=True, timeout_s=GENEROUS_TIMEOUT_S)

    first = analyses_for(repo, shas)
    summary = run_model_stage(first, options, RULES_DIGEST)

    assert summary.name == "gemma3-270m"
    assert summary.file == "gemma-3-270m-q4_k_m.gguf"
    assert summary.cached == 0
    assert summary.calls >= 3
    assert summary.tokens_per_second is not None and summary.tokens_per_second > 0
    assert summary.model_sections + summary.rule_sections > 0

    low = next(item for item in first[0].commits if item.rating.importance == Importance.LOW)
    assert low.coverage is None
    for analyzed in first[0].commits:
        if analyzed is low:
            continue
        assert analyzed.coverage is not None and analyzed.coverage.startswith("模型看到的 diff")
        assert analyzed.written_by["summary"] in (WRITER_MODEL, WRITER_RULES)

    second = analyses_for(repo, shas)
    again = run_model_stage(second, options, RULES_DIGEST)

    assert again.cached == 3
    assert again.calls == 0
    assert again.model_sections == summary.model_sections
    assert [item.sections for item in second[0].commits] == [item.sections for item in first[0].commits]
    assert [item.written_by for item in second[0].commits] == [item.written_by for item in first[0].commits]


def test_stage_model_all(cache_home, history):
    repo, shas = history
    analyses = analyses_for(repo, shas)
    summary = run_model_stage(analyses, ModelOptions(quiet=True, model_all=True, use_cache=False), RULES_DIGEST)

    low = next(item for item in analyses[0].commits if item.rating.importance == Importance.LOW)
    assert low.coverage is not None
    assert summary.calls >= 4
    assert not (cache_home / "git-daily-analyzer" / "model-output.sqlite3").exists()


def test_stage_timeout_falls_back(cache_home, history):
    repo, shas = history
    analyses = analyses_for(repo, shas)
    before = [item.sections.to_dict() for item in analyses[0].commits]
    summary = run_model_stage(analyses, ModelOptions(quiet=True, timeout_s=0.001), RULES_DIGEST)

    assert summary.model_sections == 0
    assert summary.calls == 3
    assert [item.sections.to_dict() for item in analyses[0].commits] == before
    assert all(WRITER_MODEL not in item.written_by.values() for item in analyses[0].commits)
    with ModelCache() as cache:
        assert cache.count() == 3


def test_timed_out_retried_only_with_longer_limit(cache_home, history):
    repo, shas = history
    run_model_stage(analyses_for(repo, shas), ModelOptions(quiet=True, timeout_s=0.001), RULES_DIGEST)

    same_limit = run_model_stage(analyses_for(repo, shas), ModelOptions(quiet=True, timeout_s=0.001), RULES_DIGEST)
    assert same_limit.calls == 0
    assert same_limit.cached == 3

    longer_limit = run_model_stage(analyses_for(repo, shas), ModelOptions(quiet=True, timeout_s=0.002), RULES_DIGEST)
    assert longer_limit.calls == 3
    assert longer_limit.cached == 0


def test_needs_model_low_only_with_all(history):
    repo, shas = history
    low = analyze(repo, shas[-1][0], Importance.LOW)
    high = analyze(repo, shas[0][0], Importance.HIGH)

    assert needs_model(ModelOptions())(high)
    assert not needs_model(ModelOptions())(low)
    assert needs_model(ModelOptions(model_all=True))(low)


def test_unknown_path_falls_back(cache_home, history):
    repo, shas = history
    analyzed = analyze(repo, shas[-1][0], Importance.LOW)
    rules_summary = analyzed.sections.summary
    engine = embedded_engine()
    writer = CommitWriter(engine, load_prompts(), timeout_s=GENEROUS_TIMEOUT_S)

    # The grammar forces the model to name a file this commit does not have,
    # because the small model cannot be relied on to invent one by itself.
    invented = "修复 lib/ghost_module.py 中的返回值。"
    schema = {"type": "object", "properties": {"summary": {"const": invented}}, "required": ["summary"]}
    generation = engine.generate("标题：docs: fix typo\n分析（JSON）：", schema, max_tokens=60, timeout_s=GENEROUS_TIMEOUT_S)
    values = parse_output(generation.text, ("summary",))
    assert values == {"summary": invented}

    outcome = CommitOutcome()
    failed = writer.accept(values, ("summary",), build_material(analyzed, 3000, engine.count_tokens).corpus, outcome)
    apply_outcome(analyzed, outcome.fields, outcome.coverage)

    assert failed == ["summary"]
    assert outcome.rejections["summary"].reason == "unknown-name"
    assert "lib/ghost_module.py" in outcome.rejections["summary"].detail
    assert analyzed.sections.summary == rules_summary
    assert analyzed.written_by["summary"] == WRITER_RULES
