"""Topics: their names and labels, topics inferred at sync time, and the answers /topic and related episodes give."""
