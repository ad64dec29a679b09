"""Rule files: loading `rules/*.toml` and per-repository overrides into typed structures.

The defaults live in `rules/` as TOML. A repository adds or replaces entries with
`.analyzer/rules.toml` in its root, and `--rules PATH` adds one more file on top.
Every file uses the same tables (`category`, `rule`, `type`, `detector`,
`components`, `thresholds`, `text`). An entry with the same name replaces the
default entry whole, and a new name adds one. `enabled = false` switches an
entry off.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.errors import AnalyzerError
from analyzer.i18n import register
from analyzer.paths import RULES_DIR

REPO_RULES_FILE = Path(".analyzer") / "rules.toml"
TEXT_FILE_PREFIX = "text."

# Messages of the errors this module raises, as (Chinese, English).
MESSAGES: dict[str, tuple[str, str]] = {
    "rules.unreadable": (
        "无法读取规则文件 {file}：{error}。请检查文件是否存在且为 UTF-8 编码的 TOML。",
        "Cannot read rule file {file}: {error}. Check that it exists and is UTF-8 TOML.",
    ),
    "rules.invalid_toml": (
        "规则文件 {file} 不是有效的 TOML：{error}。请按报错位置修正语法。",
        "Rule file {file} is not valid TOML: {error}. Fix the syntax at the reported position.",
    ),
    "rules.unknown_key": (
        "规则文件 {file} 中 `{entry}` 是未知的键。可用的键：{allowed}。请删除或改正它。",
        "Rule file {file}: unknown key `{entry}`. Allowed keys: {allowed}. Remove or correct it.",
    ),
    "rules.bad_value": (
        "规则文件 {file} 中 `{entry}` 的值无效：{problem}。请改为 {expected}。",
        "Rule file {file}: invalid value for `{entry}`: {problem}. Use {expected}.",
    ),
    "rules.bad_glob": (
        "规则文件 {file} 中 `{entry}` 的 glob `{glob}` 无效：{problem}。{fix}",
        "Rule file {file}: invalid glob `{glob}` in `{entry}`: {problem}. {fix}",
    ),
    "rules.missing_key": (
        "规则文件 {file} 中 `{entry}` 缺少必填项。请补上 {expected}。",
        "Rule file {file}: `{entry}` is missing. Add {expected}.",
    ),
    "rules.unknown_reference": (
        "规则文件 {file} 中 `{entry}` 引用了不存在的{kind} `{name}`。已有：{allowed}。",
        "Rule file {file}: `{entry}` refers to unknown {kind} `{name}`. Known: {allowed}.",
    ),
}


register(MESSAGES)


def _fail(message_key: str, **values: object) -> AnalyzerError:
    return AnalyzerError(message_key, **{name: str(value) for name, value in values.items()})


# --- globs ---------------------------------------------------------------------------------------


def normalise_path(path: str) -> str:
    """Make `path` repository-relative with `/` separators: drop a leading `/` or `./`."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def _expand_braces(pattern: str) -> list[str]:
    """Expand one level of `{a,b}` alternatives, as the GitHub labeler's minimatch does."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end():]
    expanded: list[str] = []
    for option in match.group(1).split(","):
        expanded.extend(_expand_braces(head + option + tail))
    return expanded


def glob_problem(pattern: str) -> tuple[str, str] | None:
    """Return (problem, fix) in Chinese when `pattern` is not a valid rule glob, else None."""
    if not pattern.strip():
        return "glob 为空", "请删除空字符串。"
    if pattern.startswith("!"):
        return "不支持以 `!` 取反", "请把该模式（去掉 `!`）移到同一条目的 `exclude` 列表中。"
    if "\\" in pattern:
        return "包含反斜杠", "路径分隔符请使用 `/`。"
    if pattern.count("[") != pattern.count("]"):
        return "方括号不成对", "请补全 `[...]` 字符集。"
    if pattern.count("{") != pattern.count("}"):
        return "花括号不成对", "请补全 `{a,b}` 备选项。"
    for segment in normalise_path(pattern).split("/"):
        if "**" in segment and segment != "**":
            return f"`**` 必须单独作为一级路径（出现在 `{segment}` 中）", "请写成 `**/name` 或 `dir/**`。"
    return None


def _segment_regex(segment: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = segment.index("]", index + 1)
            body = segment[index + 1: end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a glob: `**` crosses folders, `*` and `?` stay within one, dot-folders match."""
    alternatives: list[str] = []
    for expanded in _expand_braces(normalise_path(pattern)):
        segments = expanded.split("/")
        parts: list[str] = []
        for position, segment in enumerate(segments):
            last = position == len(segments) - 1
            if segment == "**":
                # `a/**/b` matches `a/b` too; a trailing `**` matches everything below.
                parts.append(".*" if last else "(?:[^/]*/)*")
            else:
                parts.append(_segment_regex(segment) + ("" if last else "/"))
        alternatives.append("".join(parts))
    return re.compile("^(?:" + "|".join(alternatives) + ")$")


