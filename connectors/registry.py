"""The connectors SocialGuard knows, by platform name: an explicit dict, never a directory scan."""

from __future__ import annotations

from connectors.base import Connector
from connectors.facebook import FacebookConnector

CONNECTORS: dict[str, type[Connector]] = {
    FacebookConnector.platform: FacebookConnector,
}
