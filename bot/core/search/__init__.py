"""Search: the index SQLite keeps, reading a listener's question, and ranking episodes for it."""
