import pytest

from analyzer.llm.material import build_material
from analyzer.rating import Importance
from tests.test_llm_fixtures import analyze, commit_files, embedded_engine, make_repo


def count_characters(text: str) -> int:
    # Deterministic stand-in for a tokenizer in budget tests; the real
    # tokenizer is used in the test marked `model`.
    return len(text)


@pytest.fixture
def repo(tmp_path):
    repo = make_repo(tmp_path / "repo")
    commit_files(repo, "chore: initial", {"src/old.py": "x = 1\n" * 30, "README.md": "# demo\n"})
    return repo


def test_lockfile_binary_listed(repo):
    sha = commit_files(
        repo,
        "feat: add parser",
        {
            "src/parser.py": "def parse(text):\n    return text.split()\n",
            "package-lock.json": '{"lockfileVersion": 3}\n',
            "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00binary",
        },
    )
    material = build_material(analyze(repo, sha, Importance.HIGH), 10_000, count_characters)

    assert material.whole == ["src/parser.py"]
    assert ("package-lock.json", "reason.lockfile") in material.skipped
    assert ("logo.png", "reason.binary") in material.skipped
    assert "package-lock.json：锁文件" in material.coverage
    assert "logo.png：二进制" in material.coverage
    assert "def parse(text):" in material.block
    assert "lockfileVersion" not in material.block


def test_deletion_collapsed(repo):
    sha = commit_files(repo, "refactor: drop old module", {"src/old.py": None})
    material = build_material(analyze(repo, sha, Importance.MEDIUM), 10_000, count_characters)

    assert material.collapsed == ["src/old.py"]
    assert "src/old.py：已删除（30 行）" in material.block
    assert "x = 1" not in material.block
    assert "删除折叠 1 个（src/old.py）" in material.coverage


def test_large_file_clipped(repo):
    big = "".join(f"value_{index} = {index}\n" for index in range(400))
    sha = commit_files(repo, "feat: add table", {"src/table.py": big, "src/small.py": "SMALL = 1\n"})
    material = build_material(analyze(repo, sha, Importance.HIGH), 10_000, count_characters)

    assert material.clipped == ["src/table.py"]
    assert material.whole == ["src/small.py"]
    assert "value_0 = 0" in material.block
    assert "value_399 = 399" not in material.block
    assert "其余" in material.block
    assert "截断 1 个（src/table.py）" in material.coverage


def test_budget_exhausted_listed(repo):
    files = {f"src/mod_{index}.py": "".join(f"line_{index}_{n} = {n}\n" for n in range(60)) for index in range(6)}
    sha = commit_files(repo, "feat: add modules", files)
    material = build_material(analyze(repo, sha, Importance.HIGH), 1_800, count_characters)

    over_budget = [path for path, reason in material.skipped if reason == "reason.budget"]
    assert over_budget
    assert len(material.whole) + len(material.clipped) + len(over_budget) == 6
    assert "超出预算" in material.coverage


def test_secret_redacted_in_block(repo):
    token = "ghp_" + "a1B2c3D4e5" * 4
    sha = commit_files(repo, "ci: add deploy token", {"deploy.sh": f"export GH_TOKEN={token}\n"})
    material = build_material(analyze(repo, sha, Importance.HIGH), 10_000, count_characters)

    assert token not in material.block
    assert token not in material.corpus
    assert "deploy.sh" in material.block


@pytest.mark.model
def test_budget_real_tokenizer(repo):
    engine = embedded_engine()
    big = "".join(f"value_{index} = {index}\n" for index in range(400))
    sha = commit_files(repo, "feat: add table", {"src/table.py": big})
    material = build_material(analyze(repo, sha, Importance.HIGH), 900, engine.count_tokens)

    assert engine.count_tokens(material.block) <= 900
    assert material.clipped == ["src/table.py"]
