import os
import sqlite3

import pytest

from bot.core.store import Store, StoreError


async def test_new_database_is_migrated_with_wal_and_foreign_keys(tmp_path):
    store = await Store.open(tmp_path / "sub" / "episodes.db")
    try:
        assert await store.schema_version() >= 1
        assert await store.episode_count() == 0
    finally:
        await store.close()
    connection = sqlite3.connect(tmp_path / "sub" / "episodes.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"episodes", "chapters", "episodes_fts", "feed_state"} <= tables


async def test_reopening_does_not_migrate_again(tmp_path):
    path = tmp_path / "episodes.db"
    await (await Store.open(path)).close()
    store = await Store.open(path)
    version = await store.schema_version()
    await store.close()
    assert version == (await _version_of(path))


async def _version_of(path):
    return sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]


async def test_corrupt_file_is_a_clear_error_and_left_untouched(tmp_path):
    path = tmp_path / "episodes.db"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="not a SQLite database or corrupt"):
        await Store.open(path)
    assert path.read_bytes() == garbage


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
async def test_unwritable_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    with pytest.raises(StoreError, match="episodes.db"):
        await Store.open(folder / "episodes.db")


async def test_path_under_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the database folder"):
        await Store.open(blocker / "episodes.db")


async def test_path_that_is_a_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match=str(tmp_path)):
        await Store.open(tmp_path)


async def test_a_failing_rollback_never_hides_the_error_that_caused_it(store):
    import pytest

    with pytest.raises(RuntimeError, match="the real cause"):
        async with store._transaction():
            await store._db.execute("ROLLBACK")  # SQLite already ended the transaction (as on a full disk)
            raise RuntimeError("the real cause")


async def test_every_sqlite_error_is_a_store_error_in_words(store):
    import pytest

    from bot.core.store import StoreError

    with pytest.raises(StoreError, match="no such table"):
        await store._fetchall("SELECT * FROM nowhere")


def test_a_full_disk_says_disk_full_however_sqlite_words_it(tmp_path, monkeypatch):
    import sqlite3 as sqlite

    from bot.core.store import describe_error

    full = sqlite.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # SQLITE_FULL
    assert describe_error(full).startswith("disk full")
    # Growing the WAL index on a full disk is reported as SQLITE_IOERR_SHMSIZE, "disk I/O error".
    shm = sqlite.OperationalError("disk I/O error")
    shm.sqlite_errorcode = 4874
    assert describe_error(shm, str(tmp_path / "episodes.db")).startswith("disk error")

    class FullDisk:
        f_bavail, f_frsize = 0, 4096

    monkeypatch.setattr(os, "statvfs", lambda path: FullDisk())  # the disk is the one thing mocked
    assert describe_error(shm, str(tmp_path / "episodes.db")).startswith("disk full")
