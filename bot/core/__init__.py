"""The core: feeds, chapters, notes, the store, sync and search. Never imports discord or argparse."""
