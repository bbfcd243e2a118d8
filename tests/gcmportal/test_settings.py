"""Production settings come only from the environment, refuse to start without secrets, and pass
Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "gcmportal.settings.production",
    "SECRET_KEY": "x" * 60 + "-production-like-secret-for-the-check",
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "postgres://gcm:secret@127.0.0.1:5432/gcm",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run manage.py with only the given settings variables (none inherited from this shell)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and not k.startswith(("DJANGO_", "GCM_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CACHE_URL"])
def test_production_settings_refuse_to_start_without_a_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_read_the_broker_and_mail_server_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_USE_TLS,"
        " s.DATABASES['default']['ENGINE'], s.SESSION_COOKIE_SECURE, s.DEBUG)"
    )

    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "True",
        "django.db.backends.postgresql",
        "True",
        "False",
    ]


def test_local_settings_run_tasks_in_process_and_save_mail_as_files(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.EMAIL_FILE_PATH,"
        " s.DATABASES['default']['ENGINE'])"
    )

    result = manage("shell", "--no-imports", "-c", code, env={"GCM_VAR_DIR": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path / "mail"),
        "django.db.backends.sqlite3",
    ]
    # The local secret key is generated once, kept private, and reused.
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o077 == 0
