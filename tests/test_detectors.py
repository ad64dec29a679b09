"""Line detectors on commits of real temporary git repositories."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.detectors import (
    _ENV_ANCHORS,
    _ENV_PATTERNS,
    _NETWORK_ANCHORS,
    _NETWORK_PATTERNS,
    _NETWORK_PORT_PAIR,
    _PRIVILEGE_ANCHORS,
    _PRIVILEGE_PATTERNS,
    _YAML_ENV_ANCHORS,
    _YAML_ENV_PATTERNS,
    _flags,
    has_anchor,
)
from analyzer.explain import read_one_commit
from analyzer.facts import CommitFacts, DetectorHit, build_facts
from analyzer.repo import open_repository
from analyzer.rules import load_rules
from tests.gitrepo import GitRepo


def facts_of_head(repo: GitRepo) -> CommitFacts:
    repository = open_repository(repo.path)
    rules = load_rules(repo.path)
    return build_facts(read_one_commit(repository, "HEAD"), rules)


def change(repo: GitRepo, files: dict[str, str | None], before: dict[str, str] | None = None,
           subject: str = "chore: change") -> CommitFacts:
    """Commit `before` (or a placeholder), then `files` (None deletes), and return the second commit's facts."""
    for path, text in (before or {"placeholder.txt": "x\n"}).items():
        repo.write(path, text)
    repo.commit("chore: base", when="2026-01-09T12:00:00+00:00")
    for path, text in files.items():
        if text is None:
            (repo.path / path).unlink()
        else:
            repo.write(path, text)
    repo.commit(subject)
    return facts_of_head(repo)


def kinds(facts: CommitFacts, kind: str) -> list:
    return [hit for hit in facts.hits if hit.kind == kind]


def test_cli_flag_removed(repo: GitRepo) -> None:
    facts = change(repo, {"deploy/app.yaml": "args:\n  - --backend=trtllm\n"},
                   before={"deploy/app.yaml": "args:\n  - --backend=trtllm\n  - --prometheus-port=9085\n"})
    hits = kinds(facts, "cli-flag-removed")
    assert [hit.value for hit in hits] == ["--prometheus-port"]
    assert hits[0].line == 3
    assert "`--prometheus-port`" in hits[0].detail


def test_cli_flag_renamed(repo: GitRepo) -> None:
    facts = change(repo, {"run.sh": "serve --listen-port 80\n"}, before={"run.sh": "serve --port 80\n"})
    hits = kinds(facts, "cli-flag-removed")
    assert len(hits) == 1
    assert "`--listen-port`" in hits[0].detail


def test_cli_flag_moved_not_reported(repo: GitRepo) -> None:
    facts = change(repo, {"a.sh": "echo one\necho two\n", "b.sh": "#!/bin/sh\nexec serve --port-name 80 --verbose\n"},
                   before={"a.sh": "echo one\nserve --port-name 80\necho two\n"})
    assert kinds(facts, "cli-flag-removed") == []


def test_cli_flag_c_decrement_ignored(repo: GitRepo) -> None:
    facts = change(repo, {"src/a.c": "int f(int count) { return count; }\n"},
                   before={"src/a.c": "int f(int count) { --count; return count; }\n"})
    assert kinds(facts, "cli-flag-removed") == []


@pytest.mark.parametrize(
    ("path", "line", "name"),
    [
        (".github/actions/pytest/action.yml", '      docker run --env HF_TOKEN="${HF_TOKEN}" img\n', "HF_TOKEN"),
        ("Dockerfile", "ENV MODEL_DIR=/models\n", "MODEL_DIR"),
        ("src/app.py", 'level = os.environ.get("APP_LOG_LEVEL", "info")\n', "APP_LOG_LEVEL"),
        ("src/main.rs", 'let p = std::env::var("APP_PORT");\n', "APP_PORT"),
        ("k8s/deploy.yaml", "        - name: CUDA_HOME\n", "CUDA_HOME"),
    ],
)
def test_env_var_added(repo: GitRepo, path: str, line: str, name: str) -> None:
    facts = change(repo, {path: line})
    assert [hit.value for hit in kinds(facts, "env-var-added")] == [name]


def test_env_var_already_present_not_reported(repo: GitRepo) -> None:
    facts = change(repo, {"Dockerfile": "ENV MODEL_DIR=/data\n"}, before={"Dockerfile": "ENV MODEL_DIR=/models\n"})
    assert kinds(facts, "env-var-added") == []


def test_dependency_version_changed(repo: GitRepo) -> None:
    facts = change(repo, {"requirements.txt": "requests==2.32.0\nrich>=13\n"},
                   before={"requirements.txt": "requests==2.31.0\n"})
    details = {hit.value: hit.detail for hit in kinds(facts, "dependency-changed")}
    assert set(details) == {"requests", "rich"}
    assert "`==2.31.0`" in details["requests"]
    assert "`==2.32.0`" in details["requests"]


