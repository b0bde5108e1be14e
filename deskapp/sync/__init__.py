"""Sync with the force hub (change capture, HLC merge, conflicts): see issue 4.

``run_sync`` and ``status`` are the service API the CLI and the TUI call.
"""

# The identity tables join the hub's schema wherever the hub is used (schema version 3).
from deskapp.sync import trust_tables  # noqa: F401
from deskapp.sync.conflicts import get_conflict, list_conflicts, resolve_conflict
from deskapp.sync.hub import open_hub
from deskapp.sync.hub_errors import HubError, HubSchemaError
from deskapp.sync.hub_url import parse_hub_url
from deskapp.sync.service import SyncProgress, SyncResult, SyncStatus, run_sync, status

__all__ = [
    "HubError",
    "HubSchemaError",
    "SyncProgress",
    "SyncResult",
    "SyncStatus",
    "get_conflict",
    "list_conflicts",
    "open_hub",
    "parse_hub_url",
    "resolve_conflict",
    "run_sync",
    "status",
]
