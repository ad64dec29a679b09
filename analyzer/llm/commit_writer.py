"""One commit through the model: prompt, constrained generation, validation, one retry, fallback."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from analyzer.llm.engine import Engine, Generation
from analyzer.llm.material import Material, build_material
from analyzer.llm.prompts import (
    INSIGHT_FIELDS,
    PromptSet,
    chat_messages,
    completion_prefix,
    completion_prompt,
    max_output_tokens,
    output_schema,
)
from analyzer.llm.validate import Rejection, check_field
from analyzer.pipeline import AnalyzedCommit
from analyzer.rating import Importance
from analyzer.sections import SECTION_NAMES, WRITER_MODEL, WRITER_RULES

log = logging.getLogger(__name__)

RETRY_TEMPERATURE = 0.5
PROMPT_MARGIN = 64
"""Tokens kept free beyond the output reserve, for fences and template tokens."""


@dataclass(slots=True)
class CommitOutcome:
    """Model output for one commit, with its cost."""

    fields: dict[str, object] = field(default_factory=dict)
    """Fields that passed validation, ready to replace the deterministic text."""
    rejections: dict[str, Rejection] = field(default_factory=dict)
    """Fields that fell back to the deterministic text, with the last reason."""
    coverage: str = ""
    calls: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    timed_out: bool = False


BASE_MODEL_FIELDS = ("summary",)
"""Sections a base (non-instruction) model writes, whatever the importance."""


def requested_fields(analyzed: AnalyzedCommit) -> tuple[str, ...]:
    """Sections the model writes for this commit, following what the report shows at its importance."""
    importance = analyzed.rating.importance
    if importance == Importance.LOW:
        return ("summary",)
    if importance == Importance.MEDIUM:
        fields = ["summary", "scope", "suggestions"]
        if analyzed.facts.hits:
            fields.insert(2, "risks")
        return tuple(fields)
    return ("summary", "scope", *INSIGHT_FIELDS, "risks", "suggestions")


def parse_output(text: str, fields: tuple[str, ...]) -> dict[str, object]:
    """Parse the generated JSON; fields missing or of the wrong type are simply absent."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: data[name] for name in fields if name in data}


class CommitWriter:
    """Writes commits with one loaded model and one prompt set."""

    def __init__(self, engine: Engine, prompts: PromptSet, timeout_s: float) -> None:
        self.engine = engine
        self.prompts = prompts
        self.timeout_s = timeout_s
        self.examples = tuple(example.output for example in prompts.examples)

        fixed = prompts.system + prompts.chat_request if engine.uses_chat() else completion_prefix(prompts)
        self.fixed_tokens = engine.count_tokens(fixed)

    def prompt_for(self, material: Material, fields: tuple[str, ...]) -> str:
        if self.engine.uses_chat():
            system, user = chat_messages(self.prompts, material.block, fields)
            return self.engine.render_chat(system, user)
        return completion_prompt(self.prompts, material.block)

    def call(self, prompt: str, fields: tuple[str, ...], low: bool, outcome: CommitOutcome, retry: bool) -> dict[str, object]:
        schema = output_schema(self.prompts, fields, low)
        generation: Generation = self.engine.generate(
            prompt,
            schema,
            max_tokens=max_output_tokens(schema),
            timeout_s=self.timeout_s,
            temperature=RETRY_TEMPERATURE if retry else 0.2,
            seed=self.engine.seed + (1 if retry else 0),
        )
        outcome.calls += 1
        outcome.completion_tokens += generation.completion_tokens
        outcome.seconds += generation.seconds
        outcome.timed_out = outcome.timed_out or generation.timed_out
        return parse_output(generation.text, fields)

    def accept(self, values: dict[str, object], fields: tuple[str, ...], corpus: str, outcome: CommitOutcome) -> list[str]:
        """Move passing fields into `outcome`; return the names that failed."""
        failed = []
        for name in fields:
            rejection = check_field(values[name], corpus, self.examples) if name in values else Rejection("invalid-json")
            if outcome.timed_out and name not in values:
                rejection = Rejection("timeout")
            if rejection is None:
                outcome.fields[name] = values[name]
                outcome.rejections.pop(name, None)
            else:
                outcome.rejections[name] = rejection
                failed.append(name)
        return failed

    def write(self, analyzed: AnalyzedCommit) -> CommitOutcome:
        """Generate, validate and retry once the fields of `analyzed`; never touches the commit itself."""
        fields = requested_fields(analyzed)
        if not self.engine.uses_chat():
            # A base model prompted by completion writes a short gloss at best,
            # and every extra field costs grammar-constrained tokens: with the
            # embedded model an eight-field call often passed 60 s and most
            # fields failed validation. It writes the summary only.
            fields = BASE_MODEL_FIELDS
        low = analyzed.rating.importance == Importance.LOW
        reserve = max_output_tokens(output_schema(self.prompts, fields, low))
        available = self.engine.n_ctx - self.fixed_tokens - reserve - PROMPT_MARGIN

        material = build_material(analyzed, available, self.engine.count_tokens)
        outcome = CommitOutcome(coverage=material.coverage)
        prompt = self.prompt_for(material, fields)

        try:
            values = self.call(prompt, fields, low, outcome, retry=False)
            failed = self.accept(values, fields, material.corpus, outcome)

            # A second try only for validation failures: after a timeout the
            # same prompt would most likely time out again.
            if failed and not outcome.timed_out:
                values = self.call(prompt, tuple(failed), low, outcome, retry=True)
                self.accept(values, tuple(failed), material.corpus, outcome)
        except ValueError as error:
            # llama-cpp-python raises ValueError when the prompt does not fit n_ctx.
            log.warning("model call failed for %s: %s", analyzed.commit.short_sha, error)
            for name in fields:
                outcome.rejections.setdefault(name, Rejection("error", str(error)))

        for name, rejection in outcome.rejections.items():
            log.info("commit %s: %s fell back to the rules text (%s %s)", analyzed.commit.short_sha, name, rejection.reason, rejection.detail)
        return outcome


def apply_outcome(analyzed: AnalyzedCommit, fields: dict[str, object], coverage: str) -> int:
    """Replace sections with model fields, record who wrote each section; return the number replaced."""
    replaced = 0
    for name in SECTION_NAMES:
        if name in fields:
            value = fields[name]
            setattr(analyzed.sections, name, list(value) if isinstance(value, list) else str(value))
            analyzed.written_by[name] = WRITER_MODEL
            replaced += 1
        elif getattr(analyzed.sections, name):
            analyzed.written_by.setdefault(name, WRITER_RULES)
    analyzed.coverage = coverage
    return replaced
