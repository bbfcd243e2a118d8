"""The rate limits of the portal's own views (django-ratelimit, shared cache), the client
address every rate limit counts by, and forgetting an erased account's counters."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.utils.decorators import method_decorator
from django_ratelimit import ALL
from django_ratelimit.core import _get_window, _make_cache_key, _split_rate
from django_ratelimit.decorators import ratelimit

# (group, rate, method) of every limit counted per account, so that its counters can be found.
_ACCOUNT_LIMITS: list[tuple[str, str, object]] = []


def limit(rate: str, *, key: str = "user", method=ALL):
    """Rate-limit a class-based view (all its requests, or those of `method`), counted per
    signed-in user by default; each view counts on its own."""

    def decorate(view_class):
        group = f"{view_class.__module__}.{view_class.__qualname__}"
        if key in ("user", "user_or_ip"):
            _ACCOUNT_LIMITS.append((group, rate, method))
        decorator = ratelimit(group=group, key=key, rate=rate, method=method, block=True)
        return method_decorator(decorator, name="dispatch")(view_class)

    return decorate


def limit_posts(rate: str):
    """Rate-limit a class-based view's POSTs per signed-in user (per address for visitors)."""
    return limit(rate, key="user_or_ip", method="POST")


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


def _allauth_keys(user, emails) -> list[str]:
    """allauth's counters for the account (per user) and its addresses (per key)."""
    from allauth.core.internal.ratelimit import get_cache_key, parse_rates

    hosts = {urlsplit(settings.SITE_URL).netloc}
    hosts |= {host for host in settings.ALLOWED_HOSTS if "*" not in host and host}
    keys = []
    for action, rates in settings.ACCOUNT_RATE_LIMITS.items():
        for rate in parse_rates(rates):
            if rate.per == "user":
                keys.append(
                    get_cache_key(None, app="allauth.account", action=action, rate=rate, user=user)
                )
            elif rate.per == "key":
                candidates = [e.lower() for e in emails]
                if action == "login_failed":  # counted per site and address
                    candidates = [f"{host}:{e}" for host in hosts for e in candidates]
                keys += [
                    get_cache_key(None, app="allauth.account", action=action, rate=rate, key=c)
                    for c in candidates
                ]
    return keys


def _api_keys(user) -> list[str]:
    """The API's throttles counted per account (and per token of the account)."""
    from rest_framework.throttling import SimpleRateThrottle

    idents = [str(user.pk), f"user-{user.pk}"]
    idents += [f"{user.pk}:{pk}" for pk in user.api_tokens.values_list("pk", flat=True)]
    scopes = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    return [
        SimpleRateThrottle.cache_format % {"scope": scope, "ident": ident}
        for scope in scopes
        for ident in idents
    ]


def forget(*, user, emails) -> None:
    """Delete every rate-limit counter kept for an account and its addresses (the current
    windows: earlier ones have expired with their window)."""
    value = str(user.pk)
    keys = []
    for group, rate, method in _ACCOUNT_LIMITS:
        _count, period = _split_rate(rate)
        keys.append(_make_cache_key(group, _get_window(value, period), rate, value, method))
    caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")].delete_many(keys)
    caches["default"].delete_many(_allauth_keys(user, emails) + _api_keys(user))