@dataclass(slots=True)
class GlobList:
    """Globs from a rule file, compiled once."""

    patterns: tuple[str, ...] = ()
    compiled: tuple[re.Pattern[str], ...] = ()
    union: re.Pattern[str] | None = None
    """Every glob as one alternation, so `matches_any` costs one regex match per path."""

    @classmethod
    def of(cls, patterns: list[str]) -> GlobList:
        compiled = tuple(glob_to_regex(pattern) for pattern in patterns)
        # Exact: each alternative is a whole `^...$` glob regex, so the union
        # matches a path exactly when one of the globs does.
        union = re.compile("|".join(f"(?:{regex.pattern})" for regex in compiled)) if compiled else None
        return cls(tuple(patterns), compiled, union)

    def matches_any(self, path: str) -> bool:
        return self.union is not None and self.union.match(path) is not None

    def matches_all(self, path: str) -> bool:
        return all(regex.match(path) for regex in self.compiled)

    def __bool__(self) -> bool:
        return bool(self.patterns)


# --- rule data -----------------------------------------------------------------------------------

QUANTIFIERS = ("any-glob-to-any-file", "any-glob-to-all-files", "all-globs-to-any-file", "all-globs-to-all-files")
# Maximum number of paths whose glob results one category caches. Commits in
# a range touch the same paths again and again: git/git's commits since
# 2025-01-01 change 3,200 distinct paths in 26,000 file changes. The cache is
# emptied when full, so its memory stays bounded on any range.
PATH_CACHE_SIZE = 4096


