"""What every endpoint of the REST API (/api/v1/) shares: cursor pages, one JSON shape for
errors, ETags for cheap polling, public read-only viewsets, Idempotency-Key, and the error
answers the schema documents (the throttles are in gcmportal.throttles)."""

import functools
import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import exception_handler

from gcmportal.errors import DomainError, ServiceUnavailable


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
    status.HTTP_422_UNPROCESSABLE_ENTITY: "unprocessable",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
    status.HTTP_503_SERVICE_UNAVAILABLE: "unavailable",
}


def api_exception_handler(error, context):
    """Every error as {"error": {"code", "message", "fields"?}}: a code for programs, a message
    for people (in the language the request asked for), and field by field what was wrong."""
    if isinstance(error, Http404):
        error = exceptions.NotFound()  # the same words whatever was looked for
    if isinstance(error, ServiceUnavailable):
        body = {"code": ERROR_CODES[status.HTTP_503_SERVICE_UNAVAILABLE], "message": error.message}
        response = Response({"error": body}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = "60"
        return response
    if isinstance(error, DomainError):
        # What a service refuses, in the words the pages use: a conflict with the state of
        # things (the call is closed, the input was changed meanwhile...).
        body = {"code": "refused", "message": error.message}
        return Response({"error": body}, status=status.HTTP_409_CONFLICT)
    response = exception_handler(error, context)
    if response is None:
        return None
    body: dict = {"code": ERROR_CODES.get(response.status_code, "error")}
    detail = response.data
    if isinstance(error, exceptions.ValidationError) and isinstance(detail, dict):
        body["message"] = gettext("Some fields are not valid: see the messages by field.")
        body["fields"] = dict(_field_messages(detail))
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


def _field_messages(detail, prefix: str = ""):
    """(field, messages) pairs of a validation error, nested fields named with dots (the
    answer to question 41: `answers.41`; the second objective: `objectives.1`)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _field_messages(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(detail, list) and detail and all(isinstance(d, str) for d in detail):
        yield prefix or "non_field_errors", [str(message) for message in detail]
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if value:
                yield from _field_messages(value, f"{prefix}.{index}")
    else:
        yield prefix or "non_field_errors", [str(detail)]


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


class PublicReadViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Lists and details anyone may read, without an account, each with its ETag."""

    permission_classes = [AllowAny]


IDEMPOTENCY_KEPT = timedelta(hours=24)


def idempotent(handler):
    """Make a POST action safe to retry: sent with an Idempotency-Key header, the answer of the
    request that was carried out is kept for a day and given again to the same request, which
    is not carried out twice; the key sent with another request is refused. (A refused request
    changed nothing, and may be sent again.)"""

    @functools.wraps(handler)
    def wrapped(view, request, *args, **kwargs):
        from stakeholders.models import IdempotentRequest

        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > 200:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [gettext("Use a key of at most 200 characters.")]}
            )
        mine = IdempotentRequest.objects.filter(user=request.user)
        mine.filter(created_at__lt=timezone.now() - IDEMPOTENCY_KEPT).delete()
        kept = mine.filter(key=key).first()
        if kept is None:
            response = handler(view, request, *args, **kwargs)
            if response.status_code >= 500:
                return response
            try:
                with transaction.atomic():
                    IdempotentRequest.objects.create(
                        user=request.user,
                        key=key,
                        method=request.method,
                        path=request.path,
                        status_code=response.status_code,
                        body=response.data,
                    )
                return response
            except IntegrityError:  # the same key, sent twice at once: one answer for both
                kept = mine.get(key=key)
        if (kept.method, kept.path) != (request.method, request.path):
            raise IdempotencyKeyReused
        response = Response(kept.body, status=kept.status_code)
        response["Idempotent-Replayed"] = "true"
        return response

    return wrapped


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _("This Idempotency-Key was already used for another request: use a new one.")


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "For programs, e.g. not_found."},
                "message": {"type": "string", "description": "For people, in their language."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "description": "What is wrong, field by field.",
                },
                "retry_after": {"type": "integer", "description": "Seconds to wait (429)."},
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Not valid: `error.fields` says what, field by field.",
    "401": "No valid API token (or session) where one is needed.",
    "403": "Not allowed.",
    "404": "Not found (not yours, not published, or a page cursor that is not valid).",
    "409": "Refused in the current state of things (e.g. the call is closed).",
    "422": "The Idempotency-Key was already used for another request.",
    "429": "Too many requests: wait as many seconds as the Retry-After header says.",
}


def document_errors(result, generator, request, public):
    """Schema postprocessing: every operation's error answers, in the one error shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ["400", "404", "429"]  # 404: also a list's cursor that is not valid
            if method != "get" or "/my/" in path:
                codes += ["401", "403", "409", "422"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                answer = responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
                answer["content"] = {"application/json": {"schema": reference}}
    return result
