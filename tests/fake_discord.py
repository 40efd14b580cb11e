"""A small fake Discord on 127.0.0.1 for end-to-end tests of the unmodified discord.py client.

It serves the REST routes and gateway events podbot uses, enforces the limits real Discord enforces
(embeds, message content, components, one callback per interaction), answers unknown routes with
404 and records every request. Anything real Discord would reject is also written to
`violations`, which the test fixtures assert is empty.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from tests.loopback import serve_on_loopback

APP_ID = 100000000000000001
GUILD_ID = 200000000000000001
ADMIN_ID = 300000000000000001
MEMBER_ID = 300000000000000002
NEWS_CHANNEL = 400000000000000001
LOCKED_CHANNEL = 400000000000000002
OTHER_GUILD_CHANNEL = 400000000000000003  # #news of a second server (SECOND_GUILD_ID), else reachable by id only
SHOWS_CHANNEL = 400000000000000004  # a second channel of the first server, for one show's announcements
# A second server that a bot with two shards hears on shard 1 (Discord: (guild_id >> 22) % shards).
SECOND_GUILD_ID = (47683715821 << 22) | 1
NEWS_CHANNELS = {GUILD_ID: NEWS_CHANNEL, SECOND_GUILD_ID: OTHER_GUILD_CHANNEL}


def news_channel(guild_id: int) -> int:
    """A server's #news: the named ones above, else one made from the server's id (benchmarks
    put the bot in thousands of servers)."""
    return NEWS_CHANNELS.get(guild_id, guild_id + 1)


BOT_ROLE = 500000000000000001
FANS_ROLE = 500000000000000002

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_HISTORY = 1 << 16
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_HISTORY
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD
JSON = "application/json"
DISCORD_EPOCH_MS = 1420070400000

BOT_USER = {
    "id": str(APP_ID),
    "username": "podbot",
    "discriminator": "0",
    "global_name": "podbot",
    "avatar": None,
    "bot": True,
    "flags": 0,
}


def user(user_id: int, name: str) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name, "avatar": None}


USERS = {ADMIN_ID: user(ADMIN_ID, "admin"), MEMBER_ID: user(MEMBER_ID, "member")}


def reply(document: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with the exact Content-Type discord.py checks for (aiohttp's default adds a charset)."""
    return web.Response(
        body=json.dumps(document).encode(), status=status, headers={"Content-Type": JSON, **(headers or {})}
    )


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def embed_problems(embeds: list[dict[str, Any]]) -> list[str]:
    """Discord's embed limits, as its API enforces them."""
    problems = []
    if len(embeds) > 10:
        problems.append("more than 10 embeds")
    total = 0
    for embed in embeds:
        size = 0
        for key, limit in (("title", 256), ("description", 4096)):
            text = embed.get(key) or ""
            size += len(text)
            if len(text) > limit:
                problems.append(f"embed {key} is {len(text)} > {limit}")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(f"{len(fields)} fields > 25")
        for item in fields:
            if not item.get("name") or not item.get("value"):
                problems.append("empty field name or value")
            if len(item.get("name", "")) > 256 or len(item.get("value", "")) > 1024:
                problems.append(f"field too long: {item.get('name', '')[:30]!r}")
            size += len(item.get("name", "")) + len(item.get("value", ""))
        for where, url in (
            ("url", embed.get("url")),
            ("thumbnail", (embed.get("thumbnail") or {}).get("url")),
            ("image", (embed.get("image") or {}).get("url")),
            ("author.url", (embed.get("author") or {}).get("url")),
        ):
            if url is not None and not _well_formed_url(url):
                problems.append(f"embed {where} is not a well formed URL: {url[:60]!r}")
        footer = (embed.get("footer") or {}).get("text", "")
        author = (embed.get("author") or {}).get("name", "")
        if len(footer) > 2048 or len(author) > 256:
            problems.append("footer or author too long")
        size += len(footer) + len(author)
        total += size
    if total > 6000:
        problems.append(f"embeds total {total} > 6000")
    return problems


