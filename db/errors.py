"""Domain errors that views map to HTTP answers (404, 403, a form error)."""


class DomainError(Exception):
    """Base of the errors db/ operations raise on purpose."""


class NotFound(DomainError):
    """The object does not exist, or belongs to another firm (never say which)."""


class Forbidden(DomainError):
    """The acting user may not do this (for example a déclarant on a Gestion page)."""


class Invalid(DomainError):
    """Bad input: a French message per field, nothing written."""

    def __init__(self, errors, message=None):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        self.errors = dict(errors)
        super().__init__(message or "; ".join(self.errors.values()))


class Conflict(DomainError):
    """The data changed since the user loaded it; details says what."""

    def __init__(self, message, details=()):
        self.details = list(details)
        super().__init__(message)
