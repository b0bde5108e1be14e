"""Widgets of the desk TUI."""
