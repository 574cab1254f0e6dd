"""Helpers the connector test modules share: cursor round trips, connector builders, and leak checks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pytest

from connectors.base import Cursor, Item
from connectors.errors import ConnectorError

T = TypeVar("T")

#: The ``drain`` fixture: call ``fetch`` until ``has_more`` is false; the items, the last cursor and the calls.
DrainFn = Callable[[Any, Cursor | None], tuple[list[Item], Cursor, int]]


def roundtrip(cursor: Cursor) -> Cursor:
    """What the bot does with a cursor: store it as JSON text and read it back."""
    loaded: Cursor = json.loads(json.dumps(cursor))
    return loaded


def builder(cls: Callable[..., T], **defaults: object) -> Callable[..., T]:
    """A ``make(**overrides)`` fixture value: ``cls`` built from ``defaults`` with ``overrides`` on top."""

    def make(**overrides: object) -> T:
        return cls(**{**defaults, **overrides})

    return make


def failure_texts(
    caplog: pytest.LogCaptureFixture, connector: object, actions: Iterable[Callable[[], object]]
) -> list[str]:
    """Run each action, each of which must raise a :class:`ConnectorError`, then return every text a person
    could see: the log, the connector's ``repr`` and ``str``, and each error's ``str`` and ``repr``."""
    errors: list[ConnectorError] = []
    for action in actions:
        with pytest.raises(ConnectorError) as caught:
            action()
        errors.append(caught.value)
    return [
        caplog.text,
        repr(connector),
        str(connector),
        *(str(e) for e in errors),
        *(repr(e) for e in errors),
    ]
