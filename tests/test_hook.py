"""Pre-push input, push planning, and installing the hook, on real repositories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analyzer.errors import AnalyzerError
from analyzer.hook import (
    HOOK_MARKER,
    InstallAction,
    UninstallAction,
    install_hook,
    is_own_hook,
    locate_hook,
    uninstall_hook,
)
from analyzer.push import (
    NEW_HISTORY_LIMIT,
    PushInputError,
    PushUpdate,
    is_zero_id,
    parse_push_input,
    plan_default,
    plan_pre_commit,
    plan_push,
    plan_range,
)
from tests.pushrepo import PushRepos, make_push_repos, run

ZERO_SHA1 = "0" * 40
ZERO_SHA256 = "0" * 64


@pytest.fixture()
def repos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PushRepos:
    created = make_push_repos(tmp_path)
    # The planning code runs git in this process, so it gets the same isolated config.
    for key, value in created.env.items():
        monkeypatch.setenv(key, value)
    return created


def reviewed(repos: PushRepos, revisions: tuple[str, ...]) -> set[str]:
    """Return the commit ids `git rev-list` lists for `revisions`."""
    if not revisions:
        return set()
    return set(repos.out("rev-list", *revisions).split())


# --- pre-push input -------------------------------------------------------


def test_parse_input_lines() -> None:
    text = (
        f"refs/heads/main {'a' * 40} refs/heads/main {'b' * 40}\n"
        "\n"
        f"(delete) {ZERO_SHA1} refs/heads/old {'c' * 40}\n"
    )

    updates = parse_push_input(text)

    assert updates == [
        PushUpdate("refs/heads/main", "a" * 40, "refs/heads/main", "b" * 40),
        PushUpdate("(delete)", ZERO_SHA1, "refs/heads/old", "c" * 40),
    ]
    assert updates[1].deletes
    assert not updates[0].deletes
    assert not updates[0].creates


def test_parse_input_empty() -> None:
    assert parse_push_input("") == []
    assert parse_push_input("\n\n") == []


def test_parse_input_sha256_zero() -> None:
    updates = parse_push_input(f"refs/heads/x {'e' * 64} refs/heads/x {ZERO_SHA256}\n")

    assert updates[0].creates
    assert is_zero_id(ZERO_SHA256)
    assert is_zero_id(ZERO_SHA1)
    assert not is_zero_id("0" * 39)
    assert not is_zero_id("0" * 39 + "1")


@pytest.mark.parametrize(
    "line",
    [
        "refs/heads/main abc refs/heads/main def",
        f"refs/heads/main {'a' * 40} refs/heads/main",
        f"refs/heads/main --all refs/heads/main {'a' * 40}",
    ],
)
def test_parse_input_rejects_malformed(line: str) -> None:
    with pytest.raises(PushInputError):
        parse_push_input(line)


# --- planning -------------------------------------------------------------


def test_plan_update_existing_branch(repos: PushRepos) -> None:
    old = repos.out("rev-parse", "HEAD")
    first = repos.commit("a.txt", "a\n", "feat: a")
    second = repos.commit("b.txt", "b\n", "feat: b")

    plan = plan_push(repos.work, [PushUpdate("refs/heads/main", second, "refs/heads/main", old)])

    assert reviewed(repos, plan.revisions) == {first, second}
    assert not plan.limited


def test_plan_new_branch_excludes_remote_history(repos: PushRepos) -> None:
    repos.git("switch", "-q", "-c", "topic")
    new = repos.commit("t.txt", "t\n", "feat: topic")

    plan = plan_push(repos.work, [PushUpdate("refs/heads/topic", new, "refs/heads/topic", ZERO_SHA1)])

    assert reviewed(repos, plan.revisions) == {new}


def test_plan_deletion_reviews_nothing(repos: PushRepos) -> None:
    old = repos.out("rev-parse", "HEAD")

    plan = plan_push(repos.work, [PushUpdate("(delete)", ZERO_SHA1, "refs/heads/gone", old)])

    assert plan.empty
    assert [note.key for note in plan.notes] == ["push.deleted"]


def test_plan_annotated_tag_is_peeled(repos: PushRepos) -> None:
    new = repos.commit("v.txt", "v\n", "feat: release")
    repos.git("tag", "-a", "v1.0", "-m", "release 1.0")
    tag_object = repos.out("rev-parse", "v1.0")
    assert tag_object != new

    plan = plan_push(repos.work, [PushUpdate("refs/tags/v1.0", tag_object, "refs/tags/v1.0", ZERO_SHA1)])

    assert plan.tips == (new,)
    assert reviewed(repos, plan.revisions) == {new}


def test_plan_tag_of_tree_skipped(repos: PushRepos) -> None:
    tree = repos.out("rev-parse", "HEAD^{tree}")
    repos.git("tag", "-a", "tree-tag", "-m", "a tree", tree)
    tag_object = repos.out("rev-parse", "tree-tag")

    plan = plan_push(repos.work, [PushUpdate("refs/tags/tree-tag", tag_object, "refs/tags/tree-tag", ZERO_SHA1)])

    assert plan.empty
    assert [note.key for note in plan.notes] == ["push.not_commit"]


def test_plan_two_refs_one_range(repos: PushRepos) -> None:
    old = repos.out("rev-parse", "HEAD")
    on_main = repos.commit("m.txt", "m\n", "fix: main")
    repos.git("switch", "-q", "-c", "topic", old)
    on_topic = repos.commit("t.txt", "t\n", "feat: topic")
    # The pushed branch need not be checked out.
    repos.git("switch", "-q", "main")

    plan = plan_push(
        repos.work,
        [
            PushUpdate("refs/heads/main", on_main, "refs/heads/main", old),
            PushUpdate("refs/heads/topic", on_topic, "refs/heads/topic", ZERO_SHA1),
        ],
    )

    assert reviewed(repos, plan.revisions) == {on_main, on_topic}
    assert plan.tips == (on_main, on_topic)


def test_plan_force_push_reviews_new_side(repos: PushRepos) -> None:
    base = repos.out("rev-parse", "HEAD")
    pushed = repos.commit("a.txt", "a\n", "feat: a")
    assert repos.push("-q", "origin", "main").returncode == 0
    repos.git("reset", "-q", "--hard", base)
    rewritten = repos.commit("a.txt", "a2\n", "feat: a again")

    plan = plan_push(repos.work, [PushUpdate("refs/heads/main", rewritten, "refs/heads/main", pushed)])

    assert reviewed(repos, plan.revisions) == {rewritten}


def test_plan_unknown_remote_id(repos: PushRepos) -> None:
    new = repos.commit("a.txt", "a\n", "feat: a")

    # The remote moved to a commit this clone never fetched.
    plan = plan_push(repos.work, [PushUpdate("refs/heads/main", new, "refs/heads/main", "f" * 40)])

    assert reviewed(repos, plan.revisions) == {new}


def test_plan_without_remote_refs_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    created = make_push_repos(tmp_path)
    for key, value in created.env.items():
        monkeypatch.setenv(key, value)
    lonely = tmp_path / "lonely"
    run(tmp_path, "init", "-q", str(lonely), env=created.env)
    for number in range(NEW_HISTORY_LIMIT + 5):
        run(lonely, "commit", "-q", "--allow-empty", "-m", f"chore: step {number}", env=created.env)
    head = run(lonely, "rev-parse", "HEAD", env=created.env).stdout.strip()

    plan = plan_push(lonely, [PushUpdate("refs/heads/main", head, "refs/heads/main", ZERO_SHA1)])
    listed = run(lonely, "rev-list", *plan.revisions, env=created.env).stdout.split()

    assert plan.limited
    assert len(listed) == NEW_HISTORY_LIMIT
    assert head in listed
    assert [note.key for note in plan.notes] == ["push.limited"]


def test_plan_without_remote_refs_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    created = make_push_repos(tmp_path)
    for key, value in created.env.items():
        monkeypatch.setenv(key, value)
    lonely = tmp_path / "lonely"
    run(tmp_path, "init", "-q", str(lonely), env=created.env)
    for number in range(3):
        run(lonely, "commit", "-q", "--allow-empty", "-m", f"chore: step {number}", env=created.env)
    head = run(lonely, "rev-parse", "HEAD", env=created.env).stdout.strip()

    plan = plan_push(lonely, [PushUpdate("refs/heads/main", head, "refs/heads/main", ZERO_SHA1)])
    listed = run(lonely, "rev-list", *plan.revisions, env=created.env).stdout.split()

    assert not plan.limited
    assert len(listed) == 3


def test_plan_sha256_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    created = make_push_repos(tmp_path, object_format="sha256")
    for key, value in created.env.items():
        monkeypatch.setenv(key, value)
    created.git("switch", "-q", "-c", "topic")
    new = created.commit("t.txt", "t\n", "feat: topic")
    assert len(new) == 64

    updates = parse_push_input(f"refs/heads/topic {new} refs/heads/topic {ZERO_SHA256}\n")
    plan = plan_push(created.work, updates)

    assert reviewed(created, plan.revisions) == {new}


def test_plan_default_with_upstream(repos: PushRepos) -> None:
    first = repos.commit("a.txt", "a\n", "feat: a")

    plan = plan_default(repos.work)

    assert reviewed(repos, plan.revisions) == {first}


def test_plan_default_without_upstream(repos: PushRepos) -> None:
    repos.git("switch", "-q", "-c", "local-only")
    first = repos.commit("a.txt", "a\n", "feat: a")

    plan = plan_default(repos.work)

    assert reviewed(repos, plan.revisions) == {first}


def test_plan_range_forms(repos: PushRepos) -> None:
    base = repos.out("rev-parse", "HEAD")
    first = repos.commit("a.txt", "a\n", "feat: a")
    second = repos.commit("b.txt", "b\n", "feat: b")

    assert reviewed(repos, plan_range(repos.work, f"{first}..HEAD").revisions) == {second}
    assert reviewed(repos, plan_range(repos.work, "HEAD").revisions) == {first, second}
    assert base not in reviewed(repos, plan_range(repos.work, "HEAD").revisions)


def test_plan_range_rejects_option(repos: PushRepos) -> None:
    with pytest.raises(PushInputError):
        plan_range(repos.work, "--output=/tmp/x")
    with pytest.raises(PushInputError):
        plan_range(repos.work, "no-such-branch")


def test_plan_pre_commit_from_to(repos: PushRepos) -> None:
    first = repos.commit("a.txt", "a\n", "feat: a")
    second = repos.commit("b.txt", "b\n", "feat: b")
    third = repos.commit("c.txt", "c\n", "feat: c")

    plan = plan_pre_commit(repos.work, {"PRE_COMMIT_FROM_REF": first, "PRE_COMMIT_TO_REF": third, "PRE_COMMIT_REMOTE_NAME": "origin"})

    assert plan is not None
    assert reviewed(repos, plan.revisions) == {second, third}


def test_plan_pre_commit_local_branch_only(repos: PushRepos) -> None:
    repos.git("switch", "-q", "-c", "topic")
    new = repos.commit("t.txt", "t\n", "feat: topic")
    repos.git("switch", "-q", "main")

    plan = plan_pre_commit(repos.work, {"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/topic", "PRE_COMMIT_REMOTE_NAME": "origin"})

    assert plan is not None
    assert reviewed(repos, plan.revisions) == {new}


def test_plan_pre_commit_absent(repos: PushRepos) -> None:
    assert plan_pre_commit(repos.work, {"PRE_COMMIT": "1"}) is None


# --- install and uninstall ------------------------------------------------


def test_install_writes_marked_hook(repos: PushRepos) -> None:
    action, location = install_hook(repos.work, python="/usr/bin/python3")

    assert action is InstallAction.CREATED
    assert location.hook == repos.work / ".git" / "hooks" / "pre-push"
    text = location.hook.read_text(encoding="utf-8")
    assert HOOK_MARKER in text.splitlines()
    assert "python=/usr/bin/python3" in text.splitlines()
    assert 'exec "$python" -m analyzer hook run -- "$@"' in text
    assert os.access(location.hook, os.X_OK)


def test_install_twice_updates(repos: PushRepos) -> None:
    install_hook(repos.work)

    action, location = install_hook(repos.work)

    assert action is InstallAction.UPDATED
    assert not location.backup.exists()


def test_install_keeps_foreign_hook(repos: PushRepos) -> None:
    foreign = repos.work / ".git" / "hooks" / "pre-push"
    foreign.write_text("#!/bin/sh\necho mine\n", encoding="utf-8")

    with pytest.raises(AnalyzerError) as raised:
        install_hook(repos.work)

    assert raised.value.key == "hook.foreign_exists"
    assert foreign.read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"


def test_install_force_backs_up_and_restores(repos: PushRepos) -> None:
    foreign = repos.work / ".git" / "hooks" / "pre-push"
    foreign.write_text("#!/bin/sh\necho mine\n", encoding="utf-8")
    foreign.chmod(0o755)

    action, location = install_hook(repos.work, force=True)

    assert action is InstallAction.REPLACED
    assert location.backup.read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"
    assert is_own_hook(foreign)

    undo, _ = uninstall_hook(repos.work)

    assert undo is UninstallAction.RESTORED
    assert foreign.read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"
    assert os.access(foreign, os.X_OK)
    assert not location.backup.exists()


def test_install_force_keeps_old_backup(repos: PushRepos) -> None:
    hooks = repos.work / ".git" / "hooks"
    (hooks / "pre-push").write_text("#!/bin/sh\necho second\n", encoding="utf-8")
    (hooks / "pre-push.analyzer-backup").write_text("#!/bin/sh\necho first\n", encoding="utf-8")

    with pytest.raises(AnalyzerError) as raised:
        install_hook(repos.work, force=True)

    assert raised.value.key == "hook.backup_exists"
    assert (hooks / "pre-push.analyzer-backup").read_text(encoding="utf-8") == "#!/bin/sh\necho first\n"


def test_uninstall_refuses_foreign(repos: PushRepos) -> None:
    foreign = repos.work / ".git" / "hooks" / "pre-push"
    foreign.write_text("#!/bin/sh\necho mine\n", encoding="utf-8")

    with pytest.raises(AnalyzerError) as raised:
        uninstall_hook(repos.work)

    assert raised.value.key == "hook.foreign_uninstall"
    assert foreign.exists()


def test_uninstall_absent(repos: PushRepos) -> None:
    action, location = uninstall_hook(repos.work)

    assert action is UninstallAction.ABSENT
    assert not location.hook.exists()


def test_install_relative_hooks_path(repos: PushRepos) -> None:
    repos.git("config", "core.hooksPath", "tools/hooks")
    (repos.work / "sub").mkdir()

    # Run from a subfolder: a relative core.hooksPath is still taken from the work tree root.
    _, location = install_hook(repos.work / "sub")

    assert location.hook == repos.work / "tools" / "hooks" / "pre-push"
    assert is_own_hook(location.hook)
    assert not (repos.work / ".git" / "hooks" / "pre-push").exists()


def test_install_absolute_hooks_path(repos: PushRepos, tmp_path: Path) -> None:
    shared = tmp_path / "shared-hooks"
    repos.git("config", "core.hooksPath", str(shared))

    _, location = install_hook(repos.work)

    assert location.hook == shared / "pre-push"
    assert is_own_hook(shared / "pre-push")


def test_install_linked_worktree(repos: PushRepos, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    repos.git("worktree", "add", "-q", "-b", "side", str(linked))

    location = locate_hook(linked)

    # Linked worktrees share the hooks folder of the main repository.
    assert location.hook == repos.work / ".git" / "hooks" / "pre-push"


def test_locate_hook_not_repository(tmp_path: Path) -> None:
    with pytest.raises(AnalyzerError) as raised:
        locate_hook(tmp_path)

    assert raised.value.key == "hook.not_repository"
