"""podbot on shows it was never tuned on: known-item queries, never-covered refusals, topic sanity and
related-reason quality over real third-party feeds (issue 19).

The feeds are third-party files and never committed: `feeds.json` names each by repository, commit and
path, read from the mirror the search tool's `fetch` makes (or from `--feeds-dir`). The queries in
`queries.json` were written from reading each feed, before podbot answered them.
"""
