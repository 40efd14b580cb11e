"""podbot: answers questions about a podcast's episodes, on Discord and in the terminal."""

__version__ = "0.1.0"
