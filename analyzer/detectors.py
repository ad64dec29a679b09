"""Line detectors: findings in a commit's added and removed lines.

Each detector returns `DetectorHit`s that are safe to show: credentials are
reported by kind and location only, and every detail passes through `redact`.
`rules/detectors.toml` sets which detectors run, which block the pre-push
review and which path categories they skip. The Chinese details are templates
in `rules/text.zh.toml` (`[detail]`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from analyzer.commit import Commit, FileChange
from analyzer.difflines import FileLines, SideLines, diff_lines, file_lines
from analyzer.redact import SECRET_ANCHORS, code_span, find_secrets, fold_case, redact
from analyzer.rules import RuleSet

# Files whose CLI flags only count inside string literals, because `--name`
# outside a string is a decrement (C, Java, JS) or a comment (SQL, Lua).
STRING_FLAG_EXTENSIONS = frozenset({
    ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".java", ".kt", ".js", ".jsx", ".ts", ".tsx",
    ".go", ".rs", ".py", ".rb", ".cs", ".swift", ".scala", ".sql", ".lua", ".m",
})
# Source code whose change should come with a test change.
CODE_EXTENSIONS = STRING_FLAG_EXTENSIONS | {".sh", ".bash", ".pl", ".php", ".ex", ".exs", ".zig", ".dart"}
# A single file's hits are capped so one generated or vendored file cannot flood the report.
MAX_HITS_PER_FILE = 5


@dataclass(slots=True)
class DetectorHit:
    """One finding of a line detector, safe to show (secrets already redacted)."""

    kind: str
    """Detector id, for example `secret` or `cli-flag-removed`."""
    path: str
    """File the finding is in."""
    line: int | None
    """Line number in the new file (old file for removed lines); None when unknown."""
    detail: str
    """Short, redacted Chinese description of what was found."""
    blocking: bool | None = None
    """The pre-push review blocks on this hit; None means the default, True only for credentials."""
    value: str = ""
    """The redacted token the hit is about (flag, variable, package); empty for credentials."""

    def __post_init__(self) -> None:
        if self.blocking is None:
            self.blocking = self.kind == "secret"


@dataclass(slots=True)
class _Context:
    commit: Commit
    rules: RuleSet
    categories: dict[str, set[str]]
    """Path to the names of the categories it belongs to."""
    hits: list[DetectorHit]
    line_cache: dict[int, FileLines] = field(default_factory=dict)

    def lines(self, change: FileChange) -> FileLines:
        """Return the added and removed lines of `change`, parsed once per commit for every detector."""
        cached = self.line_cache.get(id(change))
        if cached is None:
            cached = self.line_cache[id(change)] = file_lines(change)
        return cached

    def scanned(self, kind: str) -> list[FileChange]:
        """Files the `kind` detector scans: all but those in its skipped categories."""
        skip = set(self.rules.detectors[kind].skip_categories)
        return [change for change in self.commit.files if not (self.categories.get(change.path, set()) & skip)]

    def add(self, kind: str, path: str, line: int | None, detail_key: str, value: str = "", **values: str) -> None:
        config = self.rules.detectors[kind]
        same_file = sum(1 for hit in self.hits if hit.kind == kind and hit.path == path)
        # Every credential is reported, because each one must be revoked.
        if same_file >= MAX_HITS_PER_FILE and kind != "secret":
            return
        template = self.rules.text.get("detail", {}).get(detail_key, detail_key)
        detail = redact(template.format(**values))
        self.hits.append(DetectorHit(kind, path, line, detail, config.blocking, redact(value)))


# --- credentials ---------------------------------------------------------------------------------

SECRET_LABEL_KEYS = "secret_kinds"


def secret_candidates(side: SideLines) -> list[int]:
    """Return the indices of the lines for which `may_contain_secret` is true, in ascending order."""
    # fold_case maps each character to one, so the folded text has the same newline offsets.
    return side.containing(SECRET_ANCHORS, fold_case(side.joined))


def _removed_secrets(context: _Context) -> set[str]:
    """Return the credential-like strings on the removed lines of every file of the commit."""
    removed: set[str] = set()
    for change in context.commit.files:
        side = context.lines(change).removed
        for index in secret_candidates(side):
            text = side.texts[index]
            removed.update(text[start:end] for _, start, end in find_secrets(text))
    return removed


def detect_secrets(context: _Context) -> None:
    """Credential-like strings on added lines: reported by kind and location, never by value."""
    labels = context.rules.text.get(SECRET_LABEL_KEYS, {})
    # A credential that a removed line already had was leaked earlier; a move
    # or re-indent does not leak it again. Few commits add a credential-like
    # string, so the removed ones are collected only when one does.
    removed: set[str] | None = None
    for change in context.scanned("secret"):
        side = context.lines(change).added
        # The lines inside a PEM block, up to and including its END line, belong to the BEGIN line's hit.
        block_end = -1
        for index in secret_candidates(side):
            if index <= block_end:
                continue
            text = side.texts[index]
            for kind, start, end in find_secrets(text):
                if removed is None:
                    removed = _removed_secrets(context)
                if text[start:end] in removed:
                    continue
                context.add("secret", change.path, side.numbers[index], "secret", label=labels.get(kind, kind))
                if kind == "private-key" and "-----END" not in text:
                    block_end = _first_line_after(side, index, "-----END")
                break


def _first_line_after(side: SideLines, index: int, anchor: str) -> int:
    """Return the index of the first line after `index` that contains `anchor`, or the last index when none does."""
    for later in side.containing((anchor,)):
        if later > index:
            return later
    return len(side.texts) - 1


# --- CLI flags -----------------------------------------------------------------------------------

_FLAG = re.compile(r"(?<![\w\-/.])(--[a-zA-Z][a-zA-Z0-9]*(?:[-_][a-zA-Z0-9]+)+|--[a-zA-Z][a-zA-Z0-9]{2,})(?![\w(])")
_STRING_FLAG = re.compile(r"[\"'](--[a-zA-Z][a-zA-Z0-9_-]+)")


# Exact prefilter: both flag patterns match a literal `--`.
_FLAG_ANCHORS = ("--",)


@lru_cache(maxsize=4096)
def _suffix(path: str) -> str:
    return PurePosixPath(path).suffix


def _flags(path: str, text: str) -> list[str]:
    """Return the flags on one line, each once, in order of appearance.

    The order matters: findings follow it, and a set's order changes from run
    to run with Python's string hashing.
    """
    if "--" not in text:
        return []
    pattern = _STRING_FLAG if _suffix(path) in STRING_FLAG_EXTENSIONS else _FLAG
    return list(dict.fromkeys(pattern.findall(text)))


def _added_flags(context: _Context) -> dict[int, set[str]]:
    """Return the flags on the added lines of each file of the commit, by `id` of its FileChange."""
    added_by_file: dict[int, set[str]] = {}
    for change in context.commit.files:
        side = context.lines(change).added
        added_here = added_by_file[id(change)] = set()
        for index in side.containing(_FLAG_ANCHORS):
            added_here.update(_flags(change.path, side.texts[index]))
    return added_by_file


def detect_cli_flags(context: _Context) -> None:
    """Flags on removed lines that no added line of the commit mentions: removed or renamed."""
    # The added flags matter only for a file that removes one, so they are collected on first need.
    added_by_file: dict[int, set[str]] | None = None
    added_anywhere: set[str] = set()
    for change in context.scanned("cli-flag-removed"):
        side = context.lines(change).removed
        removed: dict[str, int | None] = {}
        removed_here: set[str] = set()
        for index in side.containing(_FLAG_ANCHORS):
            flags = _flags(change.path, side.texts[index])
            removed_here.update(flags)
            for flag in flags:
                removed.setdefault(flag, side.numbers[index])
        if not removed:
            continue
        if added_by_file is None:
            added_by_file = _added_flags(context)
            added_anywhere = set().union(*added_by_file.values())
        added_here = added_by_file[id(change)]
        dropped = [flag for flag in removed if flag not in added_anywhere]
        new = sorted(added_here - removed_here)
        # One flag gone and one new flag in the same file reads as a rename.
        if len(dropped) == 1 and len(new) == 1:
            context.add("cli-flag-removed", change.path, removed[dropped[0]], "cli_flag_renamed", dropped[0],
                        flag=code_span(dropped[0]), new=code_span(new[0]))
            continue
        for flag in dropped:
            context.add("cli-flag-removed", change.path, removed[flag], "cli_flag_removed", flag, flag=code_span(flag))


# --- environment variables -----------------------------------------------------------------------

_ENV_NAME = r"([A-Z][A-Z0-9_]{2,})"
_ENV_PATTERNS = (
    re.compile(r"(?:--env|(?<![\w-])-e)[ =][\"']?" + _ENV_NAME + r"(?:=|[\"'\s]|$)"),
    re.compile(r"^\s*ENV\s+" + _ENV_NAME + r"[= ]"),
    re.compile(r"\bexport\s+" + _ENV_NAME + r"="),
    re.compile(r"os\.environ(?:\.get|\.setdefault|\.pop)?\s*[\[(]\s*[\"']" + _ENV_NAME),
    re.compile(r"\b(?:os\.)?getenv\s*\(\s*[\"']" + _ENV_NAME),
    re.compile(r"\b(?:std::)?env::var(?:_os)?\s*\(\s*\"" + _ENV_NAME),
    re.compile(r"process\.env(?:\.|\[[\"'])" + _ENV_NAME),
    re.compile(r"\bos\.(?:Getenv|LookupEnv)\s*\(\s*\"" + _ENV_NAME),
)
# YAML environment blocks: `- name: NAME` (Kubernetes) and `NAME: value` (GitHub Actions).
_YAML_ENV_PATTERNS = (
    re.compile(r"^\s*-\s*name:\s*[\"']?" + _ENV_NAME + r"[\"']?\s*$"),
    re.compile(r"^\s*" + _ENV_NAME + r":\s+\S"),
)
# Exact prefilters: every match of _ENV_PATTERNS contains one of these literals,
# and every match of _YAML_ENV_PATTERNS contains a colon.
_ENV_ANCHORS = ("-e", "ENV", "export", "env", "Env")
_YAML_ENV_ANCHORS = (":",)


def has_anchor(text: str, anchors: tuple[str, ...]) -> bool:
    """Tell whether `text` contains one of `anchors`, a cheap test before a detector's full patterns."""
    for anchor in anchors:
        if anchor in text:
            return True
    return False


