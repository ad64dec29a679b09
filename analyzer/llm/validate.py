"""Checks on model-written text: Chinese, no repetition loops, no names absent from the commit."""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_CJK_RATIO = 0.5
"""Share of CJK characters among the letters outside code names; below it the text is not Chinese."""

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_BACKTICKED = re.compile(r"`([^`]+)`")
_PATH = re.compile(r"(?<![\w/.-])(?:[\w.-]+/)+[\w.-]+|(?<![\w/.-])[\w-]+\.(?:[A-Za-z][\w]{0,7})(?![\w/])")
_FLAG = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
_IDENTIFIER = re.compile(r"\b(?:[A-Za-z]+_[A-Za-z0-9_]+|[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*|[A-Z]{2,}_[A-Z0-9_]+)\b")
_CALL = re.compile(r"\b([A-Za-z_][\w.]*)\(\)")


@dataclass(frozen=True, slots=True)
class Rejection:
    """Reason a field failed validation."""

    reason: str
    """`empty`, `not-chinese`, `repetition`, `unknown-name` or `copied-example`."""
    detail: str = ""


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among the letters of `text`, not counting paths, flags and identifiers."""
    plain = _BACKTICKED.sub(" ", text)
    for pattern in (_PATH, _FLAG, _IDENTIFIER):
        plain = pattern.sub(" ", plain)
    letters = _LETTER.findall(plain)
    if not letters:
        return 0.0
    return len(_CJK.findall(plain)) / len(letters)


def has_repetition(text: str) -> bool:
    """Detect a generation loop: a chunk repeated back to back, or a text made of few distinct pieces."""
    compact = re.sub(r"\s+", "", text)

    # A unit of 2 to 20 characters repeated at least 3 times in a row.
    if re.search(r"(.{2,20}?)\1{2,}", compact):
        return True

    # Long text with few distinct 3-grams cycles through the same phrases.
    if len(compact) >= 40:
        grams = [compact[index : index + 3] for index in range(len(compact) - 2)]
        if len(set(grams)) / len(grams) < 0.5:
            return True
    return False


def named_terms(text: str) -> set[str]:
    """Paths, flags and code identifiers that `text` names."""
    terms: set[str] = set()
    for span in _BACKTICKED.findall(text):
        terms.add(span.strip().rstrip("()"))

    plain = _BACKTICKED.sub(" ", text)
    terms.update(match.group(0).rstrip(".") for match in _PATH.finditer(plain))
    terms.update(match.group(0) for match in _FLAG.finditer(plain))
    terms.update(_IDENTIFIER.findall(plain))
    terms.update(_CALL.findall(plain))
    return {term for term in terms if term}


def unknown_terms(text: str, corpus: str) -> list[str]:
    """Terms named in `text` that occur nowhere in `corpus` (the commit's subject, body, paths and diff)."""
    missing = []
    for term in sorted(named_terms(text)):
        if term in corpus:
            continue
        # A path may be named from the repository root with a leading `./` or `/`.
        if term.lstrip("./") and term.lstrip("./") in corpus:
            continue
        missing.append(term)
    return missing


def check_text(text: str, corpus: str, examples: tuple[str, ...], min_cjk: float = MIN_CJK_RATIO) -> Rejection | None:
    """Validate one piece of model text; return the first failure, or None when it passes."""
    stripped = text.strip()
    if len(stripped) < 2:
        return Rejection("empty")

    missing = unknown_terms(stripped, corpus)
    if missing:
        return Rejection("unknown-name", ", ".join(missing[:5]))

    # Base models tend to copy the few-shot outputs, which describe other commits.
    if any(stripped in example for example in examples if len(stripped) >= 8):
        return Rejection("copied-example")

    if has_repetition(stripped):
        return Rejection("repetition")
    if cjk_ratio(stripped) < min_cjk:
        return Rejection("not-chinese", f"{cjk_ratio(stripped):.2f}")
    return None


def check_field(value: object, corpus: str, examples: tuple[str, ...]) -> Rejection | None:
    """Validate a field: a string, or a list of strings where every item must pass."""
    if isinstance(value, str):
        return check_text(value, corpus, examples)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        for item in value:
            rejection = check_text(item, corpus, examples)
            if rejection is not None:
                return rejection
        if len({item.strip() for item in value}) < len(value):
            return Rejection("repetition", "duplicate items")
        return None
    return Rejection("empty")
