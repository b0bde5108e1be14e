"""The demo desk: invented but UK-shaped people, advisers and incidents, made deterministically."""
