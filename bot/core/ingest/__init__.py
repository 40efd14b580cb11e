"""Ingestion: fetching feeds and the files they name within netguard's policy, and reading them into plain data."""
