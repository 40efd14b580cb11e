"""The SQLite file itself: opening, migrating, transactions, and SQLite errors in words."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib.resources
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.core.config import podcast_name_of
from bot.core.ingest.urls import url_key, without_urls

log = logging.getLogger(__name__)


_MIGRATION_NAME = re.compile(r"^(\d{3})[-_].+\.sql$")


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file."""


class StoreBusy(StoreError):
    """Another podbot process held the write lock for longer than the busy timeout; nothing was
    written, and nothing is wrong with the feed: try again."""


class StoreMoved(StoreError):
    """The file at the store's path is no longer the one podbot opened (deleted, or replaced by
    another): nothing more is written to a file no one will read again."""


# The store whose write lock the running task holds, so that the writes inside one transaction
# do not wait for the lock their own transaction took.
_holding_write_lock: ContextVar[object | None] = ContextVar("_holding_write_lock", default=None)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_IOERR, _SQLITE_FULL = 5, 6, 10, 13
# Less free space than this on the store's disk turns an I/O error into "disk full": SQLite
# reports a full disk met while growing its shared-memory file as SQLITE_IOERR_SHMSIZE.
_NEARLY_FULL_BYTES = 1_000_000


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def parse_iso(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _migrations() -> list[tuple[int, str]]:
    found = []
    for resource in importlib.resources.files("bot.core.store.migrations").iterdir():
        if match := _MIGRATION_NAME.match(resource.name):
            found.append((int(match.group(1)), resource.read_text(encoding="utf-8")))
    return sorted(found)


class Database:
    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._db = connection
        self.path = path
        # One writer at a time: within this process this lock (a transaction must not take in
        # another task's writes), across processes SQLite's own (BEGIN IMMEDIATE, busy timeout).
        self._write_lock = asyncio.Lock()
        self._identity = _file_identity(path)

    @classmethod
    async def open(cls, path: str | Path, *, busy_timeout_seconds: float = 5.0, create: bool = True) -> Self:
        """Open and migrate the database at PATH; without CREATE, a missing file is an error
        (and nothing is created). A write waits BUSY_TIMEOUT_SECONDS for another process's."""
        path = str(path)
        if not path.strip():
            raise StoreError("the database path is empty; name a file (store.path in the config, or --db)")
        if not create and path != ":memory:" and not Path(path).exists():
            raise StoreError(f"{path}: no database file here (nothing was created); run `python -m bot sync` first")
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
            await connection.execute(f"PRAGMA busy_timeout = {round(busy_timeout_seconds * 1000)}")
            # What migrations compute in Python (006 indexes notes without their web addresses).
            await connection.create_function("url_key", 1, url_key, deterministic=True)
            await connection.create_function("without_urls", 1, _without_urls, deterministic=True)
            await connection.create_function("podcast_name", 1, podcast_name_of, deterministic=True)
            await store._check_readable()
            await connection.execute("PRAGMA journal_mode = WAL")
            # Foreign keys are enforced from after the migrations: a migration rebuilding a table
            # (010: episodes) must not cascade the rebuild's DROP to the rows that point at it.
            await store._migrate()
            await connection.execute("PRAGMA foreign_keys = ON")
        except StoreError:
            await connection.close()
            raise
        except sqlite3.Error as error:
            await connection.close()
            raise _store_error(path, error) from None
        return store

    async def close(self) -> None:
        await self._db.close()

    def whereabouts(self) -> str | None:
        """None while the file at the store's path is the one podbot has open; else what became
        of it, in words for the operator."""
        if self._identity is None:
            return None
        try:
            now = _file_identity(self.path)
        except OSError:
            now = None
        if now is None:
            return f"{self.path}: the database file was deleted while podbot was running; restart podbot"
        if now != self._identity:
            return f"{self.path}: the database file was replaced while podbot was running; restart podbot to use it"
        return None

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        """The write lock of this store, held by the running task (again, when it holds it already)."""
        if _holding_write_lock.get() is self:
            yield
            return
        async with self._write_lock:
            holding = _holding_write_lock.set(self)
            try:
                moved = self.whereabouts()
                if moved is not None:
                    raise StoreMoved(f"{moved}; nothing was written")
                yield
            finally:
                _holding_write_lock.reset(holding)

    async def _check_readable(self) -> None:
        try:
            # Read to the end: a statement left open holds a read transaction, in which SQLite
            # refuses to switch a database made elsewhere into WAL mode.
            async with self._db.execute("SELECT name FROM sqlite_master LIMIT 1") as cursor:
                await cursor.fetchall()
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
        """All the writes inside, or (on any error, a crash included) none of them. No other
        task's or process's write comes between; one inside another is part of the outer one."""
        async with self._writing():
            if self._db.in_transaction:  # ours: no one else writes while we hold the lock
                yield
                return
            await self._execute("BEGIN IMMEDIATE")
            try:
                yield
                await self._execute("COMMIT")
            except BaseException:
                # A failed ROLLBACK (SQLite already rolled back, or the disk is gone) must never
                # hide the error that got us here.
                with contextlib.suppress(sqlite3.Error, ValueError):
                    if self._db.in_transaction:
                        await self._db.execute("ROLLBACK")
                raise

    def writing(self) -> contextlib.AbstractAsyncContextManager[None]:
        """One transaction around a caller's reads and the writes that depend on them (a sync
        reconciles against what it reads inside): no other writer, in this process or another,
        changes the store in between."""
        return self._transaction()

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
        """Run SQL, a write; the number of rows it changed."""
        async with self._writing():
            try:
                cursor = await self._db.execute(sql, params)
            except sqlite3.Error as error:
                raise self._error(error) from error
            return cursor.rowcount

    async def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self._writing():
            try:
                await self._db.executemany(sql, rows)
            except sqlite3.Error as error:
                raise self._error(error) from error

    def _error(self, error: sqlite3.Error) -> StoreError:
        """Every SQLite failure, as a StoreError that names the file and the cause in words."""
        return _store_error(self.path, error)


def _file_identity(path: str) -> tuple[int, int] | None:
    """Which file PATH is (device and inode); None for an in-memory database or no file."""
    if path == ":memory:" or path.startswith("file:"):
        return None
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def _store_error(path: str, error: sqlite3.Error) -> StoreError:
    kind = StoreBusy if _primary_code(error) in (_SQLITE_BUSY, _SQLITE_LOCKED) else StoreError
    return kind(f"{path}: {describe_error(error, path)}")


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _without_urls(text: str | None) -> str | None:
    return without_urls(text) if text else text


def describe_error(error: sqlite3.Error, path: str | None = None) -> str:
    """ERROR in words; PATH, the database's, tells a full disk from another I/O error."""
    message = str(error)
    code = _primary_code(error)
    if "not a database" in message or "malformed" in message:
        return f"not a SQLite database or corrupt ({message})"
    if "readonly" in message or "unable to open" in message:
        return f"cannot write the database ({message})"
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in message or "busy" in message:
        return "database is busy (another podbot process is writing); try again"
    input_output = code == _SQLITE_IOERR or "disk I/O" in message
    if code == _SQLITE_FULL or "full" in message or (input_output and path and _disk_nearly_full(path)):
        return "disk full: the database cannot grow; free some space on its disk"
    if input_output:
        return f"disk error while using the database ({message})"
    return message


def _disk_nearly_full(path: str) -> bool:
    try:
        disk = os.statvfs(Path(path).resolve().parent)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return disk.f_bavail * disk.f_frsize < _NEARLY_FULL_BYTES


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
