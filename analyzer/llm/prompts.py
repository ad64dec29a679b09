"""Prompt data from `prompts/commit.toml`: loading, the output schema and the prompt text."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.llm.errors import ModelError
from analyzer.paths import PROMPTS_DIR
from analyzer.sections import SECTION_NAMES

PROMPT_FILE = "commit.toml"
REPOSITORY_PROMPT = Path(".analyzer") / "prompts" / PROMPT_FILE
LIST_FIELDS = ("risks", "suggestions")
INSIGHT_FIELDS = ("architecture", "performance", "security", "maintainability")


@dataclass(frozen=True, slots=True)
class Example:
    input: str
    output: str


@dataclass(frozen=True, slots=True)
class PromptSet:
    """The prompt texts, limits and examples, with the version that keys the cache."""

    version: str
    """Declared version plus a hash of the file, for example `1+3f2a9c01d4e5`."""
    system: str
    chat_request: str
    fence_open: str
    fence_close: str
    answer_cue: str
    field_descriptions: dict[str, str]
    limits: dict[str, int]
    examples: tuple[Example, ...]
    source: Path


def load_prompts(repo_root: Path | None = None) -> PromptSet:
    """Load the repository's `.analyzer/prompts/commit.toml` when present, else the project's."""
    path = PROMPTS_DIR / PROMPT_FILE
    if repo_root is not None and (repo_root / REPOSITORY_PROMPT).is_file():
        path = repo_root / REPOSITORY_PROMPT

    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        fields = {name: str(data["fields"][name]) for name in SECTION_NAMES}
        limits = {key: int(value) for key, value in data["limits"].items()}
        examples = tuple(Example(input=str(item["input"]).strip(), output=str(item["output"]).strip()) for item in data.get("examples", []))
        return PromptSet(
            version=f"{data['version']}+{hashlib.sha256(raw).hexdigest()[:12]}",
            system=str(data["system"]).strip(),
            chat_request=str(data["chat_request"]).strip(),
            fence_open=str(data["fence_open"]),
            fence_close=str(data["fence_close"]),
            answer_cue=str(data["answer_cue"]),
            field_descriptions=fields,
            limits=limits,
            examples=examples,
            source=path,
        )
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise ModelError("model.prompt_invalid", path=path, reason=error) from error


def output_schema(prompts: PromptSet, fields: tuple[str, ...], low: bool) -> dict[str, Any]:
    """Build the JSON schema for `fields`, with the length limits the grammar enforces."""
    limits = prompts.limits
    properties: dict[str, Any] = {}

    for name in fields:
        if name in LIST_FIELDS:
            item = {"type": "string", "minLength": 4, "maxLength": limits["list_item"]}
            properties[name] = {"type": "array", "items": item, "minItems": 1, "maxItems": limits["list_items"]}
        elif name == "summary":
            properties[name] = {"type": "string", "minLength": 4, "maxLength": limits["summary_low" if low else "summary"]}
        elif name == "scope":
            properties[name] = {"type": "string", "minLength": 2, "maxLength": limits["scope"]}
        else:
            properties[name] = {"type": "string", "minLength": 2, "maxLength": limits["insight"]}

    return {"type": "object", "properties": properties, "required": list(fields), "additionalProperties": False}


def max_output_tokens(schema: dict[str, Any]) -> int:
    """Estimate a token ceiling for output that fills `schema` to its limits.

    Chinese text in the supported tokenizers runs at about one token per
    character or less, so the character limits plus JSON punctuation bound it.
    """
    total = 8
    for name, spec in schema["properties"].items():
        total += len(name) + 6
        if spec["type"] == "array":
            total += spec["maxItems"] * (spec["items"]["maxLength"] + 4)
        else:
            total += spec["maxLength"]
    return total


def fence(text: str, prompts: PromptSet) -> str:
    """Neutralise the fence markers inside untrusted commit text, so it cannot close the data block."""
    for marker in (prompts.fence_open, prompts.fence_close, "<<<", ">>>"):
        text = text.replace(marker, marker.replace("<", "‹").replace(">", "›"))
    return text


def describe_fields(prompts: PromptSet, fields: tuple[str, ...]) -> str:
    return "；".join(f"{name}（{prompts.field_descriptions[name]}）" for name in fields)


def completion_prefix(prompts: PromptSet) -> str:
    """Return the fixed part of a completion prompt, which is the instructions and few-shot examples."""
    parts = [prompts.system, ""]
    for example in prompts.examples:
        parts.append(f"{prompts.fence_open}\n{example.input}\n{prompts.fence_close}\n{prompts.answer_cue}{example.output}\n")
    return "\n".join(parts)


def completion_prompt(prompts: PromptSet, commit_block: str) -> str:
    """Return a few-shot completion prompt for base models, with the commit data last."""
    return f"{completion_prefix(prompts)}\n{prompts.fence_open}\n{fence(commit_block, prompts)}\n{prompts.fence_close}\n{prompts.answer_cue}"


def chat_messages(prompts: PromptSet, commit_block: str, fields: tuple[str, ...]) -> tuple[str, str]:
    """System and user messages for instruction models, commit data last."""
    request = prompts.chat_request.format(fields=describe_fields(prompts, fields))
    user = f"{request}\n{prompts.fence_open}\n{fence(commit_block, prompts)}\n{prompts.fence_close}"
    return prompts.system, user
