"""/episode, /search, /latest and autocomplete through the real discord.py client and a fake Discord."""

from tests.fake_discord import ADMIN_ID, MEMBER_ID


def embed_of(record):
    return record.callback["data"]["embeds"][0]


def menu(data, placeholder):
    """The select menu with PLACEHOLDER in a message's components."""
    selects = [c for row in data.get("components") or [] for c in row["components"] if c["type"] == 3]
    return next(select for select in selects if select["placeholder"] == placeholder)


def menus(data):
    return [c["placeholder"] for row in data.get("components") or [] for c in row["components"] if c["type"] == 3]


async def test_episode_caddy_shows_the_numbered_title_and_chapters(discord_env):
    record = await discord_env.fake.command("episode", [{"name": "query", "type": 3, "value": "caddy"}])
    assert record.callback["type"] == 4 and not record.ephemeral
    embed = embed_of(record)
    assert embed["title"] == "64: Caddy - Building the next generation of CAD software for Mixed Reality"
    assert "`1:03:35`" in embed["description"] and "Outro" in embed["description"]
    assert "#t=706) Discovery of hand-based interactions" in embed["description"]
    assert embed["description"].startswith("2024-07-04\n\n")  # the date once, as a header line
    assert "timestamp" not in embed and not any(f["name"] in ("Published", "Duration") for f in embed["fields"])
    assert record.callback["data"]["allowed_mentions"]["parse"] == []


async def test_episode_from_a_chapter_says_which_chapter_links_its_time_and_marks_it(discord_env):
    record = await discord_env.fake.command(
        "episode", [{"name": "query", "type": 3, "value": "hand-based interactions"}]
    )
    description = embed_of(record)["description"]
    audio = "https://traffic.libsyn.com/secure/insidefacebookmobile/mtp64_rc1.mp3?dest-id=697376"
    assert f"Matched chapter [`11:46`]({audio}#t=706) **Discovery of hand-based interactions**" in description
    marked = [line for line in description.splitlines() if line.startswith("▶ ")]
    assert marked == [f"▶ **[`11:46`]({audio}#t=706) Discovery of hand-based interactions**"]


async def test_search_chapter_hits_link_their_times(discord_env):
    record = await discord_env.fake.command("search", [{"name": "query", "type": 3, "value": "rust toolchain"}])
    description = embed_of(record)["description"]
    assert "chapter [`17:14`](" in description and "#t=1034) Bundling the rust toolchain" in description


async def test_episode_nothing_found_is_a_private_hint(discord_env):
    record = await discord_env.fake.command("episode", [{"name": "query", "type": 3, "value": "zzqxv wqpfj"}])
    assert record.ephemeral and "No episode matches" in record.callback["data"]["content"]


async def test_autocomplete_suggests_within_discord_limits(discord_env):
    choices = await discord_env.fake.autocomplete("episode", "query", "cad")
    assert 0 < len(choices) <= 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    assert choices[0]["name"].startswith("64: Caddy")
    picked = await discord_env.fake.command("episode", [{"name": "query", "type": 3, "value": choices[0]["value"]}])
    assert embed_of(picked)["title"].startswith("64: Caddy")
    assert menus(picked.callback["data"]) == ["Related episodes…"]  # nothing else was close: no "Did you mean"


async def test_autocomplete_on_empty_input_lists_25_newest(discord_env):
    choices = await discord_env.fake.autocomplete("episode", "query", "")
    assert len(choices) == 25


async def test_did_you_mean_swaps_the_episode(discord_env):
    fake = discord_env.fake
    record = await fake.command("episode", [{"name": "query", "type": 3, "value": "rust"}])
    select = menu(record.callback["data"], "Did you mean…")
    first_title = embed_of(record)["title"]
    other = select["options"][1]
    click = await fake.click(record.original, select["custom_id"], user_id=MEMBER_ID, values=[other["value"]])
    assert click.callback["type"] == 7
    new_title = click.callback["data"]["embeds"][0]["title"]
    assert new_title != first_title and new_title == other["label"]


async def test_did_you_mean_never_offers_the_episode_shown_and_says_why(discord_env):
    fake = discord_env.fake
    record = await fake.command("episode", [{"name": "query", "type": 3, "value": "rust"}])
    select = menu(record.callback["data"], "Did you mean…")
    shown = embed_of(record)["title"]
    assert shown not in [option["label"] for option in select["options"]]
    assert all(option["description"] for option in select["options"])
    assert select["options"][0]["description"] == "title words · 2024-05-30"  # 63: The key to a happy Rust/C++…
    other = select["options"][0]
    click = await fake.click(record.original, select["custom_id"], user_id=MEMBER_ID, values=[other["value"]])
    offered = [o["label"] for o in menu(click.callback["data"], "Did you mean…")["options"]]
    assert other["label"] not in offered and shown in offered


async def test_only_the_invoker_can_use_the_controls(discord_env):
    fake = discord_env.fake
    record = await fake.command("episode", [{"name": "query", "type": 3, "value": "rust"}])
    select = menu(record.callback["data"], "Did you mean…")
    click = await fake.click(record.original, select["custom_id"], user_id=ADMIN_ID, values=["1"])
    assert click.callback["type"] == 4 and click.ephemeral
    assert "Only the person who ran this command" in click.callback["data"]["content"]


