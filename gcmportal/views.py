"""Project-wide views: the answer to a request over a rate limit, "not found" (in the API's
error shape under /api/), and the health check."""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import NotFound

from gcmportal.celery import app as celery_app


def page_not_found(request, exception=None):
    """Not found: the site's page, or under /api/ the API's one error shape (an address that
    is no endpoint, e.g. /api/v1/inputs/abc/)."""
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": str(NotFound.default_detail)}
        return JsonResponse({"error": body}, status=404)
    return defaults.page_not_found(request, exception)


def rate_limited(request, exception=None):
    """Too many requests: say so in the reader's language, with the 429 status."""
    return render(request, "429.html", status=429)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _check_storage() -> str:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    return "ok"


@never_cache
def alive(request):
    """Liveness: the web process answers, touching nothing else (for a load balancer's probe;
    also the ceiling the load benchmark compares the pages with)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def health(request):
    """Database, broker and media storage: 200 when all answer, 503 naming what does not."""
    checks = {}
    for name, check in [
        ("database", _check_database),
        ("broker", _check_broker),
        ("storage", _check_storage),
    ]:
        try:
            checks[name] = check()
        except Exception as exc:  # any failure is the answer, not a crash
            checks[name] = f"error: {type(exc).__name__}"
    healthy = all(not value.startswith("error") for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
