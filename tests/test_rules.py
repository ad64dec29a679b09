"""Rule files: loading, validation messages, override merging, globs and quantifiers."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import AnalyzerError
from analyzer.i18n import message
from analyzer.rules import PATH_CACHE_SIZE, Category, GlobList, glob_to_regex, load_rules, normalise_path

ROOT = Path(__file__).resolve().parent.parent


def write_override(root: Path, text: str) -> Path:
    path = root / ".analyzer" / "rules.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(root: Path, text: str) -> AnalyzerError:
    write_override(root, text)
    with pytest.raises(AnalyzerError) as caught:
        load_rules(root)
    return caught.value


def test_defaults_load() -> None:
    rules = load_rules()
    assert {"ci", "docs", "tests", "deploy", "dependencies", "containers", "routing", "public_api",
            "security", "generated"} <= set(rules.categories)
    # The secret detector blocks a push itself, so its rule does not block twice.
    assert not rules.rules["secret"].block
    assert rules.detectors["secret"].blocking
    assert len(rules.digest) == 64


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[rule.feature]\npoints = 2\nreason = "x"\ntypo_key = 1\n')
    assert error.key == "rules.unknown_key"
    assert error.values["entry"] == "rule.feature.typo_key"
    assert str(tmp_path / ".analyzer" / "rules.toml") == error.values["file"]
    assert "types" in error.values["allowed"]


def test_unknown_table_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[rulez.x]\npoints = 1\n')
    assert error.key == "rules.unknown_key"
    assert error.values["entry"] == "rulez"


def test_bad_glob_negation_points_to_exclude(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[category.docs]\nany-glob-to-any-file = ["!docs/**"]\n')
    assert error.key == "rules.bad_glob"
    assert error.values["glob"] == "!docs/**"
    assert "exclude" in error.values["fix"]
    assert "category.docs.any-glob-to-any-file" in message(error.key, **error.values)


@pytest.mark.parametrize("glob", ["docs/[abc", "src/**.py", "a/{b,c", ""])
def test_bad_glob_rejected(tmp_path: Path, glob: str) -> None:
    error = load_error(tmp_path, f'[category.extra]\nany-glob-to-any-file = ["{glob}"]\n')
    assert error.key == "rules.bad_glob"


def test_bad_value_type_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[rule.feature]\npoints = "two"\nreason = "x"\n')
    assert error.key == "rules.bad_value"
    assert error.values["entry"] == "rule.feature.points"


def test_unknown_category_reference_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[rule.extra]\npoints = 1\nreason = "x"\ncategories = ["nope"]\n')
    assert error.key == "rules.unknown_reference"
    assert error.values["name"] == "nope"


def test_invalid_toml_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, "[rule.feature\n")
    assert error.key == "rules.invalid_toml"


def test_override_replaces_adds_and_disables(tmp_path: Path) -> None:
    write_override(tmp_path, """
[rule.feature]
points = 7
reason = "新功能更重要"
types = ["feat"]

[rule.docs_type]
enabled = false

[rule.vendored]
points = -3
reason = "第三方代码"
categories = ["generated"]

[thresholds]
high = 6

[components]
"lib/llm" = "LLM 库"

