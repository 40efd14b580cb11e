"""Where discord.py connects: Discord itself, or (for tests and benchmarks) the fake Discord on
127.0.0.1. The one place that points discord.py elsewhere, and puts it back."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import discord
import yarl


@contextlib.contextmanager
def discord_endpoints(api_base: str | None, gateway_url: str | None) -> Iterator[None]:
    """discord.py aimed at API_BASE and GATEWAY_URL (each: None leaves Discord's own) while inside."""
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


def endpoints_from_environment() -> contextlib.AbstractContextManager[None]:
    """DISCORD_API_BASE and DISCORD_GATEWAY_URL, when set (the fake Discord's addresses)."""
    return discord_endpoints(os.environ.get("DISCORD_API_BASE"), os.environ.get("DISCORD_GATEWAY_URL"))