@dataclass(slots=True)
class Category:
    """A named group of paths, matched with the GitHub labeler's quantifiers."""

    name: str
    label: str
    """Chinese name shown in text, for example `CI 配置`."""
    quantifiers: dict[str, GlobList]
    exclude: GlobList = field(default_factory=GlobList)
    enabled: bool = True
    path_cache: dict[str, tuple[bool, ...] | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Results of `per_file` by path, emptied when it reaches PATH_CACHE_SIZE entries."""

    def per_file(self, path: str) -> tuple[bool, ...] | None:
        """Return the per-file result of each quantifier for `path`, or None when `exclude` matches it."""
        if path in self.path_cache:
            return self.path_cache[path]
        if len(self.path_cache) >= PATH_CACHE_SIZE:
            self.path_cache.clear()

        results: tuple[bool, ...] | None = None
        if not self.exclude.matches_any(path):
            results = tuple(
                globs.matches_any(path) if quantifier.startswith("any-glob") else globs.matches_all(path)
                for quantifier, globs in self.quantifiers.items()
            )
        self.path_cache[path] = results
        return results

    def file_matches(self, path: str) -> bool:
        """True when one file satisfies the per-file part of every quantifier and is not excluded."""
        results = self.per_file(path)
        return results is not None and all(results)

    def matches(self, paths: list[str]) -> bool:
        """Apply every quantifier to the non-excluded `paths`; all of them must hold."""
        files = [results for results in map(self.per_file, paths) if results is not None]
        if not files or not self.enabled:
            return False
        for position, quantifier in enumerate(self.quantifiers):
            if quantifier.endswith("to-any-file"):
                if not any(results[position] for results in files):
                    return False
            elif not all(results[position] for results in files):
                return False
        return True


@dataclass(slots=True)
class Condition:
    """When a scoring or change-type rule applies; every condition that is set must hold."""

    types: tuple[str, ...] = ()
    """Conventional types (`feat`, ...); `none` stands for a subject that is not conventional."""
    not_types: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    """Conventional scopes, compared in lower case (`deps`, `deps-dev`, ...)."""
    breaking: bool | None = None
    revert: bool | None = None
    merge: bool | None = None
    categories: tuple[str, ...] = ()
    """At least one of these categories matched the commit."""
    only_categories: tuple[str, ...] = ()
    """Every file belongs to at least one of these categories."""
    min_category_files: int = 0
    """With `categories`: at least this many files belong to them."""
    detectors: tuple[str, ...] = ()
    """At least one hit of these detector kinds."""
    keywords: tuple[str, ...] = ()
    """The subject contains one of these words (case-insensitive, whole words for ASCII)."""
    min_lines: int = 0
    """Added plus removed lines outside lockfiles and generated files."""
    max_lines: int | None = None
    min_files: int = 0
    min_components: int = 0


@dataclass(slots=True)
class ScoreRule:
    """Points added to the score when the condition holds."""

    name: str
    points: int
    reason: str
    """Chinese sentence for 为何: shown by `explain` and in the report's rating details."""
    condition: Condition
    block: bool = False
    """The pre-push review blocks a branch when this rule fires."""
    enabled: bool = True
    source: str = ""
    """Rule file the entry came from."""


@dataclass(slots=True)
class TypeRule:
    """Maps facts to a Chinese change type; the lowest `priority` that matches wins."""

    name: str
    change_type: str
    priority: int
    condition: Condition
    reason: str = ""
    enabled: bool = True
    source: str = ""
    """Rule file the entry came from."""


@dataclass(slots=True)
class DetectorConfig:
    """Settings of one built-in line detector."""

    kind: str
    label: str
    enabled: bool = True
    blocking: bool = False
    skip_categories: tuple[str, ...] = ()
    """Files in these categories are not scanned by this detector."""


@dataclass(slots=True)
class Thresholds:
    high: int = 5
    medium: int = 2


@dataclass(slots=True)
class RuleSet:
    """All rules in force for one repository."""

    digest: str
    """sha256 of the merged rule data; part of the analysis cache key."""
    categories: dict[str, Category] = field(default_factory=dict)
    rules: dict[str, ScoreRule] = field(default_factory=dict)
    types: list[TypeRule] = field(default_factory=list)
    """Change-type rules in priority order."""
    detectors: dict[str, DetectorConfig] = field(default_factory=dict)
    components: dict[str, str] = field(default_factory=dict)
    """Path prefix to component name; the longest matching prefix wins."""
    thresholds: Thresholds = field(default_factory=Thresholds)
    text: dict[str, Any] = field(default_factory=dict)
    """Chinese templates of the deterministic writer (`rules/text.zh.toml`)."""
    sources: list[str] = field(default_factory=list)
    """Rule files merged, in order."""

    def files_in(self, category: str, paths: list[str]) -> list[str]:
        """Return the paths that belong to `category`."""
        found = self.categories.get(category)
        if found is None or not found.enabled:
            return []
        return [path for path in paths if found.file_matches(path)]


# --- loading -------------------------------------------------------------------------------------

TABLES = ("category", "rule", "type", "detector", "components", "thresholds", "text")
CONDITION_KEYS = (
    "types", "not_types", "scopes", "breaking", "revert", "merge", "categories", "only_categories",
    "min_category_files", "detectors", "keywords", "min_lines", "max_lines", "min_files", "min_components",
)
CATEGORY_KEYS = ("label", "exclude", "enabled", "description", *QUANTIFIERS)
RULE_KEYS = ("points", "reason", "block", "enabled", "description", *CONDITION_KEYS)
TYPE_KEYS = ("change_type", "priority", "reason", "enabled", "description", *CONDITION_KEYS)
DETECTOR_KEYS = ("label", "enabled", "blocking", "skip_categories", "description")
THRESHOLD_KEYS = ("high", "medium")
DETECTOR_KINDS = (
    "secret", "cli-flag-removed", "env-var-added", "dependency-changed", "privilege",
    "network-exposure", "ci-change", "file-deleted", "no-tests",
)
CHANGE_TYPES = (
    "功能增强", "Bug修复", "性能优化", "文档更新", "CI/自动化", "测试修改", "重构", "依赖更新", "配置变更", "构建/容器", "回滚",
)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _fail("rules.unreadable", file=path, error=error.strerror or error) from error
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _fail("rules.invalid_toml", file=path, error=error) from error


def _check_keys(file: Path, where: str, table: object, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise _fail("rules.bad_value", file=file, entry=where, problem="不是表（table）", expected="`[...]` 表")
    for key in table:
        if key not in allowed:
            raise _fail("rules.unknown_key", file=file, entry=f"{where}.{key}" if where else key,
                        allowed="、".join(allowed))
    return table


def _typed(file: Path, key: str, value: object, kind: type, expected: str) -> Any:
    # bool is a subclass of int in Python, so integers reject booleans explicitly.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _fail("rules.bad_value", file=file, entry=key, problem=f"得到 {value!r}", expected=expected)
    return value


def _strings(file: Path, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail("rules.bad_value", file=file, entry=key, problem=f"得到 {value!r}", expected="字符串列表")
    return tuple(value)


def _globs(file: Path, key: str, value: object) -> GlobList:
    patterns = _strings(file, key, value)
    for pattern in patterns:
        problem = glob_problem(pattern)
        if problem is not None:
            raise _fail("rules.bad_glob", file=file, entry=key, glob=pattern, problem=problem[0], fix=problem[1])
    return GlobList.of(list(patterns))


def _condition(file: Path, where: str, table: dict[str, Any]) -> Condition:
    condition = Condition()
    for key in CONDITION_KEYS:
        if key not in table:
            continue
        value = table[key]
        name = f"{where}.{key}"
        if key in ("breaking", "revert", "merge"):
            setattr(condition, key, _typed(file, name, value, bool, "true 或 false"))
        elif key in ("min_category_files", "min_lines", "max_lines", "min_files", "min_components"):
            setattr(condition, key, _typed(file, name, value, int, "整数"))
        elif key in ("keywords", "scopes"):
            setattr(condition, key, tuple(word.lower() for word in _strings(file, name, value)))
        else:
            setattr(condition, key, _strings(file, name, value))
    return condition


def _parse_category(file: Path, name: str, table: dict[str, Any]) -> Category:
    where = f"category.{name}"
    _check_keys(file, where, table, CATEGORY_KEYS)
    enabled = _typed(file, f"{where}.enabled", table.get("enabled", True), bool, "true 或 false")
    quantifiers = {key: _globs(file, f"{where}.{key}", table[key]) for key in QUANTIFIERS if key in table}
    if enabled and not quantifiers:
        raise _fail("rules.missing_key", file=file, entry=where, expected="四个量词之一（例如 `any-glob-to-any-file = [...]`）")
    label = _typed(file, f"{where}.label", table.get("label", name), str, "字符串")
    exclude = _globs(file, f"{where}.exclude", table.get("exclude", []))
    return Category(name=name, label=label, quantifiers=quantifiers, exclude=exclude, enabled=enabled)


def _parse_rule(file: Path, name: str, table: dict[str, Any]) -> ScoreRule:
    where = f"rule.{name}"
    _check_keys(file, where, table, RULE_KEYS)
    enabled = _typed(file, f"{where}.enabled", table.get("enabled", True), bool, "true 或 false")
    if enabled:
        for required in ("points", "reason"):
            if required not in table:
                raise _fail("rules.missing_key", file=file, entry=f"{where}.{required}",
                            expected="`points = 整数` 与 `reason = \"中文原因\"`")
    return ScoreRule(
        name=name,
        points=_typed(file, f"{where}.points", table.get("points", 0), int, "整数"),
        reason=_typed(file, f"{where}.reason", table.get("reason", ""), str, "字符串"),
        condition=_condition(file, where, table),
        block=_typed(file, f"{where}.block", table.get("block", False), bool, "true 或 false"),
        enabled=enabled,
        source=str(file),
    )


def _parse_type(file: Path, name: str, table: dict[str, Any]) -> TypeRule:
    where = f"type.{name}"
    _check_keys(file, where, table, TYPE_KEYS)
    enabled = _typed(file, f"{where}.enabled", table.get("enabled", True), bool, "true 或 false")
    change_type = table.get("change_type", "")
    if enabled:
        if "change_type" not in table or "priority" not in table:
            raise _fail("rules.missing_key", file=file, entry=where, expected="`change_type` 与 `priority`")
        if change_type not in CHANGE_TYPES:
            raise _fail("rules.bad_value", file=file, entry=f"{where}.change_type", problem=f"得到 {change_type!r}",
                        expected="、".join(CHANGE_TYPES) + " 之一")
    return TypeRule(
        name=name,
        change_type=change_type,
        priority=_typed(file, f"{where}.priority", table.get("priority", 0), int, "整数"),
        condition=_condition(file, where, table),
        reason=_typed(file, f"{where}.reason", table.get("reason", ""), str, "字符串"),
        enabled=enabled,
        source=str(file),
    )


def _parse_detector(file: Path, kind: str, table: dict[str, Any]) -> DetectorConfig:
    where = f"detector.{kind}"
    _check_keys(file, where, table, DETECTOR_KEYS)
    if kind not in DETECTOR_KINDS:
        raise _fail("rules.unknown_key", file=file, entry=where, allowed="、".join(DETECTOR_KINDS))
    return DetectorConfig(
        kind=kind,
        label=_typed(file, f"{where}.label", table.get("label", kind), str, "字符串"),
        enabled=_typed(file, f"{where}.enabled", table.get("enabled", True), bool, "true 或 false"),
        blocking=_typed(file, f"{where}.blocking", table.get("blocking", False), bool, "true 或 false"),
        skip_categories=_strings(file, f"{where}.skip_categories", table.get("skip_categories", [])),
    )


@dataclass(slots=True)
class _Merged:
    """Raw tables merged over the defaults, with the file each entry came from."""

    entries: dict[str, dict[str, tuple[Path, dict[str, Any]]]] = field(
        default_factory=lambda: {table: {} for table in ("category", "rule", "type", "detector")})
    components: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, int] = field(default_factory=dict)
    text: dict[str, Any] = field(default_factory=dict)
    raw: list[dict[str, Any]] = field(default_factory=list)


def _merge_file(merged: _Merged, file: Path, data: dict[str, Any]) -> None:
    _check_keys(file, "", data, TABLES)
    merged.raw.append(data)
    for table in ("category", "rule", "type", "detector"):
        for name, entry in _check_keys(file, table, data.get(table, {}), tuple(data.get(table, {}))).items():
            _check_keys(file, f"{table}.{name}", entry, tuple(entry) if isinstance(entry, dict) else ())
            # Same name replaces the earlier entry whole; a new name adds one.
            merged.entries[table][name] = (file, entry)
    components = _check_keys(file, "components", data.get("components", {}), tuple(data.get("components", {})))
    for prefix, component in components.items():
        merged.components[normalise_path(prefix).rstrip("/")] = _typed(
            file, f"components.{prefix}", component, str, "组件名字符串")
    thresholds = _check_keys(file, "thresholds", data.get("thresholds", {}), THRESHOLD_KEYS)
    for key, value in thresholds.items():
        merged.thresholds[key] = _typed(file, f"thresholds.{key}", value, int, "整数")
    _merge_text(merged.text, _check_keys(file, "text", data.get("text", {}), tuple(data.get("text", {}))))


def _merge_text(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge template tables key by key, so an override can replace one sentence of a section."""
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_text(target[key], value)
        else:
            target[key] = value


def _check_references(rules: RuleSet) -> None:
    """Reject conditions that name a category or detector that does not exist."""
    entries: list[tuple[str, str, Condition]] = [
        (rule.source, f"rule.{rule.name}", rule.condition) for rule in rules.rules.values()]
    entries += [(rule.source, f"type.{rule.name}", rule.condition) for rule in rules.types]
    for source, where, condition in entries:
        for name in (*condition.categories, *condition.only_categories):
            if name not in rules.categories:
                raise _fail("rules.unknown_reference", file=source, entry=where, kind="类别",
                            name=name, allowed="、".join(rules.categories))
        for kind in condition.detectors:
            if kind not in DETECTOR_KINDS:
                raise _fail("rules.unknown_reference", file=source, entry=where, kind="检测器",
                            name=kind, allowed="、".join(DETECTOR_KINDS))


def default_rule_files(rules_dir: Path = RULES_DIR) -> list[Path]:
    """Return the default rule files in load order (text templates are loaded the same way)."""
    return sorted(rules_dir.glob("*.toml"))


def load_rules(repo_root: Path | None = None, extra: Path | None = None, rules_dir: Path = RULES_DIR) -> RuleSet:
    """Load the default rules, then merge `.analyzer/rules.toml` of `repo_root` and `extra` over them."""
    files = default_rule_files(rules_dir)
    if repo_root is not None and (repo_root / REPO_RULES_FILE).is_file():
        files.append(repo_root / REPO_RULES_FILE)
    if extra is not None:
        files.append(extra)

    merged = _Merged()
    for file in files:
        data = _read_toml(file)
        if file.name.startswith(TEXT_FILE_PREFIX):
            # Writer templates: a whole file of text keys, merged like the `[text]` table.
            data = {"text": data}
        _merge_file(merged, file, data)

    rules = RuleSet(digest="", sources=[str(file) for file in files])
    for name, (file, entry) in merged.entries["category"].items():
        rules.categories[name] = _parse_category(file, name, entry)
    for name, (file, entry) in merged.entries["rule"].items():
        rules.rules[name] = _parse_rule(file, name, entry)
    types = [_parse_type(file, name, entry) for name, (file, entry) in merged.entries["type"].items()]
    rules.types = sorted(types, key=lambda rule: rule.priority)
    for kind in DETECTOR_KINDS:
        file, entry = merged.entries["detector"].get(kind, (Path("<defaults>"), {}))
        rules.detectors[kind] = _parse_detector(file, kind, entry)
    rules.components = merged.components
    rules.thresholds = Thresholds(**merged.thresholds)
    rules.text = merged.text
    _check_references(rules)

    canonical = json.dumps(merged.raw, sort_keys=True, ensure_ascii=False, default=str)
    rules.digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return rules
