"""New-episode announcements, driven from the outbox in SQLite so that each goes out exactly once.

After every sync (scheduled or /admin resync) and on connecting, the cog:
  1. adds outbox rows for stored episodes each configured channel has not seen (bot/store.py),
  2. settles rows left in 'sending' (a crash, a shutdown or a lost response): if the channel
     shows the post among the messages since the attempt, it was sent, else it is pending again,
  3. posts pending rows (one digest when there are many), each POST marked 'sending' first and
     carrying a nonce Discord enforces, then 'sent' with the message id. A POST whose answer never
     came (the network, a shutdown) stays 'sending' and a round runs again within seconds, while
     Discord still honours the nonce,
  4. edits recent posted messages (posted within EDIT_WITHIN, the EDITS_PER_CHANNEL newest per
     channel) whose episode's title, notes or chapters changed, and only when the message would
     show something else (a digest of the rendered payload): a feed that rewrites its notes on
     every fetch edits nothing it does not show, and never its whole history.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict

import aiohttp
import discord
from discord.ext import commands

from bot.core.config import AnnounceConfig
from bot.core.models import Episode, GuildSettings, OutboxRow, SyncReport
from bot.core.outbox import (
    MAX_ATTEMPTS,
    PERMANENT_ERROR_CODES,
    PERMISSION_ERROR_CODES,
    Delivery,
    plan_deliveries,
    retry_delay,
)
from bot.core.store import Store, utcnow
from bot.discord_app import embeds
from bot.discord_app.app import PodBot
from bot.discord_app.permissions import missing_permissions

log = logging.getLogger(__name__)
INVALID_FORM_BODY = 50035
# A POST is stored by Discord within this long of the attempt, if at all: the messages read to
# settle a 'sending' row are those from just before the attempt to this long after it.
SETTLE_WINDOW = dt.timedelta(minutes=2)
CLOCK_SLACK = dt.timedelta(seconds=5)
# A round runs again this soon after a POST whose answer was lost.
PROMPT_RETRY_SECONDS = 10.0
EDIT_WITHIN = dt.timedelta(days=7)
EDITS_PER_CHANNEL = 5


def payload_digest(embed: discord.Embed) -> str:
    """What an announcement shows, as a digest: equal digests render the same."""
    return hashlib.sha256(json.dumps(embed.to_dict(), sort_keys=True, default=str).encode()).hexdigest()


def announcement_embed_for(episodes: list[Episode], show: embeds.ShowOf = embeds.no_show) -> discord.Embed:
    """One episode's post, or a digest of several; SHOW names each one's podcast (when several are followed)."""
    if len(episodes) > 1:
        return embeds.digest_embed(episodes, show)
    return embeds.announcement_embed(episodes[0], show(episodes[0].podcast))


def ping(settings: GuildSettings) -> tuple[str | None, discord.AllowedMentions]:
    """The role mention, if configured, allowed to notify exactly that role and no one else."""
    if settings.announce_role_id is None:
        return None, discord.AllowedMentions.none()
    role = discord.Object(id=settings.announce_role_id)
    return f"<@&{settings.announce_role_id}>", discord.AllowedMentions(
        everyone=False, users=False, roles=[role], replied_user=False
    )


class Announcements(commands.Cog):
    def __init__(self, bot: PodBot, store: Store, settings: AnnounceConfig) -> None:
        self.bot = bot
        self.store = store
        self.settings = settings
        self._lock = asyncio.Lock()
        # Set on start-up and by permission events: only then can a failed channel work again.
        self._permissions_changed = True
        self._rounds: set[asyncio.Task] = set()
        self._prompt_retry: asyncio.TimerHandle | None = None
        self.prompt_retry_seconds = PROMPT_RETRY_SECONDS

    async def cog_unload(self) -> None:
        """Stop every round before the library they write to closes (the bot is closing)."""
        if self._prompt_retry is not None:
            self._prompt_retry.cancel()
        rounds = [task for task in self._rounds if task is not asyncio.current_task()]
        for task in rounds:
            task.cancel()
        await asyncio.gather(*rounds, return_exceptions=True)

    def _deliver_soon(self) -> None:
        if self._prompt_retry is None or self._prompt_retry.cancelled():
            loop = asyncio.get_running_loop()
            self._prompt_retry = loop.call_later(self.prompt_retry_seconds, self._start_round)

    def _start_round(self) -> None:
        self._prompt_retry = None
        asyncio.get_running_loop().create_task(self.deliver())

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self.deliver()

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        """A shard connected again with a new session (no on_ready follows when only one did):
        its servers' channels and roles were read afresh."""
        await self._permissions_may_have_changed()

    @commands.Cog.listener()
    async def on_podcast_synced(self, report: SyncReport) -> None:
        await self.deliver()

    # A channel's overwrites, a role's permissions or the bot's roles changed: announcements that
    # failed for missing permission may go out now.
    @commands.Cog.listener()
    async def on_guild_channel_update(self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel) -> None:
        await self._permissions_may_have_changed()

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        await self._permissions_may_have_changed()

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        if self.bot.user is not None and after.id == self.bot.user.id:
            await self._permissions_may_have_changed()

    async def _permissions_may_have_changed(self) -> None:
        self._permissions_changed = True
        await self.deliver()

    async def deliver(self) -> None:
        """Bring every configured channel up to date with the store. Safe to call at any time."""
        task = asyncio.current_task()
        if task is not None:
            self._rounds.add(task)
        try:
            await self._round()
        finally:
            self._rounds.discard(task)

    async def _round(self) -> None:
        async with self._lock:
            try:
                created = await self.store.enqueue_announcements()
                if created:
                    log.info("%d new announcements queued", created)
                if self._permissions_changed:
                    self._permissions_changed = False
                    await self._revive_where_permitted_again()
                await self._settle_interrupted()
                due = await self.store.announcements("pending", due_only=True)
                settings = self.settings
                stale_after = dt.timedelta(hours=settings.digest_pending_after_hours)
                for delivery in plan_deliveries(due, settings.digest_after, stale_after):
                    await self._post(delivery)
                await self._edit_changed()
            except Exception:
                log.exception("announcement round failed; it is retried after the next sync")

    async def _revive_where_permitted_again(self) -> None:
        """Announcements that failed for missing access or permission go out once the bot's cached
        permissions in that channel allow it again; while they don't, no request is made."""
        for guild_id, channel_id in await self.store.failed_channels(sorted(PERMISSION_ERROR_CODES)):
            channel = self.bot.get_channel(channel_id)
            guild = self.bot.get_guild(guild_id)
            if not isinstance(channel, discord.abc.GuildChannel) or guild is None or guild.me is None:
                continue
            if missing_permissions(channel, guild.me) is None:
                revived = await self.store.retry_failed_announcements(
                    guild_id, channel_id, sorted(PERMISSION_ERROR_CODES)
                )
                log.info("permissions in #%s are back; %d failed announcements will be posted", channel, revived)
                if revived:
                    when = discord.utils.format_dt(utcnow(), "R")
                    await self.store.set_announce_note(
                        guild_id,
                        f"Permissions in #{channel} came back {when}; {revived} waiting "
                        f"announcement{'s' if revived != 1 else ''} posted again.",
                    )

    async def _settle_interrupted(self) -> None:
        """Rows left 'sending' (a crash, a shutdown, a lost answer): sent if the channel shows
        them, else pending again."""
        interrupted = await self.store.announcements("sending")
        by_channel: dict[int, list[OutboxRow]] = defaultdict(list)
        for row in interrupted:
            by_channel[row.channel_id].append(row)
        for channel_id, rows in by_channel.items():
            attempted = [row.updated_at or utcnow() for row in rows]
            posts = await self._posts_since(channel_id, min(attempted), max(attempted))
            for row in rows:
                (episode,) = await self.store.episodes([row.episode_id])
                nonce = row.nonce[:25]
                found = next((m for m in posts if m.nonce == nonce or _shows(m, episode)), None)
                if found is not None:
                    log.info("announcement of %r was posted before a restart; not posting again", episode.title)
                    await self.store.update_announcements([row.id], "sent", message_id=found.id)
                else:
                    await self.store.update_announcements([row.id], "pending")

    async def _posts_since(self, channel_id: int, first: dt.datetime, last: dt.datetime) -> list[discord.Message]:
        """The bot's messages in the channel from just before FIRST to SETTLE_WINDOW after LAST,
        the attempts' times: paged oldest first, so however many were posted since, the reading
        stops soon after the attempts."""
        channel = self.bot.get_partial_messageable(channel_id)
        me = self.bot.user
        if me is None:  # not logged in: nothing of ours to find
            return []
        until = last + SETTLE_WINDOW
        found = []
        try:
            async for message in channel.history(limit=None, after=first - CLOCK_SLACK, oldest_first=True):
                if message.created_at > until:
                    break
                if message.author.id == me.id:
                    found.append(message)
            return found
        except discord.HTTPException as error:
            log.warning("cannot read recent messages in %s to settle announcements: %s", channel_id, error)
            return []

    async def _post(self, delivery: Delivery) -> None:
        episodes = await self.store.episodes([row.episode_id for row in delivery.rows])
        content, mentions = ping(await self.store.guild_settings(delivery.guild_id))
        await self.store.update_announcements(delivery.row_ids, "sending", count_attempt=True)
        channel = self.bot.get_partial_messageable(delivery.channel_id, guild_id=delivery.guild_id)
        show = await self._show_in(delivery.guild_id)
        full, minimal = announcement_embed_for(episodes, show), embeds.minimal_announcement_embed(episodes)
        shown = full
        try:
            try:
                message = await channel.send(
                    content=content, embed=full, nonce=delivery.nonce, allowed_mentions=mentions
                )
            except discord.HTTPException as error:
                if error.code != INVALID_FORM_BODY:
                    raise
                # Discord refused what the feed put in the payload: that payload will never pass,
                # so try once more with the smallest safe one, and give up if even that fails.
                log.warning("announcement refused as invalid (%s); posting a minimal one", error.text)
                shown = minimal
                message = await channel.send(
                    content=content, embed=minimal, nonce=delivery.nonce, allowed_mentions=mentions
                )
        except discord.HTTPException as error:
            await self._record_failure(delivery, error.code, f"{error.status} {error.text or error}".strip())
            return
        except discord.RateLimited as error:
            await self._retry(delivery, f"rate limited for {error.retry_after:.0f} s", None)
            return
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            # Discord may have stored the post: the row stays 'sending', so the next round looks
            # at the channel before posting again, and that round comes while the nonce holds.
            log.warning(
                "no answer to an announcement in channel %s (%r); checking again soon", delivery.channel_id, error
            )
            await self.store.update_announcements(delivery.row_ids, "sending", error=f"network error: {error!r}")
            self._deliver_soon()
            return
        await self.store.update_announcements(
            delivery.row_ids, "sent", message_id=message.id, digest=payload_digest(shown)
        )
        log.info("announced %d episode(s) in channel %s", len(episodes), delivery.channel_id)

    async def _show_in(self, guild_id: int) -> embeds.ShowOf:
        """How posts in the server name their show: by its title when it sees several, else not at all."""
        return (await self.bot.podcasts.scope(guild_id)).show

    async def _record_failure(self, delivery: Delivery, code: int, text: str) -> None:
        if code in PERMANENT_ERROR_CODES:
            log.warning(
                "announcement in channel %s failed for good until settings change: %s", delivery.channel_id, text
            )
            await self.store.update_announcements(delivery.row_ids, "failed", error=text, error_code=code)
        else:
            await self._retry(delivery, text, code)

    async def _retry(self, delivery: Delivery, text: str, code: int | None) -> None:
        attempts = max(row.attempts for row in delivery.rows) + 1
        if attempts >= MAX_ATTEMPTS:
            await self.store.update_announcements(delivery.row_ids, "failed", error=text, error_code=code)
            return
        retry_at = utcnow() + retry_delay(attempts)
        log.warning("announcement in channel %s failed (%s); retrying at %s", delivery.channel_id, text, retry_at)
        await self.store.update_announcements(
            delivery.row_ids, "pending", error=text, error_code=code, retry_at=retry_at
        )

    async def _edit_changed(self) -> None:
        stale = await self.store.stale_announcements(posted_since=utcnow() - EDIT_WITHIN)
        newest: dict[int, list[int]] = defaultdict(list)
        for row in stale:
            messages = newest[row.channel_id]
            if row.message_id and row.message_id not in messages and len(messages) < EDITS_PER_CHANNEL:
                messages.append(row.message_id)
        for message_id in (message_id for messages in newest.values() for message_id in messages):
            rows = await self.store.announcements_for_message(message_id)
            episodes = await self.store.episodes([row.episode_id for row in rows])
            embed = announcement_embed_for(episodes, await self._show_in(rows[0].guild_id))
            digest = payload_digest(embed)
            if digest == rows[0].posted_digest:  # the change is nothing the message shows
                await self.store.update_announcements([row.id for row in rows], "sent")
                continue
            channel = self.bot.get_partial_messageable(rows[0].channel_id, guild_id=rows[0].guild_id)
            try:
                await channel.get_partial_message(message_id).edit(embed=embed)
            except discord.NotFound:
                log.info("announcement %s was deleted; not editing it", message_id)
            except discord.HTTPException as error:
                log.warning("could not edit announcement %s: %s", message_id, error)
                if error.code != INVALID_FORM_BODY:
                    continue  # tried again after the next sync; an invalid edit never will pass
            await self.store.update_announcements([row.id for row in rows], "sent", digest=digest)


def _shows(message: discord.Message, episode: Episode) -> bool:
    """Whether MESSAGE is our announcement of EPISODE, alone or in a digest."""
    title, in_digest = embeds.announcement_embed(episode).title, f"**[{embeds.digest_title(episode)}]"
    return any(embed.title == title or in_digest in (embed.description or "") for embed in message.embeds)


async def setup(bot: PodBot) -> None:
    await bot.add_cog(Announcements(bot, bot.library.store, bot.library.config.announce))
