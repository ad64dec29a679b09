"""Pre-push review end to end: real `git push` to a bare remote with the hook installed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from analyzer.gate import FailOn
from analyzer.hook import install_hook
from analyzer.i18n import set_language
from analyzer.review import OutputFormat, ReviewOptions, review_range, run_pre_push
from tests.pushrepo import PushRepos, make_push_repos, run

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Planted credentials: the AWS documentation's example key id and a token of
# GitHub's personal-token shape. Neither grants access to anything.
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"




@pytest.fixture(autouse=True)
def chinese_messages() -> None:
    set_language("zh")


@pytest.fixture()
def repos(tmp_path: Path) -> PushRepos:
    created = make_push_repos(tmp_path)
    install_hook(created.work, extra_args=("--lang", "en"))
    return created


def output_of(process: subprocess.CompletedProcess[str]) -> str:
    return process.stdout + process.stderr


def plant_secret(repos: PushRepos, path: str = "config/deploy.env") -> str:
    return repos.commit(path, f"REGION=eu-west-1\nAWS_ACCESS_KEY_ID={AWS_KEY}\n", "chore: add deploy settings")


def test_push_clean_passes(repos: PushRepos) -> None:
    new = repos.commit("docs/guide.md", "# guide\n", "docs: add guide")

    pushed = repos.push("origin", "main")

    assert pushed.returncode == 0, output_of(pushed)
    assert repos.remote_ref("refs/heads/main") == new
    assert "pre-push review" in pushed.stderr
    assert new[:7] in pushed.stderr
    assert "no blocking findings" in pushed.stderr


def test_push_aws_key_blocked(repos: PushRepos) -> None:
    before = repos.remote_ref("refs/heads/main")
    secret_commit = plant_secret(repos)

    pushed = repos.push("origin", "main")
    output = output_of(pushed)

    assert pushed.returncode != 0
    assert repos.remote_ref("refs/heads/main") == before
    assert AWS_KEY not in output
    assert "push blocked" in output
    assert secret_commit[:7] in output
    assert "config/deploy.env:2" in output
    assert "git push --no-verify" in output
    assert "ANALYZER_SKIP=1" in output


def test_push_github_token_blocked(repos: PushRepos) -> None:
    repos.commit("scripts/release.sh", f'#!/bin/sh\nexport GITHUB_TOKEN="{GITHUB_TOKEN}"\n', "ci: add release script")

    pushed = repos.push("origin", "main")

    assert pushed.returncode != 0
    assert GITHUB_TOKEN not in output_of(pushed)
    assert "scripts/release.sh" in output_of(pushed)


def test_push_skip_variable(repos: PushRepos) -> None:
    secret_commit = plant_secret(repos)

    pushed = repos.push("origin", "main", env={**repos.env, "ANALYZER_SKIP": "1"})

    assert pushed.returncode == 0, output_of(pushed)
    assert repos.remote_ref("refs/heads/main") == secret_commit
    assert AWS_KEY not in output_of(pushed)


def test_push_no_verify(repos: PushRepos) -> None:
    secret_commit = plant_secret(repos)

    pushed = repos.push("--no-verify", "origin", "main")

    assert pushed.returncode == 0, output_of(pushed)
    assert repos.remote_ref("refs/heads/main") == secret_commit


def test_push_new_branch_reviews_new_commits(repos: PushRepos) -> None:
    for number in range(3):
        repos.commit(f"notes/{number}.md", f"{number}\n", f"docs: note {number}")
    assert repos.push("origin", "main").returncode == 0
    repos.git("switch", "-q", "-c", "topic")
    topic_commit = repos.commit("src/app.py", "print('hi')\n", "feat: add app")

    pushed = repos.push("-u", "origin", "topic")

    assert pushed.returncode == 0, output_of(pushed)
    assert repos.remote_ref("refs/heads/topic") == topic_commit
    assert "1 commits" in pushed.stderr
    assert topic_commit[:7] in pushed.stderr


def test_push_deletion_passes(repos: PushRepos) -> None:
    repos.git("switch", "-q", "-c", "old")
    repos.commit("old.txt", "old\n", "chore: old work")
    assert repos.push("origin", "old").returncode == 0

    pushed = repos.push("origin", "--delete", "old")

    assert pushed.returncode == 0, output_of(pushed)
    assert repos.remote_ref("refs/heads/old") is None
    assert "nothing to review" in pushed.stderr


def test_push_two_refs_one_blocked(repos: PushRepos) -> None:
    main_before = repos.remote_ref("refs/heads/main")
    repos.commit("docs/a.md", "a\n", "docs: a")
    repos.git("switch", "-q", "-c", "topic")
    secret_commit = plant_secret(repos)
    # The blocked ref is not the checked-out one.
    repos.git("switch", "-q", "main")

    pushed = repos.push("origin", "main", "topic")

    assert pushed.returncode != 0
    assert repos.remote_ref("refs/heads/main") == main_before
    assert repos.remote_ref("refs/heads/topic") is None
    assert secret_commit[:7] in output_of(pushed)
    assert "2 commits" in pushed.stderr
    assert AWS_KEY not in output_of(pushed)


def test_push_annotated_tag_blocked(repos: PushRepos) -> None:
    repos.git("switch", "-q", "-c", "release")
    secret_commit = plant_secret(repos)
    repos.git("tag", "-a", "v1.0", "-m", "release 1.0")
    repos.git("switch", "-q", "main")

    pushed = repos.push("origin", "v1.0")

    assert pushed.returncode != 0
    assert repos.remote_ref("refs/tags/v1.0") is None
    assert secret_commit[:7] in output_of(pushed)


def test_push_tag_of_pushed_commit(repos: PushRepos) -> None:
    repos.git("tag", "-a", "v0.1", "-m", "first")

    pushed = repos.push("origin", "v0.1")

    assert pushed.returncode == 0, output_of(pushed)
    assert repos.remote_ref("refs/tags/v0.1") is not None
    assert "no commits to review" in pushed.stderr


def test_push_without_remote_refs(tmp_path: Path) -> None:
    created = make_push_repos(tmp_path)
    fresh = tmp_path / "fresh"
    empty_remote = tmp_path / "empty.git"
    run(tmp_path, "init", "-q", "--bare", str(empty_remote), env=created.env)
    run(tmp_path, "init", "-q", str(fresh), env=created.env)
    repos = PushRepos(work=fresh, remote=empty_remote, env=created.env)
    repos.git("remote", "add", "origin", str(empty_remote))
    repos.commit("README.md", "# fresh\n", "docs: start")
    plant_secret(repos)
    install_hook(fresh, extra_args=("--lang", "en"))

    pushed = repos.push("origin", "main")

    assert pushed.returncode != 0
    assert "2 commits" in pushed.stderr
    assert repos.remote_ref("refs/heads/main") is None


def test_push_sha256_repository(tmp_path: Path) -> None:
    repos = make_push_repos(tmp_path, object_format="sha256")
    install_hook(repos.work, extra_args=("--lang", "en"))
    repos.git("switch", "-q", "-c", "topic")
    plant_secret(repos)

    pushed = repos.push("origin", "topic")

    assert pushed.returncode != 0
    assert AWS_KEY not in output_of(pushed)
    assert repos.remote_ref("refs/heads/topic") is None


def test_push_chinese_message(tmp_path: Path) -> None:
    repos = make_push_repos(tmp_path)
    install_hook(repos.work, extra_args=("--lang", "zh"))
    plant_secret(repos)

    pushed = repos.push("origin", "main")

    assert pushed.returncode != 0
    assert "推送已阻止" in pushed.stderr
    assert "git push --no-verify" in pushed.stderr


def test_push_fail_on_high(tmp_path: Path) -> None:
    repos = make_push_repos(tmp_path)
    install_hook(repos.work, extra_args=("--lang", "en", "--fail-on", "medium"))
    docs_only = repos.commit("docs/a.md", "a\n", "docs: a")
    assert repos.push("origin", "main").returncode == 0
    assert repos.remote_ref("refs/heads/main") == docs_only

    repos.commit(".github/workflows/ci.yml", "on: push\njobs: {}\n", "feat: add ci workflow")
    pushed = repos.push("origin", "main")

    # A CI workflow change rates at least medium, so --fail-on medium blocks it.
    assert pushed.returncode != 0, output_of(pushed)
    assert "--fail-on" in pushed.stderr


# --- the entry pre-commit runs -------------------------------------------


def run_entry(repos: PushRepos, extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m analyzer hook run` the way pre-commit runs a hook entry: variables set, no stdin."""
    env = {**repos.env, "PRE_COMMIT": "1", "PYTHONPATH": str(PROJECT_ROOT), **extra_env}
    return subprocess.run(
        [sys.executable, "-m", "analyzer", "hook", "run", "--lang", "en", *args],
        cwd=repos.work,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_pre_commit_range_blocks(repos: PushRepos) -> None:
    base = repos.out("rev-parse", "HEAD")
    plant_secret(repos)
    tip = repos.commit("docs/a.md", "a\n", "docs: a")

    ran = run_entry(repos, {"PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": tip, "PRE_COMMIT_REMOTE_NAME": "origin"})

    assert ran.returncode == 1, output_of(ran)
    assert AWS_KEY not in output_of(ran)
    assert "2 commits" in ran.stderr


def test_pre_commit_range_excludes_before(repos: PushRepos) -> None:
    plant_secret(repos)
    after_secret = repos.out("rev-parse", "HEAD")
    tip = repos.commit("docs/a.md", "a\n", "docs: a")

    ran = run_entry(repos, {"PRE_COMMIT_FROM_REF": after_secret, "PRE_COMMIT_TO_REF": tip})

    assert ran.returncode == 0, output_of(ran)
    assert "1 commits" in ran.stderr


def test_pre_commit_root_push(repos: PushRepos) -> None:
    repos.git("switch", "-q", "-c", "topic")
    plant_secret(repos)
    repos.git("switch", "-q", "main")

    ran = run_entry(
        repos,
        {"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/topic", "PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/topic"},
    )

    assert ran.returncode == 1, output_of(ran)
    assert "1 commits" in ran.stderr


def test_pre_commit_hooks_file() -> None:
    text = (PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")

    assert "entry: analyzer hook run" in text
    assert "stages: [pre-push]" in text
    assert "pass_filenames: false" in text


# --- failures of the analyzer itself -------------------------------------


def forced_failure_env(repos: PushRepos, tmp_path: Path) -> dict[str, str]:
    """Return an environment whose Python breaks the review at start-up.

    A real bug cannot be produced on demand, so a `sitecustomize` module on
    PYTHONPATH replaces the review with a function that raises.
    """
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(
        "import analyzer.review\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('forced review failure')\n"
        "analyzer.review.review_plan = broken\n",
        encoding="utf-8",
    )
    return {**repos.env, "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), str(inject)])}


def test_push_failure_lets_push_through(repos: PushRepos, tmp_path: Path) -> None:
    new = repos.commit("docs/a.md", "a\n", "docs: a")

    pushed = repos.push("origin", "main", env=forced_failure_env(repos, tmp_path))

    assert pushed.returncode == 0, output_of(pushed)
    assert repos.remote_ref("refs/heads/main") == new
    assert "forced review failure" in pushed.stderr
    assert "--strict" in pushed.stderr


def test_push_failure_strict_blocks(tmp_path: Path) -> None:
    repos = make_push_repos(tmp_path / "r")
    install_hook(repos.work, extra_args=("--lang", "en", "--strict"))
    before = repos.remote_ref("refs/heads/main")
    repos.commit("docs/a.md", "a\n", "docs: a")

    pushed = repos.push("origin", "main", env=forced_failure_env(repos, tmp_path))

    assert pushed.returncode != 0
    assert repos.remote_ref("refs/heads/main") == before
    assert "forced review failure" in pushed.stderr


def test_run_pre_push_bad_input(repos: PushRepos) -> None:
    buffer = io.StringIO()
    err = Console(file=buffer, width=200)

    lenient = run_pre_push(repos.work, "not a push line\n", repos.env, ReviewOptions(), err)
    strict = run_pre_push(repos.work, "not a push line\n", repos.env, ReviewOptions(), err, strict=True)

    assert lenient == 0
    assert strict == 1
    assert "pre-push" in buffer.getvalue()


def test_run_pre_push_empty_input(repos: PushRepos) -> None:
    buffer = io.StringIO()

    status = run_pre_push(repos.work, "", repos.env, ReviewOptions(), Console(file=buffer, width=200))

    assert status == 0
    assert "没有需要审查的提交" in buffer.getvalue()


# --- analyzer review ------------------------------------------------------


def capture() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=200, highlight=False), buffer


def test_review_default_range(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repos = make_push_repos(tmp_path)
    for key, value in repos.env.items():
        monkeypatch.setenv(key, value)
    pushed_before = repos.out("rev-parse", "HEAD")
    new = repos.commit("src/app.py", "print('hi')\n", "feat: add app")
    out, out_buffer = capture()
    err, err_buffer = capture()

    status = review_range(repos.work, None, ReviewOptions(), out, err)

    assert status == 0
    assert new[:7] in out_buffer.getvalue()
    assert pushed_before[:7] not in out_buffer.getvalue()
    assert "未发现阻止推送的问题" in err_buffer.getvalue()


def test_review_json_blocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repos = make_push_repos(tmp_path)
    for key, value in repos.env.items():
        monkeypatch.setenv(key, value)
    secret_commit = plant_secret(repos)
    out, out_buffer = capture()
    err, err_buffer = capture()

    status = review_range(repos.work, "origin/main..HEAD", ReviewOptions(output=OutputFormat.JSON), out, err)

    assert status == 1
    assert secret_commit in out_buffer.getvalue()
    assert AWS_KEY not in out_buffer.getvalue() + err_buffer.getvalue()


def test_review_markdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repos = make_push_repos(tmp_path)
    for key, value in repos.env.items():
        monkeypatch.setenv(key, value)
    repos.commit("src/app.py", "print('hi')\n", "feat: add app")
    out, out_buffer = capture()
    err, _ = capture()

    status = review_range(repos.work, None, ReviewOptions(output=OutputFormat.MARKDOWN), out, err)

    assert status == 0
    assert out_buffer.getvalue().startswith("# ")
    assert "feat: add app" in out_buffer.getvalue()


def test_review_fail_on_high(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repos = make_push_repos(tmp_path)
    for key, value in repos.env.items():
        monkeypatch.setenv(key, value)
    repos.commit(".github/workflows/ci.yml", "on: push\njobs: {}\n", "feat: add ci workflow")
    out, _ = capture()
    err, err_buffer = capture()

    lenient = review_range(repos.work, None, ReviewOptions(fail_on=FailOn.NONE), out, err)
    strict = review_range(repos.work, None, ReviewOptions(fail_on=FailOn.MEDIUM), out, err)

    assert lenient == 0
    assert strict == 1
    assert "--fail-on" in err_buffer.getvalue()


def test_secret_counts_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repos = make_push_repos(tmp_path)
    for key, value in repos.env.items():
        monkeypatch.setenv(key, value)
    plant_secret(repos)
    repos.commit("config/other.env", f"KEY={GITHUB_TOKEN}\n", "chore: add other settings")
    out, _ = capture()
    err, err_buffer = capture()

    status = review_range(repos.work, "origin/main..HEAD", ReviewOptions(), out, err)

    assert status == 1
    assert "发现 2 个阻止推送的问题" in err_buffer.getvalue()


def test_repository_rule_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repos = make_push_repos(tmp_path)
    for key, value in repos.env.items():
        monkeypatch.setenv(key, value)
    rules = repos.work / ".analyzer" / "rules.toml"
    rules.parent.mkdir()
    rules.write_text('[rule.do_not_push]\npoints = 0\nreason = "提交信息要求不要推送"\nkeywords = ["DO-NOT-PUSH"]\nblock = true\n',
                     encoding="utf-8")
    repos.commit("docs/notes.md", "# notes\n", "docs: notes DO-NOT-PUSH")
    out, _ = capture()
    err, err_buffer = capture()

    status = review_range(repos.work, "origin/main..HEAD", ReviewOptions(), out, err)

    assert status == 1
    assert "do_not_push" in err_buffer.getvalue() or "提交信息要求不要推送" in err_buffer.getvalue()
