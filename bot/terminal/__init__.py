"""The terminal front end: the CLI, the console and plain-text rendering."""
