"""Project-wide views: the answer to a request over a rate limit, "not found" (in the API's
error shape under /api/), "back in a moment" while the database cannot be reached, and the
health checks."""

import sys
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
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


# How long a client is asked to wait while the database cannot be reached (a restart, a
# fail-over).
UNAVAILABLE_RETRY_AFTER = 30


def server_error(request):
    """An error of ours: the static 500 page, or, when the database cannot be reached (whatever
    was running: a view, a template, a middleware saving the session), a 503 that says to try
    again in a minute, in the reader's language: JSON for the API and for the form's autosave,
    which keeps the text in the browser."""
    if not isinstance(sys.exception(), OperationalError | InterfaceError):
        return defaults.server_error(request)
    with translation.override(getattr(request, "LANGUAGE_CODE", None)):
        message = gettext(
            "The portal cannot reach its database for a moment. Nothing you saved before is "
            "lost: please try again in a minute."
        )
        if request.path.startswith("/api/"):
            response = JsonResponse({"error": {"code": "unavailable", "message": message}})
        elif request.headers.get("X-Autosave") == "1":
            response = JsonResponse({"ok": False, "error": message})
        else:
            response = HttpResponse(render_to_string("503.html", {"message": message}))
    response.status_code = 503
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    return response


def bad_request(request, exception=None):
    """A request the portal cannot read (a NUL character in its address or query): say so in
    the reader's language, in the API's error shape under /api/."""
    message = gettext(
        "The address of this page contains characters the portal cannot read, such as a NUL "
        "character. Check the link, or search again with other words."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "invalid", "message": message}}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


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
