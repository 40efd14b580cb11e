"""/admin status tells an operator what was wrong with the feed the last sync recovered from."""

import pytest

from tests.core.test_feed_recovery import RECOVERABLE
from tests.fake_discord import ADMIN_ID


@pytest.fixture
def bot_feed(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_bytes(RECOVERABLE["bare-ampersands"])
    return str(path)


async def test_status_shows_the_xml_errors_the_last_sync_recovered_from(discord_env):
    status = await discord_env.fake.command("admin status", user_id=ADMIN_ID)
    fields = {f["name"]: f["value"] for f in status.callback["data"]["embeds"][0]["fields"]}
    assert "feed has XML errors" in fields["Feed warnings (last sync)"]
    assert "2 items read" in fields["Feed warnings (last sync)"]
