"""The domain error every service raises when an action is not allowed; views show its message."""


class DomainError(Exception):
    """An action refused for a reason the user can understand and act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