def _well_formed_url(url: str) -> bool:
    """As Discord judges an embed URL: http(s) (or attachment), a host, no spaces, 2,048 at most."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "attachment") or len(url) > 2048 or any(c.isspace() for c in url):
        return False
    try:
        return bool(parts.hostname) and (parts.hostname.encode("idna") is not None)
    except (UnicodeError, ValueError):
        return False


def component_problems(rows: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(rows) > 5:
        problems.append("more than 5 action rows")
    for row in rows:
        for component in row.get("components", []):
            if component.get("type") == 2 and len(component.get("label") or "") > 80:
                problems.append("button label > 80")
            if component.get("type") == 3:
                options = component.get("options", [])
                if not 1 <= len(options) <= 25:
                    problems.append(f"select with {len(options)} options")
                for option in options:
                    if not 1 <= len(option.get("label", "")) <= 100 or len(option.get("description") or "") > 100:
                        problems.append("select option label/description length")
    return problems


@dataclass
class Interaction:
    id: int
    token: str
    payload: dict[str, Any]
    callback: dict[str, Any] | None = None
    original: dict[str, Any] | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def ephemeral(self) -> bool:
        return bool(((self.callback or {}).get("data") or {}).get("flags", 0) & 64)


class FakeDiscord:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, Any]] = []
        self.violations: list[str] = []
        self.interactions: dict[str, Interaction] = {}
        self.messages: dict[int, list[dict[str, Any]]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.ready = asyncio.Event()
        self.fail_next_posts: list[tuple[int, dict[str, Any]]] = []
        self._ids = itertools.count(900000000000000001)
        self._sequence = itertools.count(1)
        self._sockets: dict[int, web.WebSocketResponse] = {}  # by shard id (0 when not sharded)
        self._shard_count = 1  # as the IDENTIFYs said
        # The servers the bot is in: a test may add SECOND_GUILD_ID before the bot connects.
        self.guild_ids: tuple[int, ...] = (GUILD_ID,)
        # What GET /gateway/bot recommends, and how many shards may IDENTIFY at once.
        self.recommended_shards = 1
        self.max_concurrency = 16
        self.identifies: list[list[int] | None] = []  # each IDENTIFY's "shard" field
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.locked_channels = {LOCKED_CHANNEL}
        # When set, a channel POST is stored and then never answered: the client dies mid-request.
        self.hold_posts: asyncio.Event | None = None
        self.post_held = asyncio.Event()
        # Posts Discord stores and then never answers: the connection drops before the response.
        self.drop_post_responses = 0
        self._last_message_id = 0

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        app.router.add_route("*", "/{path:.*}", self._unknown)
        self._runner, self.port = await serve_on_loopback(app)

    async def stop(self) -> None:
        for socket in list(self._sockets.values()):
            if not socket.closed:
                await socket.close()
        if self._runner:
            await self._runner.cleanup()

    # -- gateway -----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            if payload["op"] == 1:
                await socket.send_str(json.dumps({"op": 11}))
            elif payload["op"] == 2:
                await self._identified(socket, payload["d"].get("shard"))
        return socket

    async def _identified(self, socket: web.WebSocketResponse, shard: list[int] | None) -> None:
        """READY for the shard the IDENTIFY named, then its servers: as Discord, only those with
        (guild_id >> 22) % shard_count equal to the shard id."""
        self.identifies.append(shard)
        shard_id, self._shard_count = shard or (0, 1)
        self._sockets[shard_id] = socket
        guilds = [guild_id for guild_id in self.guild_ids if self.shard_of(guild_id) == shard_id]
        ready = {
            "v": 10,
            "user": BOT_USER,
            "session_id": f"fake-session-{shard_id}",
            "resume_gateway_url": self.gateway_url,
            "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in guilds],
            "application": {"id": str(APP_ID), "flags": 0},
        }
        if shard is not None:
            ready["shard"] = shard
        await self._send(socket, "READY", ready)
        for guild_id in guilds:
            await self._send(socket, "GUILD_CREATE", self.guild(guild_id))
        if len(self._sockets) == self._shard_count:
            self.ready.set()

    async def new_session(self, shard_id: int) -> None:
        """Shard SHARD_ID starts a new session (as after an IDENTIFY that followed a lost
        connection): READY and its servers again, the bot's caches read afresh."""
        await self._identified(self._sockets[shard_id], [shard_id, self._shard_count])

    def shard_of(self, guild_id: int) -> int:
        return (guild_id >> 22) % self._shard_count

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """EVENT on the connection (shard) that serves the server DATA belongs to."""
        socket = self._sockets.get(self.shard_of(int(data.get("guild_id") or GUILD_ID)))
        assert socket is not None, "the bot is not connected"
        await self._send(socket, event, data)

    async def _send(self, socket: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        await socket.send_str(json.dumps({"op": 0, "t": event, "s": next(self._sequence), "d": data}))

    def guild(self, guild_id: int = GUILD_ID) -> dict[str, Any]:
        def role(role_id: int, name: str, permissions: int, mentionable: bool = False) -> dict[str, Any]:
            return {
                "id": str(role_id),
                "name": name,
                "permissions": str(permissions),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": mentionable,
                "flags": 0,
            }

        def channel(channel_id: int, name: str, overwrites: list[dict[str, Any]]) -> dict[str, Any]:
            return {
                "id": str(channel_id),
                "type": 0,
                "name": name,
                "position": 0,
                "guild_id": str(guild_id),
                "permission_overwrites": overwrites,
                "nsfw": False,
                "parent_id": None,
            }

        deny_send = [{"id": str(BOT_ROLE), "type": 0, "allow": "0", "deny": str(SEND_MESSAGES)}]
        channels = [
            channel(NEWS_CHANNEL, "news", []),
            channel(LOCKED_CHANNEL, "locked", deny_send),
            channel(SHOWS_CHANNEL, "shows", []),
        ]
        if guild_id != GUILD_ID:
            channels = [channel(news_channel(guild_id), "news", [])]
        return {
            "id": str(guild_id),
            "name": "Podcast fans" if guild_id == GUILD_ID else "Another server",
            "owner_id": str(ADMIN_ID),
            "icon": None,
            "splash": None,
            "features": [],
            "emojis": [],
            "stickers": [],
            "large": False,
            "unavailable": False,
            "member_count": 3,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
            "preferred_locale": "en-US",
            "afk_timeout": 300,
            "joined_at": now_iso(),
            "roles": [
                role(guild_id, "@everyone", MEMBER_PERMISSIONS),
                role(BOT_ROLE, "podbot", 0),
                role(FANS_ROLE, "fans", 0, mentionable=True),
            ],
            "channels": channels,
            "members": [
                {
                    "user": BOT_USER,
                    "roles": [str(BOT_ROLE)],
                    "joined_at": now_iso(),
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "voice_states": [],
            "presences": [],
            "threads": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
        }

    # -- interactions ------------------------------------------------------------------------

    def _base_interaction(
        self, kind: int, user_id: int, data: dict[str, Any], age: float = 0.0, guild_id: int = GUILD_ID
    ) -> Interaction:
        """An interaction made AGE seconds ago (its id is a snowflake of that time, as Discord's)
        in #news of the server GUILD_ID."""
        interaction_id = self._message_id() - (int(age * 1000) << 22)
        token = f"token-{interaction_id}"
        permissions = ADMIN_PERMISSIONS if user_id == ADMIN_ID else MEMBER_PERMISSIONS
        payload = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": str(guild_id),
            "channel_id": str(news_channel(guild_id)),
            "channel": {"id": str(news_channel(guild_id)), "type": 0, "name": "news", "guild_id": str(guild_id)},
            "member": {
                "user": USERS.get(user_id) or user(user_id, f"member-{user_id}"),
                "roles": [],
                "joined_at": now_iso(),
                "deaf": False,
                "mute": False,
                "permissions": str(permissions),
                "flags": 0,
            },
            "app_permissions": str(MEMBER_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": 8388608,
            "data": data,
        }
        record = Interaction(interaction_id, token, payload)
        self.interactions[token] = record
        return record

    async def command(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        user_id: int = MEMBER_ID,
        resolved: dict[str, Any] | None = None,
        wait: bool = True,
        guild_id: int = GUILD_ID,
    ) -> Interaction:
        """Run a slash command; NAME may be 'admin announce channel'. Waits for the first answer."""
        parts = name.split()
        nested: list[dict[str, Any]] = options or []
        for sub in reversed(parts[1:]):
            nested = [{"name": sub, "type": 1 if sub == parts[-1] else 2, "options": nested}]
        data = {"id": str(next(self._ids)), "name": parts[0], "type": 1, "options": nested, "guild_id": str(guild_id)}
        if resolved:
            data["resolved"] = resolved
        record = self._base_interaction(2, user_id, data, guild_id=guild_id)
        await self.dispatch("INTERACTION_CREATE", record.payload)
        if wait:
            await asyncio.wait_for(record.answered.wait(), 10)
        return record

    async def message(self, content: str, *, user_id: int = MEMBER_ID) -> None:
        """A member posts CONTENT in #news; mentions of the bot are written <@id> as in Discord."""
        await self.dispatch(
            "MESSAGE_CREATE",
            {
                "id": str(next(self._ids)),
                "channel_id": str(NEWS_CHANNEL),
                "guild_id": str(GUILD_ID),
                "author": USERS[user_id],
                "member": {"roles": [], "joined_at": now_iso(), "deaf": False, "mute": False},
                "content": content,
                "timestamp": now_iso(),
                "edited_timestamp": None,
                "tts": False,
                "mention_everyone": False,
                "mentions": [BOT_USER] if f"<@{APP_ID}>" in content else [],
                "mention_roles": [],
                "attachments": [],
                "embeds": [],
                "pinned": False,
                "type": 0,
                "flags": 0,
            },
        )

    async def autocomplete(
        self,
        name: str,
        option: str,
        value: str,
        *,
        others: list[dict[str, Any]] | None = None,
        guild_id: int = GUILD_ID,
    ) -> list[dict[str, Any]]:
        """The choices offered while OPTION of /NAME is typed (OTHERS: options already filled in)."""
        record = await self.send_autocomplete(name, option, value, others=others, guild_id=guild_id)
        await asyncio.wait_for(record.answered.wait(), 10)
        assert record.callback and record.callback["type"] == 8, record.callback
        return record.callback["data"]["choices"]

    async def send_autocomplete(
        self,
        name: str,
        option: str,
        value: str,
        *,
        age: float = 0.0,
        user_id: int = MEMBER_ID,
        others: list[dict[str, Any]] | None = None,
        guild_id: int = GUILD_ID,
    ) -> Interaction:
        """An autocomplete keystroke made AGE seconds ago, sent without waiting for the answer."""
        data = {
            "id": str(next(self._ids)),
            "name": name,
            "type": 1,
            "guild_id": str(guild_id),
            "options": [*(others or []), {"name": option, "type": 3, "value": value, "focused": True}],
        }
        record = self._base_interaction(4, user_id, data, age, guild_id)
        await self.dispatch("INTERACTION_CREATE", record.payload)
        return record

    async def click(
        self, message: dict[str, Any], custom_id: str, *, user_id: int = MEMBER_ID, values: list[str] | None = None
    ) -> Interaction:
        component_type = 3 if values is not None else 2
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        record = self._base_interaction(3, user_id, data)
        record.payload["message"] = message
        await self.dispatch("INTERACTION_CREATE", record.payload)
        await asyncio.wait_for(record.answered.wait(), 10)
        return record

    async def wait_for(
        self, record: Interaction, predicate: Callable[[Interaction], bool], timeout: float = 10
    ) -> None:
        async with record.changed:
            await asyncio.wait_for(record.changed.wait_for(lambda: predicate(record)), timeout)

    # -- REST --------------------------------------------------------------------------------

    async def _unknown(self, request: web.Request) -> web.Response:
        self.violations.append(f"unknown route {request.method} {request.path}")
        return reply({"message": "404: Not Found", "code": 0}, status=404)

    async def _rest(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body and request.content_type == JSON else None
        path = request.match_info["path"]
        self.requests.append((request.method, path, body))
        parts = path.split("/")
        route = (request.method, *["{}" if part.isdigit() or part.startswith("token-") else part for part in parts])
        handler = self._routes().get(route)
        if handler is None:
            return await self._unknown(request)
        return await handler(request, parts, body)

    def _routes(self) -> dict[tuple[str, ...], Callable]:
        return {
            ("GET", "users", "@me"): self._me,
            ("GET", "oauth2", "applications", "@me"): self._application,
            ("GET", "gateway", "bot"): self._gateway_bot,
            ("PUT", "applications", "{}", "commands"): self._put_commands,
            ("PUT", "applications", "{}", "guilds", "{}", "commands"): self._put_commands,
            ("POST", "interactions", "{}", "{}", "callback"): self._callback,
            ("GET", "webhooks", "{}", "{}", "messages", "@original"): self._get_original,
            ("PATCH", "webhooks", "{}", "{}", "messages", "@original"): self._edit_original,
            ("DELETE", "webhooks", "{}", "{}", "messages", "@original"): self._delete_original,
            ("POST", "webhooks", "{}", "{}"): self._followup,
            ("PATCH", "webhooks", "{}", "{}", "messages", "{}"): self._edit_followup,
            ("POST", "channels", "{}", "messages"): self._post_message,
            ("PATCH", "channels", "{}", "messages", "{}"): self._edit_message,
            ("GET", "channels", "{}", "messages"): self._list_messages,
        }

    async def _me(self, request, parts, body):
        if request.headers.get("Authorization") != "Bot fake-token":
            return reply({"message": "401: Unauthorized", "code": 0}, status=401)
        return reply(BOT_USER)

    async def _application(self, request, parts, body):
        return reply(
            {
                "id": str(APP_ID),
                "name": "podbot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": USERS[ADMIN_ID],
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "summary": "",
            }
        )

    async def _gateway_bot(self, request, parts, body):
        """Where to connect and how many shards Discord recommends (AutoShardedBot asks)."""
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": self.max_concurrency}
        return reply({"url": self.gateway_url, "shards": self.recommended_shards, "session_start_limit": limit})

    async def _put_commands(self, request, parts, body):
        scope = "global" if len(parts) == 3 else f"guild:{parts[3]}"
        for command in body:
            for problem in _command_problems(command):
                self.violations.append(f"command {command.get('name')}: {problem}")
        registered = [
            {**command, "id": str(next(self._ids)), "application_id": str(APP_ID), "version": "1"} for command in body
        ]
        self.commands[scope] = registered
        return reply(registered)

    def _message(self, channel_id: int, data: dict[str, Any], *, interaction: Interaction | None = None) -> dict:
        problems = embed_problems(data.get("embeds") or []) + component_problems(data.get("components") or [])
        if len(data.get("content") or "") > 2000:
            problems.append("content > 2000")
        message = {
            "id": str(self._message_id()),
            "channel_id": str(channel_id),
            "author": BOT_USER,
            "type": 0,
            "content": data.get("content") or "",
            "embeds": data.get("embeds") or [],
            "components": data.get("components") or [],
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "flags": data.get("flags", 0),
            "nonce": data.get("nonce"),
            "allowed_mentions": data.get("allowed_mentions"),
        }
        if interaction is not None:
            message["webhook_id"] = str(APP_ID)
        return message, problems

    def _message_id(self) -> int:
        """A snowflake made of the time, as Discord's are, so `before` and `after` mean times."""
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._last_message_id = max(now_ms << 22, self._last_message_id + 1)
        return self._last_message_id

    def post_by_member(self, channel_id: int, content: str, *, user_id: int = MEMBER_ID) -> dict[str, Any]:
        """A message someone else posts in CHANNEL_ID."""
        message, _ = self._message(channel_id, {"content": content})
        message["author"] = user(user_id, "member")
        self.messages.setdefault(channel_id, []).append(message)
        return message

    def _reject(self, problems: list[str]) -> web.Response:
        self.violations.extend(problems)
        return reply({"code": 50035, "message": "Invalid Form Body", "errors": problems}, status=400)

    async def _callback(self, request, parts, body):
        record = self.interactions.get(parts[2])
        if record is None:
            return reply({"code": 10062, "message": "Unknown interaction"}, status=404)
        if record.callback is not None:
            self.violations.append(f"second callback for interaction {record.id}")
            return reply({"code": 40060, "message": "Interaction has already been acknowledged."}, status=400)
        kind = body["type"]
        data = body.get("data") or {}
        answer: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.payload["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & 64),
            }
        }
        if kind == 8:
            problems = _choice_problems(data.get("choices", []))
            if problems:
                return self._reject(problems)
            answer["resource"] = {"type": 8}
        elif kind in (4, 5):
            message, problems = self._message(NEWS_CHANNEL, data, interaction=record)
            if problems:
                return self._reject(problems)
            record.original = message
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        elif kind in (6, 7):
            target = record.payload.get("message")
            if target is not None and kind == 7:
                _, problems = self._message(NEWS_CHANNEL, data)
                if problems:
                    return self._reject(problems)
                target.update({k: v for k, v in data.items() if k in ("content", "embeds", "components")})
            record.original = target
            answer["resource"] = {"type": kind, "message": target}
        record.callback = body
        record.answered.set()
        await self._notify(record)
        return reply(answer)

    async def _notify(self, record: Interaction) -> None:
        async with record.changed:
            record.changed.notify_all()

    def _record_for(self, parts: list[str]) -> Interaction | None:
        return self.interactions.get(parts[2])

    async def _get_original(self, request, parts, body):
        record = self._record_for(parts)
        if record is None or record.original is None:
            return reply({"code": 10008, "message": "Unknown Message"}, status=404)
        return reply(record.original)

    async def _edit_original(self, request, parts, body):
        record = self._record_for(parts)
        if record is None or record.original is None:
            return reply({"code": 10008, "message": "Unknown Message"}, status=404)
        _, problems = self._message(NEWS_CHANNEL, body)
        if problems:
            return self._reject(problems)
        record.original.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
        record.original["edited_timestamp"] = now_iso()
        await self._notify(record)
        return reply(record.original)

    async def _delete_original(self, request, parts, body):
        record = self._record_for(parts)
        if record is not None:
            record.original = None
            await self._notify(record)
        return web.Response(status=204)

    async def _followup(self, request, parts, body):
        record = self._record_for(parts)
        if record is None or record.callback is None:
            self.violations.append("followup before the interaction was acknowledged")
            return reply({"code": 10015, "message": "Unknown Webhook"}, status=404)
        message, problems = self._message(NEWS_CHANNEL, body, interaction=record)
        if problems:
            return self._reject(problems)
        record.followups.append(message)
        await self._notify(record)
        return reply(message)

    async def _edit_followup(self, request, parts, body):
        record = self._record_for(parts)
        target = next((m for m in (record.followups if record else []) if m["id"] == parts[4]), None)
        if target is None:
            return reply({"code": 10008, "message": "Unknown Message"}, status=404)
        target.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
        return reply(target)

    async def _post_message(self, request, parts, body):
        channel_id = int(parts[1])
        if self.fail_next_posts:
            status, error = self.fail_next_posts.pop(0)
            headers = {"Via": "1.1 google", "Retry-After": str(error.get("retry_after", 0))} if status == 429 else {}
            return reply(error, status=status, headers=headers)
        if channel_id in self.locked_channels:
            return reply({"code": 50013, "message": "Missing Permissions"}, status=403)
        known = (NEWS_CHANNEL, LOCKED_CHANNEL, OTHER_GUILD_CHANNEL, SHOWS_CHANNEL)
        if channel_id not in known and channel_id - 1 not in self.guild_ids:
            return reply({"code": 10003, "message": "Unknown Channel"}, status=404)
        message, problems = self._message(channel_id, body)
        if problems:
            return self._reject(problems)
        if (
            body.get("nonce")
            and body.get("enforce_nonce")
            and any(m["nonce"] == body["nonce"] for m in self.messages.get(channel_id, []))
        ):
            return reply(next(m for m in self.messages[channel_id] if m["nonce"] == body["nonce"]))
        self.messages.setdefault(channel_id, []).append(message)
        if self.drop_post_responses:
            self.drop_post_responses -= 1
            assert request.transport is not None
            request.transport.abort()
            return reply(message)
        if self.hold_posts is not None:
            self.post_held.set()
            await self.hold_posts.wait()
        return reply(message)

    async def _edit_message(self, request, parts, body):
        target = next((m for m in self.messages.get(int(parts[1]), []) if m["id"] == parts[3]), None)
        if target is None:
            return reply({"code": 10008, "message": "Unknown Message"}, status=404)
        _, problems = self._message(int(parts[1]), body)
        if problems:
            return self._reject(problems)
        target.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
        target["edited_timestamp"] = now_iso()
        return reply(target)

    async def _list_messages(self, request, parts, body):
        """Like Discord: at most LIMIT (1 to 100) messages, newest first, just after AFTER or
        just before BEFORE (snowflakes), else the newest."""
        limit = min(max(int(request.query.get("limit", 50)), 1), 100)
        stored = self.messages.get(int(parts[1]), [])
        if "after" in request.query:
            after = int(request.query["after"])
            return reply(list(reversed([m for m in stored if int(m["id"]) > after][:limit])))
        before = int(request.query.get("before", 1 << 63))
        return reply(list(reversed([m for m in stored if int(m["id"]) < before]))[:limit])


def _choice_problems(choices: list[dict[str, Any]]) -> list[str]:
    problems = [f"{len(choices)} autocomplete choices > 25"] if len(choices) > 25 else []
    for choice in choices:
        if not 1 <= len(choice["name"]) <= 100:
            problems.append(f"choice name length {len(choice['name'])}")
        if len(str(choice["value"])) > 100:
            problems.append(f"choice value length {len(str(choice['value']))}")
    return problems


def _command_problems(command: dict[str, Any]) -> list[str]:
    problems = []
    if not 1 <= len(command.get("description", "")) <= 100:
        problems.append("description must be 1-100 characters")
    for option in command.get("options", []):
        problems += _command_problems(option)
    return problems
