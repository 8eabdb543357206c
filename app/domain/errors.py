"""Domain errors. The web layer maps each to an HTTP status; messages are gettext msgids."""


class DomainError(Exception):
    """Base class. `code` is the stable machine code sent to clients."""

    code = "error"
    status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    code, status = "not_found", 404


class Forbidden(DomainError):
    code, status = "forbidden", 403


class Invalid(DomainError):
    """Input that fails a rule. `errors` is a list of {path, message} with JSON-pointer paths."""

    code, status = "invalid", 422

    def __init__(self, message: str, errors: list[dict] | None = None, **details):
        super().__init__(message, **details)
        self.errors = errors or []


class BadRequest(DomainError):
    code, status = "bad_request", 400


class Conflict(DomainError):
    """The request disagrees with what is stored. `errors` may name the fields, like Invalid's."""

    code, status = "conflict", 409

    def __init__(self, message: str, errors: list[dict] | None = None, **details):
        super().__init__(message, **details)
        self.errors = errors or []


class Unauthorized(DomainError):
    code, status = "unauthorized", 401


class DeviceWiped(DomainError):
    """A request from an app installation whose coordinator ordered it wiped."""

    code, status = "device_wiped", 410


class TooManyRequests(DomainError):
    code, status = "too_many_requests", 429


def N_(message: str) -> str:
    """Marks a msgid for extraction; the web layer translates it into the user's language."""
    return message
