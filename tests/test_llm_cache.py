import sqlite3
import subprocess
import sys
from pathlib import Path

from analyzer.llm.cache import CachedOutput, CacheKey, ModelCache

WRITER = """
import sys
from pathlib import Path
from analyzer.llm.cache import CachedOutput, CacheKey, ModelCache

path, worker, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with ModelCache(path) as cache:
    for index in range(count):
        key = CacheKey(f"{worker}-{index:04d}", "model", "1+abc", "rules")
        cache.put(key, CachedOutput(fields={"summary": f"提交 {index} 的摘要"}, coverage="完整 1 个文件"))
"""


def test_cache_round_trip(tmp_path):
    key = CacheKey("a" * 40, "m" * 64, "1+abc", "r" * 64)
    with ModelCache(tmp_path / "cache.sqlite3") as cache:
        assert cache.get(key) is None
        cache.put(key, CachedOutput(fields={"summary": "修复问题", "risks": ["风险一"]}, coverage="完整 2 个文件"))

    with ModelCache(tmp_path / "cache.sqlite3") as cache:
        hit = cache.get(key)
    assert hit == CachedOutput(fields={"summary": "修复问题", "risks": ["风险一"]}, coverage="完整 2 个文件")


def test_cache_key_parts_separate(tmp_path):
    base = CacheKey("a" * 40, "model-1", "1+abc", "rules-1")
    with ModelCache(tmp_path / "cache.sqlite3") as cache:
        cache.put(base, CachedOutput(fields={"summary": "摘要"}, coverage=""))
        assert cache.get(CacheKey("a" * 40, "model-2", "1+abc", "rules-1")) is None
        assert cache.get(CacheKey("a" * 40, "model-1", "2+abc", "rules-1")) is None
        assert cache.get(CacheKey("a" * 40, "model-1", "1+abc", "rules-2")) is None


def test_cache_two_processes(tmp_path):
    path = tmp_path / "cache.sqlite3"
    count = 300
    root = Path(__file__).resolve().parent.parent
    workers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(count)], cwd=root)
        for name in ("first", "second")
    ]
    codes = [worker.wait(timeout=120) for worker in workers]

    assert codes == [0, 0]
    with ModelCache(path) as cache:
        assert cache.count() == 2 * count
        assert cache.get(CacheKey("second-0299", "model", "1+abc", "rules")) is not None
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()


def test_cache_upgrades_old_file(tmp_path):
    path = tmp_path / "cache.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE model_output (commit_sha TEXT NOT NULL, model_sha256 TEXT NOT NULL,"
        " prompt_version TEXT NOT NULL, rules_digest TEXT NOT NULL, fields TEXT NOT NULL,"
        " coverage TEXT NOT NULL, created_at REAL NOT NULL,"
        " PRIMARY KEY (commit_sha, model_sha256, prompt_version, rules_digest))"
    )
    connection.commit()
    connection.close()

    key = CacheKey("b" * 40, "model", "1+abc", "rules")
    with ModelCache(path) as cache:
        cache.put(key, CachedOutput(fields={"summary": "摘要"}, coverage="", timed_out_after=60.0))
    with ModelCache(path) as cache:
        hit = cache.get(key)
    assert hit is not None
    assert hit.timed_out_after == 60.0
