"""Where podbot may send a request: the operator's feed, and public addresses for anything a feed names.

A feed is written by someone else, and it names more URLs (chapters files, redirects) that podbot
fetches. Those must never reach the machine's own services, the LAN or a cloud metadata address.
Two checks together see every address actually connected:
  * `GuardedResolver` filters what DNS answers, so a name that resolves (or re-resolves, DNS
    rebinding) to a private address connects nowhere;
  * `check_url` refuses IP literals in the URL itself, which aiohttp connects to without resolving.
The configured feed's own origin (scheme, host, port) is the operator's choice and is trusted.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass

import yarl
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

MAX_URL_CHARS = 2048
_HOST_CHARS = re.compile(r"^[a-z0-9.-]+$")
_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
_FETCHABLE_SCHEMES = frozenset({"http", "https"})
# Shared address space for carrier-grade NAT: not "private" to ipaddress, never public either.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeUrl(ValueError):
    """A URL podbot will not fetch; the message says why in a few words."""


Origin = tuple[str, str, int]


def is_url(source: str) -> bool:
    """Whether SOURCE is an http(s) URL (else it is a local path)."""
    return source.lower().startswith(("http://", "https://"))


def origin_of(url: str) -> Origin | None:
    """(scheme, host, port) of URL, or None when it is not an http(s) URL."""
    try:
        parsed = yarl.URL(url.strip())
        if parsed.scheme not in _FETCHABLE_SCHEMES or not parsed.raw_host or parsed.port is None:
            return None
        return parsed.scheme, parsed.raw_host.lower(), parsed.port
    except (ValueError, UnicodeError):
        return None


def _unmapped(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The IPv4 address hidden in an IPv4-mapped, 6to4 or NAT64 IPv6 address, if any."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def address_problem(text: str, *, allow_private: bool = False) -> str | None:
    """Why podbot must not connect to the IP address TEXT; None when it is a public address.
    ALLOW_PRIVATE admits LAN ranges (RFC 1918, unique local, CGNAT), never loopback, link-local
    (cloud metadata lives there), multicast or unspecified addresses."""
    try:
        address = _unmapped(ipaddress.ip_address(text.split("%", 1)[0]))
    except ValueError:
        return f"{text} is not an IP address"
    if address.is_loopback:
        return f"{text} is a loopback address"
    if address.is_link_local:
        return f"{text} is a link-local or metadata address"
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return f"{text} is not a unicast address"
    lan = address.is_private or (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT)
    if lan and not allow_private:
        return f"{text} is a private address"
    if not lan and not address.is_global:
        return f"{text} is not a public address"
    return None


def check_url(url: str) -> yarl.URL:
    """URL parsed, if it is one podbot can fetch at all: http(s), a host that encodes, a valid port.
    Raises UnsafeUrl otherwise; never UnicodeError or another surprise from deeper down."""
    if len(url) > MAX_URL_CHARS:
        raise UnsafeUrl(f"URL is over {MAX_URL_CHARS:,} characters")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise UnsafeUrl("URL contains spaces or control characters")
    try:
        parsed = yarl.URL(url)
        port = parsed.port
        host = parsed.raw_host
    except (ValueError, UnicodeError) as error:
        raise UnsafeUrl(f"not a valid URL ({error})") from None
    if parsed.scheme not in _FETCHABLE_SCHEMES:
        raise UnsafeUrl(f"only http and https URLs are fetched, not {parsed.scheme or 'a relative URL'}")
    if not host or port is None:
        raise UnsafeUrl("URL has no host")
    host = host.lower().rstrip(".")
    if ":" in host:  # an IPv6 literal
        return parsed
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnsafeUrl(f"host {host!r} is not a valid domain name") from None
    if not _HOST_CHARS.match(encoded):
        raise UnsafeUrl(f"host {host!r} is not a valid domain name")
    last_label = encoded.rsplit(".", 1)[-1]
    if _NUMERIC_HOST.match(last_label):
        # Like a browser, a numeric last label makes the whole host an IPv4 address; only the
        # canonical dotted form is one ("127.1" or "2130706433" are tricks, not hosts).
        try:
            ipaddress.IPv4Address(encoded)
        except ValueError:
            raise UnsafeUrl(f"host {host!r} is not a canonical IPv4 address") from None
    return parsed


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which connections a feed-named URL may make. TRUSTED is the configured feed's origin."""

    trusted: Origin | None = None
    allow_private: bool = False

    def trusts(self, url: yarl.URL) -> bool:
        return self.trusted is not None and (url.scheme, (url.raw_host or "").lower(), url.port) == self.trusted

    def trusts_host(self, host: str, port: int) -> bool:
        return self.trusted is not None and (host.lower(), port) == self.trusted[1:]

    def check(self, url: str) -> yarl.URL:
        """URL parsed, if a request to it is allowed before DNS: raises UnsafeUrl otherwise.
        Host names are checked again, on the addresses they resolve to, by GuardedResolver."""
        parsed = check_url(url)
        if self.trusts(parsed):
            return parsed
        host = (parsed.raw_host or "").strip("[]")
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return parsed  # a name: the resolver decides
        if problem := address_problem(host, allow_private=self.allow_private):
            raise UnsafeUrl(f"refusing to fetch {url[:200]}: {problem}")
        return parsed


class BlockedAddress(OSError):
    """DNS answered only with addresses podbot must not connect to."""


class GuardedResolver(AbstractResolver):
    """DNS answers filtered by an AddressPolicy: the check sits where the connection's address is
    chosen, so a name that resolves to a private address, at any time, connects nowhere."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._resolver = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._resolver.resolve(host, port, family)
        if self.policy.trusts_host(host, port):
            return answers
        allowed = [a for a in answers if address_problem(a["host"], allow_private=self.policy.allow_private) is None]
        if not allowed:
            problem = address_problem(answers[0]["host"], allow_private=self.policy.allow_private) if answers else None
            raise BlockedAddress(f"{host} resolves to no public address ({problem or 'no answer'})")
        return allowed

    async def close(self) -> None:
        await self._resolver.close()
