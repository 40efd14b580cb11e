"""Sync: one feed's fetch-parse-reconcile-write, companion feeds, identity of episodes, and the refresh schedule."""
