"""Measurements of podbot's speed and size (`make bench`); not tests, nothing here passes or fails."""
