"""Errors raised by connectors, sorted so the bot knows whether to retry, re-authorise or give up.

Every connector turns platform responses into exactly one of these in its ``_raise_for_status``::

    ConnectorError
    ├── RetryableError(retry_after)      transient: 5xx, network failure, timeouts
    │   └── RateLimitedError             429, Graph codes 4/17/32/613/80001, quota windows
    ├── AuthError                        token expired, revoked or lacking permission: a person must reconnect
    ├── NotFoundError                    the object is gone (deleted on the platform)
    └── PermanentError                   retrying the same request cannot help
        ├── UnsupportedActionError       the platform's API does not offer this action at all
        ├── ActionRefusedError           the platform refuses this action on this object (e.g. ``can_hide=false``)
        └── MalformedResponseError       the platform answered with JSON we cannot parse into an Item

Messages never contain tokens, comment text or author names.
"""

from __future__ import annotations


class ConnectorError(Exception):
    """Base class for everything a connector raises."""

    def __init__(self, message: str, *, platform: str | None = None, code: int | str | None = None) -> None:
        super().__init__(message)
        self.platform = platform
        self.code = code

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.platform}: {message}" if self.platform else message


class RetryableError(ConnectorError):
    """A transient failure. ``retry_after`` is the server's hint in seconds, if it gave one."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        platform: str | None = None,
        code: int | str | None = None,
    ) -> None:
        super().__init__(message, platform=platform, code=code)
        self.retry_after = retry_after


class RateLimitedError(RetryableError):
    """The platform asked us to slow down."""


class AuthError(ConnectorError):
    """The token is expired, revoked or lacks a permission. Retrying will not help; a person must reconnect."""


class NotFoundError(ConnectorError):
    """The object no longer exists on the platform."""


class PermanentError(ConnectorError):
    """The request can never succeed as sent."""


class UnsupportedActionError(PermanentError):
    """The platform's API has no way to do this action (e.g. delete someone else's post on X)."""

    def __init__(self, platform: str, action: str, reason: str) -> None:
        super().__init__(f"{action} is not supported: {reason}", platform=platform, code="unsupported")
        self.action = action
        self.reason = reason


class ActionRefusedError(PermanentError):
    """The platform supports the action in general but refuses it for this object."""


class MalformedResponseError(PermanentError):
    """The platform's response could not be parsed; nothing from it was used."""
