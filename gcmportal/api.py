"""What every endpoint of the REST API (/api/v1/) shares: cursor pages, one JSON shape for
errors, ETags for cheap polling, and throttles per IP, per user and per token."""

import hashlib

from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class CursorPage(CursorPagination):
    """Opaque `next` and `previous` links: stable while inputs are published meanwhile, and as
    cheap on the last page as on the first."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"


ERROR_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_409_CONFLICT: "conflict",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def api_exception_handler(error, context):
    """Every error as {"error": {"code", "message", "fields"?}}: a code for programs, a message
    for people (in the language the request asked for), and field by field what was wrong."""
    # Imported here: rest_framework.views reads the throttle classes of this module.
    from rest_framework.views import exception_handler

    if isinstance(error, Http404):
        error = exceptions.NotFound()  # the same words whatever was looked for
    response = exception_handler(error, context)
    if response is None:
        return None
    body: dict = {"code": ERROR_CODES.get(response.status_code, "error")}
    detail = response.data
    if isinstance(error, exceptions.ValidationError) and isinstance(detail, dict):
        body["message"] = gettext("Some fields are not valid: see the messages by field.")
        body["fields"] = {field: [str(m) for m in messages] for field, messages in detail.items()}
    elif isinstance(detail, dict) and "detail" in detail:
        body["message"] = str(detail["detail"])
        body["code"] = getattr(detail["detail"], "code", None) or body["code"]
    elif isinstance(detail, list):
        body["message"] = " ".join(str(message) for message in detail)
    else:
        body["message"] = str(detail)
    if isinstance(error, exceptions.Throttled) and error.wait is not None:
        body["retry_after"] = int(error.wait)  # as the Retry-After header says
    response.data = {"error": body}
    return response


class ConditionalGetMixin:
    """A strong ETag on every successful read, and 304 Not Modified when the client already
    has it (If-None-Match): a poller downloads a page again only when it changed."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if getattr(response, "streaming", False):
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"  # may keep it, must ask again (cheaply)
        wanted = request.headers.get("If-None-Match", "")
        if etag in [tag.strip().removeprefix("W/") for tag in wanted.split(",")]:
            not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
            not_modified["ETag"] = etag
            not_modified["Cache-Control"] = "no-cache"
            return super().finalize_response(request, not_modified, *args, **kwargs)
        return response


class PerIpThrottle(AnonRateThrottle):
    """Requests without an account, counted per client IP address."""

    scope = "anonymous"


class PerUserThrottle(UserRateThrottle):
    """Requests with an account (session or token), counted per user; each personal API token
    has its own count, so one script cannot use up the owner's other tools."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        token = getattr(request.auth, "pk", None)
        ident = f"{request.user.pk}:{token}" if token else str(request.user.pk)
        return self.cache_format % {"scope": self.scope, "ident": ident}
