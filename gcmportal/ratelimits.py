"""The rate limit every page that writes or sends e-mail uses (django-ratelimit, shared cache),
and the client address every rate limit counts by."""

from django.conf import settings
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit


def limit_posts(rate: str):
    """Rate-limit a class-based view's POSTs per signed-in user (per address for visitors)."""
    return method_decorator(
        ratelimit(key="user_or_ip", rate=rate, method="POST", block=True), name="dispatch"
    )


def client_ip(request) -> str:
    """The client's address: the connecting one, or behind TRUSTED_PROXY_COUNT proxies the one
    the outermost trusted proxy saw, counted from the right of X-Forwarded-For (what a client
    writes further left is its own claim and is ignored)."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count and forwarded:
        return forwarded[-min(count, len(forwarded))]
    return request.META["REMOTE_ADDR"]
