"""One env-driven settings file: works out of the box, fails loudly in production."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "q8Vd-3rT!xZp0w@L7mK#cN2bY^hF5sJ*uE9gA$1oR6iW4eU&yT",
    "ALLOWED_HOSTS": "argmap.example.org",
}


# Settings are read as a deployment reads them: by manage.py in a process of its own.
pytestmark = pytest.mark.slow


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], capture_output=True, text=True, env=environment, check=False
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="argmap.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", DEBUG="false", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_a_bad_boolean_is_refused_not_guessed():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def database_settings(**env):
    code = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']))"
    result = run_manage("shell", "-v", "0", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_connections_are_checked_reused_and_time_out():
    database = database_settings(DATABASE_URL="postgres://argmap@db.example.org:5432/argmap")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] == 600
    assert database["OPTIONS"]["connect_timeout"] == 5


def test_sqlite_is_the_default_in_wal_mode_with_immediate_transactions():
    database = database_settings(DATABASE_URL="")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def cache_settings(**env):
    code = "import json; from django.conf import settings; print(json.dumps(settings.CACHES))"
    result = run_manage("shell", "-v", "0", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_downloads_have_a_bounded_cache_of_their_own_beside_the_pages(tmp_path):
    caches = cache_settings(EXPORT_CACHE_ENTRIES="7")
    assert caches["exports"]["OPTIONS"]["MAX_ENTRIES"] == 7
    assert caches["exports"]["LOCATION"] != caches["default"]["LOCATION"]  # big files never crowd out pages
    shared = cache_settings(CACHE_LOCATION=str(tmp_path))
    assert (
        shared["default"]["OPTIONS"]["BACKEND"]
        == shared["exports"]["OPTIONS"]["BACKEND"]
        == ("django.core.cache.backends.filebased.FileBasedCache")
    )
    assert shared["exports"]["LOCATION"] == str(tmp_path / "exports")


def test_each_setting_is_declared_once_not_appended_further_down():
    source = (Path(__file__).resolve().parent.parent / "config" / "settings.py").read_text()
    assert not re.search(r"^[A-Z_]+(\[[^\]]*\])* *(\+=|\.append|\.extend|\[[^\]]*\] *=)", source, re.MULTILINE)
    declared = re.findall(r"^([A-Z][A-Z0-9_]*) *=", source, re.MULTILINE)
    assert len(declared) == len(set(declared)), sorted(name for name in declared if declared.count(name) > 1)


def test_a_bad_rate_is_refused_with_its_name():
    result = run_manage("check", API_ANON_RATE="lots")
    assert result.returncode != 0
    assert "API_ANON_RATE must look like 120/minute, not 'lots'" in result.stderr


def test_every_cache_is_fail_safe_and_throttle_counters_have_an_alias_of_their_own():
    caches = cache_settings()
    assert {alias["BACKEND"] for alias in caches.values()} == {"argmap.caching.FailSafeCache"}
    assert caches["default"]["OPTIONS"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert set(caches) == {"default", "exports", "lists", "throttle"}
    assert len({alias["LOCATION"] for alias in caches.values()}) == 4  # pages, exports, public lists, throttle apart
    assert caches["throttle"]["OPTIONS"]["FAIL"] == "closed"


def test_redis_url_puts_every_cache_in_redis_under_prefixes_of_their_own():
    caches = cache_settings(REDIS_URL="redis://127.0.0.1:6379/5")
    assert {alias["OPTIONS"]["BACKEND"] for alias in caches.values()} == {"django.core.cache.backends.redis.RedisCache"}
    assert {alias["LOCATION"] for alias in caches.values()} == {"redis://127.0.0.1:6379/5"}
    assert len({alias["KEY_PREFIX"] for alias in caches.values()}) == len(caches) == 4


def test_a_redis_url_that_is_not_one_is_refused():
    result = run_manage("check", REDIS_URL="127.0.0.1:6379")
    assert result.returncode != 0
    assert "REDIS_URL must start with redis://" in result.stderr


def test_trusted_proxies_are_a_count_or_networks_and_drive_the_https_header():
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.TRUSTED_PROXIES, settings.SECURE_PROXY_SSL_HEADER]))"
    )

    def read(**env):
        result = run_manage("shell", "-v", "0", "-c", code, **env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert read(**PRODUCTION) == [[], None]  # forwarded headers ignored
    assert read(**PRODUCTION, TRUSTED_PROXIES="1") == [1, ["HTTP_X_FORWARDED_PROTO", "https"]]
    assert read(TRUSTED_PROXIES="10.0.0.0/8, fd00::/8")[0] == ["10.0.0.0/8", "fd00::/8"]
    refused = run_manage("check", TRUSTED_PROXIES="10.0.0.0/8,the-cdn")
    assert refused.returncode != 0
    assert "TRUSTED_PROXIES must be a count or a comma list of networks (10.0.0.0/8), not 'the-cdn'" in refused.stderr


def hsts(**env):
    code = "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_PRELOAD)"
    result = run_manage("shell", "-v", "0", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_hsts_preload_is_opt_in():
    assert hsts(**PRODUCTION) == ["31536000", "False"]
    assert hsts(**PRODUCTION, SECURE_HSTS_PRELOAD="true") == ["31536000", "True"]


def test_log_format_is_text_or_json():
    code = "from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])"
    result = run_manage("shell", "-v", "0", "-c", code, LOG_FORMAT="json")
    assert result.stdout.strip() == "json"
    refused = run_manage("check", LOG_FORMAT="yaml")
    assert refused.returncode != 0
    assert "LOG_FORMAT must be text or json, not 'yaml'" in refused.stderr


def test_tasks_run_eagerly_without_redis_and_on_a_broker_with_it():
    code = "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)"
    assert run_manage("shell", "-v", "0", "-c", code, REDIS_URL="").stdout.split() == ["True"]
    with_redis = run_manage("shell", "-v", "0", "-c", code, REDIS_URL="redis://127.0.0.1:6379/5").stdout.split()
    assert with_redis == ["False", "redis://127.0.0.1:6379/5"]