def test_dependency_cargo_and_package_json(repo: GitRepo) -> None:
    facts = change(
        repo,
        {"Cargo.toml": '[dependencies]\ntokio = { version = "1.40", features = ["full"] }\n',
         "web/package.json": '{\n  "dependencies": {\n    "react": "^19.0.0"\n  }\n}\n'},
        before={"Cargo.toml": '[dependencies]\ntokio = { version = "1.38", features = ["full"] }\n',
                "web/package.json": '{\n  "dependencies": {\n    "react": "^18.2.0"\n  }\n}\n'},
    )
    assert {hit.value for hit in kinds(facts, "dependency-changed")} == {"tokio", "react"}


def test_lockfile_reported_once(repo: GitRepo) -> None:
    facts = change(repo, {"Cargo.lock": 'name = "a"\nversion = "2.0"\n'}, before={"Cargo.lock": 'name = "a"\nversion = "1.0"\n'})
    hits = kinds(facts, "dependency-changed")
    assert len(hits) == 1
    assert hits[0].path == "Cargo.lock"


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("k8s/pod.yaml", "    privileged: true\n"),
        ("Dockerfile", "USER root\n"),
        ("scripts/setup.sh", "chmod 777 /data\n"),
        ("scripts/setup.sh", "sudo apt-get install -y curl\n"),
        ("k8s/role.yaml", "kind: ClusterRole\n"),
    ],
)
def test_privilege(repo: GitRepo, path: str, line: str) -> None:
    assert kinds(change(repo, {path: line}), "privilege")


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("k8s/pod.yaml", "  hostNetwork: true\n"),
        ("Dockerfile", "EXPOSE 8080\n"),
        ("src/server.py", 'app.run(host="0.0.0.0")\n'),
        ("k8s/svc.yaml", "  type: LoadBalancer\n"),
        ("compose.yaml", 'services:\n  web:\n    ports:\n      - "8080:80"\n'),
    ],
)
def test_network_exposure(repo: GitRepo, path: str, line: str) -> None:
    assert kinds(change(repo, {path: line}), "network-exposure")


def test_ci_trigger_and_permission(repo: GitRepo) -> None:
    workflow = ".github/workflows/ci.yml"
    facts = change(
        repo,
        {workflow: "on:\n  pull_request_target:\npermissions:\n  contents: write\njobs: {}\n"},
        before={workflow: "on:\n  pull_request:\npermissions:\n  contents: read\njobs: {}\n"},
    )
    details = [hit.detail for hit in kinds(facts, "ci-change")]
    assert any("pull_request_target" in detail and "新增" in detail for detail in details)
    assert any("pull_request:" in detail and "移除" in detail for detail in details)
    assert any("contents: write" in detail for detail in details)


def test_ci_step_edit_not_reported(repo: GitRepo) -> None:
    workflow = ".github/workflows/ci.yml"
    facts = change(repo, {workflow: "on: [push]\njobs:\n  t:\n    steps:\n      - run: make test\n"},
                   before={workflow: "on: [push]\njobs:\n  t:\n    steps:\n      - run: make\n"})
    assert kinds(facts, "ci-change") == []


def test_file_deleted(repo: GitRepo) -> None:
    facts = change(repo, {"old.txt": None}, before={"old.txt": "bye\n", "keep.txt": "x\n"})
    assert [hit.path for hit in kinds(facts, "file-deleted")] == ["old.txt"]


def test_code_without_tests(repo: GitRepo) -> None:
    facts = change(repo, {"src/a.py": "x = 2\n"}, before={"src/a.py": "x = 1\n"})
    assert len(kinds(facts, "no-tests")) == 1


def test_code_with_tests(repo: GitRepo) -> None:
    facts = change(repo, {"src/a.py": "x = 2\n", "tests/test_a.py": "def test_a(): pass\n"},
                   before={"src/a.py": "x = 1\n"})
    assert kinds(facts, "no-tests") == []


def test_detector_disabled_by_override(repo: GitRepo) -> None:
    repo.write(".analyzer/rules.toml", "[detector.no-tests]\nenabled = false\n")
    facts = change(repo, {"src/a.py": "x = 2\n"}, before={"src/a.py": "x = 1\n"})
    assert kinds(facts, "no-tests") == []


def test_hit_blocking_default() -> None:
    assert DetectorHit("secret", "a", None, "x").blocking is True
    assert DetectorHit("privilege", "a", None, "x").blocking is False
    assert DetectorHit("secret", "a", None, "x", blocking=False).blocking is False


