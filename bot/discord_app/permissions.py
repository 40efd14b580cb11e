"""What the bot needs in a channel to announce there, and what is missing, in words (Discord layer)."""

from __future__ import annotations

import discord

ANNOUNCE_PERMISSIONS = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)


def missing_permissions(channel: discord.abc.GuildChannel, member: discord.Member) -> str | None:
    """What stops MEMBER from announcing in CHANNEL, in words; None when nothing does."""
    permissions = channel.permissions_for(member)
    # Discord drops the later permissions when an earlier one is missing; name only the first cause.
    missing = next((name for flag, name in ANNOUNCE_PERMISSIONS if not getattr(permissions, flag)), None)
    if missing is None:
        return None
    return f"Missing permission: {missing} in #{channel.name}"