async def test_search_pages_forward_and_back(discord_env):
    fake = discord_env.fake
    record = await fake.command("search", [{"name": "query", "type": 3, "value": "meta"}])
    embed = embed_of(record)
    assert embed["footer"]["text"].startswith("Page 1 of")
    assert embed["description"].startswith("**1.** [")  # result titles lead to the episode
    buttons = record.callback["data"]["components"][0]["components"]
    previous, following = buttons
    assert previous.get("disabled") and not following.get("disabled")
    turned = await fake.click(record.original, following["custom_id"])
    page_two = turned.callback["data"]["embeds"][0]
    assert page_two["footer"]["text"].startswith("Page 2 of") and page_two["description"].startswith("**6.** ")


async def test_search_with_no_results(discord_env):
    record = await discord_env.fake.command("search", [{"name": "query", "type": 3, "value": "zzqxv"}])
    assert record.ephemeral and "No episodes match" in record.callback["data"]["content"]


async def test_latest_lists_the_newest_first(discord_env):
    record = await discord_env.fake.command("latest", [{"name": "count", "type": 4, "value": 3}])
    names = [field["name"] for field in embed_of(record)["fields"]]
    assert len(names) == 3 and names[0].startswith("86:")


async def test_search_buttons_disable_when_the_view_times_out(discord_env, monkeypatch):
    import bot.discord_app.views

    monkeypatch.setattr(bot.discord_app.views, "VIEW_TIMEOUT_SECONDS", 0.2)
    fake = discord_env.fake
    record = await fake.command("search", [{"name": "query", "type": 3, "value": "meta"}])

    def all_disabled(r):
        buttons = r.original["components"][0]["components"]
        return all(button.get("disabled") for button in buttons)

    await fake.wait_for(record, all_disabled, timeout=10)
    assert record.original["embeds"][0]["footer"]["text"].startswith("Page 1 of")


async def test_a_missing_number_says_what_is_indexed_and_offers_the_closest(discord_env):
    record = await discord_env.fake.command("episode", [{"name": "query", "type": 3, "value": "65"}])
    content = record.callback["data"]["content"]
    assert record.ephemeral and "episodes 12–86 are indexed; none is numbered 65" in content
    assert "Closest: 63: The key to a happy Rust/C++ relationship; 64: Caddy" in content


async def test_search_notes_hits_show_a_snippet_with_the_word_in_bold(discord_env):
    record = await discord_env.fake.command("search", [{"name": "query", "type": 3, "value": "zoom meetings"}])
    description = embed_of(record)["description"]
    assert "notes: After sitting in one too many **Zoom** meetings" in description


async def test_search_results_open_as_the_full_episode_reply_for_the_invoker(discord_env):
    fake = discord_env.fake
    record = await fake.command("search", [{"name": "query", "type": 3, "value": "rust"}])
    menu = record.callback["data"]["components"][-1]["components"][0]
    assert menu["type"] == 3 and menu["placeholder"] == "Open episode…" and len(menu["options"]) == 5
    second = menu["options"][1]
    opened = await fake.click(record.original, menu["custom_id"], user_id=MEMBER_ID, values=[second["value"]])
    assert opened.callback["type"] == 4 and not opened.ephemeral
    assert second["label"].startswith("2. ") and opened.callback["data"]["embeds"][0]["title"] == second["label"][3:]
    stranger = await fake.click(record.original, menu["custom_id"], user_id=ADMIN_ID, values=["0"])
    assert stranger.ephemeral and "Only the person who ran this command" in stranger.callback["data"]["content"]


async def test_show_boilerplate_is_left_out_of_the_summary_and_links(discord_env):
    record = await discord_env.fake.command("episode", [{"name": "query", "type": 3, "value": "caddy"}])
    embed = embed_of(record)
    assert "Tune in to episode 64 to hear their story." in embed["description"]
    assert "Got feedback" not in embed["description"] and "metacareers" not in embed["description"]
    links = next(f["value"] for f in embed["fields"] if f["name"] == "Links")
    assert links.startswith("[Caddy video](https://heycaddy.net/)")
    assert "threads.net" not in links and "twitter.com" not in links


async def test_a_when_question_answers_with_the_moment(discord_env):
    question = "when in the image quality episode do they get to measuring it?"
    record = await discord_env.fake.command("episode", [{"name": "query", "type": 3, "value": question}])
    embed = embed_of(record)
    assert embed["title"].startswith("61: Image Quality")
    assert "Matched chapter [`10:01`](" in embed["description"] and "**Measuring quality**" in embed["description"]


async def test_a_question_nothing_answers_says_so_instead_of_guessing(discord_env):
    record = await discord_env.fake.command(
        "episode", [{"name": "query", "type": 3, "value": "did they ever cover COBOL?"}]
    )
    assert record.ephemeral
    assert record.callback["data"]["content"].startswith("No episode is clearly about “cobol”.")
