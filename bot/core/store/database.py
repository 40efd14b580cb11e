"""The SQLite file itself: opening, migrating, transactions, and SQLite errors in words."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib.resources
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any, Self

import aiosqlite

from ..urls import url_key, without_urls

log = logging.getLogger(__name__)


_MIGRATION_NAME = re.compile(r"^(\d{3})[-_].+\.sql$")


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def parse_iso(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _migrations() -> list[tuple[int, str]]:
    found = []
    for resource in importlib.resources.files("bot.core.migrations").iterdir():
        if match := _MIGRATION_NAME.match(resource.name):
            found.append((int(match.group(1)), resource.read_text(encoding="utf-8")))
    return sorted(found)


class Database:
    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._db = connection
        self.path = path

    @classmethod
    async def open(cls, path: str | Path) -> Self:
        """Open (creating if needed) and migrate the database at PATH."""
        path = str(path)
        if path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(f"{path}: cannot create the database folder ({error.strerror})") from None
        if Path(path).is_dir():
            raise StoreError(f"{path}: is a folder, not a database file")
        connection = aiosqlite.connect(path, isolation_level=None)
        try:
            await connection
        except sqlite3.Error as error:
            # aiosqlite stops its worker thread by itself; let it finish before the caller's loop
            # may close, or the thread reports into a closed loop.
            worker = getattr(connection, "_thread", None)
            if worker is not None:
                await asyncio.to_thread(worker.join, 5)
            raise StoreError(f"{path}: cannot open database ({error})") from None
        store = cls(connection, path)
        try:
            connection.row_factory = aiosqlite.Row
            await connection.execute("PRAGMA busy_timeout = 5000")
            await connection.execute("PRAGMA foreign_keys = ON")
            # What migrations compute in Python (006 indexes notes without their web addresses).
            await connection.create_function("url_key", 1, url_key, deterministic=True)
            await connection.create_function("without_urls", 1, _without_urls, deterministic=True)
            await store._check_readable()
            await connection.execute("PRAGMA journal_mode = WAL")
            await store._migrate()
        except StoreError:
            await connection.close()
            raise
        except sqlite3.Error as error:
            await connection.close()
            raise StoreError(f"{path}: {describe_error(error)}") from None
        return store

    async def close(self) -> None:
        await self._db.close()

    async def _check_readable(self) -> None:
        try:
            await self._db.execute("SELECT name FROM sqlite_master LIMIT 1")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: {describe_error(error)}; refusing to touch it") from None

    async def _migrate(self) -> None:
        current = await self._fetchvalue("PRAGMA user_version")
        known = _migrations()
        newest = known[-1][0] if known else 0
        if current > newest:
            raise StoreError(
                f"{self.path}: database was written by a newer podbot (schema {current}, this one knows "
                f"{newest}); upgrade podbot or use another --db"
            )
        pending = [(version, sql) for version, sql in known if version > current]
        if not pending:
            return
        async with self._transaction():
            for version, sql in pending:
                for statement in _split_sql(sql):
                    await self._execute(statement)
                await self._execute(f"PRAGMA user_version = {int(version)}")
        log.info("database %s migrated from version %d to %d", self.path, current, pending[-1][0])

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        """All the writes inside, or (on any error, a crash included) none of them."""
        await self._execute("BEGIN IMMEDIATE")
        try:
            yield
            await self._execute("COMMIT")
        except BaseException:
            # A failed ROLLBACK (SQLite already rolled back, or the disk is gone) must never hide
            # the error that got us here.
            with contextlib.suppress(sqlite3.Error, ValueError):
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
            raise

    async def schema_version(self) -> int:
        return int(await self._fetchvalue("PRAGMA user_version"))

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        try:
            async with self._db.execute(sql, params) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.Error as error:
            raise self._error(error) from error

    async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        try:
            async with self._db.execute(sql, params) as cursor:
                return await cursor.fetchone()
        except sqlite3.Error as error:
            raise self._error(error) from error

    async def _fetchvalue(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the one row SQL returns (an aggregate, a pragma)."""
        row = await self._fetchone(sql, params)
        if row is None:
            raise StoreError(f"{self.path}: no result from {sql.split()[0]}")
        return row[0]

    async def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run SQL; the number of rows it changed."""
        try:
            cursor = await self._db.execute(sql, params)
        except sqlite3.Error as error:
            raise self._error(error) from error
        return cursor.rowcount

    async def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            await self._db.executemany(sql, rows)
        except sqlite3.Error as error:
            raise self._error(error) from error

    def _error(self, error: sqlite3.Error) -> StoreError:
        """Every SQLite failure, as a StoreError that names the file and the cause in words."""
        return StoreError(f"{self.path}: {describe_error(error)}")


def _without_urls(text: str | None) -> str | None:
    return without_urls(text) if text else text


def describe_error(error: sqlite3.Error) -> str:
    message = str(error)
    if "not a database" in message or "malformed" in message:
        return f"not a SQLite database or corrupt ({message})"
    if "readonly" in message or "unable to open" in message:
        return f"cannot write the database ({message})"
    if "locked" in message or "busy" in message:
        return "database is busy (another podbot process is writing); try again"
    if "full" in message:
        return f"disk full: the database cannot grow ({message})"
    if "disk I/O" in message:
        return f"disk error while using the database ({message})"
    return message


def _split_sql(script: str) -> list[str]:
    """Statements of a migration file; each runs inside the one migration transaction."""
    statements: list[str] = []
    buffer: list[str] = []
    for line in script.splitlines():
        if line.strip().startswith("--") and not buffer:
            continue
        buffer.append(line)
        candidate = "\n".join(buffer)
        if sqlite3.complete_statement(candidate):
            statements.append(candidate.strip())
            buffer = []
    if "\n".join(buffer).strip():
        statements.append("\n".join(buffer).strip())
    return statements
