"""Words: splitting text the same way everywhere, and the feed's language (stop words, stems, numbers)."""