[text.security]
none = "没有安全问题。"
""")
    defaults = load_rules()
    rules = load_rules(tmp_path)
    assert rules.rules["feature"].points == 7
    assert not rules.rules["docs_type"].enabled
    assert rules.rules["vendored"].points == -3
    assert rules.thresholds.high == 6
    assert rules.thresholds.medium == defaults.thresholds.medium
    assert rules.components == {"lib/llm": "LLM 库"}
    assert rules.text["security"]["none"] == "没有安全问题。"
    assert rules.text["security"]["hit"] == defaults.text["security"]["hit"]
    assert rules.digest != defaults.digest


def test_extra_file_merges_last(tmp_path: Path) -> None:
    write_override(tmp_path, '[thresholds]\nhigh = 6\n')
    extra = tmp_path / "extra.toml"
    extra.write_text('[thresholds]\nhigh = 9\n', encoding="utf-8")
    assert load_rules(tmp_path, extra).thresholds.high == 9


@pytest.mark.parametrize(
    ("glob", "path", "expected"),
    [
        (".github/**", ".github/workflows/ci.yml", True),
        ("**/*.md", "docs/a/b.md", True),
        ("**/*.md", "README.md", True),
        ("*.md", "README.md", True),
        ("*.md", "docs/README.md", False),
        ("docs/*", "docs/a/b.md", False),
        ("docs/**", "docs/a/b.md", True),
        ("a/**/b.txt", "a/b.txt", True),
        ("a/**/b.txt", "a/x/y/b.txt", True),
        ("**/test_*.py", ".hidden/tests/test_x.py", True),
        ("**/*.{yml,yaml}", "k8s/deploy.yaml", True),
        ("file?.txt", "file1.txt", True),
        ("file?.txt", "file/.txt", False),
        ("[ab].py", "a.py", True),
        ("[!ab].py", "a.py", False),
        ("/docs/**", "docs/x.md", True),
        ("./docs/**", "docs/x.md", True),
    ],
)
def test_glob_matching(glob: str, path: str, expected: bool) -> None:
    assert bool(glob_to_regex(glob).match(normalise_path(path))) is expected


def make_category(quantifier: str, globs: list[str], exclude: list[str] | None = None) -> Category:
    return Category("c", "c", {quantifier: GlobList.of(globs)}, GlobList.of(exclude or []))


FILES_MIXED = ["docs/a.md", "src/b.py"]
FILES_DOCS = ["docs/a.md", "docs/c.md"]


@pytest.mark.parametrize(
    ("quantifier", "globs", "files", "expected"),
    [
        ("any-glob-to-any-file", ["docs/**", "*.toml"], FILES_MIXED, True),
        ("any-glob-to-any-file", ["lib/**"], FILES_MIXED, False),
        ("any-glob-to-all-files", ["docs/**", "src/**"], FILES_MIXED, True),
        ("any-glob-to-all-files", ["docs/**"], FILES_MIXED, False),
        ("all-globs-to-any-file", ["docs/**", "**/*.md"], FILES_MIXED, True),
        ("all-globs-to-any-file", ["docs/**", "**/*.py"], FILES_MIXED, False),
        ("all-globs-to-all-files", ["docs/**", "**/*.md"], FILES_DOCS, True),
        ("all-globs-to-all-files", ["docs/**", "**/*.md"], FILES_MIXED, False),
    ],
)
def test_quantifiers(quantifier: str, globs: list[str], files: list[str], expected: bool) -> None:
    assert make_category(quantifier, globs).matches(files) is expected


def test_exclude_removes_files_first() -> None:
    category = make_category("any-glob-to-all-files", ["docs/**"], exclude=["src/**"])
    assert category.matches(FILES_MIXED)
    assert not category.file_matches("src/b.py")
    assert not make_category("any-glob-to-any-file", ["src/**"], exclude=["src/**"]).matches(FILES_MIXED)


def matches_uncached(category: Category, paths: list[str]) -> bool:
    """Apply the quantifiers glob by glob, without the category's path cache."""
    files = [path for path in paths if not any(regex.match(path) for regex in category.exclude.compiled)]
    if not files:
        return False
    for quantifier, globs in category.quantifiers.items():
        combine = any if quantifier.startswith("any-glob") else all
        per_file = [combine(regex.match(path) for regex in globs.compiled) for path in files]
        if not (any(per_file) if quantifier.endswith("to-any-file") else all(per_file)):
            return False
    return True


def test_category_cache_agrees_uncached() -> None:
    rules = load_rules()
    paths = [normalise_path(str(path.relative_to(ROOT))) for path in ROOT.rglob("*") if ".git" not in path.parts]
    paths += [".github/workflows/ci.yml", ".github/ISSUE_TEMPLATE/bug.md", "docs/requirements.txt", "Dockerfile"]
    groups = [paths[start:start + 3] for start in range(0, len(paths), 3)] + [[path] for path in paths]
    # Each group runs twice, so the second result comes from the cache.
    for _ in range(2):
        for category in rules.categories.values():
            for group in groups:
                assert category.matches(group) == matches_uncached(category, group), (category.name, group)
                for path in group:
                    assert category.file_matches(path) == matches_uncached(category, [path]), (category.name, path)


def test_category_cache_bounded() -> None:
    category = make_category("any-glob-to-any-file", ["docs/**"], exclude=["docs/skip/**"])
    for number in range(PATH_CACHE_SIZE + 10):
        assert category.file_matches(f"docs/{number}.md")
        assert len(category.path_cache) <= PATH_CACHE_SIZE
    assert not category.file_matches("docs/skip/a.md")
    assert category.per_file("docs/skip/a.md") is None
    assert category.per_file("src/a.py") == (False,)


def test_reference_error_names_override_file(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[rule.extra]\npoints = 1\nreason = "x"\ndetectors = ["nope"]\n')
    assert error.key == "rules.unknown_reference"
    assert error.values["file"] == str(tmp_path / ".analyzer" / "rules.toml")


def test_union_agrees_with_each_glob() -> None:
    rules = load_rules()
    lists = [globs for category in rules.categories.values() for globs in [category.exclude, *category.quantifiers.values()]]
    # Real paths of this project plus paths that exercise dot-folders, nesting and suffixes.
    paths = [normalise_path(str(path.relative_to(ROOT))) for path in ROOT.rglob("*") if ".git" not in path.parts]
    paths += [".github/workflows/ci.yml", "a/b/c/package-lock.json", "docs/x.md", "src/deep/test_x.py", "Dockerfile"]
    assert any(globs.matches_any(path) for globs in lists for path in paths)
    for globs in lists:
        for path in paths:
            assert globs.matches_any(path) == any(regex.match(path) for regex in globs.compiled), (globs.patterns, path)


def test_union_empty_list_matches_nothing() -> None:
    assert not GlobList().matches_any("any/path")
    assert GlobList.of(["docs/**", "*.md"]).matches_any("README.md")
