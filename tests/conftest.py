"""Fixtures shared by the whole suite."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reference_data(db):
    """The GCM reference data, as `make run` loads it."""
    from consultations.services import reference_data_load

    return reference_data_load()


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST with the test client and run what the request queued on commit (e-mail tasks)."""

    def _post(path: str, data: dict | None = None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {}, **extra)

    return _post


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_report_header(config):
    """Say which database the suite runs on, so a CI log shows it ran on PostgreSQL."""
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the previous test requested: a
    request under /fr/ leaves French active in the test thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
