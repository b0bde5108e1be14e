"""The record services the CLI and the TUI both call, one module per kind of record (people,
advisers, incidents, events, organisations, contacts, casework, officers) plus the figures built
from them (caseload, dashboard, returns, monitoring).
"""
