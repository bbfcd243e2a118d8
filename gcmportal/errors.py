"""The domain error every service raises when an action is not allowed; views show its message."""


class DomainError(Exception):
    """An action refused for a reason the user can understand and act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ServiceUnavailable(DomainError):
    """A part of the platform (the file storage) cannot do its work just now: nothing is wrong
    with the request, and trying again later will do (a 503 in the API)."""