def _env_names(path: str, text: str) -> set[str]:
    names: set[str] = set()
    if has_anchor(text, _ENV_ANCHORS):
        for pattern in _ENV_PATTERNS:
            names.update(pattern.findall(text))
    if path.endswith((".yml", ".yaml")) and has_anchor(text, _YAML_ENV_ANCHORS):
        for pattern in _YAML_ENV_PATTERNS:
            names.update(pattern.findall(text))
    return names


def _env_candidates(path: str, side: SideLines) -> list[int]:
    """Return the indices of the lines that `_env_names` can find a name on, in ascending order."""
    if path.endswith((".yml", ".yaml")):
        return side.containing(_ENV_ANCHORS + _YAML_ENV_ANCHORS)
    return side.containing(_ENV_ANCHORS)


def _removed_env_names(context: _Context) -> set[str]:
    """Return the environment variable names on the removed lines of every file of the commit."""
    names: set[str] = set()
    for change in context.commit.files:
        side = context.lines(change).removed
        for index in _env_candidates(change.path, side):
            names |= _env_names(change.path, side.texts[index])
    return names


def detect_env_vars(context: _Context) -> None:
    """Environment variables that added lines set or read and no removed line mentioned."""
    # The names on removed lines matter only once an added line has one, so they are collected on first need.
    removed_anywhere: set[str] | None = None
    reported: set[str] = set()
    for change in context.scanned("env-var-added"):
        side = context.lines(change).added
        for index in _env_candidates(change.path, side):
            names = _env_names(change.path, side.texts[index])
            if not names:
                continue
            if removed_anywhere is None:
                removed_anywhere = _removed_env_names(context)
            for name in sorted(names - removed_anywhere - reported):
                reported.add(name)
                context.add("env-var-added", change.path, side.numbers[index], "env_var_added", name,
                            name=code_span(name))


