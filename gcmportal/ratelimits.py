"""The rate limit every page that writes or sends e-mail uses (django-ratelimit, shared cache)."""

from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit


def limit_posts(rate: str):
    """Rate-limit a class-based view's POSTs per signed-in user (per address for visitors)."""
    return method_decorator(
        ratelimit(key="user_or_ip", rate=rate, method="POST", block=True), name="dispatch"
    )
