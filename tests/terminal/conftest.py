import shutil
from pathlib import Path

import pytest


@pytest.fixture
def synced(tmp_path: Path, snapshot_db: Path) -> Path:
    """A folder whose default store (data/episodes.db) already holds the bundled snapshot, as after
    a first `python -m bot sync` there: copied from the session's one synced store."""
    (tmp_path / "data").mkdir()
    shutil.copyfile(snapshot_db, tmp_path / "data" / "episodes.db")
    return tmp_path