# --- dependencies --------------------------------------------------------------------------------

_REQUIREMENT = re.compile(r"^\s*[\"']?([A-Za-z0-9][A-Za-z0-9._\-]*(?:\[[^\]]*\])?)\s*(===|==|>=|<=|~=|!=|>|<)\s*([^\s;#,\"']+)")
_TOML_VERSION = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*=\s*(?:\"([~^<>=!]*\s*\d[^\"]*)\"|\{[^}]*version\s*=\s*\"([^\"]+)\")")
_JSON_VERSION = re.compile(r"^\s*\"(@?[a-z0-9][\w./@-]*)\"\s*:\s*\"([~^<>=]*\s*\d[^\"]*)\"")
_GO_REQUIRE = re.compile(r"^\s*(?:require\s+)?([\w.\-]+\.[\w.\-/]+)\s+(v\d[^\s]*)")
_GEM = re.compile(r"^\s*gem\s+[\"']([\w\-]+)[\"']\s*,\s*[\"']([^\"']+)[\"']")
_PIP_INSTALL_PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._\-]*(?:\[[^\]]*\])?)==([^\s\"']+)")
# Outside a manifest, only lines with an install command can pin a version.
_INSTALL_ANCHORS = ("pip install", "uv add")
# TOML keys that hold a version but name no dependency.
_NOT_DEPENDENCIES = {"version", "python", "requires-python", "edition", "rust-version", "name"}


def _dependency_versions(path: str, text: str, manifest: bool) -> dict[str, str]:
    """Return {package: version} pinned on one line."""
    found: dict[str, str] = {}
    if manifest:
        for pattern in (_REQUIREMENT, _JSON_VERSION, _GO_REQUIRE, _GEM):
            match = pattern.match(text)
            if match is not None:
                groups = match.groups()
                found[groups[0].lower()] = "".join(groups[1:]).strip()
                return found
        match = _TOML_VERSION.match(text)
        if match is not None and match[1].lower() not in _NOT_DEPENDENCIES:
            found[match[1].lower()] = (match[2] or match[3]).strip()
        return found
    if has_anchor(text, _INSTALL_ANCHORS):
        for name, version in _PIP_INSTALL_PIN.findall(text):
            found[name.lower()] = "==" + version
    return found


def _pinned_versions(path: str, side: SideLines, manifest: bool) -> dict[str, tuple[str, int | None]]:
    """Return {package: (version, line number)} over the lines of `side`, where a later line wins."""
    indices = range(len(side.texts)) if manifest else side.containing(_INSTALL_ANCHORS)
    pinned: dict[str, tuple[str, int | None]] = {}
    for index in indices:
        for name, version in _dependency_versions(path, side.texts[index], manifest).items():
            pinned[name] = (version, side.numbers[index])
    return pinned


def detect_dependencies(context: _Context) -> None:
    """Dependency versions added, removed or changed in manifests, install commands and lockfiles."""
    for change in context.scanned("dependency-changed"):
        categories = context.categories.get(change.path, set())
        if "lockfiles" in categories:
            context.add("dependency-changed", change.path, None, "lockfile_changed", change.path,
                        file=code_span(change.path), added=str(change.added), removed=str(change.removed))
            continue
        manifest = "dependencies" in categories
        lines = context.lines(change)
        before = _pinned_versions(change.path, lines.removed, manifest)
        after = _pinned_versions(change.path, lines.added, manifest)
        for name in sorted(before.keys() | after.keys()):
            if name in before and name in after:
                if before[name][0] != after[name][0]:
                    context.add("dependency-changed", change.path, after[name][1], "dependency_version", name,
                                name=code_span(name), old=code_span(before[name][0]), new=code_span(after[name][0]))
            elif name in after:
                context.add("dependency-changed", change.path, after[name][1], "dependency_added", name,
                            name=code_span(name), new=code_span(after[name][0]))
            else:
                context.add("dependency-changed", change.path, before[name][1], "dependency_removed", name,
                            name=code_span(name))


# --- privileges, network, CI ---------------------------------------------------------------------

_PRIVILEGE_PATTERNS = (
    re.compile(r"\bprivileged:\s*true\b"),
    re.compile(r"\ballowPrivilegeEscalation:\s*true\b"),
    re.compile(r"\brunAsUser:\s*0\b"),
    re.compile(r"\brunAsNonRoot:\s*false\b"),
    re.compile(r"\bhost(?:PID|IPC):\s*true\b"),
    re.compile(r"\b(?:CAP_)?(?:SYS_ADMIN|NET_ADMIN|SYS_PTRACE|NET_RAW|SYS_MODULE)\b"),
    re.compile(r"--privileged\b|--cap-add\b|--security-opt\b"),
    re.compile(r"--user[= ](?:root|0)\b|^\s*USER\s+(?:root|0)\s*$"),
    re.compile(r"(?:^|[\s;&|`(])sudo\s"),
    re.compile(r"\bchmod\s+(?:-R\s+)?(?:0?777|0?666|a\+w|o\+w|u\+s|g\+s)\b"),
    re.compile(r"\b(?:setuid|setgid|seteuid)\s*\("),
    re.compile(r"\bkind:\s*(?:Cluster)?Role(?:Binding)?\b"),
    re.compile(r"\b(?:defaultMode|mode):\s*0?777\b"),
)
# Exact prefilter: every match of _PRIVILEGE_PATTERNS contains one of these literals.
_PRIVILEGE_ANCHORS = (
    "privileged:", "allowPrivilegeEscalation:", "runAs", "hostPID:", "hostIPC:", "SYS_", "NET_",
    "--privileged", "--cap-add", "--security-opt", "--user", "USER", "sudo", "chmod", "setuid", "setgid",
    "seteuid", "kind:", "mode:", "Mode:",
)
# RBAC rules: `verbs:` and `resources:` lines in a Role or ClusterRole file.
_RBAC_LINE = re.compile(r"^\s*-?\s*(?:verbs|resources|apiGroups):")
_RBAC_FILE = re.compile(r"rbac|role", re.IGNORECASE)

_NETWORK_PATTERNS = (
    re.compile(r"\b0\.0\.0\.0\b"),
    re.compile(r"\bhostNetwork:\s*true\b"),
    re.compile(r"\bhostPort:\s*\d+"),
    re.compile(r"\bnodePort:\s*\d+"),
    re.compile(r"\bcontainerPort:\s*\d+"),
    re.compile(r"\btype:\s*(?:LoadBalancer|NodePort)\b"),
    re.compile(r"^\s*EXPOSE\s+\d+"),
    re.compile(r"(?:^|\s)(?:-p|--publish)[ =]\d+(?::\d+)?"),
    re.compile(r"--[\w-]*port[= ]\d{2,5}\b"),
    re.compile(r"^\s*-\s*[\"']?\d{2,5}:\d{2,5}[\"']?\s*$"),
    re.compile(r"\bport:\s*\d{2,5}\b"),
    re.compile(r"\blisten\s+\d{2,5}\b"),
)
# Exact prefilter: every match of _NETWORK_PATTERNS contains one of these literals,
# except a `- "8080:80"` list item, which contains _NETWORK_PORT_PAIR.
_NETWORK_ANCHORS = ("0.0.0.0", "hostNetwork:", "Port", "port", "type:", "EXPOSE", "-p", "listen")
_NETWORK_PORT_PAIR = re.compile(r"\d:\d")

_CI_TRIGGER = re.compile(
    r"^\s*(?:on:.*|(?:pull_request_target|pull_request|push|schedule|workflow_dispatch|workflow_run|workflow_call"
    r"|issue_comment|merge_group|release|repository_dispatch)\s*:.*|-\s*cron:.*|(?:only|except|workflow|rules):.*)$"
)
_CI_PERMISSION = re.compile(
    r"^\s*(?:permissions:.*|(?:contents|pull-requests|issues|actions|packages|id-token|deployments|statuses|checks"
    r"|security-events|pages|attestations|discussions):\s*(?:write|read|none)\s*)$"
)
_CI_SECRET = re.compile(r"secrets\.([A-Za-z_][A-Za-z0-9_]*)")


def _first_match(patterns: tuple[re.Pattern[str], ...], text: str) -> str | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match is not None:
            return match.group(0).strip()
    return None


def detect_privilege(context: _Context) -> None:
    """Added lines that grant privileges: privileged containers, root, capabilities, RBAC rules, chmod 777."""
    for change in context.scanned("privilege"):
        side = context.lines(change).added
        rbac_file = bool(_RBAC_FILE.search(change.path))
        # An RBAC rule line has no anchor, so every line of an RBAC file is checked.
        indices = range(len(side.texts)) if rbac_file else side.containing(_PRIVILEGE_ANCHORS)
        for index in indices:
            text = side.texts[index]
            token = _first_match(_PRIVILEGE_PATTERNS, text)
            if token is None and rbac_file and _RBAC_LINE.match(text):
                token = text.strip()
            if token is not None:
                context.add("privilege", change.path, side.numbers[index], "privilege", token, token=code_span(token))


def detect_network(context: _Context) -> None:
    """Added lines that open ports or bind to every interface."""
    for change in context.scanned("network-exposure"):
        side = context.lines(change).added
        indices = sorted({*side.containing(_NETWORK_ANCHORS), *side.matching(_NETWORK_PORT_PAIR)})
        for index in indices:
            token = _first_match(_NETWORK_PATTERNS, side.texts[index])
            if token is not None:
                context.add("network-exposure", change.path, side.numbers[index], "network", token,
                            token=code_span(token))


def detect_ci_changes(context: _Context) -> None:
    """Trigger, permission and secret changes in CI definitions (added or removed lines)."""
    for change in context.scanned("ci-change"):
        if "ci" not in context.categories.get(change.path, set()):
            continue
        seen: set[tuple[str, str]] = set()
        # Hits follow patch order across added and removed lines, so this detector reads the ordered view.
        for line in diff_lines(change):
            action = "added" if line.sign == "+" else "removed"
            text = line.text.strip()
            # Bare `on:` and `permissions:` headers carry no value, so only the lines under them are reported.
            if text in ("on:", "permissions:", "rules:", "workflow:"):
                continue
            if _CI_TRIGGER.match(line.text) and ("trigger", text) not in seen:
                seen.add(("trigger", text))
                context.add("ci-change", change.path, line.line, f"ci_trigger_{action}", text, token=code_span(text))
            elif _CI_PERMISSION.match(line.text) and ("permission", text) not in seen:
                seen.add(("permission", text))
                context.add("ci-change", change.path, line.line, f"ci_permission_{action}", text,
                            token=code_span(text))
            elif line.sign == "+":
                for name in _CI_SECRET.findall(line.text):
                    if ("secret", name) not in seen:
                        seen.add(("secret", name))
                        context.add("ci-change", change.path, line.line, "ci_secret_used", name,
                                    name=code_span(f"secrets.{name}"))


# --- files ---------------------------------------------------------------------------------------


def detect_deleted(context: _Context) -> None:
    """Files the commit deletes."""
    for change in context.scanned("file-deleted"):
        if change.status == "D":
            context.add("file-deleted", change.path, None, "file_deleted", change.path, file=code_span(change.path))


def is_code(path: str, categories: set[str]) -> bool:
    """True for source code that is not a test, documentation or a generated file."""
    if categories & {"tests", "docs", "generated"}:
        return False
    return _suffix(path) in CODE_EXTENSIONS


def detect_untested(context: _Context) -> None:
    """Code changed while no test file changed."""
    code = [change.path for change in context.scanned("no-tests")
            if is_code(change.path, context.categories.get(change.path, set()))]
    tests = [change.path for change in context.commit.files if "tests" in context.categories.get(change.path, set())]
    if code and not tests:
        context.add("no-tests", code[0], None, "no_tests", "", count=str(len(code)))


DETECTORS = {
    "secret": detect_secrets,
    "cli-flag-removed": detect_cli_flags,
    "env-var-added": detect_env_vars,
    "dependency-changed": detect_dependencies,
    "privilege": detect_privilege,
    "network-exposure": detect_network,
    "ci-change": detect_ci_changes,
    "file-deleted": detect_deleted,
    "no-tests": detect_untested,
}


def run_detectors(commit: Commit, rules: RuleSet, categories: dict[str, set[str]]) -> list[DetectorHit]:
    """Run every enabled detector on `commit`; `categories` maps each path to its category names."""
    context = _Context(commit, rules, categories, [])
    for kind, detector in DETECTORS.items():
        if rules.detectors[kind].enabled:
            detector(context)
    return context.hits
