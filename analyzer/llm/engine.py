"""A loaded GGUF model: token counts, chat templates and schema-constrained generation with a deadline."""

from __future__ import annotations

import ctypes
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import llama_cpp
from llama_cpp import Llama, LlamaGrammar, StoppingCriteriaList
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from analyzer.llm.catalog import ResolvedModel
from analyzer.llm.errors import ModelError

log = logging.getLogger(__name__)
native_log = logging.getLogger("analyzer.llm.llama_cpp")

DEFAULT_SEED = 1234


@llama_cpp.llama_log_callback
def _route_native_log(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
    # llama.cpp prints some lines to stderr even with verbose=False; this sends
    # all of them to the debug log instead, so stderr keeps only our progress.
    native_log.debug(text.decode("utf-8", errors="replace").rstrip())


def silence_native_log() -> None:
    """Route llama.cpp's own log lines into `logging` at debug level."""
    llama_cpp.llama_log_set(_route_native_log, ctypes.c_void_p(0))


def physical_cores() -> int:
    """Count physical cores (hyper-threads share one core's arithmetic units, so they do not help)."""
    cores: set[tuple[str, str]] = set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            physical_id = core_id = ""
            for line in stream:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "physical id":
                    physical_id = value.strip()
                elif key == "core id":
                    core_id = value.strip()
                    cores.add((physical_id, core_id))
    except OSError:
        pass

    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(len(cores) or available, available))


@dataclass(slots=True)
class Generation:
    """The result of one model call."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    timed_out: bool


class _Deadline:
    """A wall-clock limit and a Ctrl-C flag, checked between tokens and inside llama_decode."""

    def __init__(self) -> None:
        self.until = float("inf")
        self.expired = False
        self.interrupted = False

    def start(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds
        self.expired = False
        self.interrupted = False

    def clear(self) -> None:
        self.until = float("inf")

    def passed(self) -> bool:
        if time.monotonic() >= self.until:
            self.expired = True
        return self.expired

    def should_stop(self) -> bool:
        return self.interrupted or self.passed()

    def interrupt(self, _signum: int, _frame: object) -> None:
        self.interrupted = True


@contextmanager
def _sigint_as_flag(deadline: _Deadline) -> Iterator[None]:
    """Turn Ctrl-C into `deadline.interrupted` for the duration of a model call.

    A KeyboardInterrupt raised inside llama.cpp's abort callback is printed
    and dropped by ctypes, so the call would fail with a bare RuntimeError.
    A flag that the callback reads stops the call cleanly instead.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    previous = signal.signal(signal.SIGINT, deadline.interrupt)
    try:
        yield
    finally:
        # None means a handler installed outside Python, so Python's default handler replaces it.
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


class Engine:
    """One loaded model; not thread-safe, one call at a time."""

    def __init__(self, model: ResolvedModel, n_threads: int | None = None, seed: int = DEFAULT_SEED) -> None:
        silence_native_log()
        self.model = model
        self.seed = seed
        self.n_threads = n_threads or physical_cores()

        try:
            self.llama = Llama(
                model_path=str(model.path),
                n_ctx=model.entry.context,
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads,
                seed=seed,
                verbose=False,
            )
        except (ValueError, RuntimeError) as error:
            raise ModelError("model.load_failed", path=model.path, reason=error) from error

        # The abort callback makes the deadline hold during prompt evaluation
        # too, where the stopping criteria are not consulted.
        self._deadline = _Deadline()
        self._abort = llama_cpp.ggml_abort_callback(lambda _data: self._deadline.should_stop())
        llama_cpp.llama_set_abort_callback(self.llama.ctx, self._abort, None)

        self.chat_template: str | None = self.llama.metadata.get("tokenizer.chat_template")
        self._formatter: Jinja2ChatFormatter | None = None
        if self.chat_template:
            self._formatter = Jinja2ChatFormatter(
                template=self.chat_template,
                eos_token=self._token_text(self.llama.token_eos()),
                bos_token=self._token_text(self.llama.token_bos()),
            )

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self.llama.detokenize([token], special=True).decode("utf-8", errors="replace")

    @property
    def n_ctx(self) -> int:
        return self.llama.n_ctx()

    @property
    def trained_context(self) -> int | None:
        architecture = self.llama.metadata.get("general.architecture", "")
        value = self.llama.metadata.get(f"{architecture}.context_length")
        return int(value) if value and value.isdigit() else None

    def uses_chat(self) -> bool:
        """Tell whether prompts go through the GGUF's chat template."""
        style = self.model.entry.prompt_style
        if style == "auto":
            return self._formatter is not None
        return style == "chat" and self._formatter is not None

    def count_tokens(self, text: str) -> int:
        """Count the tokens of `text` with the model's own tokenizer."""
        if not text:
            return 0
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def render_chat(self, system: str, user: str) -> str:
        """Render a system and a user message with the GGUF's chat template."""
        if self._formatter is None:
            raise ValueError("the model has no chat template")
        messages: list[Any] = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        # enable_thinking=False keeps templates with a reasoning mode (Qwen3) from opening one.
        return self._formatter(messages=messages, enable_thinking=False).prompt

    def generate(
        self,
        prompt: str,
        schema: dict[str, Any],
        max_tokens: int,
        timeout_s: float,
        temperature: float = 0.2,
        seed: int | None = None,
    ) -> Generation:
        """Complete `prompt` with output constrained to the JSON `schema`, stopping at `timeout_s`."""
        grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
        stopping = StoppingCriteriaList([lambda _ids, _logits: self._deadline.should_stop()])

        # Prompts rendered from a chat template already contain the BOS text.
        prompt_tokens = self.llama.tokenize(prompt.encode("utf-8"), add_bos=not self.uses_chat(), special=True)

        started = time.monotonic()
        self._deadline.start(timeout_s)
        text = ""
        completion_tokens = 0
        try:
            with _sigint_as_flag(self._deadline):
                result = self.llama.create_completion(
                    prompt_tokens,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    top_k=40,
                    top_p=0.9,
                    repeat_penalty=1.1,
                    seed=self.seed if seed is None else seed,
                    grammar=grammar,
                    stopping_criteria=stopping,
                )
            text = result["choices"][0]["text"]
            completion_tokens = result["usage"]["completion_tokens"]
        except RuntimeError as error:
            # llama_decode returns an error code when the abort callback fired.
            if not (self._deadline.expired or self._deadline.interrupted):
                raise
            log.debug("model call aborted at the deadline or by Ctrl-C: %s", error)

            # An aborted decode leaves the context unusable (later calls
            # produced no token), so drop its cache and evaluated state.
            self.llama.reset()
            self.llama._ctx.kv_cache_clear()
        finally:
            self._deadline.clear()

        if self._deadline.interrupted:
            raise KeyboardInterrupt

        return Generation(
            text=text,
            prompt_tokens=len(prompt_tokens),
            completion_tokens=completion_tokens,
            seconds=time.monotonic() - started,
            timed_out=self._deadline.expired,
        )
