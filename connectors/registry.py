"""The connectors SocialGuard knows, by platform name: an explicit dict, never a directory scan."""

from __future__ import annotations

from connectors.base import Connector
from connectors.facebook import FacebookConnector
from connectors.instagram import InstagramConnector
from connectors.web import WebMentionsConnector
from connectors.x import XConnector
from connectors.youtube import YouTubeConnector

CONNECTORS: dict[str, type[Connector]] = {
    FacebookConnector.platform: FacebookConnector,
    InstagramConnector.platform: InstagramConnector,
    YouTubeConnector.platform: YouTubeConnector,
    XConnector.platform: XConnector,
    WebMentionsConnector.platform: WebMentionsConnector,
}
