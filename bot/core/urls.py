"""Web addresses inside feed text: comparing two that mean the same page, and keeping them out of
what counts as words (a link to ".../security/..." is not an episode about security)."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from .text import tokenize

# Addresses as they appear in notes text: with a scheme, or a bare "www." host.
_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# WordPress-style permalinks: /2024/07/18/virtual-reality/caddy-cad-mixed-reality/
_DATED_CATEGORY = re.compile(r"^/\d{4}/\d{1,2}/\d{1,2}/([a-z0-9][a-z0-9-]{1,60})/[^/]+")
_MAX_URL_CHARS = 2048


def url_key(url: str | None) -> str | None:
    """What identifies the page URL names: host without "www." and case, and path without a
    trailing slash; scheme, port, query and fragment ignored. None for anything but a web address."""
    if not url:
        return None
    text = url.strip()[:_MAX_URL_CHARS]
    if text.lower().startswith("www."):
        text = "http://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or " " in parts.path:
        return None
    host = host.removeprefix("www.")
    path = re.sub(r"/{2,}", "/", unquote(parts.path)).rstrip("/")
    return host + path


def without_urls(text: str) -> str:
    """TEXT with every web address blanked out (as many spaces, so positions in it stay those of
    TEXT): its words are only the prose."""
    return _URL_IN_TEXT.sub(lambda match: " " * len(match.group()), text)


def category_in_path(url: str | None) -> str | None:
    """The category a dated blog permalink files its post under ("virtual-reality" in
    /2024/07/18/virtual-reality/...), or None."""
    if not url:
        return None
    try:
        path = urlsplit(url.strip()[:_MAX_URL_CHARS]).path.lower()
    except ValueError:
        return None
    match = _DATED_CATEGORY.match(path)
    if match is None or not tokenize(match.group(1)):
        return None
    return match.group(1)
