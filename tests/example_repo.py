"""Rebuild the 11 commits of the reference daily report as a real git repository.

The reference report (2026-01-10, ai-dynamo/dynamo) lists each commit's time,
author, subject, importance and change type in
`shared/reference/daily-report-example.commits.json`. `build_example_repo`
replays those commits with real git: same authors, subjects and UTC times, the
files the report names (or the guessed files where it names none), and diff
content that does what the report describes for each commit. One base commit on
2026-01-09 contains the files the day's commits modify.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_JSON = Path("reference") / "daily-report-example.commits.json"
ORIGIN_URL = "https://github.com/ai-dynamo/dynamo.git"
BASE_TIME = "2026-01-09 12:00:00"


def _main_worktree() -> Path | None:
    """Return the main worktree of this checkout when it is a linked git worktree."""
    try:
        common = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
            cwd=REPO_ROOT, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return Path(common).parent


def find_example_json() -> Path | None:
    """Locate the commits json in `shared/` beside the repository root.

    CI places `shared/` beside a fresh clone. In a linked git worktree the
    folder sits beside the main worktree instead, so that place is tried too.
    """
    candidates = [REPO_ROOT.parent / "shared" / EXAMPLE_JSON]
    main = _main_worktree()
    if main is not None:
        candidates.append(main.parent / "shared" / EXAMPLE_JSON)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def load_example_commits() -> list[dict[str, object]]:
    """Return the reference commits, newest first; skip the calling test when the json is absent."""
    path = find_example_json()
    if path is None:
        pytest.skip(f"reference commits json not found: expected ../shared/{EXAMPLE_JSON} beside the repository root")
    return json.loads(path.read_text(encoding="utf-8"))


# --- file operations --------------------------------------------------------------------------


@dataclass(slots=True)
class Write:
    path: str
    text: str


@dataclass(slots=True)
class Replace:
    path: str
    old: str
    new: str


@dataclass(slots=True)
class Delete:
    path: str


Operation = Write | Replace | Delete


@dataclass(slots=True)
class Step:
    subject: str
    operations: list[Operation] = field(default_factory=list)


def _text(block: str) -> str:
    return textwrap.dedent(block).lstrip("\n")


def _recipe(model: str, backend: str, variant: str, with_field: bool) -> str:
    """A DynamoGraphDeployment recipe with a prefill and a decode worker."""
    sub_decode = "      subComponentType: decode\n" if with_field else ""
    sub_prefill = "      subComponentType: prefill\n" if with_field else ""
    return (
        "apiVersion: nvidia.com/v1alpha1\n"
        "kind: DynamoGraphDeployment\n"
        "metadata:\n"
        f"  name: {model}-{backend}-{variant}\n"
        "spec:\n"
        "  services:\n"
        "    Frontend:\n"
        "      componentType: frontend\n"
        "      replicas: 1\n"
        "    DecodeWorker:\n"
        "      componentType: worker\n"
        f"{sub_decode}"
        "      replicas: 1\n"
        "      resources:\n"
        "        limits:\n"
        '          gpu: "8"\n'
        "      extraPodSpec:\n"
        "        mainContainer:\n"
        f"          image: nvcr.io/nvidia/ai-dynamo/{backend}-runtime:0.8.0\n"
        "          args:\n"
        f"            - python3 -m dynamo.{backend} --model {model} --is-decode-worker\n"
        "    PrefillWorker:\n"
        "      componentType: worker\n"
        f"{sub_prefill}"
        "      replicas: 1\n"
        "      resources:\n"
        "        limits:\n"
        '          gpu: "8"\n'
        "      extraPodSpec:\n"
        "        mainContainer:\n"
        f"          image: nvcr.io/nvidia/ai-dynamo/{backend}-runtime:0.8.0\n"
        "          args:\n"
        f"            - python3 -m dynamo.{backend} --model {model} --is-prefill-worker\n"
    )


RECIPES = [
    ("deepseek-r1", "sglang", "disagg-8gpu"),
    ("deepseek-r1", "sglang", "disagg-16gpu"),
    ("deepseek-r1", "trtllm", "disagg"),
    ("deepseek-r1", "vllm", "disagg"),
    ("llama-3-70b", "vllm", "disagg-multi-node"),
    ("llama-3-70b", "vllm", "disagg-single-node"),
]


def _recipe_path(model: str, backend: str, variant: str) -> str:
    return f"recipes/{model}/{backend}/{variant}/deploy.yaml"


RECORDER_RS = _text("""
    use std::time::{Duration, Instant};

    /// Records events with the time they arrived, for replay in tests.
    pub struct Recorder<T> {
        start: Instant,
        events: Vec<(Duration, T)>,
    }

    impl<T> Recorder<T> {
        pub fn new() -> Self {
            Self { start: Instant::now(), events: Vec::new() }
        }

        pub fn record(&mut self, event: T) {
            self.events.push((self.start.elapsed(), event));
        }

        pub fn events(&self) -> &[(Duration, T)] {
            &self.events
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn records_elapsed_time() {
            let mut recorder = Recorder::new();
            std::thread::sleep(Duration::from_millis(10));
            recorder.record(1u32);
            let elapsed = recorder.events()[0].0;
            assert!(elapsed >= Duration::from_millis(7) && elapsed <= Duration::from_millis(13));
        }
    }
""")

PREFILL_ROUTER_RS = _text("""
    use crate::kv_router::KvRouter;
    use dynamo_runtime::pipeline::network::egress::push_router::PushRouter;

    /// Routes prefill requests either by KV overlap or by the push router's mode.
    pub struct PrefillRouter {
        kv_router: Option<KvRouter>,
        push_router: PushRouter,
    }

    impl PrefillRouter {
        pub async fn route(&self, request: &PrefillRequest) -> anyhow::Result<u64> {
            if let Some(kv_router) = &self.kv_router {
                return kv_router.find_best_match(request).await;
            }
            let worker = self.push_router.select_next_worker()?;
            self.push_router.direct(request, worker).await?;
            Ok(worker)
        }
    }
""")

PUSH_ROUTER_RS = _text("""
    use std::sync::atomic::{AtomicU64, Ordering};

    pub enum RouterMode {
        RoundRobin,
        Random,
        KV,
    }

    pub struct PushRouter {
        mode: RouterMode,
        round_robin_counter: AtomicU64,
        instances: Vec<u64>,
    }

    impl PushRouter {
        /// Pick the next worker and advance the round-robin counter.
        pub fn select_next_worker(&self) -> anyhow::Result<u64> {
            let count = self.instances.len() as u64;
            match self.mode {
                RouterMode::RoundRobin => {
                    let next = self.round_robin_counter.fetch_add(1, Ordering::Relaxed);
                    Ok(self.instances[(next % count) as usize])
                }
                RouterMode::Random => Ok(self.instances[rand::random::<usize>() % self.instances.len()]),
                RouterMode::KV => anyhow::bail!("KV mode selects workers in the KV router"),
            }
        }
    }
""")

WORKER_HANDLER_PY = _text('''
    """Multimodal worker handlers for disaggregated vLLM serving."""

    import logging

    from vllm.inputs import TokensPrompt

    logger = logging.getLogger(__name__)


    class MultimodalDecodeWorkerHandler:
        """Decode side of a disaggregated multimodal request."""

        def __init__(self, engine, config):
            self.engine = engine
            self.config = config

        async def generate(self, request, prefill_response):
            prompt_ids = prefill_response.prompt_token_ids
            request.prompt_token_ids = prompt_ids
            prompt = TokensPrompt(prompt_token_ids=prompt_ids)
            async for output in self.engine.generate(prompt, request.sampling_params, request.request_id):
                yield output
''')

MODEL_UTILS_PY = _text('''
    """Helpers that depend on the multimodal model family."""

    SUPPORTED_MODELS = {
        "llava-hf/llava-1.5-7b-hf": "llava",
        "Qwen/Qwen2.5-VL-7B-Instruct": "qwen_vl",
    }


    def model_family(model_name: str) -> str:
        return SUPPORTED_MODELS.get(model_name, "unknown")
''')

DOCKER_BUILD_ACTION = _text("""
    name: docker-build
    description: Build a framework container image with BuildKit caching
    inputs:
      framework:
        description: Framework to build (vllm, sglang, trtllm)
        required: true
      platform:
        description: Target platform
        default: linux/amd64
      cuda_version:
        description: CUDA version of the base image
        required: false
        default: "12.9"
    runs:
      using: composite
      steps:
        - name: Build image
          shell: bash
          run: |
            ARCH="${PLATFORM##*/}"
            ./container/build.sh --framework ${{ inputs.framework }} \\
              --platform ${{ inputs.platform }} \\
              --cache-from type=registry,ref=cache:${{ inputs.framework }}-${ARCH} \\
              --tag dynamo:${{ inputs.framework }}-${ARCH}
          env:
            PLATFORM: ${{ inputs.platform }}
""")

PYTEST_ACTION = _text("""
    name: pytest
    description: Run pytest inside a framework container
    inputs:
      image_tag:
        description: Image to run the tests in
        required: true
      pytest_marks:
        description: pytest -m expression
        required: true
    runs:
      using: composite
      steps:
        - name: Run tests
          shell: bash
          run: |
            docker run --rm --gpus all \\
              --env PYTEST_ADDOPTS="-m '${{ inputs.pytest_marks }}'" \\
              --volume "$PWD/test-results:/workspace/test-results" \\
              ${{ inputs.image_tag }} \\
              pytest --junitxml=/workspace/test-results/junit.xml
""")

VALIDATION_WORKFLOW = _text("""
    name: container-validation-backends
    on:
      push:
        branches: [main]
      pull_request:
    jobs:
      vllm:
        runs-on: gpu-runner
        steps:
          - uses: actions/checkout@v4
          - uses: ./.github/actions/docker-build
            with:
              framework: vllm
          - uses: ./.github/actions/pytest
            with:
              image_tag: dynamo:vllm-amd64
              pytest_marks: "vllm and gpu_1"
      sglang:
        runs-on: gpu-runner
        steps:
          - uses: actions/checkout@v4
          - uses: ./.github/actions/docker-build
            with:
              framework: sglang
      trtllm:
        runs-on: gpu-runner
        steps:
          - uses: actions/checkout@v4
          - uses: ./.github/actions/docker-build
            with:
              framework: trtllm
""")

DOCKERFILE_SGLANG = _text("""
    ARG BASE_IMAGE=nvcr.io/nvidia/cuda-dl-base
    ARG BASE_IMAGE_TAG=25.01-cuda12.8-devel-ubuntu24.04
    FROM ${BASE_IMAGE}:${BASE_IMAGE_TAG} AS runtime

    RUN apt-get update && apt-get install -y --no-install-recommends \\
            libnccl2 libnccl-dev libcudnn9-cuda-12 \\
        && rm -rf /var/lib/apt/lists/*

    COPY . /workspace
    WORKDIR /workspace
    RUN pip install --no-cache-dir "sglang[all]==0.5.6"
""")

BUILD_SH = _text("""
    #!/usr/bin/env bash
    set -euo pipefail

    FRAMEWORK=vllm
    PLATFORM=linux/amd64
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --framework) FRAMEWORK="$2"; shift 2 ;;
            --platform) PLATFORM="$2"; shift 2 ;;
            *) EXTRA_ARGS+=("$1"); shift ;;
        esac
    done

    docker buildx build --platform "$PLATFORM" \\
        -f "container/Dockerfile.${FRAMEWORK}" "${EXTRA_ARGS[@]}" .
""")

INSTALL_VLLM_SH = _text("""
    #!/usr/bin/env bash
    set -euo pipefail

    VLLM_REF="v0.12.0"
    TORCH_BACKEND="cu128"

    uv pip install "vllm[flashinfer]==${VLLM_REF#v}" --torch-backend="$TORCH_BACKEND"
    uv pip install lmcache==0.3.9
""")

PROFILER_ARGPARSE_PY = _text('''
    """Command-line and config-file arguments of the SLA profiler."""

    import argparse

    import yaml


    def parse_config_string(text: str) -> dict:
        config = yaml.safe_load(text) or {}
        config.setdefault("deployment", {})
        config["deployment"].setdefault("namespace", "default")
        config.setdefault("use_ai_configurator", False)
        return config


    def create_profiler_parser() -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(description="Profile a DynamoGraphDeployment against an SLA")
        parser.add_argument("--config", required=True, help="YAML file with the profiling config")
        parser.add_argument("--namespace", default="default")
        parser.add_argument("--use-ai-configurator", action="store_true")
        return parser
''')

DGDR_TYPES_GO = _text("""
    package v1alpha1

    // ProfilingConfigSpec is the profiling part of a DynamoGraphDeploymentRequest.
    type ProfilingConfigSpec struct {
    	// Config is the profiler configuration as a YAML string.
    	Config string `json:"config,omitempty"`
    	// ProfilerImage is the container image that runs the profiler.
    	ProfilerImage string `json:"profilerImage,omitempty"`
    }

    // DynamoGraphDeploymentRequestSpec describes the requested deployment.
    type DynamoGraphDeploymentRequestSpec struct {
    	Model           string              `json:"model"`
    	ProfilingConfig ProfilingConfigSpec `json:"profilingConfig"`
    }
""")

DGDR_CONTROLLER_GO = _text("""
    package controller

    import (
    	batchv1 "k8s.io/api/batch/v1"
    	corev1 "k8s.io/api/core/v1"
    )

    func (r *DynamoGraphDeploymentRequestReconciler) buildProfilingJob(dgdr *DynamoGraphDeploymentRequest) *batchv1.Job {
    	container := corev1.Container{
    		Name:  "profiler",
    		Image: dgdr.Spec.ProfilingConfig.ProfilerImage,
    		Args:  []string{"--config", "/etc/profiler/config.yaml"},
    	}
    	podSpec := corev1.PodSpec{Containers: []corev1.Container{container}, RestartPolicy: corev1.RestartPolicyNever}
    	return &batchv1.Job{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: podSpec}}}
    }

    func (r *DynamoGraphDeploymentRequestReconciler) validateSpec(dgdr *DynamoGraphDeploymentRequest) error {
    	return nil
    }
""")

DGDR_CONTROLLER_TEST_GO = _text("""
    package controller

    import "testing"

    func TestBuildProfilingJob(t *testing.T) {
    	r := &DynamoGraphDeploymentRequestReconciler{}
    	dgdr := newTestRequest()
    	job := r.buildProfilingJob(dgdr)
    	if len(job.Spec.Template.Spec.Containers) != 1 {
    		t.Fatalf("expected one container")
    	}
    }
""")

DGDR_CRD = _text("""
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: dynamographdeploymentrequests.nvidia.com
    spec:
      group: nvidia.com
      names:
        kind: DynamoGraphDeploymentRequest
        plural: dynamographdeploymentrequests
      scope: Namespaced
      versions:
        - name: v1alpha1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  properties:
                    model:
                      type: string
                    profilingConfig:
                      type: object
                      properties:
                        config:
                          type: string
                        profilerImage:
                          type: string
""")

OPERATOR_RBAC = _text("""
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata:
      name: {{ include "dynamo-operator.fullname" . }}-manager
    rules:
      - apiGroups: ["batch"]
        resources: ["jobs"]
        verbs: ["create", "get", "list", "watch", "delete"]
      - apiGroups: ["nvidia.com"]
        resources: ["dynamographdeploymentrequests"]
        verbs: ["get", "list", "watch", "update", "patch"]
""")

PROFILER_JOB_YAML = _text("""
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: profile-sla
    spec:
      template:
        spec:
          containers:
            - name: profiler
              image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.8.0
              args: ["--config", "/config/disagg.yaml", "--use-ai-configurator"]
          restartPolicy: Never
""")


PROFILER_CONFIG_DEFAULTS = (
    '    config.setdefault("useAiConfigurator", _get(config, "useAiConfigurator", False))\n'
    '    model_cache = config["deployment"].setdefault("modelCache", {})\n'
    '    model_cache.setdefault("pvcName", "")\n'
    '    model_cache.setdefault("pvcPath", "")\n'
    '    model_cache.setdefault("mountPath", "/opt/model-cache")\n'
    '    config.setdefault("enableGpuDiscovery", _get(config, "enableGpuDiscovery", False))\n'
    "    return config\n"
    "\n\n"
    "def _camel_to_snake(name: str) -> str:\n"
    '    """Convert `useAiConfigurator` to `use_ai_configurator` for backward compatibility."""\n'
    "    out = []\n"
    "    for char in name:\n"
    "        if char.isupper():\n"
    '            out.append("_")\n'
    "            out.append(char.lower())\n"
    "        else:\n"
    "            out.append(char)\n"
    '    return "".join(out)\n'
    "\n\n"
    "def _get(config: dict, key: str, default=None):\n"
    '    """Read `key` in camelCase first, then its snake_case spelling."""\n'
    "    if key in config:\n"
    "        return config[key]\n"
    "    return config.get(_camel_to_snake(key), default)\n"
)

VALIDATION_WORKFLOW_CUDA13 = VALIDATION_WORKFLOW.replace(
    "          framework: vllm\n", "          framework: vllm\n          cuda_version: \"12.9\"\n"
).replace(
    "          framework: sglang\n", "          framework: sglang\n          cuda_version: \"12.9\"\n"
).replace(
    "          framework: trtllm\n", "          framework: trtllm\n          cuda_version: \"12.9\"\n"
) + (
    "  vllm-cuda-13:\n"
    "    runs-on: gpu-runner\n"
    "    steps:\n"
    "      - uses: actions/checkout@v4\n"
    "      - uses: ./.github/actions/docker-build\n"
    "        with:\n"
    "          framework: vllm\n"
    '          cuda_version: "13.0"\n'
    "      - uses: ./.github/actions/pytest\n"
    "        with:\n"
    "          image_tag: dynamo:vllm-cuda13-amd64\n"
    '          pytest_marks: "vllm and gpu_1"\n'
    "  sglang-cuda-13:\n"
    "    runs-on: gpu-runner\n"
    "    steps:\n"
    "      - uses: actions/checkout@v4\n"
    "      - uses: ./.github/actions/docker-build\n"
    "        with:\n"
    "          framework: sglang\n"
    '          cuda_version: "13.0"\n'
)


def _base_step() -> Step:
    """The state of the repository before the reference day."""
    files = {
        "README.md": _text("""
            # Dynamo

            A datacenter-scale distributed inference serving framework.

            ## Install

            ```bash
            uv pip install ai-dynamo[trtllm]
            ```
        """),
        "docs/router/kv_cache_routing.md": _text("""
            # KV cache routing

            The KV router sends each request to the worker with the best KV cache overlap.
            To add a new backend, read the [Backend Guide](../guides/backend.md).
        """),
        "docs/development/backend-guide.md": _text("""
            # Backend guide

            A backend registers its workers with the runtime and publishes KV events.
        """),
        "docs/benchmarks/sla_driven_profiling.md": _text("""
            # SLA-driven profiling

            The profiler sweeps parallel configurations and picks the one that meets the SLA.
            Set `use_ai_configurator: true` to use the AI Configurator estimates.
        """),
        "docs/api_reference.md": _text("""
            # API reference

            ## DynamoGraphDeploymentRequest

            | Field | Description |
            |-------|-------------|
            | `model` | Model to deploy |
            | `profilingConfig.config` | Profiler configuration |
        """),
        ".github/filters.yaml": _text("""
            ci:
              - .github/workflows/**
              - .github/actions/**
            docs:
              - docs/**
              - '**/*.md'
        """),
        ".github/actions/docker-build/action.yml": DOCKER_BUILD_ACTION,
        ".github/actions/pytest/action.yml": PYTEST_ACTION,
        ".github/workflows/container-validation-backends.yml": VALIDATION_WORKFLOW,
        "container/Dockerfile.sglang": DOCKERFILE_SGLANG,
        "container/build.sh": BUILD_SH,
        "container/deps/vllm/install_vllm.sh": INSTALL_VLLM_SH,
        "tests/basic/test_imports.py": _text("""
            def test_import_dynamo():
                import dynamo  # noqa: F401
        """),
        "tests/serve/test_vllm.py": _text("""
            import pytest


            @pytest.mark.vllm
            def test_lmcache_agg(vllm_server):
                assert vllm_server.generate("hello")
        """),
        "components/src/dynamo/vllm/multimodal_handlers/worker_handler.py": WORKER_HANDLER_PY,
        "components/src/dynamo/vllm/multimodal_utils/model.py": MODEL_UTILS_PY,
        "examples/backends/vllm/launch/disagg_multimodal_epd.sh": _text("""
            #!/usr/bin/env bash
            set -e
            MODEL_NAME="Qwen/Qwen2.5-VL-7B-Instruct"
            python -m dynamo.frontend &
            python -m dynamo.vllm --model "$MODEL_NAME" --multimodal-encode-worker &
            python -m dynamo.vllm --model "$MODEL_NAME" --multimodal-worker --is-prefill-worker &
            python -m dynamo.vllm --model "$MODEL_NAME" --multimodal-decode-worker
        """),
        "lib/runtime/src/recorder.rs": RECORDER_RS,
        "lib/llm/src/recorder.rs": RECORDER_RS,
        "lib/llm/src/kv_router/prefill_router.rs": PREFILL_ROUTER_RS,
        "lib/runtime/src/pipeline/network/egress/push_router.rs": PUSH_ROUTER_RS,
        "examples/backends/trtllm/deploy/disagg_planner.yaml": _text("""
            apiVersion: nvidia.com/v1alpha1
            kind: DynamoGraphDeployment
            metadata:
              name: trtllm-disagg-planner
            spec:
              services:
                Planner:
                  componentType: planner
                  replicas: 1
                  extraPodSpec:
                    mainContainer:
                      image: nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime:0.8.0
                      args:
                        - python3 -m planner_sla
                        - --environment=kubernetes
                        - --backend=trtllm
                        - --adjustment-interval=60
                        - --prometheus-port=9085
        """),
        "benchmarks/profiler/utils/profiler_argparse.py": PROFILER_ARGPARSE_PY,
        "benchmarks/profiler/deploy/profile_sla_job.yaml": PROFILER_JOB_YAML,
        "deploy/operator/api/v1alpha1/dynamographdeploymentrequest_types.go": DGDR_TYPES_GO,
        "deploy/operator/internal/controller/dynamographdeploymentrequest_controller.go": DGDR_CONTROLLER_GO,
        "deploy/operator/internal/controller/dynamographdeploymentrequest_controller_test.go": DGDR_CONTROLLER_TEST_GO,
        "deploy/operator/config/crd/bases/nvidia.com_dynamographdeploymentrequests.yaml": DGDR_CRD,
        "deploy/helm/charts/platform/components/operator/templates/manager-rbac.yaml": OPERATOR_RBAC,
    }
    for model, backend, variant in RECIPES:
        files[_recipe_path(model, backend, variant)] = _recipe(model, backend, variant, with_field=False)
    return Step("chore: snapshot before 2026-01-10", [Write(path, text) for path, text in files.items()])


def _steps() -> dict[str, Step]:
    """The reference day's commits by subject, each with the change the report describes."""
    steps: dict[str, Step] = {}

    def add(subject: str, *operations: Operation) -> None:
        steps[subject] = Step(subject, list(operations))

    add(
        "feat: mount model path to Profiler if specified (#5212)",
        Replace(
            "benchmarks/profiler/utils/profiler_argparse.py",
            '    config.setdefault("use_ai_configurator", False)\n    return config\n',
            PROFILER_CONFIG_DEFAULTS,
        ),
        Replace(
            "benchmarks/profiler/utils/profiler_argparse.py",
            '    parser.add_argument("--use-ai-configurator", action="store_true")\n',
            '    parser.add_argument("--use-ai-configurator", action="store_true")\n'
            '    parser.add_argument("--model-cache-pvc-name", default="", help="PVC with cached model weights")\n'
            '    parser.add_argument("--model-cache-pvc-path", default="", help="Sub-path of the model in the PVC")\n'
            '    parser.add_argument("--model-cache-mount-path", default="/opt/model-cache")\n'
            '    parser.add_argument("--enable-gpu-discovery", action="store_true")\n',
        ),
        Replace(
            "benchmarks/profiler/deploy/profile_sla_job.yaml",
            '          args: ["--config", "/config/disagg.yaml", "--use-ai-configurator"]\n',
            '          args: ["--config", "/config/disagg.yaml", "--use-ai-configurator"]\n'
            "          volumeMounts:\n"
            "            - name: model-cache\n"
            "              mountPath: /opt/model-cache\n"
            "              readOnly: true\n"
            "      volumes:\n"
            "        - name: model-cache\n"
            "          persistentVolumeClaim:\n"
            "            claimName: model-cache\n",
        ),
        Replace(
            "deploy/operator/api/v1alpha1/dynamographdeploymentrequest_types.go",
            "\tProfilerImage string `json:\"profilerImage,omitempty\"`\n}\n",
            "\tProfilerImage string `json:\"profilerImage,omitempty\"`\n"
            "\t// EnableGpuDiscovery lets the profiler read GPU counts from the cluster nodes.\n"
            "\tEnableGpuDiscovery bool `json:\"enableGpuDiscovery,omitempty\"`\n"
            "}\n\n"
            "// ModelCacheSpec names a PVC that holds model weights for the profiler.\n"
            "type ModelCacheSpec struct {\n"
            "\tPVCName   string `json:\"pvcName,omitempty\"`\n"
            "\tPVCPath   string `json:\"pvcPath,omitempty\"`\n"
            "\tMountPath string `json:\"mountPath,omitempty\"`\n"
            "}\n",
        ),
        Replace(
            "deploy/operator/internal/controller/dynamographdeploymentrequest_controller.go",
            "\tpodSpec := corev1.PodSpec{Containers: []corev1.Container{container}, RestartPolicy: corev1.RestartPolicyNever}\n",
            "\tpodSpec := corev1.PodSpec{Containers: []corev1.Container{container}, RestartPolicy: corev1.RestartPolicyNever}\n"
            "\tif pvc := extractModelCachePVCConfig(dgdr); pvc != nil {\n"
            "\t\tpodSpec.Volumes = append(podSpec.Volumes, corev1.Volume{\n"
            "\t\t\tName: \"model-cache\",\n"
            "\t\t\tVolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{\n"
            "\t\t\t\tClaimName: pvc.PVCName, ReadOnly: true}},\n"
            "\t\t})\n"
            "\t\tpodSpec.Containers[0].VolumeMounts = append(podSpec.Containers[0].VolumeMounts, corev1.VolumeMount{\n"
            "\t\t\tName: \"model-cache\", MountPath: pvc.MountPath, ReadOnly: true})\n"
            "\t}\n",
        ),
        Replace(
            "deploy/operator/internal/controller/dynamographdeploymentrequest_controller.go",
            "func (r *DynamoGraphDeploymentRequestReconciler) validateSpec(dgdr *DynamoGraphDeploymentRequest) error {\n\treturn nil\n}\n",
            "func (r *DynamoGraphDeploymentRequestReconciler) validateSpec(dgdr *DynamoGraphDeploymentRequest) error {\n"
            "\tif pvc := extractModelCachePVCConfig(dgdr); pvc != nil && pvc.PVCName == \"\" {\n"
            "\t\treturn fmt.Errorf(\"modelCache.pvcName is required when modelCache is set\")\n"
            "\t}\n"
            "\treturn nil\n"
            "}\n\n"
            "// DefaultModelCacheMountPath is where the model cache PVC is mounted in the profiler job.\n"
            "const DefaultModelCacheMountPath = \"/opt/model-cache\"\n\n"
            "func extractModelCachePVCConfig(dgdr *DynamoGraphDeploymentRequest) *ModelCacheSpec {\n"
            "\tcache := parseProfilerConfig(dgdr.Spec.ProfilingConfig.Config).Deployment.ModelCache\n"
            "\tif cache == nil {\n"
            "\t\treturn nil\n"
            "\t}\n"
            "\tif cache.MountPath == \"\" {\n"
            "\t\tcache.MountPath = DefaultModelCacheMountPath\n"
            "\t}\n"
            "\treturn cache\n"
            "}\n",
        ),
        Replace(
            "deploy/operator/internal/controller/dynamographdeploymentrequest_controller_test.go",
            "\t\tt.Fatalf(\"expected one container\")\n\t}\n}\n",
            "\t\tt.Fatalf(\"expected one container\")\n\t}\n}\n\n"
            "func TestModelCacheVolume(t *testing.T) {\n"
            "\tr := &DynamoGraphDeploymentRequestReconciler{}\n"
            "\tdgdr := newTestRequest()\n"
            "\tdgdr.Spec.ProfilingConfig.Config = \"deployment:\\n  modelCache:\\n    pvcName: cache\\n\"\n"
            "\tjob := r.buildProfilingJob(dgdr)\n"
            "\tif len(job.Spec.Template.Spec.Volumes) != 1 {\n"
            "\t\tt.Fatalf(\"expected the model cache volume\")\n"
            "\t}\n"
            "}\n\n"
            "func TestUseAiConfiguratorCamelCase(t *testing.T) {\n"
            "\tdgdr := newTestRequest()\n"
            "\tdgdr.Spec.ProfilingConfig.Config = \"useAiConfigurator: true\\n\"\n"
            "\tif !parseProfilerConfig(dgdr.Spec.ProfilingConfig.Config).UseAiConfigurator {\n"
            "\t\tt.Fatalf(\"camelCase useAiConfigurator was ignored\")\n"
            "\t}\n"
            "}\n",
        ),
        Replace(
            "deploy/operator/config/crd/bases/nvidia.com_dynamographdeploymentrequests.yaml",
            "                    profilerImage:\n                      type: string\n",
            "                    profilerImage:\n                      type: string\n"
            "                    enableGpuDiscovery:\n"
            "                      type: boolean\n"
            "                      description: Read GPU counts from the cluster nodes.\n",
        ),
        Replace(
            "deploy/helm/charts/platform/components/operator/templates/manager-rbac.yaml",
            '    verbs: ["get", "list", "watch", "update", "patch"]\n',
            '    verbs: ["get", "list", "watch", "update", "patch"]\n'
            '  - apiGroups: [""]\n'
            '    resources: ["persistentvolumeclaims", "nodes"]\n'
            '    verbs: ["get", "list", "watch"]\n',
        ),
        Replace(
            "docs/benchmarks/sla_driven_profiling.md",
            "Set `use_ai_configurator: true` to use the AI Configurator estimates.\n",
            "Set `useAiConfigurator: true` to use the AI Configurator estimates\n"
            "(the snake_case spelling `use_ai_configurator` still works).\n\n"
            "## Model cache PVC\n\n"
            "Large models load faster from a PVC that already holds the weights:\n\n"
            "```yaml\n"
            "deployment:\n"
            "  modelCache:\n"
            "    pvcName: model-cache\n"
            "    pvcPath: deepseek-r1\n"
            "    mountPath: /opt/model-cache\n"
            "```\n\n"
            "## GPU discovery\n\n"
            "Set `enableGpuDiscovery: true` to read the GPU counts from the cluster nodes.\n"
            "The operator then needs read access to nodes.\n",
        ),
        Replace(
            "docs/api_reference.md",
            "| `profilingConfig.config` | Profiler configuration |\n",
            "| `profilingConfig.config` | Profiler configuration |\n"
            "| `profilingConfig.enableGpuDiscovery` | Read GPU counts from the nodes |\n"
            "| `deployment.modelCache.pvcName` | PVC with cached model weights |\n"
            "| `deployment.modelCache.mountPath` | Mount path, default `/opt/model-cache` |\n",
        ),
    )

    add(
        "fix: add subcomponenttype to recipes missing this field (#5301)",
        *[
            Write(_recipe_path(model, backend, variant), _recipe(model, backend, variant, with_field=True))
            for model, backend, variant in RECIPES
        ],
    )

    add(
        "fix: remove unused prometheus port args in trtllm planner DGD (#5314)",
        Replace("examples/backends/trtllm/deploy/disagg_planner.yaml", "            - --prometheus-port=9085\n", ""),
    )

    add(
        "perf: Fix prefill router round robin (#5313)",
        Replace(
            "lib/llm/src/kv_router/prefill_router.rs",
            "        let worker = self.push_router.select_next_worker()?;\n"
            "        self.push_router.direct(request, worker).await?;\n"
            "        Ok(worker)\n",
            "        // Peek first so a failed send does not advance the round-robin counter.\n"
            "        let worker = self.push_router.peek_next_worker().expect(\"non-KV mode\");\n"
            "        self.push_router.direct(request, worker).await?;\n"
            "        self.push_router.select_next_worker()?;\n"
            "        Ok(worker)\n",
        ),
        Replace(
            "lib/runtime/src/pipeline/network/egress/push_router.rs",
            "impl PushRouter {\n",
            "impl PushRouter {\n"
            "    /// Return the worker `select_next_worker` would pick, without advancing the counter.\n"
            "    pub fn peek_next_worker(&self) -> Option<u64> {\n"
            "        let count = self.instances.len() as u64;\n"
            "        match self.mode {\n"
            "            RouterMode::RoundRobin => {\n"
            "                let next = self.round_robin_counter.load(Ordering::Relaxed);\n"
            "                Some(self.instances[(next % count) as usize])\n"
            "            }\n"
            "            RouterMode::Random => Some(self.instances[rand::random::<usize>() % self.instances.len()]),\n"
            "            RouterMode::KV => None,\n"
            "        }\n"
            "    }\n\n",
        ),
    )

    add(
        "docs: update readme for pip install ai-dynamo[trtllm] (#5312)",
        Replace(
            "README.md",
            "uv pip install ai-dynamo[trtllm]\n```\n",
            "pip install --pre --extra-index-url https://pypi.nvidia.com ai-dynamo[trtllm]\n```\n\n"
            "> `uv` cannot install `ai-dynamo[trtllm]` because `tensorrt-llm` depends on `etcd3`\n"
            "> from git, which `uv` does not support. Use `pip` for this extra.\n",
        ),
    )

    recorder_old = "        assert!(elapsed >= Duration::from_millis(7) && elapsed <= Duration::from_millis(13));\n"
    recorder_new = "        assert!(elapsed >= Duration::from_millis(5) && elapsed <= Duration::from_millis(15));\n"
    add(
        "test: Expand time range for flaky recorder test to improve stability (#5315)",
        Replace("lib/runtime/src/recorder.rs", recorder_old, recorder_new),
        Replace("lib/llm/src/recorder.rs", recorder_old, recorder_new),
    )

    add(
        "fix: Fix decode worker in vllm for qwen_vl models (#5281)",
        Replace(
            "components/src/dynamo/vllm/multimodal_handlers/worker_handler.py",
            "from vllm.inputs import TokensPrompt\n",
            "from vllm.inputs import TokensPrompt\n\n"
            "from dynamo.vllm.multimodal_utils.model import construct_qwen_decode_mm_data, is_qwen_vl_model\n",
        ),
        Replace(
            "components/src/dynamo/vllm/multimodal_handlers/worker_handler.py",
            "    async def generate(self, request, prefill_response):\n"
            "        prompt_ids = prefill_response.prompt_token_ids\n"
            "        request.prompt_token_ids = prompt_ids\n"
            "        prompt = TokensPrompt(prompt_token_ids=prompt_ids)\n",
            "    async def generate(self, request, prefill_response):\n"
            "        model_name = self.config.model\n"
            "        if is_qwen_vl_model(model_name):\n"
            "            # Qwen-VL expands image placeholders inside vLLM. Keep the original\n"
            "            # prompt so the decode side allocates the same number of KV blocks\n"
            "            # as the prefill side, and pass placeholder embeddings for mRoPE.\n"
            "            prompt_ids = request.prompt_token_ids\n"
            "            mm_data = construct_qwen_decode_mm_data(\n"
            "                image_grid_thw=prefill_response.image_grid_thw,\n"
            "                embeddings_shape=prefill_response.embeddings_shape,\n"
            "                request_id=request.request_id,\n"
            "            )\n"
            "            logger.debug(\"decode request %s uses placeholder image embeddings\", request.request_id)\n"
            "            prompt = TokensPrompt(prompt_token_ids=prompt_ids, multi_modal_data=mm_data)\n"
            "        else:\n"
            "            # Other models: replace the prompt with the expanded token ids from prefill.\n"
            "            prompt_ids = prefill_response.prompt_token_ids\n"
            "            request.prompt_token_ids = prompt_ids\n"
            "            prompt = TokensPrompt(prompt_token_ids=prompt_ids)\n",
        ),
        Replace(
            "components/src/dynamo/vllm/multimodal_utils/model.py",
            '"""Helpers that depend on the multimodal model family."""\n',
            '"""Helpers that depend on the multimodal model family."""\n\nimport torch\n',
        ),
        Replace(
            "components/src/dynamo/vllm/multimodal_utils/model.py",
            '    return SUPPORTED_MODELS.get(model_name, "unknown")\n',
            '    return SUPPORTED_MODELS.get(model_name, "unknown")\n\n\n'
            "def is_qwen_vl_model(model_name: str) -> bool:\n"
            '    return model_family(model_name) == "qwen_vl"\n\n\n'
            "def construct_qwen_decode_mm_data(image_grid_thw, embeddings_shape, request_id: str) -> dict:\n"
            '    """Build placeholder multimodal data for a Qwen-VL decode worker.\n\n'
            "    WORKAROUND: vLLM needs `image_embeds` and `image_grid_thw` on the decode\n"
            "    side to initialise mRoPE positions, although prefill already computed the\n"
            "    KV cache. The embeddings are random but seeded by the request id, so two\n"
            "    requests never share a prefix-cache entry by accident. Remove this once\n"
            "    vLLM supports multimodal decode without embeddings.\n"
            '    """\n'
            "    seed = hash(request_id) & 0xFFFFFFFF\n"
            "    generator = torch.Generator().manual_seed(seed)\n"
            "    image_embeds = torch.randn(embeddings_shape, generator=generator, dtype=torch.float16)\n"
            "    grid = torch.tensor(image_grid_thw, dtype=torch.long)\n"
            "    if grid.dim() == 1:\n"
            "        grid = grid.unsqueeze(0)\n"
            "    return {\n"
            '        "image": {\n'
            '            "image_embeds": image_embeds,\n'
            '            "image_grid_thw": grid,\n'
            "        }\n"
            "    }\n",
        ),
        Replace(
            "examples/backends/vllm/launch/disagg_multimodal_epd.sh",
            'python -m dynamo.vllm --model "$MODEL_NAME" --multimodal-decode-worker\n',
            'python -m dynamo.vllm --model "$MODEL_NAME" --multimodal-decode-worker --enable-mm-embeds\n',
        ),
    )

    add(
        "fix: pass HF token to pytest container (#5326)",
        Replace(
            ".github/actions/pytest/action.yml",
            "        docker run --rm --gpus all \\\n",
            "        docker run --rm --gpus all \\\n"
            '          --env HF_TOKEN="${HF_TOKEN}" \\\n',
        ),
    )

    add(
        "feat: vllm sglang cuda13 main (#5218)",
        Replace(
            ".github/actions/docker-build/action.yml",
            "    required: false\n    default: \"12.9\"\n",
            "    required: true\n",
        ),
        Replace(
            ".github/actions/docker-build/action.yml",
            "      run: |\n        ARCH=\"${PLATFORM##*/}\"\n",
            "      run: |\n        ARCH=\"${PLATFORM##*/}\"\n"
            "        CUDA_VERSION_MAJOR=\"${CUDA_VERSION%%.*}\"\n",
        ),
        Replace(
            ".github/actions/docker-build/action.yml",
            "          --cache-from type=registry,ref=cache:${{ inputs.framework }}-${ARCH} \\\n"
            "          --tag dynamo:${{ inputs.framework }}-${ARCH}\n"
            "      env:\n"
            "        PLATFORM: ${{ inputs.platform }}\n",
            "          --cuda-version ${{ inputs.cuda_version }} \\\n"
            "          --cache-from type=registry,ref=cache:${{ inputs.framework }}-cuda${CUDA_VERSION_MAJOR}-${ARCH} \\\n"
            "          --tag dynamo:${{ inputs.framework }}-cuda${CUDA_VERSION_MAJOR}-${ARCH}\n"
            "      env:\n"
            "        PLATFORM: ${{ inputs.platform }}\n"
            "        CUDA_VERSION: ${{ inputs.cuda_version }}\n",
        ),
        Write(".github/workflows/container-validation-backends.yml", VALIDATION_WORKFLOW_CUDA13),
        Replace(
            "container/Dockerfile.sglang",
            "RUN apt-get update && apt-get install -y --no-install-recommends \\\n"
            "        libnccl2 libnccl-dev libcudnn9-cuda-12 \\\n"
            "    && rm -rf /var/lib/apt/lists/*\n",
            "ARG CUDA_VERSION=12.9\n"
            "# CUDA 13 base images already ship NCCL and cuDNN.\n"
            "RUN CUDA_MAJOR=\"$(nvcc --version | sed -n 's/.*release \\([0-9]*\\)\\..*/\\1/p')\" && \\\n"
            "    if [ \"$CUDA_MAJOR\" = \"12\" ]; then \\\n"
            "        apt-get update && apt-get install -y --no-install-recommends \\\n"
            "            libnccl2 libnccl-dev libcudnn9-cuda-12 && \\\n"
            "        rm -rf /var/lib/apt/lists/*; \\\n"
            "    fi\n",
        ),
        Replace(
            "container/build.sh",
            "PLATFORM=linux/amd64\n",
            "PLATFORM=linux/amd64\nCUDA_VERSION=12.9\n",
        ),
        Replace(
            "container/build.sh",
            "        --platform) PLATFORM=\"$2\"; shift 2 ;;\n",
            "        --platform) PLATFORM=\"$2\"; shift 2 ;;\n"
            "        --cuda-version) CUDA_VERSION=\"$2\"; shift 2 ;;\n",
        ),
        Replace(
            "container/build.sh",
            "    -f \"container/Dockerfile.${FRAMEWORK}\" \"${EXTRA_ARGS[@]}\" .\n",
            "    --build-arg CUDA_VERSION=\"$CUDA_VERSION\" \\\n"
            "    --build-arg BASE_IMAGE_TAG=\"$(base_image_tag \"$CUDA_VERSION\")\" \\\n"
            "    -f \"container/Dockerfile.${FRAMEWORK}\" \"${EXTRA_ARGS[@]}\" .\n",
        ),
        Replace(
            "container/deps/vllm/install_vllm.sh",
            "TORCH_BACKEND=\"cu128\"\n\n"
            "uv pip install \"vllm[flashinfer]==${VLLM_REF#v}\" --torch-backend=\"$TORCH_BACKEND\"\n"
            "uv pip install lmcache==0.3.9\n",
            "CUDA_VERSION_MAJOR=\"${CUDA_VERSION%%.*}\"\n"
            "if [ \"$CUDA_VERSION_MAJOR\" = \"13\" ]; then\n"
            "    TORCH_BACKEND=\"cu130\"\n"
            "else\n"
            "    TORCH_BACKEND=\"cu128\"\n"
            "fi\n\n"
            "uv pip install \"vllm[flashinfer]==${VLLM_REF#v}\" --torch-backend=\"$TORCH_BACKEND\"\n"
            "# LMCache has no CUDA 13 wheels, and vLLM has no CUDA 13 ARM64 wheels yet.\n"
            "if [ \"$CUDA_VERSION_MAJOR\" = \"12\" ]; then\n"
            "    uv pip install lmcache==0.3.9\n"
            "fi\n",
        ),
        Write("tests/basic/test_cuda_version_consistency.py", _text('''
            """Every CUDA package in the image must share the CUDA major version of the base image."""

            import os
            import re
            from importlib import metadata

            import pytest

            CUDA_PACKAGES = ("torch", "nvidia-cuda-runtime", "nvidia-nccl", "nvidia-cudnn")


            def cuda_major_from_env() -> str | None:
                version = os.environ.get("CUDA_VERSION") or os.environ.get("NV_CUDA_LIB_VERSION")
                if not version:
                    return None
                return version.split(".")[0]


            @pytest.mark.parametrize("package", CUDA_PACKAGES)
            def test_cuda_major_matches_base_image(package):
                major = cuda_major_from_env()
                if major is None:
                    pytest.skip("CUDA_VERSION is not set")
                try:
                    version = metadata.version(package)
                except metadata.PackageNotFoundError:
                    pytest.skip(f"{package} is not installed")
                match = re.search(r"cu(\\d+)", version)
                if match:
                    assert match.group(1).startswith(major)
        ''')),
        Replace(
            "tests/serve/test_vllm.py",
            "@pytest.mark.vllm\ndef test_lmcache_agg(vllm_server):\n",
            "@pytest.mark.vllm\n"
            "@pytest.mark.xfail(os.environ.get(\"CUDA_VERSION\", \"\").startswith(\"13\"), reason=\"LMCache has no CUDA 13 build\")\n"
            "def test_lmcache_agg(vllm_server):\n",
        ),
        Replace("tests/serve/test_vllm.py", "import pytest\n", "import os\n\nimport pytest\n"),
    )

    add(
        "ci: Auto-label PRs based on changed files (#5292)",
        Write(".github/labeler.yml", _text("""
            backend::vllm:
              - changed-files:
                  - any-glob-to-any-file:
                      - components/src/dynamo/vllm/**
                      - container/Dockerfile.vllm
            backend::sglang:
              - changed-files:
                  - any-glob-to-any-file:
                      - components/src/dynamo/sglang/**
            backend::trtllm:
              - changed-files:
                  - any-glob-to-any-file:
                      - components/src/dynamo/trtllm/**
            frontend:
              - changed-files:
                  - any-glob-to-any-file:
                      - components/src/dynamo/frontend/**
            ci:
              - changed-files:
                  - any-glob-to-any-file:
                      - .github/**
            documentation:
              - changed-files:
                  - any-glob-to-any-file:
                      - docs/**
        """)),
        Write(".github/workflows/label-pr.yml", _text("""
            name: Label PR
            on:
              pull_request_target:
                types: [opened, synchronize, reopened]
            permissions:
              contents: read
              pull-requests: write
            jobs:
              label:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/labeler@v5
                    with:
                      configuration-path: .github/labeler.yml
        """)),
        Replace(
            ".github/filters.yaml",
            "ci:\n  - .github/workflows/**\n  - .github/actions/**\n",
            "ignore:\n  - .github/labeler.yml\nci:\n  - .github/workflows/**\n  - .github/actions/**\n",
        ),
    )

    add(
        "docs: fix broken documentation links (#5330)",
        Replace(
            "docs/router/kv_cache_routing.md",
            "To add a new backend, read the [Backend Guide](../guides/backend.md).\n",
            "To add a new backend, read the [Backend Guide](../development/backend-guide.md).\n",
        ),
        Replace(
            "docs/development/backend-guide.md",
            "A backend registers its workers with the runtime and publishes KV events.\n",
            "A backend registers its workers with the runtime and publishes KV events.\n\n"
            "## KV cache transfer with NIXL\n\n"
            "Disaggregated backends move KV blocks from prefill to decode workers with NIXL.\n"
            "See the [KV cache routing](../router/kv_cache_routing.md) page for how requests are placed.\n",
        ),
    )
    return steps


# --- git ---------------------------------------------------------------------------------------


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return result.stdout


def _git_env(author: str, time_utc: str) -> dict[str, str]:
    """Environment for one commit: author and committer are the same person at the same UTC time."""
    email = author.lower().replace(" ", ".") + "@example.com"
    stamp = time_utc.replace(" ", "T") + "+00:00"
    env = dict(os.environ)
    env.update({
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_COMMITTER_DATE": stamp,
    })
    return env


def _apply(repo: Path, operation: Operation) -> None:
    target = repo / operation.path
    if isinstance(operation, Write):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(operation.text, encoding="utf-8")
        if operation.path.endswith(".sh"):
            target.chmod(0o755)
    elif isinstance(operation, Replace):
        text = target.read_text(encoding="utf-8")
        if operation.old not in text:
            raise ValueError(f"{operation.path}: text to replace not found: {operation.old[:60]!r}")
        target.write_text(text.replace(operation.old, operation.new, 1), encoding="utf-8")
    else:
        target.unlink()


def _commit(repo: Path, step: Step, author: str, time_utc: str) -> str:
    env = _git_env(author, time_utc)
    for operation in step.operations:
        _apply(repo, operation)
    _git(repo, "add", "--all", env=env)
    _git(repo, "commit", "--quiet", "--no-verify", "-m", step.subject, env=env)
    return _git(repo, "rev-parse", "HEAD", env=env).strip()


def build_example_repo(root: Path) -> Path:
    """Create `root/dynamo`: a base commit on 2026-01-09, then the 11 reference commits in time order.

    Returns the repository path. Skips the calling test when the reference json is absent.
    """
    commits = load_example_commits()
    steps = _steps()
    repo = root / "dynamo"
    repo.mkdir(parents=True)
    env = _git_env("Example Maintainer", BASE_TIME)
    _git(repo, "init", "--quiet", "--initial-branch=main", env=env)
    _git(repo, "remote", "add", "origin", ORIGIN_URL, env=env)
    _commit(repo, _base_step(), "Example Maintainer", BASE_TIME)

    # The json lists the day newest first; git history is built oldest first.
    for entry in reversed(commits):
        step = steps[str(entry["subject"])]
        _commit(repo, step, str(entry["author"]), str(entry["time"]))
    return repo


def expected_by_subject() -> dict[str, dict[str, object]]:
    """Return each reference commit's json entry keyed by subject."""
    return {str(entry["subject"]): entry for entry in load_example_commits()}
