"""The Discord application: the bot, its embeds and views, and the runner; commands live in cogs/."""
