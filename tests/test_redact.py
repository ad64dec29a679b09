"""Credential detection and redaction: the secret never appears in any output."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict
from io import StringIO

import pytest
from rich.console import Console

from analyzer.explain import explain, read_one_commit
from analyzer.facts import build_facts
from analyzer.rating import rate
from analyzer.redact import ASCII_FOLDS, PATTERNS, find_secrets, may_contain_secret, redact
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
    assert "secret" in {rule.name for rule in rating.fired}
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


def test_secret_moved_across_files(repo: GitRepo) -> None:
    value = SECRETS["github-token"]
    repo.write("a.py", f"TOKEN = '{value}'\nx = 1\n")
    repo.commit("feat: a", when="2026-01-09T12:00:00+00:00")
    repo.write("a.py", "x = 1\n")
    repo.write("lib/b.py", f"TOKEN = '{value}'\n")
    repo.commit("refactor: move token")
    facts = build_facts(read_one_commit(open_repository(repo.path), "HEAD"), load_rules(repo.path))
    assert [hit for hit in facts.hits if hit.kind == "secret"] == []


def secret_lines(repo: GitRepo, path: str, lines: list[str]) -> list[tuple[str, int | None]]:
    """Commit `lines` as a new file and return the (path, line) of each secret hit."""
    repo.write("README.md", "hello\n")
    repo.commit("docs: start", when="2026-01-09T12:00:00+00:00")
    repo.write(path, "".join(f"{line}\n" for line in lines))
    repo.commit("feat: add key")
    facts = build_facts(read_one_commit(open_repository(repo.path), "HEAD"), load_rules(repo.path))
    return [(hit.path, hit.line) for hit in facts.hits if hit.kind == "secret"]


def test_private_key_block_one_hit(repo: GitRepo) -> None:
    # Credential-like lines inside the block, the END line included, belong to the BEGIN line's hit.
    lines = [
        "note = 1",
        "-----BEGIN RSA PRIVATE KEY-----",
        f"token = {SECRETS['password-assignment']}",
        PRIVATE_KEY_BODY,
        f"-----END RSA PRIVATE KEY----- {SECRETS['github-token']}",
        f"key = '{SECRETS['huggingface-token']}'",
    ]
    assert secret_lines(repo, "deploy/key.pem", lines) == [("deploy/key.pem", 2), ("deploy/key.pem", 6)]


def test_private_key_block_without_end(repo: GitRepo) -> None:
    lines = ["-----BEGIN EC PRIVATE KEY-----", PRIVATE_KEY_BODY, f"key = '{SECRETS['huggingface-token']}'"]
    assert secret_lines(repo, "deploy/key.pem", lines) == [("deploy/key.pem", 1)]


# One line per pattern that the full pattern matches, built from pieces like SECRETS.
PATTERN_EXAMPLES = {
    "private-key": "-----BEGIN EC PRIVATE KEY-----",
    "aws-access-key": "key = ASIA" + "Q3EXAMPLE7KEYZ2M",
    "aws-secret-key": "AWS_SECRET_ACCESS_KEY=" + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
    "github-token": "github" + "_pat_" + "11ABCDEFG0123456789_abcdefghijk",
    "gitlab-token": "glpat" + "-" + "x1Y2z3A4b5C6d7E8f9G0",
    "huggingface-token": SECRETS["huggingface-token"],
    "openai-key": SECRETS["openai-key"],
    "slack-token": "xoxb" + "-" + "1234567890-abcdef",
    "google-api-key": "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "stripe-key": "rk" + "_live_" + "a1B2c3D4e5F6g7H8i9J0",
    "password-assignment": "DB_PassWord: " + SECRETS["password-assignment"],
}


def test_pattern_examples_cover_every_pattern() -> None:
    assert set(PATTERN_EXAMPLES) == {pattern.kind for pattern in PATTERNS}


@pytest.mark.parametrize("kind", sorted(PATTERN_EXAMPLES))
def test_prefilter_passes_pattern_example(kind: str) -> None:
    line = PATTERN_EXAMPLES[kind]
    pattern = next(pattern for pattern in PATTERNS if pattern.kind == kind)
    match = pattern.regex.search(line)
    assert match is not None

    # The match contains one of its own pattern's anchors, so the prefilter cannot drop the line.
    assert any(anchor in match.group(0).lower() for anchor in pattern.anchors)
    assert may_contain_secret(line)
    assert kind in [found_kind for found_kind, _, _ in find_secrets(line)]


def test_prefilter_folds_case_like_patterns() -> None:
    # The patterns' case-insensitive matching takes the long s for `s`; lower() does not.
    line = "paſſword = " + SECRETS["password-assignment"]
    assert may_contain_secret(line)
    assert [kind for kind, _, _ in find_secrets(line)] == ["password-assignment"]


def test_prefilter_folds_every_ascii_equivalent() -> None:
    # Every non-ASCII character that a case-insensitive regex takes for an ASCII letter is folded.
    letter = re.compile("[a-z]", re.IGNORECASE)
    equivalents = {chr(code) for code in range(0x80, sys.maxunicode + 1) if letter.fullmatch(chr(code))}
    assert equivalents == set(ASCII_FOLDS)
    for char, ascii_letter in ASCII_FOLDS.items():
        assert re.fullmatch(ascii_letter, char, re.IGNORECASE)


def test_prefilter_drops_plain_code() -> None:
    assert not may_contain_secret("for (i = 0; i < nr; i++) strbuf_addch(&sb, 'x');")
    assert find_secrets("for (i = 0; i < nr; i++) strbuf_addch(&sb, 'x');") == []
