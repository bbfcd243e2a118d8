"""The API's throttles, per IP, per user and per token, writes and downloads apart (their
rates are in settings.REST_FRAMEWORK). A module of their own: Django REST framework reads them
while its views load."""

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


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


class WriteThrottle(UserRateThrottle):
    """Writes (drafts, attachments, submissions), counted per user apart from reads."""

    scope = "writes"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class DownloadThrottle(SimpleRateThrottle):
    """Whole downloads of the open data, counted per user or per IP address: a few a minute is
    plenty when one download holds everything."""

    scope = "downloads"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
