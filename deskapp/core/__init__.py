"""Domain rules: pure functions and value types, no I/O and no Textual."""
