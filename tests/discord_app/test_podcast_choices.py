"""The `podcast` option's autocomplete: the instance's podcasts within Discord's limits."""

from bot.discord_app.choices import MAX_CHOICE_NAME, MAX_CHOICES, podcast_choices

PODCASTS = [("eng", "Engineering at Meta"), ("rust", "Rustacean Station"), ("meta", "Meta Tech Podcast")]


def test_typed_text_matches_names_and_titles_those_starting_with_it_first():
    assert [c.value for c in podcast_choices(PODCASTS, "")] == ["eng", "rust", "meta"]
    assert [c.value for c in podcast_choices(PODCASTS, "meta")] == ["meta", "eng"]
    assert [c.value for c in podcast_choices(PODCASTS, "  RUST ")] == ["rust"]
    assert podcast_choices(PODCASTS, "kotlin") == []
    assert podcast_choices(PODCASTS, "st")[0].name == "Rustacean Station (rust)"


def test_a_hundred_podcasts_with_long_titles_fit_the_limits():
    many = [(f"show{n:03d}", "A podcast **title** " * 20) for n in range(100)]
    offered = podcast_choices(many, "")
    assert len(offered) == MAX_CHOICES
    assert all(len(c.name) <= MAX_CHOICE_NAME and c.name.endswith(f"({c.value})") for c in offered)
    assert podcast_choices([("bare", "")], "")[0].name == "bare"