# Lines that the detectors' patterns match; each pattern must match at least one of them.
PREFILTER_EXAMPLES = {
    "env": (
        'docker run --env HF_HOME=/cache img', "docker run -e 'MODEL_NAME' img", "ENV CUDA_HOME=/usr/local/cuda",
        "export NIXL_LOG_LEVEL=debug", 'path = os.environ.get("NIXL_PLUGIN_DIR")', "level = getenv('LOG_LEVEL')",
        'let home = std::env::var("CARGO_HOME");', "const port = process.env.SERVER_PORT", 'v := os.LookupEnv("GOPATH")',
    ),
    "yaml-env": ("  - name: HF_TOKEN_PATH", "  NIXL_LOG_LEVEL: debug"),
    "privilege": (
        "  privileged: true", "  allowPrivilegeEscalation: true", "  runAsUser: 0", "  runAsNonRoot: false",
        "  hostPID: true", "    - CAP_SYS_ADMIN", "docker run --cap-add SYS_PTRACE img", "docker run --user=root img",
        "USER root", "RUN sudo apt-get update", "chmod -R 777 /data", "if (setuid(0) < 0)", "kind: ClusterRoleBinding",
        "  defaultMode: 0777",
    ),
    "network": (
        'app.run(host="0.0.0.0")', "  hostNetwork: true", "  hostPort: 8080", "  nodePort: 30080",
        "  containerPort: 8000", "  type: LoadBalancer", "EXPOSE 8000", "docker run -p 8080:80 img",
        "serve --metrics-port=9090", '  - "8080:80"', "  port: 8443", "    listen 443 ssl;",
    ),
}
# Patterns, their literal anchors, and a regex that the matches without an anchor contain.
PREFILTERED = {
    "env": (_ENV_PATTERNS, _ENV_ANCHORS, None),
    "yaml-env": (_YAML_ENV_PATTERNS, _YAML_ENV_ANCHORS, None),
    "privilege": (_PRIVILEGE_PATTERNS, _PRIVILEGE_ANCHORS, None),
    "network": (_NETWORK_PATTERNS, _NETWORK_ANCHORS, _NETWORK_PORT_PAIR),
}


@pytest.mark.parametrize("group", sorted(PREFILTERED))
def test_prefilter_anchor_in_every_match(group: str) -> None:
    patterns, anchors, other = PREFILTERED[group]
    for pattern in patterns:
        matches = [match.group(0) for line in PREFILTER_EXAMPLES[group] if (match := pattern.search(line))]
        assert matches, f"no example for {pattern.pattern}"
        # The matched text itself passes the prefilter, so the prefilter cannot drop a line the pattern matches.
        for matched in matches:
            passes = has_anchor(matched, anchors) or (other is not None and other.search(matched) is not None)
            assert passes, (pattern.pattern, matched)


def test_prefilter_drops_plain_line() -> None:
    line = "\tstrbuf_release(&buf);"
    assert not has_anchor(line, _ENV_ANCHORS + _PRIVILEGE_ANCHORS + _NETWORK_ANCHORS)
    assert _NETWORK_PORT_PAIR.search(line) is None
    assert _flags("builtin/log.c", line) == []


def test_removed_flags_keep_line_order(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "flags")
    repo.write("run.sh", "exec tool --zeta --alpha --mid --beta\n")
    repo.commit("chore: add runner")
    repo.write("run.sh", "exec tool\n")
    repo.commit("chore: drop flags")

    script = (
        "from pathlib import Path; from zoneinfo import ZoneInfo\n"
        "from analyzer.repo import open_repository; from analyzer.window import Selection\n"
        "from analyzer.pipeline import analyze_repository; from analyzer.rules import load_rules\n"
        f"r = open_repository(Path({str(repo.path)!r}))\n"
        "a = analyze_repository(r, Selection(revisions=('HEAD', '-1'), timezone=ZoneInfo('UTC')), load_rules(r.path))\n"
        "print([h.value for h in next(iter(a.commits)).facts.hits if h.kind == 'cli-flag-removed'])\n"
    )
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        outputs.add(result.stdout.strip())
    assert outputs == {"['--zeta', '--alpha', '--mid', '--beta']"}


def test_network_colon_without_port_pair(repo: GitRepo) -> None:
    facts = change(repo, {"compose.yaml": 'services:\n  web:\n    image: "nginx:1.27"\n    command: ["a:b"]\n'})
    assert kinds(facts, "network-exposure") == []


def test_network_hits_in_line_order(repo: GitRepo) -> None:
    facts = change(repo, {"compose.yaml": 'ports:\n  - "9000:90"\nhost: 0.0.0.0\n  - "8080:80"\n'})
    assert [(hit.line, hit.value) for hit in kinds(facts, "network-exposure")] == [
        (2, '- "9000:90"'), (3, "0.0.0.0"), (4, '- "8080:80"')]


def test_env_var_after_form_feed_line(repo: GitRepo) -> None:
    # A form feed inside a context line must not end the hunk before the added line.
    facts = change(repo, {"run.sh": "#!/bin/sh\n# \x0cpage two\nexport APP_HOME=/srv\n"},
                   before={"run.sh": "#!/bin/sh\n# \x0cpage two\n"})
    hits = kinds(facts, "env-var-added")
    assert [(hit.line, hit.value) for hit in hits] == [(3, "APP_HOME")]
