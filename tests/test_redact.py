"""Credential detection and redaction: the secret never appears in any output."""

from __future__ import annotations

import json
from dataclasses import asdict
from io import StringIO

import pytest
from rich.console import Console

from analyzer.explain import explain, read_one_commit
from analyzer.facts import build_facts
from analyzer.rating import rate
from analyzer.redact import redact
from analyzer.repo import open_repository
from analyzer.rules import load_rules
from analyzer.writer import write_sections
from tests.gitrepo import GitRepo

# Built from pieces so this file itself contains no credential-shaped string.
SECRETS = {
    "aws-access-key": "AKIA" + "Q3EXAMPLE7KEYZ2M",
    "github-token": "ghp" + "_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "huggingface-token": "hf" + "_" + "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
    "openai-key": "sk" + "-" + "proj-Z9y8X7w6V5u4T3s2R1q0P9o8N7m6",
    "password-assignment": "S3cret" + "-Passw0rd!",
}
PRIVATE_KEY_BODY = "MIIEowIBAAKCAQEA7" + "x9Qv2LmN0pRs4TuVw"


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_redact_removes_secret(kind: str) -> None:
    value = SECRETS[kind]
    line = f'password = "{value}"' if kind == "password-assignment" else f"token: {value}"
    redacted = redact(line)
    assert value not in redacted
    assert f"[REDACTED:{kind}]" in redacted


def test_redact_private_key_block() -> None:
    block = "-----BEGIN RSA PRIVATE KEY-----\n" + PRIVATE_KEY_BODY + "\n-----END RSA PRIVATE KEY-----\nafter"
    redacted = redact(block)
    assert PRIVATE_KEY_BODY not in redacted
    assert redacted.endswith("after")


@pytest.mark.parametrize(
    "line",
    ['HF_TOKEN="${HF_TOKEN}"', "password = os.environ['DB_PASSWORD']", "token: <your-token>",
     "max_token = 4096000", "password: str = field()"],
)
def test_placeholders_kept(line: str) -> None:
    assert redact(line) == line


def test_secret_never_in_any_output(repo: GitRepo) -> None:
    key_file = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + PRIVATE_KEY_BODY + "\n-----END OPENSSH PRIVATE KEY-----\n"
    repo.write("README.md", "hello\n")
    repo.commit("docs: start", when="2026-01-09T12:00:00+00:00")
    names = {kind: "db_password" if kind == "password-assignment" else f"setting_{index}"
             for index, kind in enumerate(SECRETS)}
    repo.write("config/settings.py", "".join(f"{names[kind]} = '{value}'\n" for kind, value in SECRETS.items()))
    repo.write("deploy/id_rsa", key_file)
    repo.commit(f"feat: add settings {SECRETS['github-token']}", when="2026-01-10T12:00:00+00:00")

    repository = open_repository(repo.path)
    rules = load_rules(repo.path)
    output = StringIO()
    explanation = explain(repository, "HEAD", rules, Console(file=output, width=200))
    facts = build_facts(explanation.commit, rules)
    rating = rate(explanation.commit, facts, rules)
    sections = write_sections(explanation.commit, facts, rating, rules)

    hits = [hit for hit in facts.hits if hit.kind == "secret"]
    assert len(hits) == len(SECRETS) + 1
    assert all(hit.blocking for hit in hits)
    assert rating.blocked
    shown = "\n".join([
        output.getvalue(),
        json.dumps([asdict(hit) for hit in facts.hits], ensure_ascii=False),
        json.dumps(sections.to_dict(), ensure_ascii=False),
        json.dumps([asdict(rule) for rule in rating.fired], ensure_ascii=False),
    ])
    for value in [*SECRETS.values(), PRIVATE_KEY_BODY]:
        assert value not in shown


@pytest.mark.parametrize(
    "line",
    ["pub github_token: Option<SecretString>,", 'token: "Signed-off-by",', "token = settings::GITHUB_TOKEN"],
)
def test_code_not_taken_for_secret(line: str) -> None:
    assert redact(line) == line


def test_moved_secret_not_reported_again(repo: GitRepo) -> None:
    value = SECRETS["github-token"]
    repo.write("a.py", f"TOKEN = '{value}'\n")
    repo.commit("feat: a", when="2026-01-09T12:00:00+00:00")
    repo.write("a.py", f"if True:\n    TOKEN = '{value}'\n")
    repo.commit("style: indent")
    facts = build_facts(read_one_commit(open_repository(repo.path), "HEAD"), load_rules(repo.path))
    assert [hit for hit in facts.hits if hit.kind == "secret"] == []
