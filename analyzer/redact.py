"""Credential redaction for everything that shows commit text: prompts, logs, reports.

`redact(text)` replaces each credential-like string with `[REDACTED:<kind>]`,
so the secret itself is not copied out of the diff. The detector in
`analyzer.detectors` reports only the kind and the location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.report.escape import code_span as plain_code_span

MARKER = "[REDACTED:{kind}]"


@dataclass(frozen=True, slots=True)
class SecretPattern:
    kind: str
    regex: re.Pattern[str]
    anchors: tuple[str, ...]
    """Lower-case literals of which every match contains one, compared case-insensitively."""
    group: str | None = None
    """Named group holding the secret; None redacts the whole match."""


# Values that mark a placeholder or a reference, not a secret: `${VAR}`,
# `<token>`, `{{ secrets.X }}`, `%(x)s`, `$VAR`, `*****`, `xxxxx`, `changeme`.
_PLACEHOLDER = re.compile(
    r"^(?:\$|<|\{|%|\*+$|x+$|X+$|\.\.\.|changeme$|change_me$|none$|null$|true$|false$|example|your[_-]|dummy|fake|test)",
    re.IGNORECASE,
)
# Identifiers, calls and types such as `os.environ["X"]`, `self.token`,
# `get_password()` and `Option<SecretString>`.
_REFERENCE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:(?:\.|::)[A-Za-z_][A-Za-z0-9_]*)+$|[()\[\]<>]")
# Generic assignments need a value of 8+ characters with a letter and a digit:
# real passwords and tokens have both, words such as "Signed-off-by" do not.
_MIN_ASSIGNED_SECRET = 8

PATTERNS: tuple[SecretPattern, ...] = (
    # PEM private keys: redact the whole block, or to the end of the text when the END line is absent.
    SecretPattern("private-key", re.compile(
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
        re.DOTALL), ("-----begin ",)),
    SecretPattern("aws-access-key", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
                  ("akia", "asia", "abia", "acca")),
    SecretPattern("aws-secret-key", re.compile(
        r"(?i)aws_?secret_?access_?key[\"']?\s*[:=]\s*[\"']?(?P<value>[A-Za-z0-9/+=]{40})"), ("secret",)),
    SecretPattern("github-token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
                  ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    SecretPattern("gitlab-token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}"), ("glpat-",)),
    SecretPattern("huggingface-token", re.compile(r"\bhf_[A-Za-z0-9]{30,}"), ("hf_",)),
    SecretPattern("openai-key", re.compile(r"\bsk-(?:proj-|ant-|live-)?[A-Za-z0-9_-]{20,}"), ("sk-",)),
    SecretPattern("slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), ("xox",)),
    SecretPattern("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), ("aiza",)),
    SecretPattern("stripe-key", re.compile(r"\b[rs]k_live_[A-Za-z0-9]{20,}"), ("k_live_",)),
    # `password = "..."`, `api_key: ...`, `TOKEN=...`: only the value is secret.
    SecretPattern("password-assignment", re.compile(
        r"(?i)\b(?:[a-z0-9_]*_)?(?:password|passwd|pwd|secret|secret_key|api_key|apikey|access_token|auth_token"
        r"|client_secret|private_key|token)[\"']?\s*(?::=|=|:)\s*"
        r"(?P<quote>[\"'`]?)(?P<value>[^\s\"'`,;]{6,})(?P=quote)"),
        ("passw", "pwd", "secret", "api_key", "apikey", "token", "private_key"),
        group="value"),
)

# Prefilter: a text that contains none of the anchors cannot match any pattern,
# because every pattern's match contains one of its pattern's anchors.
SECRET_ANCHORS: tuple[str, ...] = tuple(dict.fromkeys(anchor for pattern in PATTERNS for anchor in pattern.anchors))
# The non-ASCII characters that case-insensitive regexes match to ASCII letters,
# but that lower() does not turn into them (Turkish i, long s, Kelvin sign).
ASCII_FOLDS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}


def fold_case(text: str) -> str:
    """Return `text` in lower case, with the ASCII_FOLDS characters turned into their ASCII letters.

    Each character becomes exactly one: U+0130, the only one whose lower case
    is two characters, is folded to `i` first.
    """
    if text.isascii():
        return text.lower()
    # One str.replace per character: str.translate with a dict costs a lookup per character of `text`.
    for char, letter in ASCII_FOLDS.items():
        text = text.replace(char, letter)
    return text.lower()


def may_contain_secret(text: str) -> bool:
    """False only when no pattern of PATTERNS can match `text` (a cheap test before the full patterns)."""
    # Folding as the patterns' case-insensitive matching does makes a plain substring test exact.
    folded = fold_case(text)
    for anchor in SECRET_ANCHORS:
        if anchor in folded:
            return True
    return False


def _is_secret_value(pattern: SecretPattern, value: str) -> bool:
    if pattern.group is None:
        return True
    if _PLACEHOLDER.match(value) or _REFERENCE.search(value) or len(value) < _MIN_ASSIGNED_SECRET:
        return False
    return any(char.isdigit() for char in value) and any(char.isalpha() for char in value)


def find_secrets(text: str) -> list[tuple[str, int, int]]:
    """Return (kind, start, end) of each credential-like string in `text`, in text order."""
    if not may_contain_secret(text):
        return []

    found: list[tuple[str, int, int]] = []
    claimed_spans: list[tuple[int, int]] = []
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(text):
            start, end = match.span(pattern.group) if pattern.group else match.span()
            value = text[start:end]
            if not _is_secret_value(pattern, value):
                continue
            if any(start < other_end and other_start < end for other_start, other_end in claimed_spans):
                continue
            claimed_spans.append((start, end))
            found.append((pattern.kind, start, end))
    return sorted(found, key=lambda item: item[1])


def redact(text: str) -> str:
    """Return `text` with every credential-like string replaced by `[REDACTED:<kind>]`."""
    parts: list[str] = []
    position = 0
    for kind, start, end in find_secrets(text):
        parts.append(text[position:start])
        parts.append(MARKER.format(kind=kind))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def code_span(text: str) -> str:
    """Format `text`, redacted, as a Markdown code span that stays intact when it contains backticks."""
    return plain_code_span(redact(text))