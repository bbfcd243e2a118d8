"""Requests refused before any view: a NUL character in the address or its query can be neither
stored nor searched (PostgreSQL refuses it in text), so it is the reader's 400, never our 500."""

from .views import bad_request


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class RefuseUnreadableRequests:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return bad_request(request)
        return self.get_response(request)
