"""Project-wide views: the answer to a request over a rate limit."""

from django.shortcuts import render


def rate_limited(request, exception=None):
    """Too many requests: say so in the reader's language, with the 429 status."""
    return render(request, "429.html", status=429)
