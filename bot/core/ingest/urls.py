"""Web addresses inside feed text: comparing two that mean the same page, and keeping them out of
what counts as words (a link to ".../security/..." is not an episode about security); and the
operator's feed addresses as they may be shown to anyone, without the secrets they may carry."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from bot.core.words.text import tokenize

# Addresses as they appear in notes text: with a scheme, or a bare "www." host.
_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# WordPress-style permalinks: /2024/07/18/virtual-reality/caddy-cad-mixed-reality/
_DATED_CATEGORY = re.compile(r"^/\d{4}/\d{1,2}/\d{1,2}/([a-z0-9][a-z0-9-]{1,60})/[^/]+")
_MAX_URL_CHARS = 2048
# Any scheme: an ftp:// or feed:// address may carry a password as well as an http one.
_ADDRESS = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s<>\"'`]+", re.IGNORECASE)
_HIDDEN = "***"


def redacted(address: str) -> str:
    """ADDRESS as it may be shown to anyone (the /admin commands are global, logs are shared):
    its user name and password, and the value of each query or fragment parameter, replaced by
    ***. Anything else (a local path) is returned as given."""
    try:
        parts = urlsplit(address)
    except ValueError:
        return _HIDDEN if "@" in address or "?" in address else address
    if not parts.scheme or not parts.netloc:
        return address
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{_HIDDEN}@{host}" if "@" in parts.netloc else host
    return urlunsplit((parts.scheme, netloc, parts.path, _hidden_values(parts.query), _hidden_values(parts.fragment)))


def redact_addresses(text: str) -> str:
    """TEXT (an error message, a log line) with every address in it redacted()."""
    return _ADDRESS.sub(lambda match: redacted(match.group()), text)


def _hidden_values(query: str) -> str:
    if not query:
        return query
    return "&".join(
        f"{pair.partition('=')[0]}={_HIDDEN}" if "=" in pair else _HIDDEN for pair in query.split("&") if pair
    )


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
