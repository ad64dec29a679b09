"""Benchmark the model stage with the embedded model, against bare llama-cpp-python in the same run.

Run from the repository root:

    /work/venv-probe/bin/python benchmarks/bench_model.py [--commits 4] [--rounds 2]

It prints a table and writes benchmarks/results/model.json. Measured:
- tokens/s of our schema-constrained call against a bare `create_completion`
  of the same prompt and the same number of generated tokens (ratio = ours / bare);
- seconds per commit of `run_model_stage` without the cache;
- the same commits served from the cache, as a share of the uncached run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.llm.catalog import resolve_model  # noqa: E402
from analyzer.llm.engine import Engine  # noqa: E402
from analyzer.llm.prompts import completion_prompt, load_prompts, max_output_tokens, output_schema  # noqa: E402
from analyzer.llm.stage import ModelOptions, run_model_stage  # noqa: E402
from analyzer.pipeline import RepositoryAnalysis  # noqa: E402
from analyzer.rating import Importance  # noqa: E402
from tests.test_llm_fixtures import analyze, commit_files, make_repo, repository_analysis  # noqa: E402

STAGE_TIMEOUT_S = 600.0
"""Generous per-call limit: a timed-out result is not cached, which would spoil the cached rerun."""
LEVELS = (Importance.HIGH, Importance.MEDIUM, Importance.MEDIUM, Importance.LOW)


def build_history(root: Path, count: int) -> tuple[Path, list[tuple[str, Importance]]]:
    """Create a repository of `count` commits that each change a small Python module and its test."""
    repo = make_repo(root / "repo")
    commit_files(repo, "chore: initial layout", {"README.md": "# bench\n"})
    shas = []
    for index in range(count):
        module = f"src/service/handler_{index}.py"
        body = "".join(f"def handle_{index}_{n}(request):\n    return request.get('field_{n}')\n\n" for n in range(8))
        test = f"from service.handler_{index} import handle_{index}_0\n\ndef test_handle():\n    assert handle_{index}_0({{}}) is None\n"
        sha = commit_files(repo, f"feat(service): add handler {index} for field lookups", {module: body, f"tests/test_handler_{index}.py": test})
        shas.append((sha, LEVELS[index % len(LEVELS)]))
    return repo, shas


def analyses_for(repo: Path, shas: list[tuple[str, Importance]]) -> list[RepositoryAnalysis]:
    return [repository_analysis(repo, [analyze(repo, sha, level) for sha, level in shas])]


def measure_generation(engine: Engine, rounds: int) -> dict[str, float]:
    """Tokens/s of our constrained call and of a bare call generating the same token count."""
    prompts = load_prompts()
    block = "标题：feat(cli): add --verbose flag\n重要程度：中；变更类型：功能增强\n文件：\n- M cli.py (+3 -0)\ndiff：\n"
    prompt = completion_prompt(prompts, block)
    schema = output_schema(prompts, ("summary", "scope", "suggestions"), low=False)

    # Evaluate the prompt once so both sides start from the same cached prefix.
    engine.llama.create_completion(prompt, max_tokens=1, temperature=0.0)

    ours_tokens = ours_seconds = bare_tokens = bare_seconds = 0.0
    for _ in range(rounds):
        generation = engine.generate(prompt, schema, max_tokens=max_output_tokens(schema), timeout_s=600)
        ours_tokens += generation.completion_tokens
        ours_seconds += generation.seconds

        # logit_bias on EOS keeps the bare call going to the same length.
        started = time.monotonic()
        result = engine.llama.create_completion(
            prompt,
            max_tokens=generation.completion_tokens,
            temperature=0.2,
            seed=engine.seed,
            logit_bias={engine.llama.token_eos(): -100.0},
        )
        bare_seconds += time.monotonic() - started
        bare_tokens += result["usage"]["completion_tokens"]

    ours = ours_tokens / ours_seconds
    bare = bare_tokens / bare_seconds
    return {"ours_tokens_per_s": ours, "bare_tokens_per_s": bare, "ratio": ours / bare, "tokens_per_round": ours_tokens / rounds}


def measure_stage(repo: Path, shas: list[tuple[str, Importance]]) -> dict[str, float]:
    """Seconds per commit through run_model_stage, then a cached rerun of the same commits."""
    uncached = analyses_for(repo, shas)
    started = time.monotonic()
    summary = run_model_stage(uncached, ModelOptions(quiet=True, model_all=True, use_cache=False, timeout_s=STAGE_TIMEOUT_S), "bench")
    uncached_seconds = time.monotonic() - started

    run_model_stage(analyses_for(repo, shas), ModelOptions(quiet=True, model_all=True, timeout_s=STAGE_TIMEOUT_S), "bench")
    started = time.monotonic()
    cached = run_model_stage(analyses_for(repo, shas), ModelOptions(quiet=True, model_all=True, timeout_s=STAGE_TIMEOUT_S), "bench")
    cached_seconds = time.monotonic() - started

    return {
        "commits": len(shas),
        "seconds_per_commit": uncached_seconds / len(shas),
        "model_calls": summary.calls,
        "model_sections": summary.model_sections,
        "rule_sections": summary.rule_sections,
        "cached_commits": cached.cached,
        "cached_seconds": cached_seconds,
        "cached_share": cached_seconds / uncached_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-model-") as temporary:
        # A private cache folder, so earlier runs cannot serve this one.
        os.environ["XDG_CACHE_HOME"] = str(Path(temporary) / "cache")
        engine = Engine(resolve_model(None))
        generation = measure_generation(engine, args.rounds)
        del engine

        repo, shas = build_history(Path(temporary), args.commits)
        stage = measure_stage(repo, shas)

    load = os.getloadavg()[0]
    results = {"generation": generation, "stage": stage, "load_average_1m": load}
    output = ROOT / "benchmarks" / "results" / "model.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2), encoding="utf-8")

    print(f"tokens/s ours {generation['ours_tokens_per_s']:.1f}, bare {generation['bare_tokens_per_s']:.1f}, ratio {generation['ratio']:.2f}")
    print(f"{stage['commits']} commits: {stage['seconds_per_commit']:.1f} s per commit, {stage['model_calls']} calls")
    print(f"cached rerun: {stage['cached_seconds']:.2f} s, {stage['cached_share']:.3f} of the uncached run")
    print(f"1-minute load average during the run: {load:.2f}")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
