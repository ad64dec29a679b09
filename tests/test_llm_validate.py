from analyzer.llm.validate import check_field, check_text, cjk_ratio, has_repetition, named_terms, unknown_terms

CORPUS = "fix(config): handle empty settings.yaml\nsrc/config/loader.py\n+    if data is None:\n+        return load_defaults()\n--dry-run"


def test_cjk_ratio_ignores_backticks():
    assert cjk_ratio("修复 `load_defaults` 的问题") == 1.0
    assert cjk_ratio("Fix the loader") == 0.0


def test_repetition_back_to_back():
    assert has_repetition("修复了修复了修复了修复了问题")


def test_repetition_plain_text_passes():
    assert not has_repetition("修复空配置文件导致加载失败的问题，现在返回默认配置。")


def test_named_terms_kinds():
    terms = named_terms("修改 src/config/loader.py，新增 `--dry-run`，调用 load_defaults() 与 ConfigLoader")
    assert "src/config/loader.py" in terms
    assert "--dry-run" in terms
    assert "load_defaults" in terms
    assert "ConfigLoader" in terms


def test_unknown_path_rejected():
    rejection = check_text("修改了 src/ghost/module.py 中的加载逻辑。", CORPUS, ())
    assert rejection is not None
    assert rejection.reason == "unknown-name"
    assert "src/ghost/module.py" in rejection.detail


def test_known_names_pass():
    assert check_text("空的 `settings.yaml` 现在由 `load_defaults()` 处理，见 src/config/loader.py。", CORPUS, ()) is None


def test_english_rejected():
    rejection = check_text("Handle the empty settings file in the loader.", CORPUS, ())
    assert rejection is not None
    assert rejection.reason == "not-chinese"


def test_copied_example_rejected():
    example = '{"summary": "为 deploy 命令新增参数，只打印计划执行的步骤。"}'
    rejection = check_text("为 deploy 命令新增参数，只打印计划执行的步骤。", CORPUS, (example,))
    assert rejection is not None
    assert rejection.reason == "copied-example"


def test_list_field_checks_items():
    assert check_field(["补充空文件的测试用例。", "检查默认配置是否完整。"], CORPUS, ()) is None
    rejection = check_field(["补充空文件的测试用例。", "检查 `ghost_flag` 的取值。"], CORPUS, ())
    assert rejection is not None
    assert rejection.reason == "unknown-name"


def test_list_field_duplicates_rejected():
    rejection = check_field(["补充测试用例。", "补充测试用例。"], CORPUS, ())
    assert rejection is not None
    assert rejection.reason == "repetition"


def test_unknown_terms_leading_dot_slash():
    assert unknown_terms("见 ./src/config/loader.py", CORPUS) == []
